"""Benchmark: merge many real bundles (signed, sealed, full built-in questionnaire) against a bare insert.

Usage: python bench/bench_merge.py [--bundles 1000] [--responses 1000] [--workers N]

1. Generates (once; cached in bench/out/merge/) the bundles of simulated laptops: 100 responses
   per laptop and bundle sequence, `--bundles` bundles of `--responses` responses in all. The
   laptops are enrolled by the bench coordinator and their bundles carry their enrolments.
2. Merges them into a fresh database with the production pipeline (`merge_bundles`, worker
   processes), in a child process whose peak memory (and its workers') is measured.
3. Inserts the very same rows with a bare `executemany` into a fresh SQLite file with the same
   schema and settings, bundle by bundle and committed as often as the merge commits, timed alone.
4. Merges them again without the paradata summaries (merge/paradata.py: neither made nor written),
   for the cost of making them at ingest (skip with --no-plain).
Prints the figures and the ratio. Goal: <= 60 s for 1M responses, <= 3x the bare insert,
peak RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from akhlak_tui.crypto.coordinator import has_coordinator, init_coordinator, unlock_coordinator
from akhlak_tui.crypto.protect import FAST
from akhlak_tui.demo.generate import demo_survey, enrol_demo_devices, write_demo_bundles
from akhlak_tui.enrolment.record import DeviceRecord
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.ingest import GROUP_RECORDS
from akhlak_tui.merge.rows import RESPONSES_INSERT_SQL
from akhlak_tui.merge.run import bundle_files, default_workers, merge_bundles
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.survey import coordinator_surveys

OUT = Path(__file__).resolve().parent / "out" / "merge"
PASSPHRASE = "bench passphrase, not secret"
SEED = 2026


def cpu_seconds() -> float | None:
    """CPU time (user + system) of this process and its finished children (None where unknown)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> tuple[float | None, float | None]:
    """Peak resident memory of this process and of its largest finished child, in MB (None where unknown)."""
    try:
        import resource
    except ImportError:  # Windows
        return None, None
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale / 1e6
    return own, children


