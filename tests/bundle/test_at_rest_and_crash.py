"""At rest: the laptop's SQLite files hold no submitted answer in clear. Crash: a killed export leaves nothing."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bundle_world import SECRET_WORD

from akhlak_tui import locations
from akhlak_tui.bundle.export import export_bundle
from akhlak_tui.bundle.format import SUFFIX
from akhlak_tui.bundle.reader import read_bundle
from akhlak_tui.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and raw-file checks are POSIX tests")


def database_files(data_dir: Path) -> list[Path]:
    db = locations.store_path(data_dir)
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-journal")) if p.exists()]


def test_sqlite_file_holds_no_submitted_answer_in_clear(world, answer):
    # Another connection stays open, as the TUI's does, so the WAL file stays on disk too.
    with Store(locations.store_path(world.laptop)):
        submitted = answer(4)
        files = database_files(world.laptop)
        assert len(files) == 2  # the database and its WAL
        for path in files:
            assert SECRET_WORD.encode() not in path.read_bytes(), path
    conn = sqlite3.connect(locations.store_path(world.laptop))
    try:
        assert conn.execute("select count(*) from answers").fetchone() == (0,)
        assert conn.execute("select count(*) from events").fetchone() == (0,)
        rows = conn.execute("select id, unit, status, sealed from responses").fetchall()
    finally:
        conn.close()
    assert {r[0] for r in rows} == set(submitted)
    assert all(r[2] == "submitted" and r[1] and SECRET_WORD.encode() not in r[3] for r in rows)


def test_drafts_stay_readable_until_submitted(world, answer):
    answer(1, status="draft")
    assert any(SECRET_WORD.encode() in p.read_bytes() for p in database_files(world.laptop))


EXPORT_THEN_HANG = """
import sys, time
from pathlib import Path
from akhlak_tui.bundle.export import export_bundle

def progress(done, total):
    if done == total // 2:
        print("HALF", flush=True)
        time.sleep(60)

export_bundle(Path(sys.argv[1]), Path(sys.argv[2]), progress=progress)
"""


def assert_nothing_exported(world) -> None:
    assert list(world.out.glob(f"*{SUFFIX}")) == []
    conn = sqlite3.connect(locations.store_path(world.laptop))
    try:
        assert conn.execute("select count(*) from responses where exported_seq is not null").fetchone() == (0,)
        assert conn.execute("select count(*) from exports").fetchone() == (0,)
    finally:
        conn.close()


def test_sigkill_during_export_leaves_no_bundle_and_nothing_marked(world, answer):
    ids = answer(40)
    proc = subprocess.Popen(
        [sys.executable, "-c", EXPORT_THEN_HANG, str(world.laptop), str(world.out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "HALF", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert [p.name.startswith(".") for p in world.out.iterdir()] == [True]  # only the hidden partial file
    assert_nothing_exported(world)

    result = export_bundle(world.laptop, world.out)  # the next export starts clean
    assert result.sequence == 1 and result.count == 40
    assert [p.name for p in world.out.iterdir()] == [result.path.name]
    assert {r.id for r in read_bundle(result.path, coordinator=world.keys)} == set(ids)


@pytest.mark.slow
def test_sigkill_at_random_moments_of_the_export_command(world, answer):
    """Kill `akhlak export` at random moments: every bundle present is complete and agrees with the marks."""
    answer(60)
    rng = random.Random(7)
    env = dict(os.environ, AKHLAK_HOME=str(world.laptop))
    for _ in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-m", "akhlak_tui", "export", "--all", "--out", str(world.out)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        conn = sqlite3.connect(locations.store_path(world.laptop))
        try:
            done = dict(conn.execute("select sequence, file_name from exports").fetchall())
            marked = conn.execute("select count(*) from responses where exported_seq is not null").fetchone()[0]
        finally:
            conn.close()
        assert marked in (0, 60)
        assert (marked == 60) == bool(done)
        for bundle in world.out.glob(f"*{SUFFIX}"):
            assert read_bundle(bundle, coordinator=world.keys).manifest.counts.records == 60
        for name in done.values():
            assert (world.out / name).is_file()
