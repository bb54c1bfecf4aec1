"""The failure screen: what went wrong and what to do, when the interview cannot go on (e.g. a damaged file)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from akhlak_tui.tui.app import AkhlakApp


class FailureScreen(Screen[None]):
    """Shows the message and touches nothing: no store, no answers. In kiosk mode it stays until
    the PIN is given (Ctrl+Q); `Enter` tries again unless the data file is damaged."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [Binding("enter", "retry", "Try again", show=False)]

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__()
        self.message = message
        self.retry = retry
        """Whether `Enter` may try again (not on a damaged file: it is never written to again)."""

    def compose(self) -> ComposeResult:
        yield Static(id="failure-title", classes="title")
        yield Static(self.message, id="failure-message", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        lang = self.app.lang
        self.query_one("#failure-title", Static).update(t("failure.title", lang))
        keys = [("Enter", "screen.retry", t("key.retry", lang))] if self.retry else []
        if self.app.kiosk is not None:
            keys.append(("^q", "app.quit", t("key.leave_kiosk", lang)))
        else:
            keys.append(("^q", "app.quit", t("key.quit", lang)))
        self.query_one(KeyBar).show_keys(keys)

    def action_retry(self) -> None:
        if self.retry:
            self.app.reopen()
