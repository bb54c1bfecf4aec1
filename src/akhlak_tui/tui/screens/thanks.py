"""The thank-you screen; in kiosk mode it returns to a fresh welcome screen by itself."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from akhlak_tui.tui.app import AkhlakApp


class ThanksScreen(Screen[None]):
    """Shows nothing of the response just submitted."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [
        Binding("enter", "done", "Done", show=False, priority=True),
        Binding("n", "next", "New interview", show=False),
        Binding("ctrl+l", "language", "Language", show=False, priority=True),
    ]

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def compose(self) -> ComposeResult:
        yield Static(id="thanks-title", classes="title")
        yield Static(id="thanks-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self._until = time.monotonic() + self.app.thanks_seconds
        self.relabel()
        if self.mode == "kiosk":
            self.set_timer(self.app.thanks_seconds, self.action_done)
            self.set_interval(min(1.0, max(self.app.thanks_seconds, 0.05)), self._count_down)

    def relabel(self) -> None:
        """Say it all in the language shown (also on Ctrl+L)."""
        lang = self.app.lang
        self.query_one("#thanks-title", Static).update(t("thanks.title", lang))
        self._count_down()
        if self.mode == "kiosk":
            self.query_one(KeyBar).show_keys([("Enter", "screen.done", t("key.next", lang))])
        else:
            self.query_one(KeyBar).show_keys(
                [("Enter", "screen.done", t("key.home", lang)), ("n", "screen.next", t("key.next_interview", lang))]
            )

    def action_language(self) -> None:
        self.app.toggle_language()

    def _count_down(self) -> None:
        """The thanks; in kiosk mode with the seconds left before the next respondent's start, counting down."""
        lang = self.app.lang
        body = t("thanks.body", lang)
        if self.mode == "kiosk":
            body += "\n\n" + t("thanks.kiosk", lang, n=max(1, math.ceil(self._until - time.monotonic())))
        self.query_one("#thanks-body", Static).update(body)

    def action_done(self) -> None:
        if self.app.screen is self:
            self.app.after_response()

    def action_next(self) -> None:
        if self.mode != "kiosk":
            self.app.show_welcome("enumerator")
