"""Write a bundle: sealed records framed into the payload, a signed manifest, atomically and durably.

The one writer behind `akhlak export` and the demo/bench generators (which seal Response objects
directly with `seal_responses`, without a laptop store).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from akhlak_tui import __version__
from akhlak_tui.active import ActiveSurvey
from akhlak_tui.bundle.format import (
    DEFAULT_LIMITS,
    FORMAT,
    FORMAT_VERSION,
    FRAME_HEADER,
    MANIFEST_MEMBER,
    PARTIAL_SUFFIX,
    PAYLOAD_ENCODING,
    PAYLOAD_MEMBER,
    SIGNATURE_CONTEXT,
    SIGNATURE_MEMBER,
    BundleLimits,
    Counts,
    Manifest,
    PayloadInfo,
    TimeRange,
    bundle_file_name,
    human_size,
)
from akhlak_tui.crypto.device import Device
from akhlak_tui.crypto.records import record_sealer
from akhlak_tui.files import fsync_directory
from akhlak_tui.response import Response, utc_now

Progress = Callable[[int, int], None]
PROGRESS_CALLS = 100
"""At most about this many progress calls per bundle (each may cost a round trip to the UI thread)."""


class BundleWriteError(Exception):
    """A bundle that cannot be written (nothing to write, over a limit, an I/O problem)."""


@dataclass(frozen=True)
class SealedRecord:
    """One response sealed to the coordinator, with the few clear fields the manifest summarises."""

    response_id: str
    status: str
    created_at: str
    updated_at: str
    sealed: bytes


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    manifest: Manifest
    bundle_hash: str
    identity: str
    """The bundle's signed identity: the SHA-256 of its signed manifest (`bundle.reader.bundle_identity`)."""


def seal_responses(responses: Iterable[Response], survey: ActiveSurvey) -> list[SealedRecord]:
    """Seal responses (canonical JSON) to the survey's coordinator, as a laptop does on submit."""
    if survey.coordinator_box_key is None:
        raise BundleWriteError("practice responses are never exported")
    seal = record_sealer(survey.coordinator_box_key)
    return [SealedRecord(r.id, r.status, r.created_at, r.updated_at, seal(r.canonical_json().encode("utf-8"))) for r in responses]


