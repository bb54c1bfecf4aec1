"""Benchmark: the survey app's speed per answer and at start, against a bare Textual app in the same run.

Usage: python bench/bench_tui.py [--answers 200] [--starts 10]

(a) Per answer, in `App.run_test()` at 80x24: a digit chooses, then Enter is timed from the key
    event to the next item's frame (the compositor's render of the screen). The same is timed for
    a minimal Textual app whose Enter swaps one text. Also printed: the app's own work per
    answer (the Enter handler: check, SQLite commit, next item drawn; plus the frame's render).
    Textual renders at most 60 frames a second, so both latencies include up to one frame
    interval of waiting; the work figure is what the 16 ms goal is about.
(b) The first screen as a person sees it: bench/bench_first_screen.py starts `akhlak` and a bare
    Textual app in a pseudo-terminal, `--starts` times each, interleaved, and times from launch
    until the home screen's title is on the terminal (and until the survey is loaded).

Goals: <= 16 ms of work per answer; the first screen <= 1.3x the bare app.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_first_screen import first_screen, report  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--starts", type=int, default=10, help="Runs of each start in a real terminal.")
    args = parser.parse_args()

    clock = FrameClock()
    bare = asyncio.run(time_bare(clock, args.answers))
    latencies, work = asyncio.run(time_app(clock, args.answers))
    ms = lambda values: statistics.median(values) * 1000  # noqa: E731
    print(f"(a) per answer, median of {args.answers}, 80x24 run_test:")
    print(f"    bare Textual app, key to frame:  {ms(bare):6.2f} ms")
    print(f"    akhlak, key to next item frame:  {ms(latencies):6.2f} ms   ratio {ms(latencies) / ms(bare):.2f}x")
    print(f"    akhlak work per answer (commit + next item + render): {ms(work):6.2f} ms   goal <= 16 ms")

    print("(b)", end=" ")
    report(first_screen(args.starts))


if __name__ == "__main__":
    main()
