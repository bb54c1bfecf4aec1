"""Kiosk mode: nothing of a previous respondent is reachable, idle responses are abandoned, the PIN gates leaving."""

from __future__ import annotations

import random

from .support import load, ready, screen_name, screen_text, type_text

PIN = "2468"
SECRET = "rahasia xyz"
"""The previous respondent's comment: it must never show again."""

SAFE_KEYS = [
    "enter", "escape", "space", "tab", "shift+tab", "up", "down", "backspace", "home", "end",
    "1", "2", "3", "4", "5", "9", "ctrl+c", "ctrl+q", "ctrl+r", "ctrl+l", "ctrl+p", "ctrl+x",
    "ctrl+z", "ctrl+b", "ctrl+k", "ctrl+s",
]  # fmt: skip


async def enter_kiosk(pilot) -> None:
    await ready(pilot)
    await pilot.press("k")
    assert screen_name(pilot) == "PinScreen"
    await type_text(pilot, PIN)
    await pilot.press("enter")
    await type_text(pilot, PIN)
    await pilot.press("enter")
    assert screen_name(pilot) == "WelcomeScreen"
    assert pilot.app.kiosk is not None


async def answer_rules_questionnaire(pilot) -> str:
    await pilot.press("enter")  # consent
    response_id = pilot.app.interview.response_id
    await type_text(pilot, "puskes")
    await pilot.press("enter", "1", "enter", "4", "enter", "5", "enter", "space", "enter", "7", "enter")
    await type_text(pilot, SECRET)
    await pilot.press("enter")
    assert screen_name(pilot) == "ReviewScreen"
    assert SECRET in screen_text(pilot)
    await pilot.press("s")
    assert screen_name(pilot) == "ThanksScreen"
    return response_id


async def test_after_submit_no_key_reaches_previous_answers_or_home(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey, thanks_seconds=0.5, pin_delay=0.01)
    async with app.run_test() as pilot:
        await enter_kiosk(pilot)
        previous = await answer_rules_questionnaire(pilot)
        assert SECRET not in screen_text(pilot)
        await pilot.pause(0.6)
        assert screen_name(pilot) == "WelcomeScreen"  # back by itself
        rng = random.Random(20261124)
        for step in range(100):
            key = rng.choice(SAFE_KEYS)
            await pilot.press(key)
            where = f"after {step + 1} keys (last {key!r})"
            assert app.is_running, where
            assert app.kiosk is not None, where
            assert screen_name(pilot) != "HomeScreen", where
            assert SECRET not in screen_text(pilot), where
            if app.interview is None:
                assert "(*) Puskesmas" not in screen_text(pilot), where
            else:
                assert app.interview.response_id != previous, where
                assert SECRET not in app.interview.answers.values(), where
        assert all(type(s).__name__ != "HomeScreen" for s in app.screen_stack)
    stored = load(data_dir, previous)
    assert stored.status == "submitted" and stored.mode == "kiosk"
    assert stored.answer_map["comment"] == SECRET


async def test_back_stops_at_the_respondents_first_item(app_factory, rules_survey):
    app = app_factory(survey=rules_survey, thanks_seconds=0.5)
    async with app.run_test() as pilot:
        await enter_kiosk(pilot)
        await answer_rules_questionnaire(pilot)
        await pilot.pause(0.6)
        await pilot.press("enter")
        first = app.interview.item.id
        for _ in range(5):
            await pilot.press("escape")
        assert app.interview.item.id == first
        assert "Ini pertanyaan pertama." in screen_text(pilot)
        await pilot.press("ctrl+r")
        assert "Puskesmas" not in screen_text(pilot)
        assert SECRET not in screen_text(pilot)
        assert app.interview.answers == {}


