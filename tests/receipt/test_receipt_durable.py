"""Receipts are written only once the merge they report is durable: a power cut after them loses no response they name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from receipt_world import World

import akhlak_tui.receipt.issue as issue
from akhlak_tui import locations
from akhlak_tui.receipt.document import Receipt


def test_the_merged_file_alone_holds_what_a_receipt_names_when_it_is_written(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The merged database commits without syncing its WAL (synchronous=NORMAL): a power cut can lose
    the WAL's last transactions. When a receipt is written, the database file without its WAL (what
    such a cut may leave) must already hold every response the receipt names."""
    world.answer(3)
    world.export()
    merged = locations.merged_path(world.coordinator.home)
    seen: list[set[str]] = []
    write = issue.write_file_atomically

    def write_receipt(path: Path, data: bytes) -> None:
        cut = tmp_path / "after-a-power-cut.db"
        cut.write_bytes(merged.read_bytes())  # the database file, not its WAL
        conn = sqlite3.connect(cut)
        try:
            seen.append({rid for (rid,) in conn.execute("select id from responses")})
        except sqlite3.Error:
            seen.append(set())
        finally:
            conn.close()
        write(path, data)

    monkeypatch.setattr(issue, "write_file_atomically", write_receipt)
    world.merge_with_receipts()
    import json

    named = Receipt.model_validate_json(json.loads(world.receipt_file().read_bytes())["body"])
    assert len(seen) == 1
    assert {rid for b in named.bundles for rid in b.responses} <= seen[0]


def test_no_receipt_while_a_reader_keeps_the_merge_from_being_made_durable(world: World) -> None:
    from akhlak_tui.merge.database import MergedDatabase
    from akhlak_tui.receipt import ReceiptError

    world.answer(1)
    world.export()
    world.merge_with_receipts()
    merged = locations.merged_path(world.coordinator.home)
    with MergedDatabase(merged) as db:
        reader = sqlite3.connect(merged)
        reader.execute("begin")
        reader.execute("select count(*) from responses").fetchone()  # e.g. `akhlak report` reading
        db.db.execute("PRAGMA busy_timeout = 0")
        with db.db.atomic():
            db.db.execute("create table later_merge (x)")  # a transaction after the reader's snapshot
        out = world.stick / "later"
        out.mkdir()
        try:
            with pytest.raises(ReceiptError, match="another program is using the merged database"):
                issue.write_receipts(db, world.coordinator.keys.signing_key, out)
        finally:
            reader.close()
        assert not list(out.iterdir())
        assert issue.write_receipts(db, world.coordinator.keys.signing_key, out)  # the reader gone: written
