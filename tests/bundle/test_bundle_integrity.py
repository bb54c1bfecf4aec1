"""A bundle altered by one byte, signed by another key, or built with archive tricks is refused."""

from __future__ import annotations

import json
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from nacl.public import PrivateKey, SealedBox

from akhlak_tui.bundle.export import export_bundle
from akhlak_tui.bundle.format import DEFAULT_LIMITS, MANIFEST_MEMBER, PAYLOAD_MEMBER, SIGNATURE_CONTEXT, SIGNATURE_MEMBER
from akhlak_tui.bundle.reader import BundleRefused, RecordFailure, read_bundle
from akhlak_tui.crypto.device import load_or_create_device
from akhlak_tui.crypto.records import MAX_JSON_BYTES, SEALED_BOX, record_sealer
from akhlak_tui.response import Response


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rebuild(path: Path, entries: list[tuple[str, bytes]], compress: int = zipfile.ZIP_STORED) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names some tests need
        with zipfile.ZipFile(path, "w", compression=compress) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return path


def refusal(path: Path, keys, **kwargs) -> str:
    with pytest.raises(BundleRefused) as caught:
        read_bundle(path, coordinator=keys, **kwargs)
    return caught.value.reason


@pytest.fixture
def bundle(world, answer) -> Path:
    answer(4)
    answer(1, status="abandoned")
    return export_bundle(world.laptop, world.out).path


