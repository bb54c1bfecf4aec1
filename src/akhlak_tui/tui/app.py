"""The Textual app: shows the questionnaire in use (the survey screens build on this)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from akhlak_tui.active import active_survey
from akhlak_tui.questionnaire.model import tr


class AkhlakApp(App[None]):
    """The survey app."""

    TITLE = "akhlak"

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.survey = active_survey(data_dir)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(tr(self.survey.questionnaire.questionnaire.title, "id"), id="title")
        yield Footer()


def make_app(data_dir: Path) -> AkhlakApp:
    """Build the app for a data dir (shared by the CLI and the tests)."""
    return AkhlakApp(data_dir)
