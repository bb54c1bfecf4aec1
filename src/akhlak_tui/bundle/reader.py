"""Open and verify a bundle for the merge: limits, archive structure, signature, payload hash, records.

Whole-bundle problems raise BundleRefused with a one-line reason, found before any record is
returned; a record that cannot be opened or parsed becomes a RecordFailure and the rest go on.
Memory stays bounded: the payload is streamed, one sealed record at a time.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Union

import nacl.exceptions
from nacl.public import PrivateKey
from nacl.signing import VerifyKey
from pydantic import ValidationError

from akhlak_tui.bundle.format import (
    DEFAULT_LIMITS,
    FORMAT,
    FORMAT_VERSION,
    FRAME_HEADER,
    MANIFEST_MEMBER,
    MEMBERS,
    PAYLOAD_MEMBER,
    SEAL_OVERHEAD,
    SIGNATURE_BYTES,
    SIGNATURE_CONTEXT,
    SIGNATURE_MEMBER,
    UNTAGGED_PAYLOAD_ENCODING,
    BundleLimits,
    Manifest,
    human_size,
)
from akhlak_tui.crypto.coordinator import CoordinatorKeys
from akhlak_tui.crypto.fingerprint import fingerprint, key_id
from akhlak_tui.crypto.records import OpenedRecord, RecordOpener, RecordUnreadable
from akhlak_tui.response import Response

CHUNK = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
END_SIGNATURE = b"PK\x05\x06"
END_RECORD = struct.Struct("<4s4H2LH")
MAX_DIRECTORY_BYTES = 4096
MAX_LISTED_MEMBERS = 8
NON_FINITE = re.compile(rb"NaN|Infinity")
"""A quick look for non-finite numbers; a match may be in a string, so the JSON is then parsed to be sure."""
# What zipfile raises on damaged archives besides BadZipFile (truncated headers, bad fields).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error, NotImplementedError, RuntimeError)


class BundleRefused(Exception):
    """The whole bundle is refused; `reason` is one line (the file name is not part of it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RecordFailure:
    """A record that could not be used: its 0-based index in the payload, its response id if known, why."""

    index: int
    response_id: str | None
    reason: str


BundleItem = Union[Response, RecordFailure]


def _check_end_record(handle: IO[bytes], size: int) -> None:
    """Read the zip's end record first: a few members, a small directory, nothing after it.

    Done before zipfile parses the central directory, so a directory claiming millions of
    entries costs nothing.
    """
    tail_size = min(size, END_RECORD.size + 65535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(END_SIGNATURE)
    if at < 0 or len(tail) - at < END_RECORD.size:
        raise BundleRefused("not a bundle: damaged zip archive (no end record)")
    _, disk, cd_disk, on_disk, entries, cd_size, _, comment = END_RECORD.unpack_from(tail, at)
    if disk or cd_disk or on_disk != entries:
        raise BundleRefused("not a bundle: a multi-part zip archive")
    if entries > MAX_LISTED_MEMBERS:  # fewer are named one by one below
        raise BundleRefused(f"archive has {entries} members; a bundle has exactly {len(MEMBERS)}")
    if cd_size > MAX_DIRECTORY_BYTES:
        raise BundleRefused(f"zip directory is {cd_size} bytes; the limit is {MAX_DIRECTORY_BYTES}")
    if at + END_RECORD.size + comment != len(tail) or comment:
        raise BundleRefused("not a bundle: data or a comment after the zip end record")
    handle.seek(0)


def _safe_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or ":" in name or name.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _check_members(archive: zipfile.ZipFile, limits: BundleLimits) -> dict[str, zipfile.ZipInfo]:
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = info.filename
        if not _safe_name(name):
            raise BundleRefused(f"member {name!r} has an unsafe name")
        if name in members:
            raise BundleRefused(f"member {name!r} appears twice")
        if name not in MEMBERS:
            raise BundleRefused(f"unexpected member {name!r} (a bundle holds exactly {', '.join(sorted(MEMBERS))})")
        if info.flag_bits & 0x1:
            raise BundleRefused(f"member {name!r} is zip-encrypted; bundle members are not")
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise BundleRefused(f"member {name!r} is compressed (method {info.compress_type}); bundle members are stored uncompressed")
        members[name] = info
    for name in MEMBERS:
        if name not in members:
            raise BundleRefused(f"member {name!r} is missing")
    size = members[MANIFEST_MEMBER].file_size
    if size > limits.max_manifest_bytes:
        raise BundleRefused(f"manifest is {human_size(size)}; the limit is {human_size(limits.max_manifest_bytes)}")
    if members[SIGNATURE_MEMBER].file_size != SIGNATURE_BYTES:
        raise BundleRefused(f"manifest.sig is {members[SIGNATURE_MEMBER].file_size} bytes; an Ed25519 signature is {SIGNATURE_BYTES}")
    size = members[PAYLOAD_MEMBER].file_size
    if size > limits.max_payload_bytes:
        raise BundleRefused(f"payload is {human_size(size)}; the limit is {human_size(limits.max_payload_bytes)}")
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise BundleRefused(f"member {info.filename!r} is not the size its directory entry states")
    return data


def _parse_manifest(data: bytes) -> Manifest:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleRefused("manifest is not UTF-8 JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BundleRefused(f"manifest: format is not {FORMAT!r}")
    if document.get("format_version") != FORMAT_VERSION:
        raise BundleRefused(f"manifest: format version {document.get('format_version')!r} is not supported (this akhlak reads {FORMAT_VERSION})")
    try:
        return Manifest.model_validate(document)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "manifest"
        raise BundleRefused(f"manifest: {where}: {first['msg']}") from None


def _verify_manifest(manifest_bytes: bytes, signature: bytes, manifest: Manifest) -> None:
    device_key = bytes.fromhex(manifest.device_public_key)
    if key_id(device_key) != manifest.device_id:
        raise BundleRefused(f"manifest: device id {manifest.device_id} does not belong to its public key")
    try:
        VerifyKey(device_key).verify(SIGNATURE_CONTEXT + manifest_bytes, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError):
        raise BundleRefused("manifest signature does not verify (altered, or not signed by the device it names)") from None


def _buffered(member: IO[bytes]) -> io.BufferedReader:
    """A zip member read through a C buffer: two small reads per record cost less than zipfile's own reads."""
    return io.BufferedReader(member, buffer_size=CHUNK)  # type: ignore[arg-type]


def _read_exact(stream: IO[bytes], size: int, digest: hashlib._Hash) -> int:
    """Read and hash up to `size` bytes in chunks; returns how many were there."""
    got = 0
    while got < size:
        block = stream.read(min(CHUNK, size - got))
        if not block:
            break
        digest.update(block)
        got += len(block)
    return got


def _check_payload(archive: zipfile.ZipFile, info: zipfile.ZipInfo, manifest: Manifest, limits: BundleLimits) -> None:
    """Hash the payload and check its framing, before any record is opened."""
    if manifest.payload.size != info.file_size:
        raise BundleRefused(f"payload is {info.file_size} bytes; the manifest says {manifest.payload.size}")
    if manifest.counts.records > limits.max_records:
        raise BundleRefused(f"manifest counts {manifest.counts.records} records; the limit is {limits.max_records}")
    digest = hashlib.sha256()
    problem: str | None = None
    frames = 0
    try:
        with _buffered(archive.open(info)) as payload:
            while problem is None:
                header = payload.read(FRAME_HEADER)
                digest.update(header)
                if not header:
                    break
                length = int.from_bytes(header, "big")
                if frames == manifest.counts.records:
                    problem = f"payload holds more records than the {manifest.counts.records} the manifest says"
                elif len(header) < FRAME_HEADER or length < SEAL_OVERHEAD or length > limits.max_record_bytes:
                    problem = f"payload framing: record {frames} has an impossible length {length}"
                elif _read_exact(payload, length, digest) < length:
                    problem = f"payload framing: record {frames} is truncated"
                frames += 1
            _read_exact(payload, info.file_size, digest)  # the rest after a framing problem, for the hash
    except ZIP_ERRORS as exc:
        raise BundleRefused(f"payload is damaged ({exc})") from None
    if digest.hexdigest() != manifest.payload.sha256:
        raise BundleRefused("payload hash mismatch (the payload was altered after signing)")
    if problem:
        raise BundleRefused(problem)
    if frames != manifest.counts.records:
        raise BundleRefused(f"payload holds {frames} records; the manifest says {manifest.counts.records}")


@dataclass
class OpenedBundle:
    """A verified bundle: its manifest, the SHA-256 of its file, and its records (iterate, or `records()`)."""

    path: Path
    manifest: Manifest
    bundle_hash: str
    size: int
    _opener: RecordOpener = field(repr=False)
    _stat: tuple[int, int] = field(repr=False)

    @property
    def device_fingerprint(self) -> str:
        return fingerprint(bytes.fromhex(self.manifest.device_public_key))

    def __iter__(self) -> Iterator[BundleItem]:
        return self.records()

    def records(self) -> Iterator[BundleItem]:
        """Each record as a Response, or a RecordFailure (index, response id if known, reason)."""
        for index, opened in self.opened_records():
            yield opened if isinstance(opened, RecordFailure) else self._record(index, opened.json)

    def opened_records(self) -> Iterator[tuple[int, OpenedRecord | RecordFailure]]:
        """Each record opened but not parsed: (index, its JSON and the zlib stream it came in), or a RecordFailure.

        The merge parses and checks the JSON itself, and stores the zlib stream as it came.
        """
        stat = self.path.stat()
        if (stat.st_size, stat.st_mtime_ns) != self._stat:
            raise BundleRefused("the file changed after it was verified")
        tagged = self.manifest.payload.encoding != UNTAGGED_PAYLOAD_ENCODING
        try:
            with zipfile.ZipFile(self.path) as archive, _buffered(archive.open(PAYLOAD_MEMBER)) as payload:
                for index in range(self.manifest.counts.records):
                    length = int.from_bytes(payload.read(FRAME_HEADER), "big")
                    try:
                        yield index, self._opener.open(payload.read(length), tagged=tagged)
                    except RecordUnreadable as exc:
                        yield index, RecordFailure(index, None, exc.reason)
        except ZIP_ERRORS as exc:
            raise BundleRefused(f"payload is damaged ({exc})") from None

    def binding_problem(self, survey_id: object, device_id: object, questionnaire_hash: object, status: object) -> str | None:
        """Why a record with these fields does not belong in this bundle (None: it does)."""
        m = self.manifest
        for what, got, expected in (
            ("survey", survey_id, m.survey_id),
            ("device", device_id, m.device_id),
            ("questionnaire hash", questionnaire_hash, m.questionnaire_hash),
        ):
            if got != expected:
                return f"{what} is {got}, but the bundle is for {expected}"
        if status not in ("submitted", "abandoned"):
            return f"status is {status}; only submitted and abandoned responses are bundled"
        return None

    def _record(self, index: int, plain: bytes) -> BundleItem:
        try:
            response = Response.model_validate_json(plain)
        except ValidationError as exc:
            return RecordFailure(index, _response_id(plain), f"not a valid response: {_first_error(exc)}")
        if NON_FINITE.search(plain) and _has_non_finite(plain):
            return RecordFailure(index, response.id, "holds NaN or Infinity, which JSON does not allow")
        problem = self.binding_problem(response.survey_id, response.device_id, response.questionnaire_hash, response.status)
        return response if problem is None else RecordFailure(index, response.id, problem)


def _first_error(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def _has_non_finite(plain: bytes) -> bool:
    """Whether the JSON holds a NaN or Infinity number (Python's json reads them; SQLite's JSON does not)."""

    def refuse(constant: str) -> None:
        raise ValueError(constant)

    try:
        json.loads(plain, parse_constant=refuse)
    except ValueError:
        return True
    return False


def _response_id(plain: bytes) -> str | None:
    try:
        value = json.loads(plain).get("id")
    except (ValueError, AttributeError, RecursionError):
        return None
    return value if isinstance(value, str) and len(value) <= 64 else None


def read_bundle(
    path: str | Path, *, coordinator: CoordinatorKeys | PrivateKey, limits: BundleLimits = DEFAULT_LIMITS
) -> OpenedBundle:
    """Verify a bundle file and return it, ready to iterate; BundleRefused (one-line reason) if not.

    Checked in this order, each before reading further: file size, zip structure and members
    (names, duplicates, compression, sizes), manifest format and fields, device id and manifest
    signature, the coordinator key the records are sealed to, payload size, hash and framing.
    """
    path = Path(path)
    box_key = coordinator.box_key if isinstance(coordinator, CoordinatorKeys) else coordinator
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise BundleRefused("no such file") from None
    except OSError as exc:
        raise BundleRefused(f"cannot read: {exc.strerror or exc}") from None
    if not path.is_file():
        raise BundleRefused("not a file")
    if stat.st_size > limits.max_file_bytes:
        raise BundleRefused(f"file is {human_size(stat.st_size)}; the limit is {human_size(limits.max_file_bytes)}")
    try:
        with open(path, "rb") as handle:
            if handle.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
                raise BundleRefused("not a bundle (not a zip archive)")
            _check_end_record(handle, stat.st_size)
            with zipfile.ZipFile(handle) as archive:
                members = _check_members(archive, limits)
                manifest_bytes = _read_member(archive, members[MANIFEST_MEMBER])
                signature = _read_member(archive, members[SIGNATURE_MEMBER])
                manifest = _parse_manifest(manifest_bytes)
                _verify_manifest(manifest_bytes, signature, manifest)
                ours = bytes(box_key.public_key)
                if manifest.coordinator_box_key != ours.hex():
                    raise BundleRefused(
                        f"sealed to coordinator key {fingerprint(bytes.fromhex(manifest.coordinator_box_key))}, "
                        f"not this coordinator's {fingerprint(ours)}"
                    )
                _check_payload(archive, members[PAYLOAD_MEMBER], manifest, limits)
            handle.seek(0)
            digest = hashlib.sha256()
            _read_exact(handle, stat.st_size, digest)
    except ZIP_ERRORS as exc:
        raise BundleRefused(f"not a bundle: damaged zip archive ({exc})") from None
    except OSError as exc:
        raise BundleRefused(f"cannot read: {exc.strerror or exc}") from None
    return OpenedBundle(
        path=path,
        manifest=manifest,
        bundle_hash=digest.hexdigest(),
        size=stat.st_size,
        _opener=RecordOpener(box_key),
        _stat=(stat.st_size, stat.st_mtime_ns),
    )
