"""The key bar at the bottom of every screen: each key and what it does, in the current language, clickable."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import events
from textual.markup import escape
from textual.widgets import Static

KeyHint = tuple[str, str, str]
"""(key as shown, action to run when clicked, what it does)."""


class KeyBar(Static):
    """One line of keys; clicking a key runs the same action as pressing it. The keys are two
    spaces apart, or one when that is what keeps them on one line (an 80-column terminal)."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        max-height: 2;
        width: 100%;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keys: list[KeyHint] = []

    def show_keys(self, keys: Iterable[KeyHint]) -> None:
        self.keys = list(keys)
        self._draw()

    def plain(self, gap: str = "  ") -> str:
        """The keys as plain text, `gap` between them."""
        return gap.join(f"{key} {label}" for key, _, label in self.keys)

    def _draw(self) -> None:
        width = self.content_size.width or self.app.size.width
        gap = "  " if len(self.plain("  ")) <= width else " "
        parts = [f"[@click={action}][b $accent]{escape(key)}[/]\u00a0{escape(label)}[/]" for key, action, label in self.keys]
        self.update(gap.join(parts))

    def on_resize(self, event: events.Resize) -> None:
        self._draw()
