"""The export dialog finds the coordinator's receipts on the stick, imports them and offers to purge (80x24)."""

from __future__ import annotations

import sys
from pathlib import Path

from nacl.signing import SigningKey

from akhlak_tui.tui.app import make_app
from .support import ready, screen_name, screen_text, type_text

TESTS = Path(__file__).parents[1]
sys.path[:0] = [str(TESTS / "merge"), str(TESTS / "receipt")]

from receipt_world import World, make_world  # noqa: E402


def field_world(tmp_path: Path) -> tuple[World, list[str], str]:
    """Three responses exported and merged (a receipt for them on the stick), one more not yet exported."""
    world = make_world(tmp_path)
    merged = world.answer(3)
    world.export()
    world.merge_with_receipts()
    [late] = world.answer(1, seed=4)
    return world, merged, late


async def export_to_stick(pilot, world: World, *, english: bool = False) -> None:
    await ready(pilot)
    if english:
        await pilot.press("ctrl+l")
    await pilot.press("e")
    assert screen_name(pilot) == "ExportScreen"
    await type_text(pilot, str(world.stick))
    await pilot.press("enter")
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if screen_name(pilot) == "ReceiptsScreen":
            return
    raise AssertionError(f"no receipts dialog: {screen_text(pilot)}")


async def test_receipt_on_the_stick_is_imported_and_enter_purges(tmp_path: Path) -> None:
    world, merged, late = field_world(tmp_path)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await export_to_stick(pilot, world)
        text = " ".join(screen_text(pilot).split())
        assert "3 jawaban sudah diterima koordinator (3 baru dicatat)" in text
        assert "3 jawaban yang sudah diterima bisa dihapus dari laptop ini" in text
        bar = app.screen.query_one("KeyBar")
        assert bar.region.height == 1 and bar.region.bottom <= 24 and bar.region.right <= 80  # fits 80x24
        rows = world.rows()
        assert [rows[r][2:4] for r in merged] == [(True, False)] * 3  # received, not yet purged
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "3 jawaban dihapus dari laptop ini" in " ".join(screen_text(pilot).split())
        rows = world.rows()
        assert [rows[r] for r in merged] == [("submitted", 1, True, True, False)] * 3
        assert rows[late] == ("submitted", 2, False, False, True)  # exported just now, no receipt: kept
        await pilot.press("escape")
        assert screen_name(pilot) == "ExportScreen"


async def test_escape_keeps_the_received_responses(tmp_path: Path) -> None:
    world, merged, _ = field_world(tmp_path)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await export_to_stick(pilot, world, english=True)
        assert "3 received responses can be deleted" in " ".join(screen_text(pilot).split())
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(pilot) == "ExportScreen"
    rows = world.rows()
    assert [rows[r][2:] for r in merged] == [(True, False, True)] * 3  # received, still sealed here


async def test_a_forged_receipt_is_refused_on_screen_and_marks_nothing(tmp_path: Path) -> None:
    from akhlak_tui.receipt.document import Receipt, sign_receipt
    import json

    world, merged, _ = field_world(tmp_path)
    path = world.receipt_file()
    body = json.loads(path.read_bytes())["body"]
    path.write_bytes(sign_receipt(Receipt.model_validate_json(body), SigningKey.generate()))
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await export_to_stick(pilot, world)
        text = " ".join(screen_text(pilot).split())
        assert f"Tanda terima ditolak: {path.name}: isinya diubah, atau tidak ditandatangani koordinator survei ini." in text
        assert "signature" not in text  # the reason in the user's language, not the CLI's English
        assert "Tidak ada jawaban yang perlu dihapus" in text
        await pilot.press("enter")  # nothing to purge: Enter does nothing
        await pilot.pause()
        assert not app.screen.purging and "Tidak ada jawaban yang perlu dihapus" in screen_text(pilot)
    assert not any(row[2] or row[3] for row in world.rows().values())


