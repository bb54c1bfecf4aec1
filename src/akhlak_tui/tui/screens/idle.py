"""The idle warning of kiosk mode: a countdown; any key or click keeps the response going."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from akhlak_tui.tui.texts import t

if TYPE_CHECKING:
    from akhlak_tui.tui.app import AkhlakApp


class IdleScreen(ModalScreen[None]):
    """Counts down to the idle timeout; the app abandons the response when it runs out."""

    if TYPE_CHECKING:
        app: AkhlakApp

    def __init__(self, seconds_left: float) -> None:
        super().__init__()
        self.deadline = time.monotonic() + seconds_left

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("idle.title", self.app.lang), classes="title")
            yield Static(id="idle-count")

    def on_mount(self) -> None:
        self._count()
        self.set_interval(0.5, self._count)

    def _count(self) -> None:
        left = max(0, math.ceil(self.deadline - time.monotonic()))
        self.query_one("#idle-count", Static).update(t("idle.body", self.app.lang, n=left))

    def on_key(self, event: events.Key) -> None:
        event.stop()
        if event.key == "ctrl+l":  # a key like any other, and it switches the language as everywhere
            self.app.toggle_language()
        self.dismiss(None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        event.stop()
        self.dismiss(None)
