"""Make the SVG screenshots of docs/tui.md: every screen of the survey app at 80x24, driven by keys.

Usage: python docs/make_screenshots.py   (writes docs/screenshots/*.svg)
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from textual.pilot import Pilot

from akhlak_tui.tui.app import AkhlakApp, make_app

OUT = Path(__file__).resolve().parent / "screenshots"


async def keys(pilot: Pilot, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def shoot(app: AkhlakApp, pilot: Pilot, name: str) -> None:
    await pilot.pause()
    app.save_screenshot(f"{name}.svg", str(OUT))
    print(f"docs/screenshots/{name}.svg")


async def enumerator(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.core is None:
            await pilot.pause()
        await shoot(app, pilot, "home")
        await pilot.press("n")
        await shoot(app, pilot, "welcome")
        await pilot.press("enter")
        await keys(pilot, "puskes")
        await shoot(app, pilot, "unit")
        await pilot.press("enter", "1", "enter", "2", "enter", "3", "enter", "2", "enter", "2", "enter", "4")
        await shoot(app, pilot, "likert")
        await pilot.press("ctrl+l")
        await shoot(app, pilot, "likert-english")
        await pilot.press("ctrl+l")
        assert app.interview is not None
        app.interview.jump("values_self")
        app.screen.show_item()  # type: ignore[attr-defined]
        for word in ("jujur", "disiplin", "ramah", "inovatif", "kerja"):
            await keys(pilot, word)
            await pilot.press("space", *["backspace"] * len(word))
        await keys(pilot, "ter")
        await shoot(app, pilot, "values")
        await pilot.press(*["backspace"] * 3, "enter")
        app.interview.jump("comment")
        app.screen.show_item()  # type: ignore[attr-defined]
        await keys(pilot, "Pelatihan pelayanan publik lebih sering")
        await shoot(app, pilot, "comment")
        await pilot.press("ctrl+r")
        await shoot(app, pilot, "review")
        await pilot.press("escape", "ctrl+x")
        await keys(pilot, "responden dipanggil rapat")
        await shoot(app, pilot, "abandon")
        await pilot.press("escape", "ctrl+q")
        await shoot(app, pilot, "quit")
        await pilot.press("escape", "ctrl+p")
        await pilot.press("r")
        await shoot(app, pilot, "resume")
        await pilot.press("escape", "e")  # practice: the dialog says why nothing is exported
        await shoot(app, pilot, "export")


async def kiosk(data_dir: Path) -> None:
    app = make_app(data_dir, idle_timeout=60, idle_warning=30, thanks_seconds=60, offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.core is None:
            await pilot.pause()
        await pilot.press("k")
        await keys(pilot, "2468")
        await shoot(app, pilot, "kiosk-pin")
        await pilot.press("enter")
        await keys(pilot, "2468")
        await pilot.press("enter")
        await shoot(app, pilot, "kiosk-welcome")
        await pilot.press("enter")
        await keys(pilot, "rsud")
        await pilot.press("enter")
        app.last_input -= 31  # as if the respondent had left 31 seconds ago
        await pilot.pause(1.2)
        await shoot(app, pilot, "kiosk-idle")
        await pilot.press("x")
        await pilot.press("ctrl+q")
        await keys(pilot, "0000")
        await pilot.press("enter")
        await shoot(app, pilot, "kiosk-leave")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(enumerator(Path(tmp) / "enumerator"))
        asyncio.run(kiosk(Path(tmp) / "kiosk"))
        app = make_app(Path(tmp) / "thanks", offer_resume=False)

        async def thanks() -> None:
            async with app.run_test(size=(80, 24)) as pilot:
                while app.core is None:
                    await pilot.pause()
                app.finished()
                await shoot(app, pilot, "thanks")

        asyncio.run(thanks())


if __name__ == "__main__":
    main()