async def test_receipts_are_found_when_there_is_nothing_new_to_export(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    merged = world.answer(2)
    world.export()
    world.merge_with_receipts()
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await export_to_stick(pilot, world, english=True)
        assert "2 responses received by the coordinator (2 newly marked)" in " ".join(screen_text(pilot).split())
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        text = " ".join(screen_text(pilot).split())
        # the export's message, counted again: the purged responses cannot be exported again
        assert "Nothing to export for survey" in text and "2 responses were received by the coordinator and deleted" in text, text
        assert "again" not in text and "--all" not in text
    assert [world.rows()[r][3] for r in merged] == [True, True]


async def test_responses_kept_from_an_earlier_receipt_are_offered_beside_a_refused_one(tmp_path: Path) -> None:
    world, merged, _ = field_world(tmp_path)
    kept = world.on_laptop("receipt", "import", str(world.stick), "--keep")
    assert kept.exit_code == 0, kept.output
    other = tmp_path / "other-stick"
    other.mkdir()
    data = bytearray(world.receipt_file().read_bytes())
    data[len(data) // 2] ^= 1  # one byte altered
    (other / world.receipt_file().name).write_bytes(bytes(data))
    world = World(world.coordinator, world.laptop, other, world.package_file)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await export_to_stick(pilot, world)
        text = " ".join(screen_text(pilot).split())
        assert "Tanda terima ditolak" in text
        assert "3 jawaban yang sudah diterima bisa dihapus dari laptop ini" in text, text
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "3 jawaban dihapus dari laptop ini" in " ".join(screen_text(pilot).split())
    assert [world.rows()[r][2:] for r in merged] == [(True, True, False)] * 3


async def test_ctrl_l_switches_the_language_of_the_receipts_dialog_and_the_home_beneath(tmp_path: Path) -> None:
    world, _, _ = field_world(tmp_path)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await export_to_stick(pilot, world)
        await pilot.press("ctrl+l")
        await pilot.pause()
        text = " ".join(screen_text(pilot).split())
        assert "Receipts from the coordinator" in text and "3 received responses can be deleted" in text, text
        assert "Enter Delete" in text and "Esc Keep" in text
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(pilot) == "ExportScreen"
        assert "Export submitted responses" in screen_text(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.lang == "en" and "Export" in " ".join(screen_text(pilot).split())
        assert "Ekspor" not in screen_text(pilot)


async def test_a_full_disk_during_the_purge_is_named_and_keeps_everything(tmp_path: Path, tmpfs: Path, fill_disk) -> None:
    import dataclasses
    import shutil

    world, merged, _ = field_world(tmp_path)
    shutil.copytree(world.laptop, tmpfs / "laptop")
    world = dataclasses.replace(world, laptop=tmpfs / "laptop")
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await export_to_stick(pilot, world)
        fill_disk(tmpfs)
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        text = " ".join(screen_text(pilot).split())
        assert "Penghapusan gagal. Jawaban tidak dapat disimpan: disk penuh." in text, text
        assert [world.rows()[r][2:] for r in merged] == [(True, False, True)] * 3  # received, nothing purged
        (tmpfs / "filler").unlink()  # room again: Enter tries once more
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "3 jawaban dihapus dari laptop ini" in " ".join(screen_text(pilot).split())
    assert [world.rows()[r][2:] for r in merged] == [(True, True, False)] * 3


async def test_a_full_disk_while_recording_receipts_is_named(tmp_path: Path, tmpfs: Path, fill_disk) -> None:
    import dataclasses
    import shutil

    world = make_world(tmp_path)
    merged = world.answer(2)
    world.export()
    world.merge_with_receipts()
    shutil.copytree(world.laptop, tmpfs / "laptop")
    world = dataclasses.replace(world, laptop=tmpfs / "laptop")
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        fill_disk(tmpfs)
        await pilot.press("e")
        await type_text(pilot, str(world.stick))
        await pilot.press("enter")
        for _ in range(20):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        text = " ".join(screen_text(pilot).split())
        assert screen_name(pilot) == "ExportScreen", text
        assert "Tanda terima tidak dapat dicatat. Jawaban tidak dapat disimpan: disk penuh." in text, text
    assert [world.rows()[r][2:] for r in merged] == [(False, False, True)] * 2
