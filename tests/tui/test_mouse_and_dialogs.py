"""The mouse, the export dialog, kiosk drafts left by a crash, and the `akhlak tui` command line."""

from __future__ import annotations

from click.testing import CliRunner

from akhlak_tui import locations
from akhlak_tui.cli import cli
from akhlak_tui.crypto.device import load_or_create_device
from akhlak_tui.store import Store
from .support import load, ready, screen_name, screen_text, type_text


async def test_clicks_choose_and_the_key_bar_goes_on(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.click("#home-menu", offset=(5, 0))  # "n  Start an interview"
        assert screen_name(pilot) == "WelcomeScreen"
        await pilot.press("enter", "d", "enter", "1", "enter")
        assert app.interview.item.id == "bp1"
        await pilot.click("#choices", offset=(8, 3))  # the fourth option: 4 Setuju
        assert app.interview.store.answers(app.interview.response_id)["bp1"] == 4
        bar = app.screen.query_one("KeyBar")
        text = str(bar.render())
        await pilot.click(bar, offset=(text.index("Lanjut"), 0))
        assert app.interview.item.id == "bp2"


async def test_export_of_practice_responses_explains_why_not(app_factory):
    app = app_factory()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("e")
        assert screen_name(pilot) == "ExportScreen"
        assert "jawaban latihan tidak pernah diekspor" in screen_text(pilot)
        assert "minta koordinator memasang" in " ".join(screen_text(pilot).split())
        await pilot.press("escape", "ctrl+l", "e")
        assert "practice responses are never exported" in screen_text(pilot)
        await pilot.press("enter")  # nothing to start
        assert not app.workers
        await pilot.press("escape")
        assert screen_name(pilot) == "HomeScreen"


async def test_kiosk_draft_left_by_a_crash_resumes_in_kiosk_mode(app_factory, data_dir, rules_survey):
    with Store(locations.store_path(data_dir)) as store:
        response_id = store.start_response(
            rules_survey.questionnaire, device_id=load_or_create_device(data_dir).id, mode="kiosk", language="id"
        )
        store.save_answer(response_id, "unit", "RSUD", is_unit=True)
        store.show_item(response_id, "role")
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.pause()
        assert screen_name(pilot) == "ResumeScreen"
        assert "· kios" in screen_text(pilot) and "RSUD" in screen_text(pilot)
        await pilot.press("enter")
        assert screen_name(pilot) == "PinScreen"  # kiosk mode again: a PIN first
        for _ in range(2):
            await type_text(pilot, "1357")
            await pilot.press("enter")
        assert screen_name(pilot) == "QuestionScreen"
        assert app.kiosk is not None
        assert (app.interview.response_id, app.interview.item.id) == (response_id, "role")
        assert app.interview.answers == {"unit": "RSUD"}
        await pilot.press("ctrl+p", "ctrl+x")  # enumerator keys do nothing in kiosk mode
        assert screen_name(pilot) == "QuestionScreen"
    assert load(data_dir, response_id).status == "draft"


def test_tui_command_has_help_and_checks_the_idle_timeout():
    runner = CliRunner()
    result = runner.invoke(cli, ["tui", "--help"])
    assert result.exit_code == 0
    assert "--idle-timeout SECONDS" in result.output and "Examples:" in result.output
    result = runner.invoke(cli, ["tui", "--idle-timeout", "3"])
    assert result.exit_code != 0
    assert "3.0 is not in the range x>=10" in result.output


def test_bare_akhlak_and_tui_pass_the_idle_timeout_to_the_app(monkeypatch, tmp_path):
    import akhlak_tui.tui.app as app_module

    built = []

    class NotRun:
        def run(self) -> None:
            pass

    monkeypatch.setattr(app_module, "make_app", lambda data_dir, **options: built.append((data_dir, options)) or NotRun())
    runner = CliRunner()
    assert runner.invoke(cli, ["--data-dir", str(tmp_path)]).exit_code == 0
    assert runner.invoke(cli, ["--data-dir", str(tmp_path), "tui", "--idle-timeout", "120"]).exit_code == 0
    assert built == [(tmp_path, {"idle_timeout": 300.0}), (tmp_path, {"idle_timeout": 120.0})]
