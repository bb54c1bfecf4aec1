"""The terminal input reader: keys typed as one burst of bytes are the keys typed, in order, Esc included."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st
from textual import constants, events

from akhlak_tui.tui.terminal_keys import EscapeThenKeyParser

BYTES = {
    **{c: c for c in "0123456789abcdrsuxyzADX,.-"},
    "enter": "\r",
    "escape": "\x1b",
    "space": " ",
    "backspace": "\x7f",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "pagedown": "\x1b[6~",
}
"""What a terminal (xterm-256color) sends for each key."""


def parse(data: str) -> list[str]:
    """The keys the reader makes of `data` arriving at once (and, after a trailing Esc, a pause)."""
    parser = EscapeThenKeyParser()
    keys = [e.key for e in parser.feed(data) if isinstance(e, events.Key)]
    if data.endswith("\x1b"):
        time.sleep(constants.ESCAPE_DELAY + 0.02)
        keys += [e.key for e in parser.tick() if isinstance(e, events.Key)]
    return keys


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(sorted(BYTES)), min_size=1, max_size=12))
def test_a_burst_of_keys_is_read_as_those_keys(keys):
    alone = [key for name in keys for key in parse(BYTES[name])]
    assert parse("".join(BYTES[name] for name in keys)) == alone
    assert alone.count("escape") == keys.count("escape")


def test_escape_then_a_digit_enter_space_or_backspace_is_two_keys():
    assert parse("\x1b5") == ["escape", "5"]
    assert parse("\x1b\r") == ["escape", "enter"]
    assert parse("\x1b ") == ["escape", "space"]
    assert parse("\x1b\x7f") == ["escape", "backspace"]
    assert parse("\x1b\x1b5\r") == ["escape", "escape", "5", "enter"]
    assert parse("\x1b[A\x1bOB") == ["up", "down"]  # escape sequences are still one key
