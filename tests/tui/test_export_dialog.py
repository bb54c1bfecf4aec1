"""The export dialog at 80x24: Enter exports wherever the focus is, its messages speak the user's language, Ctrl+L."""

from __future__ import annotations

import sys
from pathlib import Path

from akhlak_tui.tui.app import make_app
from .support import ready, screen_name, screen_text, type_text

TESTS = Path(__file__).parents[1]
sys.path[:0] = [str(TESTS / "merge"), str(TESTS / "receipt")]

from receipt_world import World, make_world  # noqa: E402


def exported_world(tmp_path: Path) -> tuple[World, list[str]]:
    """Two responses answered and exported once already (no receipt yet)."""
    world = make_world(tmp_path)
    ids = world.answer(2)
    world.export()
    return world, ids


async def open_dialog(pilot, world: World) -> None:
    await ready(pilot)
    await pilot.press("e")
    assert screen_name(pilot) == "ExportScreen"
    await type_text(pilot, str(world.stick))


async def export_said(pilot, world: World) -> str:
    """Type the stick's folder, press Enter and return what the dialog says then."""
    await open_dialog(pilot, world)
    await pilot.press("enter")
    return await settle(pilot)


async def settle(pilot) -> str:
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    return " ".join(screen_text(pilot).split())


async def test_enter_on_the_ticked_box_exports_all_again(tmp_path: Path) -> None:
    world, _ = exported_world(tmp_path)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(pilot, world)
        await pilot.press("tab", "space")
        box = app.screen.query_one("#export-all")
        assert box.has_focus and box.value  # Space ticks the box
        await pilot.press("enter")
        text = await settle(pilot)
        assert box.value, "Enter must not untick the box"
        assert "2 jawaban diekspor ke" in text, text
    with world.store() as store:  # a second bundle, carrying both again
        assert store.db.execute("select sequence, count(*) from export_records group by sequence").fetchall() == [(1, 2), (2, 2)]


async def test_nothing_new_is_said_in_bahasa_naming_the_box_not_a_flag(tmp_path: Path) -> None:
    world, _ = exported_world(tmp_path)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await export_said(pilot, world)
        assert "Tidak ada jawaban baru untuk survei" in text and "2 jawaban sudah pernah diekspor" in text, text
        assert 'centang "Sertakan juga yang sudah pernah diekspor"' in text
        assert "nothing to export" not in text and "--all" not in text


async def test_none_submitted_is_said_in_bahasa(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await export_said(pilot, world)
        assert "belum ada jawaban yang dikirim" in text and "none submitted" not in text, text


async def test_ctrl_l_switches_the_dialog_and_keeps_what_was_typed(tmp_path: Path) -> None:
    world, _ = exported_world(tmp_path)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await export_said(pilot, world)
        await pilot.press("ctrl+l")
        text = await settle(pilot)
        assert app.lang == "en"
        assert "Export submitted responses" in text and "Also include responses exported before" in text, text
        assert "Enter Export" in text and "Esc Cancel" in text
        assert "Nothing new to export for survey" in text and 'tick "Also include responses exported before"' in text
        assert str(world.stick) in text  # the folder typed stays
        await pilot.press("ctrl+l")
        text = await settle(pilot)
        assert app.lang == "id" and "Ekspor jawaban yang sudah dikirim" in text and "Tidak ada jawaban baru" in text
