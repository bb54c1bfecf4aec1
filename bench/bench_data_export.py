"""Benchmark: `akhlak data export` of a merged database of many responses as SPSS (.sav) and Stata
(.dta), beside the CSV export of the same data in the same run, and the peak memory of each export
at two sizes, to show that the writers stream (memory does not grow with the responses).

Each export runs in its own child process, so its peak memory (max RSS) is its own.

Usage: python bench/bench_data_export.py [-n N] [--small N] [--db FILE] [--small-db FILE]
  -n N             responses (default 1,000,000; goal: the sav export in <= 60 s)
  --small N        the smaller database for the memory comparison (default 100,000)
  --db FILE        keep the generated database in FILE and reuse it on the next run (same N)
  --small-db FILE  the same for the smaller database
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_report import build_merged  # noqa: E402

CHILD = """
import json, sys, time
from pathlib import Path
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.report.export import Disclosure, export_csv
from akhlak_tui.report.export_stats import export_labelled
db, fmt, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
start, cpu = time.perf_counter(), time.process_time()
with MergedDatabase(db) as mdb:
    if fmt == "csv":
        n, _ = export_csv(mdb, out, True, "id", Disclosure())
    else:
        n, _ = export_labelled(mdb, out, fmt, True, "id", Disclosure())
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
try:
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
except ImportError:  # Windows
    peak = float("nan")
print(json.dumps({"n": n, "seconds": seconds, "cpu": cpu, "peak_mib": peak, "bytes": out.stat().st_size}))
"""


def export(db: Path, fmt: str, workdir: Path) -> dict:
    """Export `db` as `fmt` in a child process; its figures."""
    out = workdir / f"export-{db.stem}.{fmt}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[1] / "src"), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", CHILD, str(db), fmt, str(out)], env=env, capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for path in (out, out.with_name(f"{out.stem}-codebook.csv")):
        path.unlink(missing_ok=True)
    print(
        f"{fmt:<4} {figures['n']:>10,} responses {figures['seconds']:8.2f} s  (cpu {figures['cpu']:.2f} s)"
        f"  peak {figures['peak_mib']:6.0f} MiB  file {figures['bytes'] / 2**20:7.0f} MiB"
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--small-db", type=Path)
    args = parser.parse_args()
    workdir = tempfile.TemporaryDirectory()
    work = Path(workdir.name)
    big = args.db or work / "merged.db"
    small = args.small_db or work / "small.db"
    for path, n in ((big, args.n), (small, args.small)):
        if not path.exists():
            start = time.perf_counter()
            build_merged(path, n)
            print(f"built a merged database of {n:,} responses in {time.perf_counter() - start:.1f} s")
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    csv = export(big, "csv", work)
    sav = export(big, "sav", work)
    dta = export(big, "dta", work)
    csv_small = export(small, "csv", work)
    sav_small = export(small, "sav", work)
    dta_small = export(small, "dta", work)
    print(f"sav / csv: {sav['seconds'] / csv['seconds']:.2f}x   dta / csv: {dta['seconds'] / csv['seconds']:.2f}x")
    print(f"sav of {sav['n']:,}: {sav['seconds']:.1f} s   goal <= 60 s: {'met' if sav['seconds'] <= 60 else 'NOT met'}")
    for name, large, little in (("sav", sav, sav_small), ("dta", dta, dta_small)):
        ratio = large["peak_mib"] / little["peak_mib"]
        print(f"{name} peak memory, {large['n']:,} vs {little['n']:,} responses: {large['peak_mib']:.0f} vs {little['peak_mib']:.0f} MiB ({ratio:.2f}x)")
        # the csv export of the same database is the baseline: interpreter, libraries, SQLite's page cache
        above = (large["peak_mib"] - csv["peak_mib"], little["peak_mib"] - csv_small["peak_mib"])
        print(f"{name} peak memory above the csv export's: {above[0]:+.0f} MiB at {large['n']:,}, {above[1]:+.0f} MiB at {little['n']:,}")
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
