"""Benchmark: reading and checking one incoming response, the old way (pydantic models) against the new.

Usage: python bench/bench_checks.py [-n N] [--repeat R]
  -n N        simulated responses of the built-in questionnaire (default 2000)
  --repeat R  timing rounds, the best one counts (default 5)

Prints microseconds per response for:
  old      Response.model_validate_json + the checker and Flow as they were before the change
           (read from git at BASELINE_COMMIT; skipped when git or that commit is not there)
  pydantic Response.model_validate_json + today's checker (on the model dumped to a dict)
  new      read_incoming + today's checker, as the merge does
and the ratios; then read_incoming alone on the canonical bytes laptops write, parse_response on the same
documents in another layout (the field-by-field path), and the bare JSON readers for scale
(orjson only if it happens to be installed: it is not a dependency). Goal: new <= 45 us per response on a 12 KB response (37 answers, 78 events).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.demo.units import demo_units
from akhlak_tui.merge.checks import ResponseChecker
from pydantic_core import from_json

from akhlak_tui.merge.incoming import parse_response, read_incoming
from akhlak_tui.questionnaire.builtin import builtin_questionnaire
from akhlak_tui.response import Response

BASELINE_COMMIT = "ccea689"
"""The last commit with the pydantic-model checker and the tree-walking Flow."""
SURVEY = "benchsurveyaaaaa"
ROOT = Path(__file__).resolve().parent.parent


def old_checker_class() -> type | None:
    """ResponseChecker (with its Flow) as of BASELINE_COMMIT, loaded beside today's modules."""
    sources = {}
    for name, path in {"flow": "src/akhlak_tui/questionnaire/flow.py", "checks": "src/akhlak_tui/merge/checks.py"}.items():
        shown = subprocess.run(["git", "show", f"{BASELINE_COMMIT}:{path}"], cwd=ROOT, capture_output=True, text=True)
        if shown.returncode != 0:
            return None
        sources[name] = shown.stdout
    flow = types.ModuleType("baseline_flow")
    exec(compile(sources["flow"], "baseline_flow", "exec"), flow.__dict__)  # noqa: S102 - our own code, from git
    checks = types.ModuleType("baseline_checks")
    exec(compile(sources["checks"], "baseline_checks", "exec"), checks.__dict__)  # noqa: S102
    checks.Flow = flow.Flow  # the old checker with the old Flow
    return checks.ResponseChecker


def per_response_us(run: Callable[[], None], n: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    questionnaire = builtin_questionnaire()
    units = [u.code for u in demo_units()]
    plains = [r.canonical_json().encode() for r in simulate_responses(questionnaire, demo_units(), args.n, 7, "BENCH001", SURVEY)]
    checker = ResponseChecker(SURVEY, questionnaire, units)
    size = sum(map(len, plains)) / len(plains)
    print(f"{len(plains)} responses, {size / 1024:.1f} KB each on average")

    def new() -> None:
        for plain in plains:
            checker.problems(read_incoming(plain))

    def pydantic() -> None:
        for plain in plains:
            checker.problems(Response.model_validate_json(plain).model_dump(mode="json"))

    figures = {"new": new, "pydantic": pydantic}
    old_class = old_checker_class()
    if old_class is not None:
        old_checker = old_class(SURVEY, questionnaire, units)

        def old() -> None:
            for plain in plains:
                old_checker.problems(Response.model_validate_json(plain))

        figures["old"] = old
    else:
        print(f"old: skipped (git show {BASELINE_COMMIT} failed)", file=sys.stderr)

    assert all(not checker.problems(parse_response(p)) for p in plains), "simulated responses must pass the checks"
    # The rounds interleave, so a busy machine slows every path alike.
    timings: dict[str, float] = {name: float("inf") for name in figures}
    for _ in range(args.repeat):
        for name, run in figures.items():
            timings[name] = min(timings[name], per_response_us(run, len(plains), 1))

    def each(function: Callable[[bytes], object], documents: list[bytes]) -> Callable[[], None]:
        def run() -> None:
            for plain in documents:
                function(plain)

        return run

    other_layout = [json.dumps(json.loads(p), indent=1).encode() for p in plains]
    readers = {
        "parse": (read_incoming, plains, "read_incoming, canonical bytes"),
        "parse'": (parse_response, other_layout, "parse_response, another layout (field by field)"),
        "from_json": (lambda p: from_json(p, allow_inf_nan=False, cache_strings="keys"), plains, "pydantic_core.from_json alone"),
    }
    try:
        import orjson  # noqa: PLC0415 - only for comparison, not a dependency

        readers["orjson"] = (orjson.loads, plains, "orjson.loads alone (not a dependency)")
    except ImportError:
        pass
    reading = {name: (per_response_us(each(f, docs), len(docs), args.repeat), what) for name, (f, docs, what) in readers.items()}
    for name in ("old", "pydantic", "new"):
        if name in timings:
            print(f"{name:>9}: {timings[name]:7.1f} us per response")
    for name, (us, what) in reading.items():
        print(f"{name:>9}: {us:7.1f} us per response ({what})")
    if "old" in timings:
        print(f"ratio old/new: {timings['old'] / timings['new']:.2f}x")
    print(f"ratio pydantic/new: {timings['pydantic'] / timings['new']:.2f}x")
    print(f"goal: new <= 45 us per response: {'met' if timings['new'] <= 45 else 'NOT met'}")


if __name__ == "__main__":
    main()
