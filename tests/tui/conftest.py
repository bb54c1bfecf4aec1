"""Fixtures of the survey-app tests: a data dir per test, surveys, and the app driven by keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhlak_tui.active import ActiveSurvey, practice_survey
from akhlak_tui.questionnaire.loading import load_questionnaire
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.tui.app import AkhlakApp, make_app

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _steady(monkeypatch: pytest.MonkeyPatch) -> None:
    """No animations, no blinking cursor: the same keys always give the same screens.
    (tests/conftest.py already gives every test its own AKHLAK_HOME.)"""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def rules_survey() -> ActiveSurvey:
    """Practice on tests/tui/data/rules.toml with three units."""
    return ActiveSurvey(
        survey_id=None,
        name="rules",
        questionnaire=load_questionnaire(DATA / "rules.toml"),
        units=(
            Unit(code="DINKES", name="Dinas Kesehatan", headcount=85),
            Unit(code="RSUD", name="RSUD Tanjung Harapan", headcount=380),
            Unit(code="PKM-01", name="Puskesmas Bukit Sentosa"),
        ),
    )


@pytest.fixture
def builtin_survey() -> ActiveSurvey:
    return practice_survey()


@pytest.fixture
def app_factory(data_dir: Path):
    """Build the app on the test's data dir; options as for make_app. debug=True unless given, so
    that an unexpected error fails the test (tests/tui/test_failures.py tests the app without it)."""

    def build(**options) -> AkhlakApp:
        options.setdefault("debug", True)
        return make_app(data_dir, **options)

    return build
