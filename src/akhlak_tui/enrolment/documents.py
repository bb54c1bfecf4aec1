"""Enrolment requests (signed by a laptop's device key) and enrolments (signed by the coordinator).

Both are small JSON files with the envelope of survey packages, `{"format", "format_version",
"body", "signature"}`, the signature made over a context string, a 0 byte and the UTF-8 bytes of
`body` (a JSON object given as text). docs/bundle-format.md, "Enrolment", is the reference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nacl.exceptions
from nacl.signing import SigningKey, VerifyKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from akhlak_tui.crypto.envelope import open_envelope
from akhlak_tui.crypto.fingerprint import fingerprint, key_id
from akhlak_tui.files import read_small_file

REQUEST_FORMAT = "akhlak-enrolment-request"
ENROLMENT_FORMAT = "akhlak-enrolment"
FORMAT_VERSION = 1
REQUEST_CONTEXT = b"akhlak-enrolment-request/1\x00"
ENROLMENT_CONTEXT = b"akhlak-enrolment/1\x00"
REQUEST_SUFFIX = ".akhlak-request"
ENROLMENT_SUFFIX = ".akhlak-enrolment"
MAX_DOCUMENT_BYTES = 16 * 1024
MAX_NAME = 80
ISO_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$"


class EnrolmentError(ValueError):
    """A request or enrolment that cannot be read or trusted; the message is one line naming the file."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    survey_id: str = Field(pattern=r"^[a-z2-7]{16}$")
    device_id: str = Field(pattern=r"^[A-Z2-7]{8}$")
    device_public_key: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str = Field(min_length=1, max_length=MAX_NAME, pattern=r"^[^\x00-\x1f\x7f-\x9f]+$")
    """The laptop's name as the enumerator typed it (no control characters)."""

    @property
    def device_fingerprint(self) -> str:
        return fingerprint(bytes.fromhex(self.device_public_key))


class RequestBody(_Body):
    """What a laptop asks the coordinator to approve."""

    requested_at: str = Field(pattern=ISO_PATTERN)
    coordinator_fingerprint: str = Field(max_length=40)
    """Of the coordinator whose survey package the laptop installed (the approver checks it is its own)."""


class EnrolmentBody(_Body):
    """The coordinator's approval of one device key for one survey."""

    approved_at: str = Field(pattern=ISO_PATTERN)
    coordinator_signing_key: str = Field(pattern=r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Signed:
    """A verified document: its body, and the exact bytes of its file (kept and carried as they are)."""

    body: RequestBody | EnrolmentBody
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


def _envelope(fmt: str, context: bytes, body: BaseModel, key: SigningKey) -> bytes:
    text = body.model_dump_json()
    signature = key.sign(context + text.encode("utf-8")).signature
    return (json.dumps({"format": fmt, "format_version": FORMAT_VERSION, "body": text, "signature": signature.hex()}, indent=1) + "\n").encode("utf-8")


def sign_request(body: RequestBody, device_key: SigningKey) -> Signed:
    """A request signed by the laptop's device key (which must be the key the body names)."""
    if bytes(device_key.verify_key).hex() != body.device_public_key:
        raise ValueError("a request is signed by the device key it names")
    return Signed(body, _envelope(REQUEST_FORMAT, REQUEST_CONTEXT, body, device_key))


def sign_enrolment(body: EnrolmentBody, coordinator_key: SigningKey) -> Signed:
    """An enrolment signed by the coordinator's signing key (which must be the key the body names)."""
    if bytes(coordinator_key.verify_key).hex() != body.coordinator_signing_key:
        raise ValueError("an enrolment is signed by the coordinator key it names")
    return Signed(body, _envelope(ENROLMENT_FORMAT, ENROLMENT_CONTEXT, body, coordinator_key))


def _first_error(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return f"{where}: {first['msg']}"


def _parse(data: bytes, label: str, fmt: str, context: bytes, model: type[_Body], what: str) -> tuple[_Body, bytes, str]:
    """The body, signature and body text of a document, its shape checked (not yet its signature)."""
    text, signature = open_envelope(
        data, label, fmt=fmt, version=FORMAT_VERSION, max_bytes=MAX_DOCUMENT_BYTES, error=EnrolmentError, what=what
    )
    try:
        body = model.model_validate_json(text)
    except ValidationError as exc:
        raise EnrolmentError(f"{label}: body: {_first_error(exc)}") from None
    if key_id(bytes.fromhex(body.device_public_key)) != body.device_id:
        raise EnrolmentError(f"{label}: device id {body.device_id} is not the id of the device key it names")
    return body, signature, text


def _verify(key_hex: str, context: bytes, text: str, signature: bytes, label: str, what: str) -> None:
    try:
        VerifyKey(bytes.fromhex(key_hex)).verify(context + text.encode("utf-8"), signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, nacl.exceptions.TypeError):
        raise EnrolmentError(f"{label}: the signature does not verify: the {what} was altered or not signed by its key") from None


def read_request(data: bytes, label: str) -> Signed:
    """A request whose signature by the device key it names verifies; EnrolmentError (one line) if not."""
    body, signature, text = _parse(data, label, REQUEST_FORMAT, REQUEST_CONTEXT, RequestBody, "enrolment request")
    _verify(body.device_public_key, REQUEST_CONTEXT, text, signature, label, "request")
    return Signed(body, data)


def read_enrolment(data: bytes, label: str, *, coordinator_signing_key: bytes | None = None) -> Signed:
    """An enrolment whose signature verifies, by `coordinator_signing_key` when given; EnrolmentError if not."""
    body, signature, text = _parse(data, label, ENROLMENT_FORMAT, ENROLMENT_CONTEXT, EnrolmentBody, "enrolment")
    assert isinstance(body, EnrolmentBody)
    if coordinator_signing_key is not None and body.coordinator_signing_key != coordinator_signing_key.hex():
        raise EnrolmentError(
            f"{label}: signed by coordinator key {fingerprint(bytes.fromhex(body.coordinator_signing_key))}, "
            f"not this coordinator's {fingerprint(coordinator_signing_key)}"
        )
    _verify(body.coordinator_signing_key, ENROLMENT_CONTEXT, text, signature, label, "enrolment")
    return Signed(body, data)


def read_document_file(path: Path) -> bytes:
    """The bytes of a request or enrolment file; EnrolmentError (one line naming it) if it cannot be read."""
    return read_small_file(path, MAX_DOCUMENT_BYTES, EnrolmentError)


def document_name(survey_id: str, device_id: str, suffix: str) -> str:
    """`survey-<id>_device-<id>.akhlak-request` (or `.akhlak-enrolment`): each laptop finds its own on a shared stick."""
    return f"survey-{survey_id}_device-{device_id}{suffix}"