async def test_ctrl_c_and_ctrl_q_do_not_leave_kiosk_without_the_pin(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey, pin_delay=1.0)
    now = [1000.0]
    async with app.run_test() as pilot:
        await enter_kiosk(pilot)
        app.kiosk.clock = lambda: now[0]  # the wait runs on a clock the test moves
        await pilot.press("enter", "d", "enter")  # a respondent has started
        response_id = app.interview.response_id
        for key in ("ctrl+c", "ctrl+q"):
            await pilot.press(key)
            assert screen_name(pilot) == "PinScreen"
            await pilot.press("escape")
            assert screen_name(pilot) == "QuestionScreen"
        await pilot.press("ctrl+q")
        await type_text(pilot, "1111")
        await pilot.press("enter")
        assert app.kiosk.failures == 1
        assert "PIN salah (1 kali)" in screen_text(pilot)
        await type_text(pilot, PIN)  # right, but too soon after a wrong one: refused unchecked
        await pilot.press("enter")
        assert app.kiosk is not None and screen_name(pilot) == "PinScreen"
        assert "Tunggu 1 detik" in screen_text(pilot)
        now[0] += 1.0
        await type_text(pilot, "2222")
        await pilot.press("enter")
        assert app.kiosk.failures == 2
        assert app.kiosk.wait_left() == 2.0  # doubled
        now[0] += 2.0
        await type_text(pilot, PIN)
        await pilot.press("enter")
        assert app.kiosk is None
        assert screen_name(pilot) == "HomeScreen"
    response = load(data_dir, response_id)
    assert (response.status, response.abandon_reason) == ("abandoned", "kiosk mode closed")


async def test_idle_timeout_warns_then_abandons_and_resets(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey, idle_timeout=1.2, idle_warning=0.6)
    async with app.run_test() as pilot:
        await enter_kiosk(pilot)
        await pilot.press("enter", "d", "enter")
        response_id = app.interview.response_id
        await pilot.pause(0.8)
        assert screen_name(pilot) == "IdleScreen"
        await pilot.press("x")  # any key: the respondent is still there
        assert screen_name(pilot) == "QuestionScreen"
        assert app.interview.item.id == "role"  # the key only closed the warning
        await pilot.pause(0.8)
        assert screen_name(pilot) == "IdleScreen"
        await pilot.pause(0.7)
        assert screen_name(pilot) == "WelcomeScreen"
        assert app.interview is None
        assert "Dinas" not in screen_text(pilot)
    response = load(data_dir, response_id)
    assert (response.status, response.abandon_reason) == ("abandoned", "idle timeout")
    assert [e.kind for e in response.events].count("idle") == 2


async def test_next_respondent_starts_in_the_default_language(app_factory, rules_survey):
    app = app_factory(survey=rules_survey, thanks_seconds=0.3)
    async with app.run_test() as pilot:
        await enter_kiosk(pilot)
        await pilot.press("ctrl+l")
        assert "Rules survey" in screen_text(pilot)
        await answer_rules_questionnaire(pilot)
        await pilot.pause(0.5)
        assert screen_name(pilot) == "WelcomeScreen"
        assert "Survei aturan" in screen_text(pilot)


async def test_the_thanks_counts_down_and_leaving_kiosk_gives_the_enumerator_their_language(app_factory, rules_survey):
    """The thank-you screen said "5 detik" for all five seconds; it now counts down. The enumerator
    worked in English before kiosk mode (each respondent starts in Bahasa): leaving kiosk mode gives
    English back, where it used to stay in Bahasa."""
    app = app_factory(survey=rules_survey, thanks_seconds=3, pin_delay=0.01)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("ctrl+l")
        assert app.lang == "en"
        await pilot.press("k")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        assert screen_name(pilot) == "WelcomeScreen" and app.lang == "id"
        await answer_rules_questionnaire(pilot)  # submitted: the thanks shows
        assert "dalam 3 detik" in screen_text(pilot)
        await pilot.pause(1.2)
        assert "dalam 2 detik" in screen_text(pilot), screen_text(pilot)
        await pilot.press("enter")
        assert screen_name(pilot) == "WelcomeScreen"
        await pilot.press("ctrl+q")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await pilot.pause()
        assert app.kiosk is None and screen_name(pilot) == "HomeScreen" and app.lang == "en"
