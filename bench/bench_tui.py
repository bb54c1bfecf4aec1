"""Benchmark: the survey app's speed per answer and at start, against a bare Textual app in the same run.

Usage: python bench/bench_tui.py [--answers 200] [--starts 7]

(a) Per answer, in `App.run_test()` at 80x24: a digit chooses, then Enter is timed from the key
    event to the next item's frame (the compositor's render of the screen). The same is timed for
    a minimal Textual app whose Enter swaps one text. Also printed: the app's own work per
    answer (the Enter handler: check, SQLite commit, next item drawn; plus the frame's render).
    Textual renders at most 60 frames a second, so both latencies include up to one frame
    interval of waiting; the work figure is what the 16 ms goal is about.
(b) Cold start, in fresh processes: from process start to the first screen rendered, for
    `akhlak` (CLI and app imported, home screen) and for a bare Textual app with one Static.
    Also printed: until the home screen shows the survey and counts (loaded after first paint).

Goals: <= 16 ms of work per answer; cold start <= 1.3x the bare app.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from akhlak_tui.tui.app import make_app
from akhlak_tui.tui.screens.question import QuestionScreen

LIKERT = [
    "bp1", "bp2", "bp3", "bp4", "ak1", "ak2", "ak3", "ko1", "ko2", "ko3", "ha1", "ha2", "ha3",
    "lo1", "lo2", "lo3", "ad1", "ad2", "ad3", "kl1", "kl2", "kl3",
]  # fmt: skip


class FrameClock:
    """Records when screens render a frame, and how long each render and each Enter took."""

    def __init__(self) -> None:
        self.frames: list[float] = []
        self.render_seconds: list[float] = []
        original = Screen._compositor_refresh

        def timed(screen: Screen) -> None:
            start = time.perf_counter()
            original(screen)
            end = time.perf_counter()
            self.frames.append(end)
            self.render_seconds.append(end - start)

        Screen._compositor_refresh = timed  # type: ignore[method-assign]

    async def frame_after(self, start: float, condition) -> tuple[float, float]:
        """Wait for the first frame after `start` once `condition()` holds: (latency, its render time)."""
        while True:
            await asyncio.sleep(0)
            if condition():
                for at, took in zip(self.frames, self.render_seconds):
                    if at > start:
                        return at - start, took
            await asyncio.sleep(0.001)


class BareApp(App[None]):
    """The baseline: Enter replaces one line of text."""

    def compose(self) -> ComposeResult:
        yield Static("0", id="text")

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            self.count = getattr(self, "count", 0) + 1
            self.query_one("#text", Static).update(f"item {self.count}")


async def time_bare(clock: FrameClock, answers: int) -> list[float]:
    app = BareApp()
    latencies = []
    async with app.run_test() as pilot:
        await pilot.pause()
        for n in range(1, answers + 1):
            clock.frames.clear()
            clock.render_seconds.clear()
            start = time.perf_counter()
            app.post_message(events.Key("enter", "\r"))
            latency, _ = await clock.frame_after(start, lambda n=n: getattr(app, "count", 0) == n)
            latencies.append(latency)
            await pilot.pause()
    return latencies


async def time_app(clock: FrameClock, answers: int) -> tuple[list[float], list[float]]:
    handler_seconds: list[float] = []
    original = QuestionScreen.action_go_on

    def timed_go_on(screen: QuestionScreen) -> None:
        start = time.perf_counter()
        original(screen)
        handler_seconds.append(time.perf_counter() - start)

    QuestionScreen.action_go_on = timed_go_on  # type: ignore[method-assign]
    latencies, work = [], []
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        async with app.run_test() as pilot:
            while app.core is None:
                await pilot.pause()
            await pilot.press("n", "enter")
            interview = app.interview
            for n in range(answers):
                if interview.item.id not in LIKERT[:-1]:
                    interview.jump(LIKERT[0])
                    app.screen.show_item()
                    await pilot.pause()
                await pilot.press("12345"[n % 5])
                before = interview.item.id
                clock.frames.clear()
                clock.render_seconds.clear()
                start = time.perf_counter()
                app.post_message(events.Key("enter", "\r"))
                latency, render = await clock.frame_after(start, lambda: interview.item.id != before)
                latencies.append(latency)
                work.append(handler_seconds[-1] + render)
                await pilot.pause()
    QuestionScreen.action_go_on = original  # type: ignore[method-assign]
    return latencies, work


STARTER = """
import sys, time
from textual.screen import Screen
original = Screen._compositor_refresh
def first_frame(screen):
    original(screen)
    if type(screen).__name__ == TARGET:
        if not getattr(first_frame, "done", False):
            first_frame.done = True
            print("first", time.perf_counter(), flush=True)
        if LOADED(screen):
            print("loaded", time.perf_counter(), flush=True)
            screen.app.exit()
