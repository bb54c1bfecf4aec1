"""The bundle format's constants, size limits, manifest model and file name (docs/bundle-format.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

FORMAT = "akhlak-bundle"
FORMAT_VERSION = 1
SUFFIX = ".akhlak-bundle"
PARTIAL_SUFFIX = ".partial"
MANIFEST_MEMBER = "manifest.json"
SIGNATURE_MEMBER = "manifest.sig"
PAYLOAD_MEMBER = "payload.bin"
MEMBERS = (PAYLOAD_MEMBER, MANIFEST_MEMBER, SIGNATURE_MEMBER)
PAYLOAD_ENCODING = "sealed-records-v2"
"""Each record starts with its kind byte (akhlak_tui.crypto.records); written now."""
UNTAGGED_PAYLOAD_ENCODING = "sealed-records-v1"
"""Records are crypto_box_seal boxes with no kind byte: bundles of version 0.1 laptops, still read."""
SIGNATURE_CONTEXT = b"akhlak-bundle-manifest/1\x00"
FRAME_HEADER = 4  # big-endian unsigned length before each sealed record
SEAL_OVERHEAD = 48  # the shortest record of either encoding: X25519 ephemeral public key (32) + Poly1305 tag (16)

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class BundleLimits:
    """Upper bounds on every part of a bundle; a reader refuses anything larger before reading it."""

    max_file_bytes: int = 1 * GiB
    max_manifest_bytes: int = 64 * KiB
    max_payload_bytes: int = 1 * GiB - 1 * MiB
    max_records: int = 100_000
    max_record_bytes: int = 1 * MiB
    """Of one sealed record, framing excluded."""


DEFAULT_LIMITS = BundleLimits()

SIGNATURE_BYTES = 64
ISO_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$"


class Counts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: int = Field(ge=1)
    submitted: int = Field(ge=0)
    abandoned: int = Field(ge=0)

    @model_validator(mode="after")
    def _sum(self) -> Counts:
        if self.submitted + self.abandoned != self.records:
            raise ValueError("submitted + abandoned must equal records")
        return self


class TimeRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first: str = Field(pattern=ISO_PATTERN)
    """The earliest `created_at` of the records."""
    last: str = Field(pattern=ISO_PATTERN)
    """The latest `updated_at` of the records."""


class PayloadInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member: str = Field(pattern=f"^{re.escape(PAYLOAD_MEMBER)}$")
    encoding: str = Field(pattern=f"^({PAYLOAD_ENCODING}|{UNTAGGED_PAYLOAD_ENCODING})$")
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Manifest(BaseModel):
    """What a bundle holds and who made it; signed by the device key it names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = Field(pattern=f"^{FORMAT}$")
    format_version: int
    created_at: str = Field(pattern=ISO_PATTERN)
    app_version: str = Field(max_length=32)
    survey_id: str = Field(pattern=r"^[a-z2-7]{16}$")
    questionnaire_id: str = Field(max_length=64)
    questionnaire_version: str = Field(max_length=32)
    questionnaire_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    coordinator_box_key: str = Field(pattern=r"^[0-9a-f]{64}$")
    """The X25519 public key every record is sealed to."""
    device_id: str = Field(pattern=r"^[A-Z2-7]{8}$")
    device_public_key: str = Field(pattern=r"^[0-9a-f]{64}$")
    sequence: int = Field(ge=1, le=2**53)
    include_all: bool
    """True when the device re-exported everything (`--all`), not only what was new."""
    time_range: TimeRange
    counts: Counts
    payload: PayloadInfo
    enrolment: str | None = Field(default=None, max_length=16 * KiB)
    """The laptop's enrolment for the survey (the coordinator-signed file's text), when it has one; absent otherwise."""


def bundle_file_name(survey_id: str, device_id: str, sequence: int) -> str:
    """`survey-<id>_device-<id>_seq-000001.akhlak-bundle`: survey, device and sequence at a glance."""
    return f"survey-{survey_id}_device-{device_id}_seq-{sequence:06d}{SUFFIX}"


def human_size(size: int) -> str:
    """Bytes in the largest fitting unit, e.g. `3.0 GiB`."""
    for unit, factor in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"


def over_limit(size: int, limit: int) -> str:
    """`<size>; the limit is <limit>` for a size above its limit, in units that show the difference.

    `3.0 GiB; the limit is 1.0 GiB`, but `65,537 bytes; the limit is 65,536 bytes (64 KiB)`: where both
    round to the same figure, the exact byte counts are given.
    """
    shown, limit_shown = human_size(size), human_size(limit)
    if shown != limit_shown:
        return f"{shown}; the limit is {limit_shown}"
    return f"{size:,} bytes; the limit is {limit:,} bytes ({limit_shown})"
