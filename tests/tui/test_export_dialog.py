"""The export dialog at 80x24: Enter exports wherever the focus is, its messages speak the user's language, Ctrl+L."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import pytest

from akhlak_tui.tui.app import make_app
from .support import ready, screen_name, screen_text, terminal_text, type_text

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
        line = next(x for x in terminal_text(app).splitlines() if "Sertakan juga" in x)
        assert "X" not in line.split("Sertakan")[0], line  # unticked: an empty box, also without colour
        await pilot.press("tab", "space")
        box = app.screen.query_one("#export-all")
        assert box.has_focus and box.value  # Space ticks the box
        await pilot.pause()
        line = next(x for x in terminal_text(app).splitlines() if "Sertakan juga" in x)
        assert "X" in line.split("Sertakan")[0], line  # ticked: the box holds an X
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


STICK_FAILURES = [
    (errno.ENOSPC, "No space left on device", "Ekspor gagal: flashdisk penuh.", "The export failed: the USB drive is full."),
    (errno.EROFS, "Read-only file system", "tidak dapat ditulisi (flashdisk terkunci atau hanya-baca)", "cannot be written (the USB drive is locked or read-only)"),
    (errno.EIO, "Input/output error", "bundel tidak dapat ditulis ke", "the bundle could not be written to"),
]


@pytest.mark.parametrize("code, strerror, bahasa, english", STICK_FAILURES, ids=["full", "read_only", "io"])
async def test_a_stick_that_cannot_be_written_is_said_in_the_users_language(tmp_path: Path, monkeypatch, code, strerror, bahasa, english) -> None:
    """The file error behind the bundle (the OS says it in English) is said in Bahasa, and in
    English after Ctrl+L; nothing is marked exported."""
    import akhlak_tui.bundle.export as export

    world = make_world(tmp_path)
    world.answer(2)

    def cannot_write(*args, **kwargs):
        raise OSError(code, strerror)

    monkeypatch.setattr(export, "write_bundle", cannot_write)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await export_said(pilot, world)
        assert bahasa in text and "Jawaban tetap tersimpan di laptop ini." in text, text
        assert "cannot write the bundle" not in text and (strerror not in text or code == errno.EIO)
        await pilot.press("ctrl+l")
        text = await settle(pilot)
        assert english in text and "The responses stay saved on this laptop." in text, text
        assert screen_name(pilot) == "ExportScreen" and app.is_running
    assert {row[1] for row in world.rows().values()} == {None}  # not exported


async def test_a_replaced_device_key_is_said_in_bahasa_with_what_to_do(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    world.answer(2)
    (world.laptop / "device.key").unlink()  # a new key is made on the next use: another device id
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await export_said(pilot, world)
        assert "Ekspor gagal: 2 jawaban dibuat dengan kunci perangkat lain" in text, text
        assert "Kembalikan device.key yang asli ke folder data" in text and "device key replaced" not in text
    assert {row[1] for row in world.rows().values()} == {None}
    assert not list(world.stick.glob("*.akhlak-bundle*"))


async def test_a_long_folder_keeps_the_keys_on_screen_and_the_bar_shows_only_when_it_means_something(tmp_path: Path, monkeypatch) -> None:
    """A locked stick mounted deep (a ~110-character path): the Bahasa message used to push the key
    bar off the 80x24 screen. The folder is now cut to its last part. The progress bar no longer
    animates "--%" before any export, nor keeps "100%" after one that failed; after a bundle is
    written it shows it done."""
    import akhlak_tui.bundle.export as export
    from textual.widgets import ProgressBar

    from akhlak_tui.tui.widgets.key_bar import KeyBar

    world = make_world(tmp_path)
    world.answer(2)
    deep = world.stick / ("sangat-panjang-" * 3) / "folder-ekspor-puskesmas-bukit-sentosa" / "flashdisk-petugas-lapangan"
    deep.mkdir(parents=True)
    real = export.write_bundle

    def cannot_write(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(export, "write_bundle", cannot_write)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        bar = app.screen.query_one("#export-progress", ProgressBar)
        assert not bar.display  # nothing running: no bar
        await type_text(pilot, str(deep))
        await pilot.press("enter")
        text = await settle(pilot)
        said = app.screen.said("id")
        assert "tidak dapat ditulisi" in said and "…/flashdisk-petugas-lapangan" in said, said
        assert len(str(deep)) > 100 and str(deep) not in said
        keys = app.screen.query_one(KeyBar).region
        assert keys.height >= 1 and keys.bottom <= 24, keys  # still on the screen
        assert "Enter" in text and "Esc" in text
        assert not bar.display  # failed: no "100%" left behind
        monkeypatch.setattr(export, "write_bundle", real)
        await pilot.press("enter")
        text = await settle(pilot)
        assert bar.display and bar.percentage == 1.0, text
    assert {row[1] for row in world.rows().values()} == {1}


def test_a_store_or_survey_that_cannot_be_read_is_said_in_the_users_language() -> None:
    from akhlak_tui.bundle.export import ExportError
    from akhlak_tui.store.errors import READ_ONLY, StoreError
    from akhlak_tui.tui.screens.export import failed_text

    store = ExportError("responses.db: the file or its folder cannot be written", "store", StoreError("x", READ_ONLY))
    said = failed_text(store, "id")
    assert said.startswith("Ekspor gagal: folder data laptop ini tidak dapat ditulisi. Pastikan folder data dapat ditulisi"), said
    assert said.endswith("Jawaban tetap tersimpan di laptop ini.") and "Jawaban tidak dapat disimpan" not in said
    assert failed_text(store, "en").startswith("The export failed: this laptop's data folder cannot be written.")
    setup = ExportError("survey.toml: not a survey package", "setup", detail="survey.toml: not a survey package")
    assert failed_text(setup, "id").startswith("Ekspor gagal: survei atau kunci perangkat laptop ini tidak dapat dibaca (survey.toml")
    assert "Call the coordinator" in failed_text(setup, "en")


async def test_the_dialog_offers_the_folder_of_the_last_export(tmp_path: Path) -> None:
    from textual.widgets import Input

    world, _ = exported_world(tmp_path)
    world.answer(1, seed=2)
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await export_said(pilot, world)
        await pilot.press("escape")
        await pilot.press("e")
        assert screen_name(pilot) == "ExportScreen"
        assert app.screen.query_one("#export-dir", Input).value == str(world.stick)
        await pilot.press("enter")  # the same stick again, without typing it
        text = await settle(pilot)
        assert "Tidak ada jawaban baru" in text or "sudah pernah diekspor" in text, text
