"""Receipts that must be refused, each with one line naming the file and a non-zero exit, and harmless ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nacl.signing import SigningKey
from receipt_world import World

from akhlak_tui.demo.generate import demo_device
from akhlak_tui.receipt.document import Receipt, ReceiptError, ReceivedBundle, sign_receipt
from akhlak_tui.receipt.laptop import import_receipt


def merged_world(world: World) -> tuple[list[str], Receipt]:
    ids = world.answer(3)
    world.export()
    world.merge_with_receipts()
    envelope = json.loads(world.receipt_file().read_bytes())
    return ids, Receipt.model_validate_json(envelope["body"])


def refused(world: World, path: Path, reason: str, kind: str = "unreadable") -> None:
    """Refused by the CLI with `reason` in its line, and by the core with `kind` (for the app's words)."""
    with pytest.raises(ReceiptError) as caught:
        import_receipt(world.laptop, path)
    assert caught.value.kind == kind
    before = world.rows()
    result = world.on_laptop("receipt", "import", str(path), "--purge")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {path}: ") and reason in line, line
    assert "Traceback" not in result.output
    assert world.rows() == before  # nothing marked, nothing purged


def test_receipt_signed_by_another_key_is_refused(world: World) -> None:
    _, receipt = merged_world(world)
    forged = world.stick / "forged.akhlak-receipt"
    forged.write_bytes(sign_receipt(receipt, SigningKey.generate()))
    refused(world, forged, "the signature does not verify", "altered")


def test_receipt_for_another_device_is_refused(world: World) -> None:
    _, receipt = merged_world(world)
    other = receipt.model_copy(update={"device_id": demo_device(5, 5).id})
    path = world.stick / "other-device.akhlak-receipt"
    path.write_bytes(sign_receipt(other, world.coordinator.keys.signing_key))
    refused(world, path, f"for device {other.device_id}; this laptop is device {receipt.device_id}", "other_laptop")


def test_receipt_for_another_survey_is_refused(world: World) -> None:
    _, receipt = merged_world(world)
    other = receipt.model_copy(update={"survey_id": "a" * 16})
    path = world.stick / "other-survey.akhlak-receipt"
    path.write_bytes(sign_receipt(other, world.coordinator.keys.signing_key))
    refused(world, path, "for survey 'aaaaaaaaaaaaaaaa', which is not installed on this laptop", "not_installed")


@pytest.mark.parametrize("where", ["body", "signature", "end"])
def test_receipt_altered_by_one_byte_is_refused(world: World, where: str) -> None:
    merged_world(world)
    data = bytearray(world.receipt_file().read_bytes())
    text = data.decode()
    at = {"body": text.index("issued_at") + 16, "signature": text.index('"signature"') + 20, "end": len(data) - 3}[where]
    data[at] = ord("0") if data[at] != ord("0") else ord("1")
    path = world.stick / "altered.akhlak-receipt"
    path.write_bytes(bytes(data))
    before = world.rows()
    result = world.on_laptop("receipt", "import", str(path))
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {path}: ") and len(result.stderr.splitlines()) == 1
    assert world.rows() == before


@pytest.mark.parametrize("cut", [0, 1, 40, -2])
def test_truncated_receipt_is_refused(world: World, cut: int) -> None:
    merged_world(world)
    data = world.receipt_file().read_bytes()
    path = world.stick / "cut.akhlak-receipt"
    path.write_bytes(data[:cut] if cut >= 0 else data[:cut - 10])
    refused(world, path, "")


def test_receipt_naming_responses_the_laptop_never_had_is_harmless(world: World) -> None:
    ids, receipt = merged_world(world)
    strangers = ("0f2ab4c6-1d3e-4f50-8a6b-7c8d9e0f1a2b", "11111111-2222-4333-8444-555555555555")
    [bundle] = receipt.bundles
    foreign_bundle = ReceivedBundle(identity="ab" * 32, sequence=9, merged_at=bundle.merged_at, responses=(ids[0],))
    padded = receipt.model_copy(update={"bundles": (bundle.model_copy(update={"responses": bundle.responses + strangers}), foreign_bundle)})
    path = world.stick / "padded.akhlak-receipt"
    path.write_bytes(sign_receipt(padded, world.coordinator.keys.signing_key))
    result = world.on_laptop("receipt", "import", str(path), "--keep")
    assert result.exit_code == 0, result.output
    assert "received: 3 newly marked" in result.output
    # ids[0], named again under a bundle this laptop never exported, was marked through its own bundle
    assert "ignored: 2 ids (2 never on this laptop, 0 still drafts, 0 not exported in the bundle named); 1 bundles this laptop did not export" in result.output
    with world.store() as store:
        assert store.db.execute("select count(*) from responses").fetchone()[0] == 3  # no row was made


def test_receipt_never_marks_a_draft_or_a_response_exported_in_another_bundle(world: World) -> None:
    first = world.answer(2)
    world.export()  # bundle 1
    second = world.answer(1, seed=3, drafts=1)
    world.export()  # bundle 2: second[0]
    world.merge_with_receipts()
    envelope = json.loads(world.receipt_file().read_bytes())
    receipt = Receipt.model_validate_json(envelope["body"])
    one, two = receipt.bundles
    # A coordinator's receipt claiming bundle 1 delivered everything: only bundle 1's responses count.
    swapped = receipt.model_copy(update={"bundles": (one.model_copy(update={"responses": tuple(sorted(first + second))}),)})
    path = world.stick / "swapped.akhlak-receipt"
    path.write_bytes(sign_receipt(swapped, world.coordinator.keys.signing_key))
    result = world.on_laptop("receipt", "import", str(path), "--purge")
    assert result.exit_code == 0, result.output
    assert "1 still drafts, 1 not exported in the bundle named" in result.output
    rows = world.rows()
    assert [rows[r][3] for r in first] == [True, True]
    assert rows[second[0]] == ("submitted", 2, False, False, True)
    assert rows[second[1]][0] == "draft"


def test_a_missing_receipt_or_a_folder_without_one_for_this_laptop_is_refused(world: World, tmp_path: Path) -> None:
    for path, reason, code in ((tmp_path / "nope.akhlak-receipt", "no such file", 1), (tmp_path, "no receipt for this laptop", 1)):
        result = world.on_laptop("receipt", "import", str(path))
        assert result.exit_code == code and str(path) in result.stderr and reason in result.stderr and len(result.stderr.splitlines()) == 1
