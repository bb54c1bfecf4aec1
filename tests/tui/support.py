"""What the survey-app tests share: wait for the app, type text, read the store and the screen."""

from __future__ import annotations

import time
from pathlib import Path

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

from akhlak_tui import locations
from akhlak_tui.response import Response
from akhlak_tui.store import Store


async def ready(pilot: Pilot) -> None:
    """Wait until the home screen has loaded the survey."""
    for _ in range(100):
        await pilot.pause()
        if pilot.app.core is not None:  # type: ignore[attr-defined]
            return
    raise AssertionError("the app did not load its survey")


async def open_item(pilot: Pilot, item_id: str) -> None:
    """From the home screen: start a response and show the item `item_id` at once."""
    await ready(pilot)
    await pilot.press("n", "enter")
    pilot.app.interview.jump(item_id)  # type: ignore[attr-defined]
    pilot.app.screen.show_item()  # type: ignore[attr-defined]


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def clear_filter(pilot: Pilot, n: int = 30) -> None:
    await pilot.press(*["backspace"] * n)


def load(data_dir: Path, response_id: str) -> Response:
    with Store(locations.store_path(data_dir)) as store:
        return store.load(response_id)


def all_responses(data_dir: Path) -> list[Response]:
    with Store(locations.store_path(data_dir)) as store:
        ids = [row[0] for row in store.db.execute("select id from responses order by created_at")]
        return [store.load(i) for i in ids]


def screen_name(pilot: Pilot) -> str:
    return type(pilot.app.screen).__name__


def screen_text(pilot: Pilot) -> str:
    """Everything the screen shows right now, as plain text."""
    from textual.widgets import Static, OptionList, Input

    screen = pilot.app.screen
    parts: list[str] = []
    for widget in screen.query("*"):
        if not widget.display:
            continue
        if isinstance(widget, Static):
            parts.append(str(widget.render()))
        elif isinstance(widget, OptionList):
            parts.extend(str(option.prompt) for option in widget.options)
        elif isinstance(widget, Input):
            parts.append(widget.value)
    return "\n".join(parts)


KEY_CHARACTERS = {"enter": "\r", "space": " ", "backspace": "\x7f", "escape": "\x1b", "tab": "\t"}
"""The character a terminal sends for the named keys used in the tests."""


def key_event(key: str) -> events.Key:
    """The Key event a terminal driver makes for `key` (a character, or a name such as "enter")."""
    if len(key) == 1:
        return events.Key(_character_to_key(key) if not key.isalnum() else key, key)
    return events.Key(key, KEY_CHARACTERS.get(key))


async def burst(pilot: Pilot, *keys: str) -> None:
    """Send `keys` as a fast typist on a slow laptop does: all at once, none waiting for the screen,
    then wait until the app has handled every one of them."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        driver.send_message(event)
    await settled(pilot)


async def settled(pilot: Pilot, timeout: float = 20.0) -> None:
    """Wait until no key is waiting to be applied and the screen stack is still."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    calm = 0
    while time.monotonic() < deadline:
        await pilot.pause(0.01)
        waiting = app._message_queue.qsize() or getattr(app, "keys_waiting", 0)
        calm = 0 if waiting or not app.screen.is_mounted else calm + 1
        if calm >= 3:
            return
    raise AssertionError("the app did not finish handling the keys")


def chars(text: str) -> list[str]:
    """The keys that type `text`."""
    return ["space" if ch == " " else ch for ch in text]


def terminal_text(app, under: bool = True) -> str:
    """The screen as the terminal shows it, as plain text; `under` False: a dialog alone, without
    what shows around it of the screens under it."""
    import io

    from rich.console import Console
    from textual.screen import ModalScreen

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    lines = console.export_text().replace("\u00a0", " ").splitlines()
    if not under and isinstance(app.screen, ModalScreen):  # the dialog, and notices over it
        regions = [widget.region for widget in app.screen.query(".dialog, Toast")]
        lines = [line[r.x : r.right] for r in regions for line in lines[r.y : r.bottom]]
    return "\n".join(lines)
