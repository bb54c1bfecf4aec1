"""The key bar at the bottom of every screen: each key and what it does, in the current language, clickable."""

from __future__ import annotations

from collections.abc import Iterable

from textual.markup import escape
from textual.widgets import Static

KeyHint = tuple[str, str, str]
"""(key as shown, action to run when clicked, what it does)."""


class KeyBar(Static):
    """One line of keys; clicking a key runs the same action as pressing it."""

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

    def show_keys(self, keys: Iterable[KeyHint]) -> None:
        parts = [f"[@click={action}][b $accent]{escape(key)}[/]\u00a0{escape(label)}[/]" for key, action, label in keys]
        self.update("  ".join(parts))
