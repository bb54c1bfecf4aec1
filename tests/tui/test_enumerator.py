"""Enumerator mode: consent declined stores nothing; pause, resume, abandon with a reason; resume on start."""

from __future__ import annotations

from akhlak_tui import locations
from akhlak_tui.store import Store
from .support import all_responses, load, ready, screen_name, screen_text, type_text


async def test_declined_consent_stores_nothing(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("n")
        assert screen_name(pilot) == "WelcomeScreen"
        await pilot.press("n")
        assert screen_name(pilot) == "HomeScreen"
    assert all_responses(data_dir) == []


async def test_pause_then_resume_lands_on_the_same_item(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("n", "enter")
        await type_text(pilot, "rsud")
        await pilot.press("enter", "1", "enter", "4", "enter")
        assert app.interview.item.id == "bp2"
        response_id = app.interview.response_id
        await pilot.press("ctrl+p")
        assert screen_name(pilot) == "HomeScreen"
        assert "(1)" in screen_text(pilot)  # one unfinished response
        await pilot.press("r")
        assert screen_name(pilot) == "ResumeScreen"
        assert "RSUD" in screen_text(pilot) and "3 jawaban" in screen_text(pilot)
        await pilot.press("enter")
        assert screen_name(pilot) == "QuestionScreen"
        assert app.interview.response_id == response_id
        assert app.interview.item.id == "bp2"
        assert app.interview.answers == {"unit": "RSUD", "role": "fungsional", "bp1": 4}
    kinds = [(e.kind, e.item_id) for e in load(data_dir, response_id).events]
    assert kinds[-3:] == [("paused", "bp2"), ("resumed", None), ("shown", "bp2")]


async def test_abandon_needs_a_reason(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("n", "enter", "d", "enter")
        response_id = app.interview.response_id
        await pilot.press("ctrl+x")
        assert screen_name(pilot) == "AbandonScreen"
        await pilot.press("enter")
        assert "Alasan wajib diisi." in screen_text(pilot)
        await type_text(pilot, "responden dipanggil atasan")
        await pilot.press("enter")
        assert screen_name(pilot) == "HomeScreen"
    response = load(data_dir, response_id)
    assert response.status == "abandoned"
    assert response.abandon_reason == "responden dipanggil atasan"
    assert response.answer_map == {"unit": "DINKES"}


async def test_unfinished_response_is_offered_on_start(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("n", "enter", "d", "enter", "2", "enter")
        response_id = app.interview.response_id
        await pilot.press("3", "ctrl+q")  # chosen, not yet confirmed with Enter: already stored
    with Store(locations.store_path(data_dir)) as store:
        assert store.position(response_id) == "bp1"
    again = app_factory(survey=rules_survey)
    async with again.run_test() as pilot:
        await ready(pilot)
        await pilot.pause()
        assert screen_name(pilot) == "ResumeScreen"
        await pilot.press("enter")
        assert again.interview.response_id == response_id
        assert again.interview.item.id == "bp1"
        assert again.interview.answers == {"unit": "DINKES", "role": "x", "bp1": 3}
        assert "(*) 3" in screen_text(pilot)


async def test_resume_dialog_can_abandon_an_interrupted_draft(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("n", "enter", "d", "enter")
        response_id = app.interview.response_id
        await pilot.press("ctrl+p", "r", "a")
        assert screen_name(pilot) == "HomeScreen"
        assert "(0)" in screen_text(pilot)
    response = load(data_dir, response_id)
    assert (response.status, response.abandon_reason) == ("abandoned", "interrupted")


async def test_home_counts_today_per_unit_with_target(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await ready(pilot)
        for _ in range(2):
            await pilot.press("n", "enter")
            await type_text(pilot, "rsud")
            await pilot.press("enter", "1", "enter", "4", "enter", "enter", "space", "enter", "ctrl+r", "s", "enter")
        assert screen_name(pilot) == "HomeScreen"
        line = next(line for line in screen_text(pilot).splitlines() if line.startswith("RSUD"))
        # today 2, submitted 2, Slovin target for 380 people at 5%: ceil(380 / 1.95) = 195
        assert line.split()[-3:] == ["2", "2", "195"]


async def test_unusable_store_is_shown_on_home_with_what_to_do(app_factory, data_dir):
    locations.store_path(data_dir).write_bytes(b"this is not a database" * 100)
    app = app_factory()
    async with app.run_test() as pilot:
        for _ in range(20):
            await pilot.pause()
        assert app.core is None
        text = " ".join(screen_text(pilot).split())
        assert "Survei tidak dapat dibuka: berkas data" in text and "rusak" in text
        assert "hubungi koordinator" in text
        assert "Error" not in text  # no class name
        await pilot.press("n")  # nothing to start without a store
        assert screen_name(pilot) == "HomeScreen"
        await pilot.press("q")
    assert not app.is_running