def pss_mb(pid: int) -> float | None:
    """Proportional set size of a process in MB (shared pages split among their sharers); None where unknown."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024 / 1e6
    except (OSError, ValueError, IndexError):  # not Linux, or the process has gone
        return None
    return None


class PeakTogether(threading.Thread):
    """Samples the memory of this process and its workers together (PSS, so pages they share count once)."""

    def __init__(self, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.peak: float | None = None
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            own = pss_mb(os.getpid())
            if own is None:
                return
            total = own + sum(pss_mb(child.pid) or 0.0 for child in multiprocessing.active_children() if child.pid)
            self.peak = total if self.peak is None else max(self.peak, total)


def generate(bundles: int, responses: int, workers: int) -> Path:
    """The bundle directory for this size, generated on first use."""
    per_bundle = responses // bundles
    directory = OUT / f"bundles-{bundles}x{per_bundle}-seed{SEED}-enrolled"
    done = directory / "COMPLETE"
    home = OUT / "home"
    home.mkdir(parents=True, exist_ok=True)
    if not has_coordinator(home):
        init_coordinator(home, PASSPHRASE, cost=FAST)
    keys = unlock_coordinator(home, PASSPHRASE)
    package = demo_survey(home, keys, SEED)
    bundles_per_device = 10 if bundles % 10 == 0 else 1
    devices = bundles // bundles_per_device
    enrolments = enrol_demo_devices(home, keys, package, devices, SEED)  # the same enrolments again when cached
    if done.exists():
        return directory
    print(f"generating {bundles} bundles x {per_bundle} responses ({devices} laptops) in {directory} ...", flush=True)
    start = time.perf_counter()
    write_demo_bundles(
        package, directory, devices=devices, responses=per_bundle * bundles_per_device,
        bundles=bundles_per_device, seed=SEED, workers=workers, enrolments=enrolments,
    )
    done.write_text(json.dumps({"seconds": round(time.perf_counter() - start, 1)}))
    return directory


def without_paradata() -> None:
    """Merge as before the paradata summaries: none made (in the workers, forked from here) and none written."""
    from akhlak_tui.merge import paradata

    paradata.Summariser.summary = lambda self, document, values, events: ()  # type: ignore[method-assign]
    insert_rows = MergedDatabase.insert_rows
    MergedDatabase.insert_rows = lambda self, responses, answers, summaries=None: insert_rows(self, responses, answers, [])  # type: ignore[method-assign]


def merge_child(directory: str, db_path: str, workers: int, plain: bool = False) -> None:
    """Run in a fresh process: merge everything (without paradata summaries when `plain`), print timing and peak memory as JSON."""
    if plain:
        without_paradata()
    home = OUT / "home"
    keys = unlock_coordinator(home, PASSPHRASE)
    surveys = coordinator_surveys(home)
    files = bundle_files([directory])
    start, cpu_start = time.perf_counter(), cpu_seconds()
    together = PeakTogether()
    together.start()
    with MergedDatabase(db_path) as db, DeviceRecord(home, keys.public.signing_key) as enrolments:
        result = merge_bundles(db, files, box_key=keys.box_key, surveys=surveys, enrolments=enrolments, workers=workers)
        db.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds, cpu_end = time.perf_counter() - start, cpu_seconds()
    together.stopped.set()
    own, children = peak_rss_mb()
    print(json.dumps({
        "seconds": seconds, "cpu": None if cpu_end is None or cpu_start is None else cpu_end - cpu_start,
        "bundles": len(files), "accepted": result.total("accepted"),
        "refused": result.count("refused"), "quarantined": result.total("quarantined"),
        "rss_main_mb": own, "rss_worker_mb": children, "pss_together_mb": together.peak,
    }))


def bare_insert(merged: Path, target: Path) -> tuple[float, float, int]:
    """Insert the merged rows again with a bare executemany, bundle by bundle, committed as the merge commits
    (every GROUP_RECORDS rows); seconds, CPU seconds, rows."""
    with MergedDatabase(target) as fresh:
        source = sqlite3.connect(merged)
        survey = source.execute("select id, name, questionnaire_toml, units_json, created_at from survey").fetchone()
        fresh.set_survey(survey[0], survey[1], survey[2], [Unit(**u) for u in json.loads(survey[3])], survey[4])
        answers_sql = fresh.answers_insert_sql()
        conn = fresh.db.conn
        total, pending, seconds, cpu = 0, 0, 0.0, 0.0
        sizes = [row[0] for row in source.execute("select accepted from bundles where status = 'merged' order by merged_at, rowid")]
        responses_cursor = source.execute("select * from responses order by rowid")
        answers_cursor = source.execute("select * from answers order by rowid")
        for size in sizes:  # rows were inserted bundle by bundle, in the same order in both tables
            responses, answers = responses_cursor.fetchmany(size), answers_cursor.fetchmany(size)
            assert [r[0] for r in responses] == [a[0] for a in answers]
            start, cpu_start = time.perf_counter(), time.process_time()
            if not conn.in_transaction:
                conn.execute("BEGIN")
            conn.executemany(RESPONSES_INSERT_SQL, responses)
            conn.executemany(answers_sql, answers)
            pending += len(responses)
            if pending >= GROUP_RECORDS:
                conn.execute("COMMIT")
                pending = 0
            seconds += time.perf_counter() - start
            cpu += time.process_time() - cpu_start
            total += len(responses)
        start, cpu_start = time.perf_counter(), time.process_time()
        if conn.in_transaction:
            conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        seconds += time.perf_counter() - start
        cpu += time.process_time() - cpu_start
        source.close()
    return seconds, cpu, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundles", type=int, default=1000)
    parser.add_argument("--responses", type=int, default=1_000_000, help="responses in all")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--merge-child", nargs=2, metavar=("DIR", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-plain", action="store_true", help="skip the merge without paradata summaries")
    args = parser.parse_args()
    if args.merge_child:
        merge_child(*args.merge_child, args.workers, args.plain)
        return
    directory = generate(args.bundles, args.responses, args.workers)
    merged, baseline = OUT / "merged.db", OUT / "bare.db"
    for path in (merged, baseline):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    child = subprocess.run(
        [sys.executable, __file__, "--merge-child", str(directory), str(merged), "--workers", str(args.workers)],
        capture_output=True, text=True, check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"merge figures: {json.dumps(figures)}", flush=True)
    plain_seconds = None
    if not args.no_plain:
        plain_db = OUT / "plain.db"
        plain = subprocess.run(
            [sys.executable, __file__, "--merge-child", str(directory), str(plain_db), "--workers", str(args.workers), "--plain"],
            capture_output=True, text=True, check=True,
        )
        plain_seconds = json.loads(plain.stdout.strip().splitlines()[-1])["seconds"]
        for suffix in ("", "-wal", "-shm"):
            Path(f"{plain_db}{suffix}").unlink(missing_ok=True)
    bare_seconds, bare_cpu, rows = bare_insert(merged, baseline)
    size_gb = merged.stat().st_size / 1e9
    print(f"bundles:           {figures['bundles']:,} ({rows:,} responses; {figures['refused']} refused, {figures['quarantined']} quarantined)")
    print(f"cpu cores:         {os.cpu_count()}, merge workers: {args.workers}")
    print(f"merge:             {figures['seconds']:.1f} s  ({rows / figures['seconds']:,.0f} responses/s)")
    print(f"bare executemany:  {bare_seconds:.1f} s  (same rows, schema, settings and commits)")
    if figures["cpu"] is not None:
        print(f"cpu time:          merge {figures['cpu']:.1f} s (all processes), bare insert {bare_cpu:.1f} s")
    print(f"ratio:             {figures['seconds'] / bare_seconds:.2f}x the bare insert")
    if plain_seconds is not None:
        print(f"paradata summaries: the merge without them took {plain_seconds:.1f} s: {figures['seconds'] / plain_seconds:.2f}x with them")
    if figures["rss_main_mb"] is not None:
        print(f"peak RSS:          main {figures['rss_main_mb']:.0f} MB, largest worker {figures['rss_worker_mb']:.0f} MB")
    if figures.get("pss_together_mb") is not None:
        print(f"peak together:     {figures['pss_together_mb']:.0f} MB (PSS of main and workers, sampled every 0.2 s)")
    print(f"merged database:   {size_gb:.2f} GB")
    for path in (baseline,):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
