"""Benchmark: from launch until the home screen's title is on a real terminal, against a bare Textual app.

Usage: python bench/bench_first_screen.py [--runs 10] [--no-installed]

Each run starts a fresh process in a pseudo-terminal (80x24, TERM=xterm-256color), as a person
starting `akhlak` in a terminal would, and reads what it writes through a terminal emulator
(pyte) until the title is on the emulated screen:
- bare: a Textual app with one Label ("akhlak");
- akhlak: `python -m akhlak_tui` (what the `akhlak` command runs) on a fresh data dir
  (AKHLAK_HOME), so the built-in practice survey is used;
- akhlak, installed survey: the same on a data dir with a signed survey package installed.
For akhlak it also times until the survey is loaded (the home screen shows the questionnaire).
The runs are interleaved (bare, akhlak, installed; the order rotates each round) so that load
from other work on the machine falls on all of them alike. One unmeasured round first warms the
OS file cache and creates each data dir's store, as on a laptop that has been used.

Prints the median of the runs for each, and the ratio to the bare app's median. Goal: the home
screen's title within 1.3x the bare app. Needs pexpect and pyte (the `bench` extra); POSIX only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte

SRC = Path(__file__).resolve().parent.parent / "src"
TIMEOUT = 30.0

BARE = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("akhlak")

Bare().run()
"""

Screen = list[str]


def title_shown(display: Screen) -> bool:
    """The title (the bare app's Label, akhlak's home title) is on the top line."""
    return display[0].strip().startswith("akhlak")


def survey_loaded(display: Screen) -> bool:
    """akhlak's home screen shows the survey (its questionnaire line), or why it could not load."""
    text = "\n".join(display)
    return "Kuesioner:" in text or "Questionnaire:" in text or "tidak dapat" in text.lower()


def time_start(argv: list[str], env: dict[str, str], marks: dict[str, Callable[[Screen], bool]]) -> dict[str, float]:
    """Start `argv` in an 80x24 pseudo-terminal; seconds from launch until each mark's condition
    first holds on the emulated screen (checked after every read, in order). The process is then
    killed."""
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    pending = dict(marks)
    seen: dict[str, float] = {}
    start = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(24, 80), timeout=TIMEOUT)
    try:
        while pending:
            try:
                data = child.read_nonblocking(65536, timeout=TIMEOUT)
            except (pexpect.TIMEOUT, pexpect.EOF) as exc:
                why = "it ended" if isinstance(exc, pexpect.EOF) else f"nothing within {TIMEOUT:.0f} s"
                raise SystemExit(f"{' '.join(argv)}: no {', '.join(pending)} ({why}); screen:\n" + "\n".join(screen.display)) from None
            now = time.perf_counter()
            stream.feed(data)
            for name, condition in list(pending.items()):
                if condition(screen.display):
                    seen[name] = now - start
                    del pending[name]
                else:
                    break  # marks come in order
    finally:
        child.terminate(force=True)
        child.close(force=True)
    return seen


def base_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEXTUAL")}
    env["TERM"] = "xterm-256color"
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def install_a_survey(data_dir: Path) -> None:
    """Install a signed package of the built-in questionnaire (cheap keys: a benchmark's own)."""
    from akhlak_tui.crypto.coordinator import init_coordinator, unlock_coordinator
    from akhlak_tui.crypto.protect import FAST
    from akhlak_tui.questionnaire.builtin import builtin_file, sample_units
    from akhlak_tui.survey import create_survey_package, install_survey

    coordinator_dir = data_dir.parent / "coordinator"
    init_coordinator(coordinator_dir, "bench passphrase, not secret", cost=FAST)
    keys = unlock_coordinator(coordinator_dir, "bench passphrase, not secret")
    _, package = create_survey_package(
        coordinator=keys,
        name="Survei Bench",
        questionnaire_toml=builtin_file("berakhlak.toml").read_text(encoding="utf-8"),
        units=list(sample_units()),
    )
    install_survey(data_dir, package, allow_new_coordinator=True)


def first_screen(runs: int, installed: bool = True) -> dict[str, dict[str, list[float]]]:
    """Times of `runs` interleaved rounds: {starter: {mark: [seconds, ...]}}."""
    env = base_env()
    app_marks = {"title": title_shown, "loaded": survey_loaded}
    with tempfile.TemporaryDirectory() as tmp:
        practice_dir = Path(tmp) / "practice"
        starters: dict[str, tuple[list[str], dict[str, str], dict[str, Callable[[Screen], bool]]]] = {
            "bare": ([sys.executable, "-c", BARE], env, {"title": title_shown}),
            "akhlak": ([sys.executable, "-m", "akhlak_tui"], {**env, "AKHLAK_HOME": str(practice_dir)}, app_marks),
        }
        if installed:
            survey_dir = Path(tmp) / "installed" / "data"
            install_a_survey(survey_dir)
            starters["installed"] = ([sys.executable, "-m", "akhlak_tui"], {**env, "AKHLAK_HOME": str(survey_dir)}, app_marks)
        names = list(starters)
        times: dict[str, dict[str, list[float]]] = {name: {} for name in names}
        for round_ in range(runs + 1):
            order = names[round_ % len(names):] + names[: round_ % len(names)]
            for name in order:
                seen = time_start(*starters[name])
                if round_ == 0:
                    continue  # warm-up
                for mark, seconds in seen.items():
                    times[name].setdefault(mark, []).append(seconds)
    return times


def report(times: dict[str, dict[str, list[float]]]) -> None:
    ms = lambda values: statistics.median(values) * 1000  # noqa: E731
    bare = ms(times["bare"]["title"])
    runs = len(times["bare"]["title"])
    print(f"first screen in a real terminal (pty 80x24, xterm-256color), median of {runs} interleaved runs:")
    print(f"    {'bare Textual app, its Label on screen:':<52}{bare:6.0f} ms")
    labels = {"akhlak": "akhlak (practice)", "installed": "akhlak (installed survey)"}
    for name, label in labels.items():
        if name not in times:
            continue
        title, loaded = ms(times[name]["title"]), ms(times[name]["loaded"])
        print(f"    {label + ', home title on screen:':<52}{title:6.0f} ms   ratio {title / bare:.2f}x   goal <= 1.3x")
        print(f"    {label + ', survey loaded:':<52}{loaded:6.0f} ms   ratio {loaded / bare:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-installed", action="store_true", help="Skip the runs with an installed survey.")
    args = parser.parse_args()
    report(first_screen(args.runs, installed=not args.no_installed))


if __name__ == "__main__":
    main()
