"""Benchmark: score and report a merged database of many responses, against bare scans of it.

The report is timed in the same run: plain (score_merged(trust=False) without intervals: no 95%
intervals, weighting, alpha, quality flags or staff profile) and with all of them, as `akhlak
report --weight headcount` computes them, twice each in turn, the best of each counting (goal:
<= 1.5x the plain one), and the CPU time of both runs of each (the work itself, on shared
cores); then with --exclude-flagged; then the full report compared with a previous wave of as
many responses (that wave scored too, then both in the html), as `akhlak report --compare
PREVIOUS_DB --format html`.

Usage: python bench/bench_report.py [-n N] [--db FILE] [--previous FILE]
  -n N             responses per wave (default 1,000,000; goal: the full html report in <= 10 s, <= 500 MB)
  --db FILE        keep the generated database in FILE and reuse it on the next run (same N)
  --previous FILE  the same for the previous wave's database
  --before SRC     also time the report of another checkout's code on this wave (e.g. /work/main/src:
                   the report as it was), in a child process, for the ratio in the same run
  --rows           without the cells' sums the merge keeps (scoring/cell_cache.py): every report
                   counts every row, as a database merged by an older version does

Without --rows, both databases first get the sums `akhlak merge` keeps (counted once here, timed).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.paradata import PARADATA_INSERT_SQL
from akhlak_tui.merge.rows import RESPONSES_INSERT_SQL, answer_columns
from akhlak_tui.questionnaire.builtin import BUILTIN_QUESTIONNAIRE, builtin_file, builtin_questionnaire, sample_units

POOL = 4000  # distinct answer rows, sampled with replacement: the SQL work is the same as fully random rows


def _answer_pool(rng: random.Random) -> list[tuple]:
    q = builtin_questionnaire()
    units = [u.code for u in sample_units()]
    pool = []
    for _ in range(POOL):
        culture = rng.random()
        row = []
        for item in q.answerable_items:
            kind = item.type
            if kind == "unit":
                row.append(rng.choice(units))
            elif kind == "likert":
                if rng.random() < 0.03:
                    row.append(q.scale_for(item).not_applicable.code)
                else:
                    row.append(max(1, min(5, round(rng.gauss(2 + 2.5 * culture, 1.0)))))
            elif kind == "single":
                row.append(rng.choice(item.options).code if rng.random() > 0.05 else None)
            elif kind == "multi":
                k = rng.randint(0 if item.min_picks == 0 else 1, item.effective_max)
                picks = rng.sample([o.code for o in item.options], k)
                row.append(json.dumps(picks) if picks else None)
            elif kind == "text":
                row.append("Perlu pelatihan." if rng.random() < 0.2 else None)
            else:
                row.append(rng.randint(0, 40))
        pool.append(tuple(row))
    return pool


def build_merged(path: Path, n: int, seed: int = 1) -> None:
    """A merged database of `n` submitted responses (plus 2% abandoned) of the built-in survey."""
    rng = random.Random(seed)
    q = builtin_questionnaire()
    mdb = MergedDatabase(path)
    mdb.set_survey("bench", "Bench survey", builtin_file(BUILTIN_QUESTIONNAIRE).read_text("utf-8"), list(sample_units()), "2026-01-01T00:00:00Z")
    columns = [c for c, _ in answer_columns(q)]
    unit_index = columns.index("unit")
    pool = _answer_pool(rng)
    answers_sql = f"insert into answers (response_id, {', '.join(columns)}) values ({', '.join('?' * (len(columns) + 1))})"
    conn = mdb.db.conn
    batch = 50_000
    for start in range(0, n, batch):
        r_rows, a_rows, p_rows = [], [], []
        for _ in range(min(batch, n - start)):
            rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            pick = rng.randrange(POOL)
            answers = pool[pick]
            status = "abandoned" if rng.random() < 0.02 else "submitted"
            minute = rng.randint(7 * 60, 17 * 60) if rng.random() > 0.01 else rng.randint(0, 1439)
            submitted = f"2026-01-{rng.randint(1, 28):02d}T{minute // 60:02d}:{minute % 60:02d}:{rng.randint(0, 59):02d}.000Z"
            r_rows.append((rid, "bench", q.content_hash, f"dev{rng.randint(1, 40)}", "b", status, None, answers[unit_index], "kiosk", "id",
                           "2026-01-01T08:00:00Z", "2026-01-01T08:10:00Z", submitted if status == "submitted" else None, "h", b"{}", 2))
            a_rows.append((rid, *answers))
            # the paradata summary the merge would have made (merge/paradata.py): a few speeders and straight-liners
            median = rng.randint(800, 9000)
            p_rows.append((rid, rng.randint(60_000, 1_500_000), 27, median, median // 3, 27, int(rng.random() < 0.02), rng.randint(1, 14),
                           rng.randint(0, 12), minute if status == "submitted" else None, answers[unit_index],
                           int(status == "submitted"), int(rng.random() < 0.001)))
        with mdb.db.atomic():
            conn.executemany(RESPONSES_INSERT_SQL, r_rows)
            conn.executemany(answers_sql, a_rows)
            conn.executemany(PARADATA_INSERT_SQL, p_rows)
    mdb.close()


def _timed(label: str, fn, cpu_times: list[float] | None = None):
    """(fn's result, seconds); the CPU seconds (both threads) are printed, and added to `cpu_times`."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:<44} {seconds:8.2f} s  (cpu {cpu:.2f} s)")
    if cpu_times is not None:
        cpu_times.append(cpu)
    return result, seconds


BEFORE = """
import sys, time
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.paradata import PARADATA_INSERT_SQL
from akhlak_tui.report.html import render_html
from akhlak_tui.scoring import score_merged
start = time.perf_counter()
mdb = MergedDatabase(sys.argv[1])
render_html(score_merged(mdb), "id")
print(time.perf_counter() - start)
"""


def _time_other_code(src: Path, db: Path) -> float:
    """Seconds another checkout's code takes for score + html on `db` (run in a child process)."""
    import os
    import subprocess

    out = subprocess.run([sys.executable, "-c", BEFORE, str(db)], env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True, check=True)
    seconds = float(out.stdout.strip().splitlines()[-1])
    print(f"{'report of ' + str(src) + ' (score + html)':<44} {seconds:8.2f} s")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--previous", type=Path)
    parser.add_argument("--before", type=Path)
    parser.add_argument("--rows", action="store_true")
    args = parser.parse_args()
    workdir = tempfile.TemporaryDirectory()
    path = args.db or Path(workdir.name) / "merged.db"
    previous = args.previous or Path(workdir.name) / "previous.db"
    if not path.exists():
        _timed(f"build merged database ({args.n:,} responses)", lambda: build_merged(path, args.n))
    if not previous.exists():
        _timed(f"build previous wave ({args.n:,} responses)", lambda: build_merged(previous, args.n, seed=2))
    from akhlak_tui.merge.run import keep_report_sums

    for label, file in (("this wave", path), ("previous wave", previous)):  # as `akhlak merge` leaves them
        with MergedDatabase(file) as kept:
            if args.rows:
                if kept.db["score_cache"].exists():
                    kept.db.conn.execute("DELETE FROM score_cache")  # forgotten: the report counts the rows
                    kept.db.conn.commit()
            else:
                done, _ = _timed(f"the sums the merge keeps: {label}", lambda: keep_report_sums(kept))
                print(f"  ({done}: 'counted' counts every row, as after a merge into an older database)")
    from akhlak_tui.report.formats import report_json
    from akhlak_tui.report.html import render_html
    from akhlak_tui.scoring import score_merged
    from akhlak_tui.scoring.waves import compare, previous_figures

    conn = sqlite3.connect(str(path))
    count = conn.execute("SELECT count(*) FROM responses WHERE status = 'submitted'").fetchone()[0]
    print(f"submitted responses: {count:,}")
    _, scan = _timed("baseline: SELECT unit, count(*) GROUP BY unit", lambda: conn.execute('SELECT "unit", count(*) FROM answers GROUP BY "unit"').fetchall())
    _, read_all = _timed("baseline: read every answers row once", lambda: sum(1 for _ in conn.execute("SELECT * FROM answers")))
    conn.close()
    before_s = _time_other_code(args.before, path) if args.before else None
    mdb = MergedDatabase(path)
    plain_runs, full_runs = [], []
    plain_cpu: list[float] = []
    full_cpu: list[float] = []
    for _ in range(2):  # in turn, so neither gains from a warmer cache
        plain, plain_s = _timed("plain score (no intervals, alpha or flags)", lambda: score_merged(mdb, trust=False), plain_cpu)
        _, plain_html_s = _timed("plain html report", lambda: render_html(plain, "id"), plain_cpu)
        plain_runs.append(plain_s + plain_html_s)
        report, score_s = _timed("score with intervals, weighting, alpha, flags", lambda: score_merged(mdb, intervals=True, weight="headcount"), full_cpu)
        _, html_s = _timed("html report with them", lambda: render_html(report, "id"), full_cpu)
        full_runs.append(score_s + html_s)
    _timed("json report", lambda: report_json(report))
    total, plain_total = min(full_runs), min(plain_runs)
    print(f"{'plain report (score + html), best of 2':<44} {plain_total:8.2f} s")
    print(f"{'this wave alone (score + html), best of 2':<44} {total:8.2f} s")
    print(f"with intervals, alpha, flags / plain: {total / plain_total:.2f}x   goal <= 1.5x: {'met' if total <= 1.5 * plain_total else 'NOT met'}")
    # the work itself, whatever else the cores are doing: CPU seconds of both runs of each
    print(f"cpu with them / plain (both runs): {sum(full_cpu):.1f} s / {sum(plain_cpu):.1f} s = {sum(full_cpu) / sum(plain_cpu):.2f}x")
    _, excluded_s = _timed("score --exclude-flagged speeding,straightlining", lambda: score_merged(mdb, intervals=True, exclude_flagged=["speeding", "straightlining"]))

    def both_waves():
        """As `akhlak report --compare`: the earlier wave scored in its own thread meanwhile."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            earlier = pool.submit(previous_figures, previous, "id")
            return score_merged(mdb, intervals=True), earlier.result()

    (report, figures), both_s = _timed("score both waves (the earlier in a thread)", both_waves)
    report.comparison, compare_s = _timed("compare", lambda: compare(report, mdb.questionnaire, figures))
    _, html2_s = _timed("html report with the comparison", lambda: render_html(report, "id"))
    mdb.close()
    full = both_s + compare_s + html2_s
    print(f"{'full report (both waves + html)':<44} {full:8.2f} s   goal <= 10 s: {'met' if full <= 10 else 'NOT met'}")
    print(f"full / this wave alone: {full / total:.2f}x")
    if before_s is not None:
        print(f"full / the report of {args.before}: {full / before_s:.2f}x; this wave alone / it: {total / before_s:.2f}x")
    print(f"ratio to the GROUP BY unit scan: {full / scan:.1f}x; to reading every row: {full / read_all:.2f}x")
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (max RSS): {peak:.0f} MiB   goal <= 500 MB: {'met' if peak * 1.048576 <= 500 else 'NOT met'}")
    except ImportError:  # Windows
        pass
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
