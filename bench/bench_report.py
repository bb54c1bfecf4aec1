"""Benchmark: score and report a merged database of many responses, against bare scans of it.

Usage: python bench/bench_report.py [-n N] [--db FILE]
  -n N       responses (default 1,000,000; goal: the whole report in <= 10 s)
  --db FILE  keep the generated database in FILE and reuse it on the next run (same N)
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
        r_rows, a_rows = [], []
        for _ in range(min(batch, n - start)):
            rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            answers = rng.choice(pool)
            status = "abandoned" if rng.random() < 0.02 else "submitted"
            r_rows.append((rid, "bench", q.content_hash, f"dev{rng.randint(1, 40)}", "b", status, None, answers[unit_index], "kiosk", "id",
                           "2026-01-01T08:00:00Z", "2026-01-01T08:10:00Z", "2026-01-01T08:10:00Z" if status == "submitted" else None, "h", b"{}", 2))
            a_rows.append((rid, *answers))
        with mdb.db.atomic():
            conn.executemany(RESPONSES_INSERT_SQL, r_rows)
            conn.executemany(answers_sql, a_rows)
    mdb.close()


def _timed(label: str, fn):
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:8.2f} s  (cpu {time.process_time() - cpu:.2f} s)")
    return result, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    workdir = None
    path = args.db
    if path is None:
        workdir = tempfile.TemporaryDirectory()
        path = Path(workdir.name) / "merged.db"
    if not path.exists():
        _timed(f"build merged database ({args.n:,} responses)", lambda: build_merged(path, args.n))
    from akhlak_tui.report.formats import report_json
    from akhlak_tui.report.html import render_html
    from akhlak_tui.scoring import score_merged

    conn = sqlite3.connect(str(path))
    count = conn.execute("SELECT count(*) FROM responses WHERE status = 'submitted'").fetchone()[0]
    print(f"submitted responses: {count:,}")
    _, scan = _timed("baseline: SELECT unit, count(*) GROUP BY unit", lambda: conn.execute('SELECT "unit", count(*) FROM answers GROUP BY "unit"').fetchall())
    _, read_all = _timed("baseline: read every answers row once", lambda: sum(1 for _ in conn.execute("SELECT * FROM answers")))
    conn.close()
    mdb = MergedDatabase(path)
    report, score_s = _timed("score (index, values, breakdowns, votes)", lambda: score_merged(mdb))
    _, json_s = _timed("json report", lambda: report_json(report))
    _, html_s = _timed("html report", lambda: render_html(report, "id"))
    mdb.close()
    total = score_s + html_s
    print(f"{'report total (score + html)':<44} {total:8.2f} s   goal <= 10 s: {'met' if total <= 10 else 'NOT met'}")
    print(f"ratio to the GROUP BY unit scan: {total / scan:.1f}x; to reading every row: {total / read_all:.2f}x")
    try:
        import resource

        print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    except ImportError:  # Windows
        pass
    if workdir is not None:
        workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