Screen._compositor_refresh = first_frame
"""

BARE_START = STARTER.replace("TARGET", "'Screen'").replace("LOADED(screen)", "True") + """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("akhlak")
Bare().run(headless=True, size=(80, 24))
"""

APP_START = STARTER.replace("TARGET", "'HomeScreen'").replace("LOADED(screen)", "screen.app.core is not None") + """
from pathlib import Path
import akhlak_tui.cli
from akhlak_tui.tui.app import make_app
make_app(Path(sys.argv[1]), offer_resume=False).run(headless=True, size=(80, 24))
"""


def cold_start(code: str, data_dir: str) -> tuple[float, float]:
    """Seconds from process start to the first frame, and to the 'loaded' frame."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, data_dir], capture_output=True, text=True, check=True)
    marks = dict(line.split() for line in done.stdout.splitlines() if line.split()[0] in ("first", "loaded"))
    return float(marks["first"]) - start, float(marks["loaded"]) - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--starts", type=int, default=7)
    args = parser.parse_args()

    clock = FrameClock()
    bare = asyncio.run(time_bare(clock, args.answers))
    latencies, work = asyncio.run(time_app(clock, args.answers))
    ms = lambda values: statistics.median(values) * 1000  # noqa: E731
    print(f"(a) per answer, median of {args.answers}, 80x24 run_test:")
    print(f"    bare Textual app, key to frame:  {ms(bare):6.2f} ms")
    print(f"    akhlak, key to next item frame:  {ms(latencies):6.2f} ms   ratio {ms(latencies) / ms(bare):.2f}x")
    print(f"    akhlak work per answer (commit + next item + render): {ms(work):6.2f} ms   goal <= 16 ms")

    with tempfile.TemporaryDirectory() as tmp:
        cold_start(APP_START, tmp)  # warm the OS file cache and create the store, as on a used laptop
        bare_starts, app_starts, app_loaded = [], [], []
        for _ in range(args.starts):
            bare_starts.append(cold_start(BARE_START, tmp)[0])
            first, loaded = cold_start(APP_START, tmp)
            app_starts.append(first)
            app_loaded.append(loaded)
    low = lambda values: min(values) * 1000  # noqa: E731  (the least disturbed run)
    print(f"(b) cold start to the first screen, {args.starts} fresh processes each (median, fastest):")
    print(f"    bare Textual app:                {ms(bare_starts):6.0f} ms {low(bare_starts):6.0f} ms")
    print(
        f"    akhlak home screen:              {ms(app_starts):6.0f} ms {low(app_starts):6.0f} ms   "
        f"ratio {ms(app_starts) / ms(bare_starts):.2f}x, {low(app_starts) / low(bare_starts):.2f}x   goal <= 1.3x"
    )
    print(
        f"    akhlak home with survey loaded:  {ms(app_loaded):6.0f} ms {low(app_loaded):6.0f} ms   "
        f"ratio {ms(app_loaded) / ms(bare_starts):.2f}x, {low(app_loaded) / low(bare_starts):.2f}x"
    )


if __name__ == "__main__":
    main()
