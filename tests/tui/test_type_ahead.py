"""Keys typed faster than the screen follows: each lands, in order, on the question it was typed for.

Every test sends its keys in one burst (none waits for the screen, as on a slow laptop with a
fast typist) and then checks what the store holds and which item is on screen.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest

from .support import burst, chars, ready, screen_name, screen_text

COMMIT_DELAY = 0.15
"""Seconds each slowed commit takes (a worn disk whose fsync is slow)."""


def stored(app) -> dict:
    return app.interview.store.answers(app.interview.response_id)


def slow_commits(app, delay: float = COMMIT_DELAY) -> None:
    """Make every transaction of the app's store take `delay` seconds longer to commit."""
    db = app.core.store.db
    atomic = db.atomic

    @contextmanager
    def slow_atomic(*args, **kwargs):
        with atomic(*args, **kwargs):
            yield
        time.sleep(delay)

    db.atomic = slow_atomic


async def begin(pilot, *, slow: bool = False) -> None:
    """Open the app and give consent (the first question shows)."""
    await ready(pilot)
    if slow:
        slow_commits(pilot.app)
    await burst(pilot, "n", "enter")
    assert screen_name(pilot) == "QuestionScreen"


async def begin_at(pilot, item_id: str, *, slow: bool) -> None:
    """Give consent and put `item_id` on screen."""
    await begin(pilot, slow=slow)
    pilot.app.interview.jump(item_id)
    pilot.app.screen.show_item()


@pytest.fixture(params=[False, True], ids=["fast-disk", "slow-disk"])
def slow(request) -> bool:
    return request.param


async def test_single_choice_burst_answers_each_question(app_factory, builtin_survey, slow):
    app = app_factory(survey=builtin_survey)
    async with app.run_test() as pilot:
        await begin(pilot, slow=slow)
        await burst(pilot, *chars("rsux"), "backspace", "d", "enter")
        assert stored(app) == {"unit": "RSUD"}
        await burst(pilot, "1", "enter", "2", "enter", "3", "enter", "4", "enter", "1", "enter")
        answers = stored(app)
        assert answers["gender"] == "f"
        assert answers["employment"] == "pppk"
        assert answers["age_band"] == "35_44"
        assert answers["service_years"] == "gt20"
        assert answers["position"] == "struktural"
        assert app.interview.item.id == "bp1"
        assert set(answers) == {"unit", "gender", "employment", "age_band", "service_years", "position"}


async def test_likert_burst_with_back_and_changes(app_factory, builtin_survey, slow):
    app = app_factory(survey=builtin_survey)
    async with app.run_test() as pilot:
        await begin_at(pilot, "bp1", slow=slow)
        await burst(pilot, "4", "enter", "5", "enter", "3", "enter", "2", "enter")
        answers = stored(app)
        assert [answers.get(item) for item in ("bp1", "bp2", "bp3", "bp4")] == [4, 5, 3, 2]
        assert app.interview.item.id == "ak1"
        # Back twice, change bp3, on again: the change lands on bp3 and the walk resumes at bp4.
        await burst(pilot, "escape", "escape", "1", "enter", "enter", "3", "enter")
        answers = stored(app)
        assert [answers.get(item) for item in ("bp1", "bp2", "bp3", "bp4", "ak1")] == [4, 5, 1, 2, 3]
        assert app.interview.item.id == "ak2"


async def test_text_with_backspace_and_enter(app_factory, builtin_survey, slow):
    app = app_factory(survey=builtin_survey)
    async with app.run_test() as pilot:
        await begin_at(pilot, "comment", slow=slow)
        await burst(pilot, *chars(" helo"), "backspace", *chars("lo"), "enter")
        assert stored(app)["comment"] == "hello"
        assert screen_name(pilot) == "ReviewScreen"


async def test_values_filter_tick_and_untick(app_factory, builtin_survey, slow):
    app = app_factory(survey=builtin_survey)
    async with app.run_test() as pilot:
        await begin_at(pilot, "values_self", slow=slow)
        # Filter "juj" -> Jujur, tick; clear the filter, "ramah" -> tick; tick Ramah again (untick),
        # then "peduli", tick; Enter goes on.
        keys = [*chars("juj"), "space", *["backspace"] * 3, *chars("ramah"), "space", "space", "space"]
        keys += [*["backspace"] * 5, *chars("peduli"), "space", "enter"]
        await burst(pilot, *keys)
        picks = stored(app)["values_self"]
        assert sorted(picks) == ["jujur", "peduli", "ramah"], picks
        assert app.interview.item.id == "values_now"


