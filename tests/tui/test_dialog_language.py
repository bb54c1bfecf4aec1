"""Ctrl+L switches the language on every dialog and on the thank-you screen, as the key bar below
them promises: the dialog, the screen beneath it and the response's stored language together."""

from __future__ import annotations

from .support import load, ready, screen_name, screen_text, type_text
from .test_kiosk import answer_rules_questionnaire, enter_kiosk


async def start_response(pilot) -> str:
    """Enumerator mode: consent given, the unit answered; on the role question."""
    await ready(pilot)
    await pilot.press("n", "enter")
    await type_text(pilot, "rsud")
    await pilot.press("enter")
    return pilot.app.interview.response_id


async def test_the_abandon_dialog_switches_and_keeps_what_is_typed(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        response_id = await start_response(pilot)
        await pilot.press("ctrl+x")
        assert screen_name(pilot) == "AbandonScreen"
        await pilot.press("enter")
        assert "Alasan wajib diisi." in screen_text(pilot)
        await type_text(pilot, "dipanggil")
        await pilot.press("ctrl+l")
        text = screen_text(pilot)
        assert "Abandon this response?" in text and "A reason is needed." in text and "Alasan" not in text
        assert app.interview.lang == "en"
        await type_text(pilot, " atasan")
        await pilot.press("enter")
        assert screen_name(pilot) == "HomeScreen"
    response = load(data_dir, response_id)
    assert (response.status, response.abandon_reason, response.language) == ("abandoned", "dipanggil atasan", "en")


async def test_the_quit_dialog_switches_and_so_does_the_question_beneath(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await start_response(pilot)
        await pilot.press("ctrl+q")
        assert screen_name(pilot) == "QuitScreen" and "Keluar dari aplikasi?" in screen_text(pilot)
        await pilot.press("ctrl+l")
        assert "Quit the app?" in screen_text(pilot) and "resume later with r" in screen_text(pilot)
        await pilot.press("escape")
        assert screen_name(pilot) == "QuestionScreen" and app.lang == "en"
        await pilot.press("ctrl+l")
        await pilot.press("ctrl+q")
        assert "Keluar dari aplikasi?" in screen_text(pilot)


async def test_the_resume_dialog_switches_with_the_same_line_highlighted(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await start_response(pilot)
        await pilot.press("ctrl+p", "n", "enter")
        await type_text(pilot, "rsud")
        await pilot.press("enter", "1", "enter")
        second = app.interview.response_id
        await pilot.press("ctrl+p", "r")
        assert screen_name(pilot) == "ResumeScreen" and "Jawaban yang belum selesai" in screen_text(pilot)
        await pilot.press("down")
        await pilot.press("ctrl+l")
        text = screen_text(pilot)
        assert "Unfinished responses" in text and "answers: 1" in text and "answers: 2" in text and "jawaban" not in text
        await pilot.press("up", "enter")  # the newest first: the second response
        assert screen_name(pilot) == "QuestionScreen" and app.interview.response_id == second


async def test_ctrl_l_on_the_idle_warning_keeps_the_response_and_switches(app_factory, rules_survey):
    app = app_factory(survey=rules_survey, idle_timeout=1.2, idle_warning=0.6)
    async with app.run_test() as pilot:
        await enter_kiosk(pilot)
        await pilot.press("enter", "d", "enter")
        await pilot.pause(0.8)
        assert screen_name(pilot) == "IdleScreen"
        await pilot.press("ctrl+l")
        assert screen_name(pilot) == "QuestionScreen" and app.lang == "en" and app.interview.lang == "en"
        assert app.interview.item.id == "role"


async def test_the_thank_you_screen_switches(app_factory, rules_survey):
    app = app_factory(survey=rules_survey, thanks_seconds=30)
    async with app.run_test() as pilot:
        await enter_kiosk(pilot)
        await answer_rules_questionnaire(pilot)
        assert "Terima kasih!" in screen_text(pilot)
        await pilot.press("ctrl+l")
        text = screen_text(pilot)
        assert "Thank you!" in text and "returns to the start in" in text and "Terima" not in text
