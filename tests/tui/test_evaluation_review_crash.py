"""Crash safety of the evaluation review: the real `akhlak dashboard` in a pseudo-terminal, SIGKILLed
right after the screen confirms a verified level; the level, its note and its history are on disk."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest
from .test_evaluation_review import evaluated

pexpect = pytest.importorskip("pexpect")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")]
DOWN = "\x1b[B"


def spawn(db: Path, home: Path):
    env = {**os.environ, "TERM": "xterm-256color", "AKHLAK_HOME": str(home)}
    env.pop("TEXTUAL", None)
    return pexpect.spawn(sys.executable, ["-m", "akhlak_tui", "dashboard", "--db", str(db), "--lang", "en"], env=env, dimensions=(24, 80), timeout=20)


def stored(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select criterion, level, note from evaluation_verified order by criterion").fetchall()
    finally:
        conn.close()


def history(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select count(*) from evaluation_history where kind = 'verified'").fetchone()[0]
    finally:
        conn.close()


def test_a_confirmed_level_survives_a_kill(tmp_path: Path, isolated_home: Path):
    db = tmp_path / "merged.db"
    evaluated(db)
    for attempt, (moves, key, note, expected) in enumerate(
        [("", "2", "half year", [("rutin", 50, "half year")]), (DOWN, "1", "none signed", [("pakta", 0, "none signed"), ("rutin", 50, "half year")])]
    ):
        child = spawn(db, isolated_home)
        child.expect("Respondents")
        child.send("e")
        child.expect("Evaluation review")
        child.send("\r")
        child.expect("Question")
        child.send(moves + key)
        child.expect("then Enter")
        child.send(note + "\r")
        child.expect("Saved")
        os.kill(child.pid, signal.SIGKILL)  # no clean shutdown: only what was committed counts
        child.close(force=True)
        assert stored(db) == expected
        assert history(db) == attempt + 1