def test_every_single_byte_change_in_manifest_or_payload_is_detected(world, bundle):
    original = members(bundle)
    for name in (MANIFEST_MEMBER, PAYLOAD_MEMBER):
        data = original[name]
        for offset in sorted({0, 1, len(data) // 3, len(data) // 2, len(data) - 2, len(data) - 1}):
            changed = bytearray(data)
            changed[offset] ^= 0x01
            altered = dict(original, **{name: bytes(changed)})
            reason = refusal(rebuild(bundle, list(altered.items())), world.keys)
            if name == PAYLOAD_MEMBER:
                assert reason.startswith("payload hash mismatch"), (offset, reason)
            else:
                assert "manifest" in reason, (offset, reason)


def test_a_changed_byte_anywhere_in_the_file_is_refused_or_changes_no_record(world, bundle):
    """Flipping bytes across the whole file: refused, or (zip bookkeeping such as a timestamp) the same records."""
    raw = bundle.read_bytes()
    expected = [r.canonical_json() for r in read_bundle(bundle, coordinator=world.keys)]
    refused = 0
    offsets = range(0, len(raw), max(1, len(raw) // 60))
    for offset in offsets:
        changed = bytearray(raw)
        changed[offset] ^= 0x20
        bundle.write_bytes(bytes(changed))
        try:
            opened = read_bundle(bundle, coordinator=world.keys)
        except BundleRefused:
            refused += 1
            continue
        assert [r.canonical_json() for r in opened] == expected, offset
    assert refused >= len(offsets) * 0.9


def test_manifest_signed_by_another_device_key_is_refused(world, bundle):
    original = members(bundle)
    from nacl.signing import SigningKey

    intruder = SigningKey.generate()
    forged_sig = intruder.sign(SIGNATURE_CONTEXT + original[MANIFEST_MEMBER]).signature
    reason = refusal(rebuild(bundle, list(dict(original, **{SIGNATURE_MEMBER: forged_sig}).items())), world.keys)
    assert reason.startswith("manifest signature does not verify")


def test_manifest_naming_another_device_key_is_refused(world, bundle):
    original = members(bundle)
    manifest = json.loads(original[MANIFEST_MEMBER])
    from nacl.signing import SigningKey

    manifest["device_public_key"] = bytes(SigningKey.generate().verify_key).hex()
    text = json.dumps(manifest).encode()
    reason = refusal(rebuild(bundle, list(dict(original, **{MANIFEST_MEMBER: text}).items())), world.keys)
    assert "does not belong to its public key" in reason


def test_bundle_for_another_coordinator_is_refused_before_any_record(world, bundle):
    reason = refusal(bundle, PrivateKey.generate())
    assert reason.startswith("sealed to coordinator key") and "not this coordinator's" in reason


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../x", "member '../x' has an unsafe name"),
        ("/etc/passwd", "unsafe name"),
        ("a/../../b", "unsafe name"),
        ("C:\\evil", "unsafe name"),
        ("extra.txt", "unexpected member 'extra.txt'"),
    ],
)
def test_archive_tricks_with_member_names_are_refused(world, bundle, name, expected):
    entries = list(members(bundle).items()) + [(name, b"x")]
    assert expected in refusal(rebuild(bundle, entries), world.keys)


def test_duplicate_and_missing_members_are_refused(world, bundle):
    original = members(bundle)
    entries = list(original.items()) + [(PAYLOAD_MEMBER, original[PAYLOAD_MEMBER])]
    assert refusal(rebuild(bundle, entries), world.keys) == f"member '{PAYLOAD_MEMBER}' appears twice"
    entries = [(n, d) for n, d in original.items() if n != SIGNATURE_MEMBER]
    assert refusal(rebuild(bundle, entries), world.keys) == f"member '{SIGNATURE_MEMBER}' is missing"


def test_compressed_members_are_refused(world, bundle):
    entries = list(members(bundle).items())
    assert "is compressed" in refusal(rebuild(bundle, entries, zipfile.ZIP_DEFLATED), world.keys)


def test_limits_are_checked_before_reading(world, bundle):
    size = bundle.stat().st_size
    reason = refusal(bundle, world.keys, limits=replace(DEFAULT_LIMITS, max_file_bytes=size - 1))
    assert reason.startswith("file is") and "the limit is" in reason
    reason = refusal(bundle, world.keys, limits=replace(DEFAULT_LIMITS, max_payload_bytes=100))
    assert reason.startswith("payload is") and "the limit is 100 bytes" in reason
    reason = refusal(bundle, world.keys, limits=replace(DEFAULT_LIMITS, max_records=4))
    assert "5 records; the limit is 4" in reason
    reason = refusal(bundle, world.keys, limits=replace(DEFAULT_LIMITS, max_record_bytes=100))
    assert reason.startswith("payload framing: record 0 has an impossible length")


def test_not_a_bundle_is_refused_with_a_clear_reason(world, tmp_path):
    junk = tmp_path / "junk.akhlak-bundle"
    junk.write_bytes(b"hello, this is not a zip file")
    assert refusal(junk, world.keys) == "not a bundle (not a zip archive)"
    assert refusal(tmp_path / "missing.akhlak-bundle", world.keys) == "no such file"
    junk.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert refusal(junk, world.keys).startswith("not a bundle: damaged zip archive")


def test_one_bad_record_is_quarantined_and_the_rest_are_read(world, tmp_path):
    """A record the device sealed wrongly fails alone; the bundle and its other records are fine."""
    from akhlak_tui.active import active_survey
    from akhlak_tui.bundle.writer import SealedRecord, seal_responses, write_bundle
    from bundle_world import answer_responses

    ids = answer_responses(world.laptop, 3, status="draft")
    from akhlak_tui import locations
    from akhlak_tui.store import Store

    with Store(locations.store_path(world.laptop)) as store:
        good = [store.load(i).model_copy(update={"status": "submitted"}) for i in ids]
    survey = active_survey(world.laptop)
    records = seal_responses(good, survey)
    seal = survey.sealer()
    assert seal is not None
    wrong_device = good[1].model_copy(update={"device_id": "AAAAAAAA"})
    records[1] = SealedRecord(good[1].id, "submitted", good[1].created_at, good[1].updated_at, seal(wrong_device.canonical_json().encode()))
    garbage = SealedRecord("x", "submitted", good[0].created_at, good[0].updated_at, seal(b'{"id": "not-a-uuid"}'))
    undecryptable = SealedRecord("y", "submitted", good[0].created_at, good[0].updated_at, record_sealer(bytes(PrivateKey.generate().public_key))(b"{}"))
    # a record of the kind 0.1 laptops sealed (crypto_box_seal, kind byte 0x01) is still read
    legacy = SealedRecord(good[2].id, "submitted", good[2].created_at, good[2].updated_at,
                          bytes([SEALED_BOX]) + SealedBox(world.keys.box_key.public_key).encrypt(good[2].canonical_json().encode()))
    bomb = SealedRecord("z", "submitted", good[0].created_at, good[0].updated_at, seal(b"{" + b" " * (MAX_JSON_BYTES + 1) + b"}"))
    device = load_or_create_device(world.laptop)
    written = write_bundle(tmp_path, device=device, survey=survey, sequence=1, records=[*records, garbage, undecryptable, legacy, bomb])

    items = list(read_bundle(written.path, coordinator=world.keys))
    assert [type(i).__name__ for i in items] == ["Response", "RecordFailure", "Response", "RecordFailure", "RecordFailure", "Response", "RecordFailure"]
    assert items[5] == good[2]
    failures = [i for i in items if isinstance(i, RecordFailure)]
    assert (failures[0].index, failures[0].response_id) == (1, good[1].id)
    assert "device is AAAAAAAA" in failures[0].reason
    assert failures[1].index == 3 and failures[1].response_id == "not-a-uuid" and failures[1].reason.startswith("not a valid response")
    assert failures[2].index == 4 and failures[2].response_id is None and "cannot be opened" in failures[2].reason
    assert failures[3].index == 6 and failures[3].reason == f"decompresses to more than {MAX_JSON_BYTES:,} bytes"


def test_zip_end_record_tricks_are_refused_before_the_directory_is_parsed(world, bundle):
    raw = bundle.read_bytes()
    bundle.write_bytes(raw + b"trailing bytes")
    assert refusal(bundle, world.keys) == "not a bundle: data or a comment after the zip end record"
    bundle.write_bytes(raw)
    original = members(bundle)
    with zipfile.ZipFile(bundle, "w") as archive:
        for name, data in original.items():
            archive.writestr(name, data)
        archive.comment = b"hello"
    assert refusal(bundle, world.keys) == "not a bundle: data or a comment after the zip end record"
    many = list(original.items()) + [(f"extra{i}", b"") for i in range(6)]
    assert refusal(rebuild(bundle, many), world.keys) == "archive has 9 members; a bundle has exactly 3"
