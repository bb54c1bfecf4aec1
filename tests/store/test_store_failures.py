"""Store failures on the real thing: each has its kind, nothing committed is lost, a damaged file is
never written to. A small tmpfs stands for a full disk and (remounted read-only) for a read-only
drive, where the test can mount one (root); root ignores folder permissions, so chmod cannot stand
for it. A damaged file is a page overwritten with bytes."""

from __future__ import annotations

import errno
import sqlite3
import subprocess
from pathlib import Path

import pytest

from akhlak_tui.questionnaire import load_questionnaire
from akhlak_tui.store import DAMAGED, FULL, OTHER, READ_ONLY, Store, StoreError
from akhlak_tui.store.errors import failure_kind

PAGE = 4096


@pytest.fixture
def q(mini_path):
    return load_questionnaire(mini_path)


def start(store, q) -> str:
    return store.start_response(q, device_id="DEV1", mode="enumerator", language="id")


def test_kinds_of_sqlite_and_file_errors():
    assert failure_kind(sqlite3.OperationalError("database or disk is full")) == FULL
    assert failure_kind(sqlite3.OperationalError("attempt to write a readonly database")) == READ_ONLY
    assert failure_kind(sqlite3.DatabaseError("database disk image is malformed")) == DAMAGED
    assert failure_kind(sqlite3.DatabaseError("file is not a database")) == DAMAGED
    assert failure_kind(sqlite3.OperationalError("no such table: x")) == OTHER
    assert failure_kind(OSError(errno.ENOSPC, "No space left on device")) == FULL
    assert failure_kind(OSError(errno.EROFS, "Read-only file system")) == READ_ONLY
    assert failure_kind(StoreError("no response x")) == OTHER


def test_a_database_held_by_another_program_is_told_as_busy(tmp_path, q):
    """Another akhlak (an uninstall, an export) holding the write lock longer than the store waits:
    told as "busy" (wait, then try again), no longer as an unknown failure; the answer goes in after."""
    from akhlak_tui.tui.failures import failure_text

    store = Store(tmp_path / "responses.db")
    rid = start(store, q)
    store.db.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(str(tmp_path / "responses.db"))
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreError) as held:
        store.save_answer(rid, "bp1", 4)
    assert held.value.kind == "busy"
    assert failure_text(held.value, "id", saved=False).startswith("Jawaban belum dapat disimpan: data sedang dipakai program lain")
    other.rollback()
    other.close()
    store.save_answer(rid, "bp1", 4)
    assert store.answers(rid) == {"bp1": 4}
    assert failure_kind(sqlite3.OperationalError("database is locked")) == "busy"


def test_a_full_disk_fails_the_answer_keeps_the_committed_and_works_again(tmpfs, fill_disk, q):
    store = Store(tmpfs / "responses.db")
    rid = start(store, q)
    store.save_answer(rid, "bp1", 4)
    fill_disk(tmpfs)
    with pytest.raises(StoreError) as failed:
        for i in range(50):  # the first commit that needs a new block of the disk fails
            store.record_event(rid, "shown", f"item{i}", detail="x" * 2000)
    assert failed.value.kind == FULL
    assert store.answers(rid) == {"bp1": 4}
    with pytest.raises(StoreError) as again:
        store.save_answer(rid, "bp2", 5)
        for i in range(50):
            store.record_event(rid, "shown", f"again{i}", detail="x" * 2000)
    assert again.value.kind == FULL
    assert not store.db.conn.in_transaction  # rolled back: the connection goes on
    with pytest.raises(StoreError) as refused:
        store.require_writable()
    assert refused.value.kind == FULL
    (tmpfs / "filler").unlink()
    store.save_answer(rid, "bp2", 5)
    assert store.answers(rid) == {"bp1": 4, "bp2": 5}
    store.close()


def test_a_read_only_drive_with_wal_files_reads_but_refuses_writes(tmpfs, q, tmp_path):
    path = tmpfs / "responses.db"
    store = Store(path)
    rid = start(store, q)
    store.save_answer(rid, "bp1", 4)
    # Copy the files as a crash leaves them (-wal and -shm beside the database), then remount.
    files = {name: (tmpfs / name).read_bytes() for name in ("responses.db", "responses.db-wal", "responses.db-shm")}
    store.close()
    for name, data in files.items():
        (tmpfs / name).write_bytes(data)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    store = Store(path)
    assert store.answers(rid) == {"bp1": 4}
    with pytest.raises(StoreError) as refused:
        store.require_writable()
    assert refused.value.kind == READ_ONLY
    with pytest.raises(StoreError) as failed:
        store.save_answer(rid, "bp2", 5)
    assert failed.value.kind == READ_ONLY
    assert store.answers(rid) == {"bp1": 4}
    store.close()


def test_a_read_only_drive_without_the_database_is_named(tmpfs):
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    with pytest.raises(StoreError) as failed:
        Store(tmpfs / "data" / "responses.db")
    assert failed.value.kind == READ_ONLY


def damage(path: Path) -> bytes:
    with open(path, "r+b") as file:
        file.seek(PAGE * (path.stat().st_size // PAGE - 2))
        file.write(b"\xff" * 64)
    return path.read_bytes()


def test_a_corrupted_page_is_found_on_open_and_the_file_left_alone(tmp_path, q):
    path = tmp_path / "responses.db"
    with Store(path) as store:
        rid = start(store, q)
        for i in range(200):
            store.set_setting(f"padding{i}", "x" * 300)
    damaged = damage(path)
    with pytest.raises(StoreError) as failed:
        Store(path)
    assert failed.value.kind == DAMAGED
    assert path.read_bytes() == damaged
    assert rid


def test_a_store_found_damaged_later_is_not_written_again(tmp_path, q, monkeypatch):
    with Store(tmp_path / "responses.db") as store:
        rid = start(store, q)

        def malformed(*args, **kwargs):
            raise sqlite3.DatabaseError("database disk image is malformed")

        # A read that meets a damaged page marks the store: every later write is refused.
        monkeypatch.setattr(store.db, "execute", malformed)
        with pytest.raises(StoreError) as failed:
            store.drafts()
        assert failed.value.kind == DAMAGED and store.damaged
        monkeypatch.undo()
        with pytest.raises(StoreError) as refused:
            store.save_answer(rid, "bp1", 4)
        assert refused.value.kind == DAMAGED
        assert store.answers(rid) == {}


def test_a_read_only_drive_where_the_database_is_still_to_be_made_is_named(tmpfs):
    (tmpfs / "data").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    with pytest.raises(StoreError) as failed:
        Store(tmpfs / "data" / "responses.db")
    assert failed.value.kind == READ_ONLY
