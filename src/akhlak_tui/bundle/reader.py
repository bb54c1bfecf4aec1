"""Open and verify a bundle for the merge: limits, archive structure, signature, payload hash, records.

Whole-bundle problems raise BundleRefused with a one-line reason, found before any record is
returned; a record that cannot be opened or parsed becomes a RecordFailure and the rest go on.
Memory stays bounded: the payload is streamed, one sealed record at a time.

Only verified bytes are returned: the file is opened once (only if it is a regular file), and the
records are read from that open file while their bytes are hashed again; if what was read is not
the signed payload, the iteration ends in BundleRefused, so a reader that commits nothing before
the iteration ends never keeps a byte that the signature did not cover. A bundle's identity
(`bundle_hash`) is the SHA-256 of its signed manifest, not of the zip container around it.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Union

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
    over_limit,
)
from akhlak_tui.crypto.coordinator import CoordinatorKeys
from akhlak_tui.crypto.fingerprint import fingerprint, key_id
from akhlak_tui.crypto.records import OpenedRecord, RecordOpener, RecordUnreadable
from akhlak_tui.files import NotARegularFile, open_regular_file
from akhlak_tui.response import Response

CHUNK = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
END_SIGNATURE = b"PK\x05\x06"
END_RECORD = struct.Struct("<4s4H2LH")
MAX_DIRECTORY_BYTES = 4096
MAX_LISTED_MEMBERS = 8
MAX_MANIFEST_DIGITS = 32
"""A manifest's integers fit in 16 digits; longer ones are refused before Python converts them."""
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
        if info.compress_type != zipfile.ZIP_STORED:
            raise BundleRefused(f"member {name!r} is compressed (method {info.compress_type}); bundle members are stored uncompressed")
        if info.compress_size != info.file_size:
            raise BundleRefused(
                f"member {name!r} is stored, but its directory entry gives two sizes "
                f"({info.compress_size} bytes stored, {info.file_size} bytes uncompressed)"
            )
        members[name] = info
    for name in MEMBERS:
        if name not in members:
            raise BundleRefused(f"member {name!r} is missing")
    size = members[MANIFEST_MEMBER].file_size
    if size > limits.max_manifest_bytes:
        raise BundleRefused(f"manifest is {over_limit(size, limits.max_manifest_bytes)}")
    if members[SIGNATURE_MEMBER].file_size != SIGNATURE_BYTES:
        raise BundleRefused(f"manifest.sig is {members[SIGNATURE_MEMBER].file_size} bytes; an Ed25519 signature is {SIGNATURE_BYTES}")
    size = members[PAYLOAD_MEMBER].file_size
    if size > limits.max_payload_bytes:
        raise BundleRefused(f"payload is {over_limit(size, limits.max_payload_bytes)}")
    return members


class _LongNumber(ValueError):
    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _manifest_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_MANIFEST_DIGITS:
        raise _LongNumber(len(text.lstrip("-")))
    return int(text)


def _parse_manifest(data: bytes) -> Manifest:
    try:
        document = json.loads(data.decode("utf-8"), parse_int=_manifest_int)
    except _LongNumber as exc:
        raise BundleRefused(f"manifest holds a number of {exc.digits:,} digits; its numbers have at most 16") from None
    except RecursionError:
        raise BundleRefused("manifest is nested too deeply to be a manifest (its objects are two levels deep)") from None
    except (UnicodeDecodeError, ValueError):
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


class _Hashed(io.RawIOBase):
    """A zip member whose bytes are hashed as they are read from it (in the buffer's large blocks, not record by record)."""

    def __init__(self, member: IO[bytes], digest: hashlib._Hash) -> None:
        super().__init__()
        self._member = member
        self._digest = digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        got = self._member.readinto(buffer)  # type: ignore[attr-defined]
        self._digest.update(memoryview(buffer)[:got])
        return got  # type: ignore[no-any-return]

    def close(self) -> None:
        self._member.close()
        super().close()


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
    except OSError as exc:
        raise BundleRefused(f"cannot read: {exc.strerror or exc}") from None
    if digest.hexdigest() != manifest.payload.sha256:
        raise BundleRefused("payload hash mismatch (the payload was altered after signing)")
    if problem:
        raise BundleRefused(problem)
    if frames != manifest.counts.records:
        raise BundleRefused(f"payload holds {frames} records; the manifest says {manifest.counts.records}")


