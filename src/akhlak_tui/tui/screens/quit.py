"""The quit dialog (enumerator mode, during a response): leave the app or go back; the draft is kept either way."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar


class QuitScreen(ModalScreen[bool]):
    """Dismissed with True to quit, False to go back to the response."""

    BINDINGS = [
        Binding("enter,y", "confirm", "Quit", show=False, priority=True),
        Binding("escape,n", "cancel", "Back", show=False, priority=True),
    ]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("quit.title", self.lang), classes="title")
            yield Static(t("quit.body", self.lang))
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(KeyBar).show_keys(
            [("Enter", "screen.confirm", t("key.quit_confirm", self.lang)), ("Esc", "screen.cancel", t("key.quit_keep", self.lang))]
        )

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
