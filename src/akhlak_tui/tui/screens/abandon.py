"""The abandon dialog (enumerator mode): the reason a response ends unfinished."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from akhlak_tui.tui.app import AkhlakApp


class AbandonScreen(ModalScreen[str | None]):
    """Dismissed with the reason typed, or None when cancelled."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False, priority=True),
        Binding("ctrl+l", "language", "Language", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.needed = False
        """Whether the dialog says a reason is needed: said again on Ctrl+L."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(id="abandon-title")
            yield Input(id="reason", max_length=200)
            yield Static(id="abandon-message", classes="message")
            yield KeyBar()

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#reason", Input).focus()

    def relabel(self) -> None:
        """Say it all in the language shown (also on Ctrl+L); what is typed stays."""
        lang = self.app.lang
        self.query_one("#abandon-title", Static).update(t("abandon.title", lang))
        self.query_one("#reason", Input).placeholder = t("abandon.placeholder", lang)
        self.query_one("#abandon-message", Static).update(t("abandon.needed", lang) if self.needed else "")
        self.query_one(KeyBar).show_keys(
            [("Enter", "screen.submit", t("key.abandon_confirm", lang)), ("Esc", "screen.cancel", t("key.abandon_keep", lang))]
        )

    def action_language(self) -> None:
        self.app.toggle_language()

    @on(Input.Submitted, "#reason")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        reason = " ".join(self.query_one("#reason", Input).value.split())
        if reason:
            self.dismiss(reason)
        else:
            self.needed = True
            self.relabel()

    def action_cancel(self) -> None:
        self.dismiss(None)