@dataclass
class OpenedBundle:
    """A verified bundle: its manifest, its identity, and its records (iterate, or `records()`).

    It holds the file open from verification to the end of its records (`close()`, or the end of
    the iteration, closes it). The records are read from that open file and hashed again as they
    are read: the iteration ends in BundleRefused if the bytes read are not the signed payload
    (the file was rewritten after it was verified), so nothing taken from an iteration that did
    not end normally may be kept.
    """

    path: Path
    manifest: Manifest
    bundle_hash: str
    """The bundle's identity: SHA-256 (hex) of its signed manifest.json (the same however the zip around it is made)."""
    size: int
    _opener: RecordOpener = field(repr=False)
    _archive: zipfile.ZipFile = field(repr=False)
    _payload: zipfile.ZipInfo = field(repr=False)
    _limits: BundleLimits = field(repr=False, default=DEFAULT_LIMITS)

    @property
    def device_fingerprint(self) -> str:
        return fingerprint(bytes.fromhex(self.manifest.device_public_key))

    def close(self) -> None:
        """Close the file (the records can no longer be read)."""
        handle = self._archive.fp
        self._archive.close()
        if handle is not None:
            handle.close()

    def __enter__(self) -> OpenedBundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[BundleItem]:
        return self.records()

    def records(self) -> Iterator[BundleItem]:
        """Each record as a Response, or a RecordFailure (index, response id if known, reason)."""
        for index, opened in self.opened_records():
            yield opened if isinstance(opened, RecordFailure) else self._record(index, opened.json)

    def opened_records(self) -> Iterator[tuple[int, OpenedRecord | RecordFailure]]:
        """Each record opened but not parsed: (index, its JSON and the zlib stream it came in), or a RecordFailure.

        The merge parses and checks the JSON itself, and stores the zlib stream as it came. The
        payload's bytes are hashed as they are read; BundleRefused at the end (or on the way, if
        the framing no longer holds) when they are not the payload the signed manifest names.
        """
        tagged = self.manifest.payload.encoding != UNTAGGED_PAYLOAD_ENCODING
        digest = hashlib.sha256()
        changed = "the file changed after it was verified: the payload read is not the signed one"
        max_length = self._limits.max_record_bytes
        try:
            # every byte parsed below comes through the hashing reader: what is parsed is what is hashed
            with _buffered(_Hashed(self._archive.open(self._payload), digest)) as payload:
                for index in range(self.manifest.counts.records):
                    header = payload.read(FRAME_HEADER)
                    length = int.from_bytes(header, "big")
                    if len(header) < FRAME_HEADER or not SEAL_OVERHEAD <= length <= max_length:
                        raise BundleRefused(f"{changed} (record {index} has length {length})")
                    sealed = payload.read(length)
                    if len(sealed) < length:
                        raise BundleRefused(f"{changed} (record {index} is truncated)")
                    try:
                        yield index, self._opener.open(sealed, tagged=tagged)
                    except RecordUnreadable as exc:
                        yield index, RecordFailure(index, None, exc.reason)
                if payload.read(1):
                    raise BundleRefused(f"{changed} (more bytes after the last record)")
        except ZIP_ERRORS as exc:
            raise BundleRefused(f"payload is damaged ({exc})") from None
        except OSError as exc:
            raise BundleRefused(f"cannot read: {exc.strerror or exc}") from None
        finally:
            self.close()
        if digest.hexdigest() != self.manifest.payload.sha256:
            raise BundleRefused(changed)

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


def _open_file(path: Path) -> tuple[IO[bytes], int]:
    """The open file and its size, if it is a regular file; BundleRefused (why not) otherwise."""
    try:
        handle, status = open_regular_file(path)
    except NotARegularFile as exc:
        raise BundleRefused(f"{exc.kind}, not a bundle file") from None
    except FileNotFoundError:
        raise BundleRefused("a symbolic link to nothing" if path.is_symlink() else "no such file") from None
    except OSError as exc:
        raise BundleRefused(f"cannot read: {exc.strerror or exc}") from None
    return handle, status.st_size


def read_bundle(
    path: str | Path, *, coordinator: CoordinatorKeys | PrivateKey, limits: BundleLimits = DEFAULT_LIMITS
) -> OpenedBundle:
    """Verify a bundle file and return it, open and ready to iterate; BundleRefused (one-line reason) if not.

    Checked in this order, each before reading further: a regular file (never a FIFO, socket or
    device, which are refused without reading), file size, zip structure and members (names,
    duplicates, compression, sizes), manifest format and fields, device id and manifest
    signature, the coordinator key the records are sealed to, payload size, hash and framing.
    """
    path = Path(path)
    box_key = coordinator.box_key if isinstance(coordinator, CoordinatorKeys) else coordinator
    handle, size = _open_file(path)
    try:
        archive, manifest_bytes, manifest, payload = _verify(handle, size, bytes(box_key.public_key), limits)
    except BaseException:
        handle.close()
        raise
    return OpenedBundle(
        path=path,
        manifest=manifest,
        bundle_hash=hashlib.sha256(manifest_bytes).hexdigest(),
        size=size,
        _opener=RecordOpener(box_key),
        _archive=archive,
        _payload=payload,
        _limits=limits,
    )


