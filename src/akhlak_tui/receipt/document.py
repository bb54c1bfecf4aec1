"""The receipt document: what a coordinator signs to tell one laptop which of its responses arrived.

File format (JSON, UTF-8), as survey packages:

    {"format": "akhlak-receipt", "format_version": 1,
     "body": "<JSON text of the body>", "signature": "<Ed25519 signature, hex>"}

The signature is over SIGNATURE_CONTEXT + the UTF-8 bytes of `body`, made with the coordinator's
signing key. The body names no key: a laptop verifies it with the key it pinned when it
installed the survey the receipt names, so a receipt signed by anyone else never verifies.
`body` must be the canonical form of its content (pydantic's compact JSON, in field order), so
one receipt has one byte form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import nacl.exceptions
from nacl.signing import SigningKey, VerifyKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from akhlak_tui.bundle.format import DEFAULT_LIMITS
from akhlak_tui.crypto.envelope import open_envelope
from akhlak_tui.survey.package import SURVEY_ID_PATTERN

RECEIPT_FORMAT = "akhlak-receipt"
RECEIPT_VERSION = 1
RECEIPT_SUFFIX = ".akhlak-receipt"
SIGNATURE_CONTEXT = b"akhlak-receipt/1\x00"
MAX_RECEIPT_BUNDLES = 10_000
MAX_RECEIPT_RESPONSES = 500_000
MAX_RECEIPT_BYTES = 32 * 1024 * 1024
"""500,000 response ids (39 bytes each in the escaped body) and their bundles fit well within this."""
RESPONSE_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
DEVICE_ID_PATTERN = r"^[A-Z2-7]{8}$"
ISO_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$"
_RESPONSE_ID = re.compile(RESPONSE_ID_PATTERN)

SigningKeyLookup = Callable[[str], bytes]
"""The coordinator's pinned signing key (32 bytes) of a survey id; raises ReceiptError if there is none."""


class ReceiptError(Exception):
    """A receipt that cannot be made, read or trusted; the message is one line naming the file.

    `kind` says why, for a message in the user's language: "altered" (the signature does not
    verify), "other_laptop", "not_installed" (its survey is not on this laptop) or "unreadable".
    """

    def __init__(self, message: str, kind: str = "unreadable") -> None:
        super().__init__(message)
        self.kind = kind


class ReceivedBundle(BaseModel):
    """One bundle merged from the device: its signed identity, sequence, when, and the responses stored from it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    identity: str = Field(pattern=r"^[0-9a-f]{64}$")
    sequence: int = Field(ge=1, le=10**9)
    merged_at: str = Field(pattern=ISO_PATTERN)
    responses: tuple[str, ...] = Field(max_length=DEFAULT_LIMITS.max_records)


class Receipt(BaseModel):
    """The signed body: survey, device, when issued, and per bundle the response ids the merged database holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    survey_id: str = Field(pattern=SURVEY_ID_PATTERN)
    device_id: str = Field(pattern=DEVICE_ID_PATTERN)
    issued_at: str = Field(pattern=ISO_PATTERN)
    bundles: tuple[ReceivedBundle, ...] = Field(min_length=1, max_length=MAX_RECEIPT_BUNDLES)

    @property
    def response_count(self) -> int:
        return sum(len(b.responses) for b in self.bundles)

    def file_name(self) -> str:
        """`survey-<id>_device-<id>.akhlak-receipt`: named as the laptop's enrolment, so each finds its own."""
        return f"survey-{self.survey_id}_device-{self.device_id}{RECEIPT_SUFFIX}"


def _check_response_ids(receipt: Receipt) -> None:
    total = 0
    for bundle in receipt.bundles:
        total += len(bundle.responses)
        bad = next((r for r in bundle.responses if not _RESPONSE_ID.match(r)), None)
        if bad is not None:
            raise ValueError(f"bundle {bundle.sequence}: {bad[:40]!r} is not a response id")
    if total > MAX_RECEIPT_RESPONSES:
        raise ValueError(f"names {total} responses; a receipt names at most {MAX_RECEIPT_RESPONSES}")


def sign_receipt(receipt: Receipt, signing_key: SigningKey) -> bytes:
    """The receipt file's bytes: the canonical body signed with the coordinator's key."""
    _check_response_ids(receipt)
    body = receipt.model_dump_json()
    signature = signing_key.sign(SIGNATURE_CONTEXT + body.encode("utf-8")).signature
    envelope = {"format": RECEIPT_FORMAT, "format_version": RECEIPT_VERSION, "body": body, "signature": signature.hex()}
    data = (json.dumps(envelope, ensure_ascii=False) + "\n").encode("utf-8")
    if len(data) > MAX_RECEIPT_BYTES:
        raise ReceiptError(f"the receipt would be {len(data)} bytes; the limit is {MAX_RECEIPT_BYTES}")
    return data


def read_envelope(data: bytes, label: str) -> tuple[str, bytes, str]:
    """The body text, the signature and the survey id the body claims, before anything is verified."""
    body, signature = open_envelope(
        data, label, fmt=RECEIPT_FORMAT, version=RECEIPT_VERSION, max_bytes=MAX_RECEIPT_BYTES, error=ReceiptError, what="receipt"
    )
    try:
        claimed = json.loads(body)
    except (ValueError, RecursionError):
        raise ReceiptError(f"{label}: malformed receipt (the body is not JSON)") from None
    survey_id = claimed.get("survey_id") if isinstance(claimed, dict) else None
    if not isinstance(survey_id, str):
        raise ReceiptError(f"{label}: malformed receipt (no survey id in the body)")
    return body, signature, survey_id


def verify_receipt(data: bytes, label: str, signing_key_for: SigningKeyLookup) -> Receipt:
    """Read and verify a receipt's bytes; ReceiptError (one line starting with `label`) if it cannot be trusted.

    `signing_key_for(survey_id)` gives the coordinator's pinned signing key (32 bytes) of the
    survey the receipt names, or raises ReceiptError when that survey is not installed.
    """
    body, signature, survey_id = read_envelope(data, label)
    key = signing_key_for(survey_id)
    try:
        VerifyKey(key).verify(SIGNATURE_CONTEXT + body.encode("utf-8"), signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError):
        raise ReceiptError(
            f"{label}: the signature does not verify: altered, or not signed by the coordinator of survey {survey_id[:40]!r} "
            "(the key pinned when the survey was installed)",
            kind="altered",
        ) from None
    try:
        receipt = Receipt.model_validate_json(body)
        _check_response_ids(receipt)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ReceiptError(f"{label}: body: {where}: {first['msg']}") from None
    except ValueError as exc:
        raise ReceiptError(f"{label}: body: {exc}") from None
    if receipt.model_dump_json() != body:
        raise ReceiptError(f"{label}: body is not in its canonical form")
    return receipt
