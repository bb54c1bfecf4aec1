"""Enrolment requests and enrolments as files: round trips, and any damage is a one-line error naming the file."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from akhlak_tui.crypto.fingerprint import key_id
from akhlak_tui.enrolment.documents import (
    EnrolmentBody,
    EnrolmentError,
    RequestBody,
    read_enrolment,
    read_request,
    sign_enrolment,
    sign_request,
)

DEVICE = SigningKey(bytes(range(32)))
COORDINATOR = SigningKey(bytes(range(32, 64)))
OTHER = SigningKey(bytes(range(64, 96)))
LABEL = "/media/usb/survey-x_device-y.akhlak-request"
COMMON = {
    "survey_id": "rjpykpayxtiyngsu",
    "device_id": key_id(bytes(DEVICE.verify_key)),
    "device_public_key": bytes(DEVICE.verify_key).hex(),
    "name": "Puskesmas Sentosa 1",
}
REQUEST = sign_request(RequestBody(**COMMON, requested_at="2026-11-26T08:00:00.000Z", coordinator_fingerprint="AAAA BBBB"), DEVICE).data
ENROLMENT = sign_enrolment(
    EnrolmentBody(**COMMON, approved_at="2026-11-26T09:00:00.000Z", coordinator_signing_key=bytes(COORDINATOR.verify_key).hex()), COORDINATOR
).data


def test_signed_documents_read_back() -> None:
    assert read_request(REQUEST, LABEL).body.name == "Puskesmas Sentosa 1"
    enrolment = read_enrolment(ENROLMENT, LABEL, coordinator_signing_key=bytes(COORDINATOR.verify_key))
    assert enrolment.body.device_id == COMMON["device_id"] and enrolment.data == ENROLMENT


def test_an_enrolment_of_another_coordinator_is_refused() -> None:
    with pytest.raises(EnrolmentError, match=rf"^{LABEL}: signed by coordinator key .* not this coordinator's"):
        read_enrolment(ENROLMENT, LABEL, coordinator_signing_key=bytes(OTHER.verify_key))


def test_a_body_naming_another_devices_id_is_refused() -> None:
    envelope = json.loads(REQUEST)
    body = json.loads(envelope["body"])
    body["device_id"] = "AAAAAAAA"
    envelope["body"] = json.dumps(body)
    with pytest.raises(EnrolmentError, match=r"device id AAAAAAAA is not the id of the device key it names"):
        read_request(json.dumps(envelope).encode(), LABEL)


def check_one_line(data: bytes, reader) -> None:
    try:
        reader(data)
    except EnrolmentError as exc:
        message = str(exc)
        assert message.startswith(f"{LABEL}: ") and "\n" not in message
    # else: the bytes still hold a valid signed document (the mutation changed nothing that matters)


READERS = [
    lambda data: read_request(data, LABEL),
    lambda data: read_enrolment(data, LABEL, coordinator_signing_key=bytes(COORDINATOR.verify_key)),
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(READERS))
def test_arbitrary_bytes_are_a_one_line_error(data: bytes, reader) -> None:
    check_one_line(data, reader)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from([(REQUEST, 0), (ENROLMENT, 1)]))
def test_mutated_documents_are_refused_in_one_line_or_unchanged(data: st.DataObject, source: tuple[bytes, int]) -> None:
    original, reader = source
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(mutated) - 1))
        mutated[position] = data.draw(st.integers(0, 255))
    try:
        READERS[reader](bytes(mutated))
    except EnrolmentError as exc:
        assert str(exc).startswith(f"{LABEL}: ") and "\n" not in str(exc)
    else:  # accepted only if what was signed is unchanged
        assert json.loads(bytes(mutated))["body"] == json.loads(original)["body"]


@settings(max_examples=200)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20), lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=20))
def test_any_json_value_is_a_one_line_error(value: object) -> None:
    for reader in READERS:
        check_one_line(json.dumps(value).encode(), reader)
