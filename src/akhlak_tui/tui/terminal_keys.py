"""Esc and the key typed right after it are two keys, never one "Alt" key: the terminal input reader that does so.

A terminal sends Esc as the byte ESC, and Alt+5 as ESC followed by "5". Textual tells them apart
by time: a byte within 100 ms of ESC makes one key with it (Alt+5, or the character a Mac
keyboard gives for it, "∞"), and ESC Enter, ESC Space and ESC Backspace lose their Esc. A
respondent who types `Esc 5` quickly, or a laptop that reads both bytes at once, would go back
nowhere and choose nothing, and the keys after them would land on the wrong question. The survey
app binds no Alt key, so here ESC followed by an ordinary character is always Esc, then that key.
ESC followed by "[", "O" and the other bytes that open a terminal's escape sequences (arrows,
function keys, the terminal's replies) is read as before.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser

ESC = "\x1b"
SEQUENCE_OPENERS = frozenset("[O]P_^\\" + ESC)
"""Bytes that after ESC begin an escape sequence (CSI, SS3, OSC, DCS, APC, PM, ST), or a second Esc."""


class EscapeThenKeyParser(XTermParser):
    """Textual's terminal input parser, with ESC + a character read as Esc, then that character."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if len(sequence) == 2 and sequence[0] == ESC and sequence[1] not in SEQUENCE_OPENERS:
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence[1])
            return
        yield from super()._sequence_to_key_events(sequence, alt)


def read_escape_then_key() -> None:
    """Make the terminal drivers of this process read keys with EscapeThenKeyParser."""
    from textual.drivers import linux_driver

    linux_driver.XTermParser = EscapeThenKeyParser  # type: ignore[misc]
    if sys.platform == "win32":
        from textual.drivers import win32

        win32.XTermParser = EscapeThenKeyParser  # type: ignore[misc]
