"""A whole interview typed as one burst into the real `akhlak` in an 80x24 pseudo-terminal.

The terminal gets every key of the interview in one write, far faster than the app draws its
screens (and each answer waits for a durable SQLite commit). Every answer must still land on
its own question: the database is checked item by item.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")

TIMEOUT = 60.0
BACKSPACE = "\x7f"
ENTER = "\r"

LIKERT_IDS = [
    "bp1", "bp2", "bp3", "bp4", "ak1", "ak2", "ak3", "ko1", "ko2", "ko3", "ha1", "ha2", "ha3",
    "lo1", "lo2", "lo3", "ad1", "ad2", "ad3", "kl1", "kl2", "kl3",
]  # fmt: skip
ENGAGEMENT_IDS = ["eng_proud", "eng_recommend", "eng_extra", "eng_stay", "eng_meaning"]
LIKERT_KEYS = "4534912345" * 3


def pick(words: list[str]) -> str:
    """Filter by each word, tick the first match, clear the filter; then go on."""
    return "".join(f"{word} {BACKSPACE * len(word)}" for word in words) + ENTER


def interview_keys() -> str:
    likert = LIKERT_KEYS[: len(LIKERT_IDS)]
    engagement = LIKERT_KEYS[len(LIKERT_IDS) : len(LIKERT_IDS) + len(ENGAGEMENT_IDS)]
    keys = "n" + ENTER  # a new interview; consent
    keys += "rsux" + BACKSPACE + "d" + ENTER  # the unit, with a typo mended
    keys += "".join(k + ENTER for k in "12231")  # gender .. position
    keys += "".join(k + ENTER for k in likert)
    keys += ENTER  # the note before the values questions
    keys += pick(["jujur", "disiplin", "ramah"]) + pick(["birokratis", "silo"]) + pick(["inovatif", "adil"])
    keys += "".join(k + ENTER for k in engagement)
    keys += pick(["karier"])
    keys += "Lebih banyak pelatihann" + BACKSPACE + ENTER  # the comment; then the review
    keys += "s"  # submit
    return keys


def query(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []  # the schema is still being created
    finally:
        conn.close()


def test_whole_interview_typed_in_one_burst(tmp_path):
    data_dir = tmp_path / "data"
    db = data_dir / "responses.db"
    env = {**os.environ, "TERM": "xterm-256color", "AKHLAK_HOME": str(data_dir)}
    child = pexpect.spawn(
        sys.executable, ["-m", "akhlak_tui", "--data-dir", str(data_dir)], env=env, dimensions=(24, 80), timeout=TIMEOUT
    )
    try:
        child.expect("Latihan")  # the home screen is drawn; the survey loads after it
        child.send(interview_keys())
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and query(db, "select status from responses") != [("submitted",)]:
            try:
                child.read_nonblocking(65536, timeout=0.05)  # keep the terminal drained
            except pexpect.TIMEOUT:
                pass
        child.send("\x11")  # ctrl+q (on the thank-you screen): quit
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)

    assert query(db, "select status, unit from responses") == [("submitted", "RSUD")]
    answers = {item: json.loads(value) for item, value in query(db, "select item_id, value from answers")}
    likert = dict(zip(LIKERT_IDS + ENGAGEMENT_IDS, (int(k) for k in LIKERT_KEYS)))
    assert answers == {
        "unit": "RSUD",
        "gender": "f",
        "employment": "pppk",
        "age_band": "25_34",
        "service_years": "11_20",
        "position": "struktural",
        **likert,
        "values_self": ["ramah", "jujur", "disiplin"],
        "values_now": ["silo", "birokratis"],
        "values_wanted": ["adil", "inovatif"],
        "join_reason": ["karier_jelas"],
        "comment": "Lebih banyak pelatihan",
    }
    # Each item was shown once, in the questionnaire's order: no key ever ran ahead of its screen.
    shown = [item for (item,) in query(db, "select item_id from events where kind = 'shown' order by id")]
    assert shown == list(dict.fromkeys(shown))
    assert shown[0] == "unit" and shown[-1] == "comment"


def test_escape_then_a_key_typed_at_once_is_back_then_that_key(tmp_path):
    """A terminal sends Esc and the key after it as one burst of bytes (ESC "5"): still two keys."""
    data_dir = tmp_path / "data"
    db = data_dir / "responses.db"
    env = {**os.environ, "TERM": "xterm-256color", "AKHLAK_HOME": str(data_dir)}
    child = pexpect.spawn(
        sys.executable, ["-m", "akhlak_tui", "--data-dir", str(data_dir)], env=env, dimensions=(24, 80), timeout=TIMEOUT
    )

    def answers() -> dict:
        return {item: json.loads(value) for item, value in query(db, "select item_id, value from answers")}

    def wait_until(condition) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and not condition():
            try:
                child.read_nonblocking(65536, timeout=0.05)
            except pexpect.TIMEOUT:
                pass
        assert condition(), answers()

    try:
        child.expect("Latihan")
        # Unit and profile, then bp1..bp4 = 1: on ak1.
        child.send("n" + ENTER + "rsud" + ENTER + "".join(k + ENTER for k in "11111") + ("1" + ENTER) * 4)
        wait_until(lambda: answers().get("bp4") == 1 and query(db, "select position from responses") == [("ak1",)])
        # Back twice (to bp3), 5, on to bp4, 4, on: ESC "5", ESC Enter and the rest in one write.
        child.send("\x1b\x1b5" + ENTER + "4" + ENTER)
        wait_until(lambda: query(db, "select position from responses") == [("ak1",)] and answers().get("bp4") == 4)
        # Esc then Enter at once: back to bp4, and on again to ak1; Esc then Space, Esc then 3.
        child.send("\x1b" + ENTER + "\x1b3" + ENTER)
        wait_until(lambda: answers().get("bp4") == 3)
        child.send("\x11")  # ctrl+q: the quit dialog
        child.send(ENTER)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    got = answers()
    assert [got.get(item) for item in ("bp1", "bp2", "bp3", "bp4")] == [1, 1, 5, 3]
    assert "ak1" not in got
    backs = query(db, "select item_id from events where kind = 'back' order by id")
    assert backs == [("ak1",), ("bp4",), ("ak1",), ("ak1",)]
