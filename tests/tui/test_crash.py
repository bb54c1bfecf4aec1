"""Crash safety: run the real `akhlak` in a pseudo-terminal, SIGKILL it mid-interview, restart, resume.

Every answer the app confirmed (it showed the next item) must be in the SQLite file, and the
resume must land on the item that was on screen. Kill points vary with the seed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")

# (item, keys typed, stored value): the built-in questionnaire's first items, answered by keys.
PLAN = [
    ("unit", "rsud\r", "RSUD"),
    ("gender", "1\r", "f"),
    ("employment", "2\r", "pppk"),
    ("age_band", "4\r", "45_54"),
    ("service_years", "3\r", "11_20"),
    ("position", "3\r", "pelaksana"),
    ("bp1", "4\r", 4),
    ("bp2", "5\r", 5),
    ("bp3", "2\r", 2),
    ("bp4", "9\r", 9),
    ("ak1", "3\r", 3),
    ("ak2", "4\r", 4),
]
NEXT = [item for item, _, _ in PLAN[1:]] + ["ak3"]
TIMEOUT = 15.0


def spawn(data_dir: Path):
    env = {**os.environ, "TERM": "xterm-256color", "AKHLAK_HOME": str(data_dir)}
    env.pop("TEXTUAL", None)
    return pexpect.spawn(
        sys.executable, ["-m", "akhlak_tui", "--data-dir", str(data_dir)], env=env, dimensions=(24, 80), timeout=TIMEOUT
    )


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []  # the schema is still being created
    finally:
        conn.close()


def wait_for(condition, child, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            child.read_nonblocking(65536, timeout=0.02)  # keep the terminal drained
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
        if condition():
            return
    raise AssertionError(f"timed out waiting for {what}")


def position(db: Path) -> str | None:
    rows = query(db, "select position from responses where status = 'draft'")
    return rows[0][0] if rows else None


def last_shown_after_resume(db: Path) -> str | None:
    rows = query(db, "select kind, item_id from events order by id")
    kinds = [k for k, _ in rows]
    if "resumed" not in kinds:
        return None
    after = rows[len(kinds) - 1 - kinds[::-1].index("resumed") + 1 :]
    shown = [item for kind, item in after if kind == "shown"]
    return shown[0] if shown else None


def crash_and_resume(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    db = data_dir / "responses.db"
    answered = rng.randint(1, len(PLAN))  # items confirmed before the kill
    extra_key = rng.random() < 0.5  # also press a digit right before the kill (may or may not land)
    child = spawn(data_dir)
    try:
        wait_for(lambda: query(db, "select count(*) from responses") == [(0,)], child, "the home screen")
        time.sleep(0.2)
        child.send("n")
        time.sleep(0.2)
        child.send("\r")
        wait_for(lambda: position(db) == "unit", child, "the first item")
        time.sleep(0.5)  # the first item's screen opens after its position is stored
        for step in range(answered):
            item, keys, _ = PLAN[step]
            child.send(keys)
            wait_for(lambda: position(db) == NEXT[step], child, f"the item after {item}")
        if extra_key:
            child.send(rng.choice("12345"))
            time.sleep(rng.random() * 0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        child.close(force=True)

    expected_position = NEXT[answered - 1]
    expected = {item: value for item, _, value in PLAN[:answered]}
    values = {item: json.loads(value) for item, value in query(db, "select item_id, value from answers")}
    if extra_key:  # the digit pressed just before the kill may have been committed, or not
        values.pop(expected_position, None)
    assert values == expected, f"seed {seed}: answered {answered}"
    assert position(db) == expected_position

    child = spawn(data_dir)
    try:
        # The home screen offers the unfinished response; Enter resumes the newest.
        wait_for(lambda: query(db, "select count(*) from responses") == [(1,)], child, "the restarted app")
        time.sleep(0.6)
        child.send("\r")
        wait_for(lambda: last_shown_after_resume(db) is not None, child, "the resumed item")
        assert last_shown_after_resume(db) == expected_position
        child.send("\x11")  # ctrl+q: quit normally, once confirmed
        child.expect("aplikasi")  # "Keluar dari aplikasi?"
        child.send("\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    after = {item: json.loads(value) for item, value in query(db, "select item_id, value from answers")}
    assert {k: v for k, v in after.items() if k != expected_position} == expected


@pytest.mark.parametrize("seed", range(4))
def test_sigkill_mid_interview_loses_nothing(tmp_path, seed):
    crash_and_resume(tmp_path, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4, 16))
def test_sigkill_mid_interview_loses_nothing_many_kill_points(tmp_path, seed):
    crash_and_resume(tmp_path, seed)