def _verify(handle: IO[bytes], size: int, ours: bytes, limits: BundleLimits) -> tuple[zipfile.ZipFile, bytes, Manifest, zipfile.ZipInfo]:
    """read_bundle's checks on the open file: the archive (left open), the manifest's bytes, the manifest, the payload member."""
    if size == 0:
        raise BundleRefused("empty file")
    if size > limits.max_file_bytes:
        raise BundleRefused(f"file is {over_limit(size, limits.max_file_bytes)}")
    try:
        if handle.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
            raise BundleRefused("not a bundle (not a zip archive)")
        _check_end_record(handle, size)
        archive = zipfile.ZipFile(handle)
    except ZIP_ERRORS as exc:
        raise BundleRefused(f"not a bundle: damaged zip archive ({exc})") from None
    except OSError as exc:
        raise BundleRefused(f"cannot read: {exc.strerror or exc}") from None
    try:
        members = _check_members(archive, limits)
        manifest_bytes = _read_member(archive, members[MANIFEST_MEMBER])
        signature = _read_member(archive, members[SIGNATURE_MEMBER])
        manifest = _parse_manifest(manifest_bytes)
        _verify_manifest(manifest_bytes, signature, manifest)
        if manifest.coordinator_box_key != ours.hex():
            raise BundleRefused(
                f"sealed to coordinator key {fingerprint(bytes.fromhex(manifest.coordinator_box_key))}, "
                f"not this coordinator's {fingerprint(ours)}"
            )
        _check_payload(archive, members[PAYLOAD_MEMBER], manifest, limits)
    except BaseException:
        archive.close()
        raise
    return archive, manifest_bytes, manifest, members[PAYLOAD_MEMBER]


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except ZIP_ERRORS as exc:
        raise BundleRefused(f"member {info.filename!r} is damaged ({exc})") from None
    except OSError as exc:
        raise BundleRefused(f"cannot read: {exc.strerror or exc}") from None
    if len(data) != info.file_size:
        raise BundleRefused(f"member {info.filename!r} is not the size its directory entry states")
    return data


def bundle_identity(path: str | Path, limits: BundleLimits = DEFAULT_LIMITS) -> str | None:
    """The identity (`OpenedBundle.bundle_hash`) of the manifest a file holds, read leniently; None if there is none.

    For recognising a bundle merged before in another wrapping (bytes in front of the zip,
    members in another order, the manifest deflated): nothing is verified, so use it only to
    look up identities of bundles verified and merged before (equal manifest bytes were signed).
    Reading stays bounded: a regular file within the size limit, a small zip directory, and at
    most the manifest's size limit inflated.
    """
    opened = _open_within_limit(path, limits)
    if opened is None:
        return None
    handle, size = opened
    try:
        with handle:
            _check_end_record(handle, size)
            with zipfile.ZipFile(handle) as archive:
                info = archive.getinfo(MANIFEST_MEMBER)
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
                    return None
                with archive.open(info) as member:
                    data = member.read(limits.max_manifest_bytes + 1)
    except (BundleRefused, KeyError, OSError, zlib.error, *ZIP_ERRORS):
        return None
    return hashlib.sha256(data).hexdigest() if len(data) <= limits.max_manifest_bytes else None


def regular_file_sha256(path: str | Path, limits: BundleLimits = DEFAULT_LIMITS) -> str | None:
    """SHA-256 of a regular file within the bundle size limit (None for anything else): to log a refused file by."""
    opened = _open_within_limit(path, limits)
    if opened is None:
        return None
    handle, size = opened
    digest = hashlib.sha256()
    try:
        with handle:
            _read_exact(handle, size, digest)
    except OSError:
        return None
    return digest.hexdigest()


def _open_within_limit(path: str | Path, limits: BundleLimits) -> tuple[IO[bytes], int] | None:
    """The open file and its size if it is a regular file, not empty and within the size limit; else None."""
    try:
        handle, size = _open_file(Path(path))
    except BundleRefused:
        return None
    if 0 < size <= limits.max_file_bytes:
        return handle, size
    handle.close()
    return None
