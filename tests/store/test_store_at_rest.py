"""What stays on a laptop's disk: a response's clear answers do not outlive its submission (or abandonment).

A unique marker is typed into the free-text comment (and replaced once, so an earlier value sits
in the events too); after submit the database file and its WAL are read byte by byte for it.
"""

from __future__ import annotations

import sqlite3
import sys
import uuid
from pathlib import Path

import pytest
from nacl.public import PrivateKey

from akhlak_tui.crypto.records import RecordOpener, record_sealer
from akhlak_tui.questionnaire import load_questionnaire
from akhlak_tui.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="reads the SQLite files while they are open")

COORDINATOR = PrivateKey.generate()


def files(db: Path) -> dict[str, bytes]:
    """The bytes of the database and of its -wal, -shm and -journal, for those that exist."""
    return {p.name: p.read_bytes() for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")) if p.exists()}


def holding(db: Path, marker: str) -> list[str]:
    return [name for name, data in files(db).items() if marker.encode() in data]


def draft_with_markers(store: Store, q, unit: str = "U1") -> tuple[str, list[str]]:
    """A draft whose comment was typed twice (two unique markers, the first one only in the events now)."""
    markers = [f"PENANDA-{uuid.uuid4().hex}" for _ in range(2)]
    rid = store.start_response(q, device_id="DEV1", mode="kiosk", language="id")
    store.save_answer(rid, "unit", unit, is_unit=True)
    store.save_answer(rid, "bp1", 4)
    for marker in markers:
        store.save_answer(rid, "comment", f"atasan saya {marker} suka marah")
    return rid, markers


@pytest.mark.parametrize("ending", ["submit", "abandon"])
def test_no_clear_answer_stays_in_the_database_or_its_wal(tmp_path: Path, mini_path: Path, ending: str) -> None:
    q = load_questionnaire(mini_path)
    db = tmp_path / "responses.db"
    seal = record_sealer(bytes(COORDINATOR.public_key))
    # Two connections, as when the dashboard or a second window has the database open.
    with Store(db) as store, Store(db) as other:
        earlier, _ = draft_with_markers(store, q)
        store.submit(earlier, seal=seal)  # a response before, so the pages are shared
        rid, markers = draft_with_markers(store, q)
        assert all(holding(db, m) for m in markers)  # the draft's answers are on disk, the test can see them
        other.drafts()

        if ending == "submit":
            store.submit(rid, seal=seal)
        else:
            store.abandon(rid, "respondent left", seal=seal)

        assert "responses.db-wal" in files(db)  # still open: the WAL exists, and is read too
        for marker in markers:
            assert holding(db, marker) == [], marker
        sealed = store.db.execute("select sealed from responses where id = ?", [rid]).fetchone()[0]
    opened = RecordOpener(COORDINATOR).open(bytes(sealed)).json.decode()
    assert markers[1] in opened and markers[0] in opened  # sealed for the coordinator: answer and its history
    for marker in markers:
        assert holding(db, marker) == [], marker


def test_a_draft_left_open_keeps_its_answers_and_another_submit_does_not_leak_them_back(tmp_path: Path, mini_path: Path) -> None:
    q = load_questionnaire(mini_path)
    db = tmp_path / "responses.db"
    seal = record_sealer(bytes(COORDINATOR.public_key))
    with Store(db) as store:
        kept, kept_markers = draft_with_markers(store, q)
        done, done_markers = draft_with_markers(store, q, unit="U2")
        store.submit(done, seal=seal)
        assert all(holding(db, m) for m in kept_markers)  # a draft stays readable, to be resumed
        assert not any(holding(db, m) for m in done_markers)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("select count(*) from answers where response_id = ?", [done]).fetchone() == (0,)
        assert conn.execute("select count(*) from events where response_id = ?", [done]).fetchone() == (0,)
    finally:
        conn.close()


def test_the_laptop_database_is_owner_only(tmp_path: Path, mini_path: Path) -> None:
    db = tmp_path / "responses.db"
    with Store(db) as store:
        draft_with_markers(store, load_questionnaire(mini_path))
        assert {name: (db.parent / name).stat().st_mode & 0o777 for name in files(db)} == dict.fromkeys(files(db), 0o600)