def manifest_day(time: str) -> str:
    """The UTC day of an ISO 8601 time, as midnight (`2026-11-24T00:00:00Z`): all a manifest says of a time.

    Anyone holding the stick can read the manifest; exact times there would tell when a respondent
    started and submitted (a kiosk bundle of one response), so the manifest and the ZIP member
    times carry only the day. The exact times stay inside the sealed records.
    """
    match = re.match(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$", time)
    if match is None:
        raise BundleWriteError(f"{time!r:.40} is not an ISO 8601 time")
    moment = datetime.fromisoformat(match[1] + ("+00:00" if match[2] == "Z" else match[2]))
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT00:00:00Z")


def _day_range(records: Sequence[SealedRecord]) -> tuple[str, str]:
    """The days of the earliest `created_at` and the latest `updated_at` of the records."""
    created, updated = [r.created_at for r in records], [r.updated_at for r in records]
    if all(t.endswith("Z") for t in created) and all(t.endswith("Z") for t in updated):
        # Laptops write UTC times ending in Z, whose days order as text: two conversions, not 200,000.
        return manifest_day(min(created)), manifest_day(max(updated))
    return min(map(manifest_day, created)), max(map(manifest_day, updated))


def _zip_info(name: str, day: str) -> zipfile.ZipInfo:
    date = tuple(int(part) for part in re.findall(r"\d+", day)[:6])
    info = zipfile.ZipInfo(name, date_time=date)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16
    return info


def fitting_count(records: Sequence[SealedRecord], limits: BundleLimits = DEFAULT_LIMITS) -> int:
    """How many of `records`, from the first, fit in one bundle; BundleWriteError if one alone is too large."""
    total = 0
    for count, record in enumerate(records):
        if len(record.sealed) > limits.max_record_bytes:
            raise BundleWriteError(
                f"response {record.response_id} is {human_size(len(record.sealed))} sealed; the limit is {human_size(limits.max_record_bytes)}"
            )
        total += FRAME_HEADER + len(record.sealed)
        if count == limits.max_records or total > limits.max_payload_bytes:
            return count
    return len(records)


def write_bundle(
    out_dir: Path,
    *,
    device: Device,
    survey: ActiveSurvey,
    sequence: int,
    records: Sequence[SealedRecord],
    include_all: bool = False,
    created_at: str | None = None,
    progress: Progress | None = None,
    limits: BundleLimits = DEFAULT_LIMITS,
    enrolment: str | None = None,
) -> WrittenBundle:
    """Write `records` as the bundle `sequence` of `device` into `out_dir`; returns its path and manifest.

    Written to a hidden `.partial` name, fsynced, then renamed: the final name only ever holds a
    complete bundle. A failure removes the partial file. `enrolment` is the device's enrolment for
    the survey (the signed file's text), carried in the manifest.
    """
    if survey.survey_id is None or survey.coordinator_box_key is None:
        raise BundleWriteError("practice responses are never exported")
    if not records:
        raise BundleWriteError("no records to write")
    bad = [r.status for r in records if r.status not in ("submitted", "abandoned")]
    if bad:
        raise BundleWriteError(f"only submitted and abandoned responses are bundled, not {bad[0]}")
    if fitting_count(records, limits) < len(records):
        raise BundleWriteError(
            f"{len(records)} records do not fit in one bundle (limits: {limits.max_records} records, {human_size(limits.max_payload_bytes)})"
        )
    created_at = manifest_day(created_at or utc_now())
    first, last = _day_range(records)
    out_dir = Path(out_dir)
    final = out_dir / bundle_file_name(survey.survey_id, device.id, sequence)
    partial = out_dir / f".{final.name}{PARTIAL_SUFFIX}"
    q = survey.questionnaire
    try:
        with open(partial, "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
                payload_hash = hashlib.sha256()
                size = 0
                step = max(1, len(records) // PROGRESS_CALLS)
                with archive.open(_zip_info(PAYLOAD_MEMBER, created_at), "w") as payload:
                    for done, record in enumerate(records, start=1):
                        frame = len(record.sealed).to_bytes(FRAME_HEADER, "big") + record.sealed
                        payload.write(frame)
                        payload_hash.update(frame)
                        size += len(frame)
                        if progress is not None and (done % step == 0 or done == len(records)):
                            progress(done, len(records))
                abandoned = sum(1 for r in records if r.status == "abandoned")
                manifest = Manifest(
                    format=FORMAT,
                    format_version=FORMAT_VERSION,
                    created_at=created_at,
                    app_version=__version__,
                    survey_id=survey.survey_id,
                    questionnaire_id=q.id,
                    questionnaire_version=q.version,
                    questionnaire_hash=q.content_hash,
                    coordinator_box_key=survey.coordinator_box_key.hex(),
                    device_id=device.id,
                    device_public_key=device.public_key.hex(),
                    sequence=sequence,
                    include_all=include_all,
                    time_range=TimeRange(first=first, last=last),
                    counts=Counts(records=len(records), submitted=len(records) - abandoned, abandoned=abandoned),
                    payload=PayloadInfo(member=PAYLOAD_MEMBER, encoding=PAYLOAD_ENCODING, size=size, sha256=payload_hash.hexdigest()),
                    enrolment=enrolment,
                )
                manifest_bytes = json.dumps(manifest.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
                signature = device.signing_key.sign(SIGNATURE_CONTEXT + manifest_bytes).signature
                archive.writestr(_zip_info(MANIFEST_MEMBER, created_at), manifest_bytes)
                archive.writestr(_zip_info(SIGNATURE_MEMBER, created_at), signature)
            handle.flush()
            os.fsync(handle.fileno())
        bundle_hash = file_sha256(partial)
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    fsync_directory(out_dir)
    return WrittenBundle(path=final, manifest=manifest, bundle_hash=bundle_hash, identity=hashlib.sha256(manifest_bytes).hexdigest())


def file_sha256(path: Path, chunk: int = 1024 * 1024) -> str:
    """SHA-256 (hex) of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
