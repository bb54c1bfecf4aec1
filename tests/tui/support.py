"""What the survey-app tests share: wait for the app, type text, read the store and the screen."""

from __future__ import annotations

from pathlib import Path

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
