"""The abandon dialog (enumerator mode): the reason a response ends unfinished."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar


class AbandonScreen(ModalScreen[str | None]):
    """Dismissed with the reason typed, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False, priority=True)]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("abandon.title", self.lang))
            yield Input(placeholder=t("abandon.placeholder", self.lang), id="reason", max_length=200)
            yield Static(id="abandon-message", classes="message")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(KeyBar).show_keys(
            [
                ("Enter", "screen.submit", t("key.abandon_confirm", self.lang)),
                ("Esc", "screen.cancel", t("key.abandon_keep", self.lang)),
            ]
        )
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        reason = " ".join(self.query_one("#reason", Input).value.split())
        if reason:
            self.dismiss(reason)
        else:
            self.query_one("#abandon-message", Static).update(t("abandon.needed", self.lang))

    def action_cancel(self) -> None:
        self.dismiss(None)
