"""The key bar at the bottom of every screen: each key and what it does, in the current language, clickable."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Union

from textual import events
from textual.markup import escape
from textual.widgets import Static

KeyHint = Union[tuple[str, str, str], tuple[str, str, str, int]]
"""(key as shown, action to run when clicked, what it does[, rank]). The rank says which keys the
bar leaves out first when they do not all fit: 0 (the default) is always shown, a higher rank is
dropped before a lower one (the rightmost first among equal ranks)."""

GAP = "  "
"""Between two keys: always two spaces, so each key and its label read as one group."""


def _rank(hint: KeyHint) -> int:
    return hint[3] if len(hint) > 3 else 0  # type: ignore[misc]


def fitting(keys: Sequence[KeyHint], width: int) -> list[KeyHint]:
    """The keys that fit in `width` columns with two-space gaps, the highest ranks dropped first."""
    shown = list(keys)
    while len(GAP.join(f"{h[0]} {h[2]}" for h in shown)) > width:
        droppable = [i for i, h in enumerate(shown) if _rank(h) > 0]
        if not droppable:
            break  # what is left must show, on a second line if it has to
        shown.pop(max(droppable, key=lambda i: (_rank(shown[i]), i)))
    return shown


class KeyBar(Static):
    """One line of keys, two spaces apart; clicking a key runs the same action as pressing it.
    When the keys do not fit (an 80-column terminal), the least important ones are left out."""

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
        """Every key of the screen, in the order shown."""
        self.shown: list[KeyHint] = []
        """The keys that fit and are shown."""

    def show_keys(self, keys: Iterable[KeyHint]) -> None:
        self.keys = list(keys)
        self._draw()

    def plain(self) -> str:
        """The keys shown, as plain text (as the terminal shows them)."""
        return GAP.join(f"{h[0]} {h[2]}" for h in self.shown)

    def _draw(self) -> None:
        width = self.content_size.width or self.app.size.width
        self.shown = fitting(self.keys, width)
        parts = [f"[@click={h[1]}][b $accent]{escape(h[0])}[/]\u00a0{escape(h[2])}[/]" for h in self.shown]
        self.update(GAP.join(parts))

    def on_resize(self, event: events.Resize) -> None:
        self._draw()
