"""A survey uninstalled from another terminal while the app has it open: no response starts under it."""

from __future__ import annotations

import sys
from pathlib import Path

from akhlak_tui.tui.app import make_app
from .support import open_item, ready, screen_name, screen_text

TESTS = Path(__file__).parents[1]
sys.path[:0] = [str(TESTS / "merge"), str(TESTS / "receipt")]

from receipt_world import make_world  # noqa: E402


async def test_a_survey_uninstalled_while_the_app_is_open_starts_no_interview(tmp_path: Path) -> None:
    """Before, the interview started and its answers were kept under a survey no longer
    installed, which nothing could export. Now consent is refused with why and what to do, in
    the user's language, and the welcome stays."""
    world = make_world(tmp_path)
    sid = world.coordinator.survey.survey_id
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        result = world.on_laptop("survey", "uninstall", sid)  # from another terminal: nothing was at risk
        assert result.exit_code == 0, result.output
        await pilot.press("n")
        assert screen_name(pilot) == "WelcomeScreen"
        await pilot.press("enter")  # consent
        await pilot.pause()
        assert screen_name(pilot) == "WelcomeScreen" and app.interview is None and app.is_running
        said = screen_text(pilot)  # under the consent question, not in a corner toast covering it
        assert "Survei ini sudah dilepas dari laptop ini: wawancara baru tidak dapat dimulai." in said, said
        assert "Tutup aplikasi lalu buka lagi" in said and "Jawaban tidak dapat disimpan" not in said
        assert "tetap tersimpan" not in said  # the uninstall deleted the survey's answers: nothing "kept" to promise
        assert len(app._notifications) == 0
        await pilot.press("ctrl+l")
        said = screen_text(pilot)
        assert "This survey was removed from this laptop: no new interview can start." in said, said
    assert world.rows() == {}  # no response left under the removed survey


async def test_an_interview_removed_with_its_survey_stops_and_says_so(tmp_path: Path) -> None:
    """`survey uninstall --force` from another terminal deletes the open interview with its
    survey. Before, each answer then said "the answer cannot be saved, try again", Ctrl+P and Ctrl+X
    did nothing visible and quitting promised the answers were kept. Now the next answer ends the
    interview on the failure screen, saying what happened and what to do, and quitting asks nothing."""
    world = make_world(tmp_path)
    sid = world.coordinator.survey.survey_id
    app = make_app(world.laptop, debug=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_item(pilot, "bp1")
        await pilot.press("4")
        await pilot.pause()
        assert app.interview is not None and app.interview.answers.get("bp1") == 4
        result = world.on_laptop("survey", "uninstall", sid, "--force", "--yes")
        assert result.exit_code == 0, result.output
        await pilot.press("5")  # bp2
        await pilot.pause()
        assert screen_name(pilot) == "FailureScreen" and app.interview is None and app.is_running
        shown = screen_text(pilot)
        assert "Wawancara ini sudah dihapus dari laptop ini bersama surveinya" in shown, shown
        assert "Tutup aplikasi lalu buka lagi" in shown
        assert "tersimpan" not in shown and "Jawaban tidak dapat disimpan" not in shown  # nothing kept to promise
        await pilot.press("ctrl+l")
        await pilot.press("ctrl+q")  # no interview left: quits without asking
        await pilot.pause()
        assert not app.is_running
    assert world.rows() == {}
