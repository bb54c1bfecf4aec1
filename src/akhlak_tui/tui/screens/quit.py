"""The quit dialog (enumerator mode, during a response): leave the app or go back; the draft is kept either way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from akhlak_tui.tui.app import AkhlakApp


class QuitScreen(ModalScreen[bool]):
    """Dismissed with True to quit, False to go back to the response."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [
        Binding("enter,y", "confirm", "Quit", show=False, priority=True),
        Binding("escape,n", "cancel", "Back", show=False, priority=True),
        Binding("ctrl+l", "language", "Language", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(id="quit-title", classes="title")
            yield Static(id="quit-body")
            yield KeyBar()

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        """Say it all in the language shown (also on Ctrl+L)."""
        lang = self.app.lang
        self.query_one("#quit-title", Static).update(t("quit.title", lang))
        self.query_one("#quit-body", Static).update(t("quit.body", lang))
        self.query_one(KeyBar).show_keys([("Enter", "screen.confirm", t("key.quit_confirm", lang)), ("Esc", "screen.cancel", t("key.quit_keep", lang))])

    def action_language(self) -> None:
        self.app.toggle_language()

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
