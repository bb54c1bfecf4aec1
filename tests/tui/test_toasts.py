"""Toasts and dialogs in the language shown: one toast at a time, said again on Ctrl+L, none over the PIN dialog."""

from __future__ import annotations

from .support import ready, screen_name, screen_text, type_text
from .test_kiosk import PIN, enter_kiosk


async def test_a_toast_repeated_does_not_pile_up_and_switches_language(app_factory, data_dir, rules_survey):
    """Before, pressing r (no unfinished responses) five times stacked five toasts over the home
    screen, all in the language of the moment they came."""
    app = app_factory(survey=rules_survey)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("r", "r", "r", "r", "r")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and "Tidak ada" in messages[0], messages
        await pilot.press("ctrl+l")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and "no unfinished response" in messages[0], messages


async def test_nothing_covers_the_pin_dialog_and_it_switches_language(app_factory, rules_survey):
    app = app_factory(survey=rules_survey, pin_delay=0.01)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_kiosk(pilot)
        app.tell(lambda lang: "a failure told in the corner", severity="error", timeout=15)
        await pilot.press("ctrl+q")
        assert screen_name(pilot) == "PinScreen"
        assert len(app._notifications) == 0  # the toast would cover the dialog at 80x24 for up to 15 s
        assert "PIN untuk keluar dari mode kios" in screen_text(pilot)
        await type_text(pilot, "0000")
        await pilot.press("enter")
        assert "PIN salah (1 kali)." in screen_text(pilot)
        await pilot.press("ctrl+l")
        shown = screen_text(pilot)
        assert "PIN to leave kiosk mode" in shown and "Wrong PIN (attempt 1)." in shown, shown
        assert "PIN salah" not in shown
        await pilot.pause(0.05)
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await pilot.pause()
        assert app.kiosk is None


async def test_no_toast_over_the_pin_dialog_even_when_one_comes_while_it_is_open(app_factory, rules_survey):
    """A failure told while the PIN dialog is open (e.g. the disk filled and Ctrl+L could not save
    the language) showed over the dialog's border; and `r` then `k` left a toast beside the dialog
    that sets the PIN."""
    app = app_factory(survey=rules_survey, pin_delay=0.01)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("r", "k")
        assert screen_name(pilot) == "PinScreen" and len(app._notifications) == 0
        await pilot.press("escape")
        await enter_kiosk(pilot)
        await pilot.press("ctrl+q")
        app.tell(lambda lang: "the disk is full", severity="error", timeout=15)
        await pilot.pause()
        assert screen_name(pilot) == "PinScreen" and len(app._notifications) == 0


def test_one_is_said_as_one_in_english():
    from akhlak_tui.tui.texts import t

    assert t("thanks.kiosk", "en", n=1) == "The screen returns to the start in 1 second."
    assert t("thanks.kiosk", "en", n=2) == "The screen returns to the start in 2 seconds."
    assert t("export.done", "en", n=1, path="E:\\") == "1 response exported to E:\\"
    assert t("export.done", "id", n=1, path="E:\\") == "1 jawaban diekspor ke E:\\"