async def test_number_refused_then_fixed_then_next_question(app_factory, rules_survey, slow):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await begin_at(pilot, "years", slow=slow)
        await burst(pilot, "1", "3", "enter", "backspace", "backspace", "7", "enter", *chars("ok"), "enter")
        answers = stored(app)
        assert answers["years"] == 7
        assert answers["comment"] == "ok"
        assert screen_name(pilot) == "ReviewScreen"


async def test_whole_rules_interview_in_one_burst(app_factory, rules_survey, slow):
    """Unit, role, two statements, picks, years, comment, review, submit: one burst of keys."""
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await ready(pilot)
        if slow:
            slow_commits(app)
        keys = ["n", "enter", *chars("din"), "enter", "1", "enter", "4", "enter", "2", "enter"]
        keys += [*chars("jujur"), "space", *["backspace"] * 5, "enter", *chars("12"), "enter", *chars("baik"), "enter"]
        keys += ["s"]
        await burst(pilot, *keys)
        assert screen_name(pilot) == "ThanksScreen"
        from .support import all_responses

        (response,) = all_responses(app.data_dir)
        assert response.status == "submitted"
        answers = {a.item_id: a.value for a in response.answers}
        assert answers == {
            "unit": "DINKES",
            "role": "fungsional",
            "bp1": 4,
            "bp2": 2,
            "picks": ["jujur"],
            "years": 12,
            "comment": "baik",
        }


async def test_review_open_then_answer_in_a_burst(app_factory, rules_survey, slow):
    """From the review, Enter opens a question; the keys typed after it land on that question."""
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await begin(pilot, slow=slow)
        # Unit, role, bp1 = 4; on bp2, the review (it highlights bp2); up is bp1, Enter opens it.
        await burst(pilot, *chars("din"), "enter", "1", "enter", "4", "enter", "ctrl+r", "up", "enter", "2")
        assert app.interview.item.id == "bp1"
        answers = stored(app)
        assert answers["bp1"] == 2
        assert "bp2" not in answers


async def test_kiosk_keys_typed_ahead_do_not_reach_the_next_respondent(app_factory, rules_survey):
    """Enter typed on after submitting would give consent on the next respondent's welcome."""
    from .support import all_responses, type_text

    app = app_factory(survey=rules_survey, thanks_seconds=30)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("k")
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await type_text(pilot, "2468")
        await pilot.press("enter")
        assert screen_name(pilot) == "WelcomeScreen"
        keys = ["enter", *chars("din"), "enter", "1", "enter", "4", "enter", "2", "enter"]
        keys += [*chars("jujur"), "space", "enter", *chars("12"), "enter", "enter"]
        # Submit, then Enter (leave the thank-you screen), then keys meant for nothing.
        await burst(pilot, *keys, "s", "enter", "enter", "enter", "1", "enter")
        assert screen_name(pilot) == "WelcomeScreen"
        assert app.kiosk is not None and app.interview is None
        assert [r.status for r in all_responses(app.data_dir)] == ["submitted"]


async def test_keys_after_a_key_whose_handling_failed_are_still_applied(app_factory, rules_survey, monkeypatch):
    """An unexpected error while one key is applied (logged, the app goes on) holds no key back."""
    from akhlak_tui.tui.screens.question import QuestionScreen

    def broken_review(self) -> None:
        raise RuntimeError("a bug in the review key")

    monkeypatch.setattr(QuestionScreen, "action_review", broken_review)
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        await begin(pilot)
        await burst(pilot, *chars("din"), "enter", "1", "enter", "ctrl+r", "4", "enter")
        assert app.is_running
        assert stored(app)["bp1"] == 4
        assert app.interview.item.id == "bp2"


async def test_a_screen_that_never_falls_still_does_not_hold_keys_for_ever(app_factory, rules_survey, monkeypatch):
    """A widget that keeps getting messages (an animation) delays a key by at most a second."""
    from akhlak_tui.tui import key_order

    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await begin(pilot)
        monkeypatch.setattr(key_order, "_idle", lambda node: False)
        await burst(pilot, *chars("din"), "enter", "1", "enter")
        assert stored(app) == {"unit": "DINKES", "role": "fungsional"}
        assert app.interview.item.id == "bp1"
