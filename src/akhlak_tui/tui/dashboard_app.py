"""The coordinator's dashboard app (`akhlak dashboard`): a small Textual app over the merged database."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from akhlak_tui.tui.screens.dashboard import DashboardScreen
from akhlak_tui.tui.texts import t


class DashboardApp(App[None]):
    """Shows the scores of a merged database and follows it as merges add responses."""

    CSS_PATH = "dashboard.tcss"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, db_path: Path, lang: str = "id", poll_seconds: float = 2.0) -> None:
        super().__init__()
        self.db_path = db_path
        """The merged database shown."""
        self.lang = lang
        """Language of the labels."""
        self.poll_seconds = poll_seconds
        """How often to look for a changed database."""

    def on_mount(self) -> None:
        self.title = t("dashboard.title", self.lang)
        self.sub_title = str(self.db_path)
        self.push_screen(DashboardScreen(self.db_path, self.lang, self.poll_seconds))


def make_dashboard_app(db_path: Path, lang: str = "id", poll_seconds: float = 2.0) -> DashboardApp:
    """Build the dashboard (shared by the CLI and the tests)."""
    return DashboardApp(db_path, lang, poll_seconds)
