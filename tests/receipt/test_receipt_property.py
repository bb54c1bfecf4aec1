"""The receipt reader on random bytes and mutated receipts: a verified receipt or one line of refusal, never a traceback."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from akhlak_tui.receipt.document import Receipt, ReceiptError, ReceivedBundle, sign_receipt, verify_receipt

KEY = SigningKey(b"\x07" * 32)
SURVEY = "abcdefghijklmnop"
RECEIPT = Receipt(
    survey_id=SURVEY,
    device_id="7KQ2MX4A",
    issued_at="2026-11-26T10:00:00Z",
    bundles=(
        ReceivedBundle(
            identity="c" * 64,
            sequence=1,
            merged_at="2026-11-26T09:00:00Z",
            responses=("0f2ab4c6-1d3e-4f50-8a6b-7c8d9e0f1a2b", "11111111-2222-4333-8444-555555555555"),
        ),
    ),
)
GOOD = sign_receipt(RECEIPT, KEY)
LABEL = "stick/r.akhlak-receipt"


def lookup(survey_id: str) -> bytes:
    if survey_id != SURVEY:
        raise ReceiptError(f"{LABEL}: for survey {survey_id!r}, which is not installed on this laptop")
    return bytes(KEY.verify_key)


def check(data: bytes) -> Receipt | None:
    try:
        return verify_receipt(data, LABEL, lookup)
    except ReceiptError as exc:
        message = str(exc)
        assert message.startswith(f"{LABEL}: ") and "\n" not in message and len(message) < 400, message
        return None


def test_the_good_receipt_verifies() -> None:
    assert check(GOOD) == RECEIPT


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused_in_one_line(data: bytes) -> None:
    assert check(data) is None


@settings(max_examples=400, deadline=None)
@given(st.integers(0, len(GOOD) - 1), st.integers(1, 255))
def test_any_changed_byte_is_refused_or_changes_nothing_signed(at: int, flip: int) -> None:
    data = bytearray(GOOD)
    data[at] ^= flip
    result = check(bytes(data))
    assert result is None or result == RECEIPT  # e.g. whitespace of the envelope: the signed body is unchanged


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(GOOD)))
def test_every_truncation_is_refused(cut: int) -> None:
    data = GOOD[:cut]
    assert check(data) is None or data.strip() == GOOD.strip()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["survey_id", "device_id", "issued_at", "bundles", "extra"]), json_values))
def test_signed_bodies_of_any_shape_are_refused_or_valid(body: dict) -> None:
    """A body the right key signed, of any shape: the model refuses what is not a receipt, in one line."""
    body.setdefault("survey_id", SURVEY)
    text = json.dumps(body)
    signature = KEY.sign(b"akhlak-receipt/1\x00" + text.encode()).signature.hex()
    data = json.dumps({"format": "akhlak-receipt", "format_version": 1, "body": text, "signature": signature}).encode()
    check(data)
