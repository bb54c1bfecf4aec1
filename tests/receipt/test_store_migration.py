"""A store from before receipts: its exports are backfilled, and a receipt naming an old bundle by its file hash marks it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from akhlak_tui.receipt.document import Receipt, ReceivedBundle
from akhlak_tui.receipt.laptop import _mark
from akhlak_tui.store import Store
from akhlak_tui.store.schema import migrations

SURVEY, DEVICE = "abcdefghijklmnop", "7KQ2MX4A"
IDS = ["0f2ab4c6-1d3e-4f50-8a6b-7c8d9e0f1a2b", "11111111-2222-4333-8444-555555555555", "21111111-2222-4333-8444-555555555555"]
FILE_HASH = "f" * 64


def old_store(path: Path) -> None:
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m004_receipts")
    for number, (rid, seq) in enumerate(zip(IDS, (1, 1, None))):
        db["responses"].insert(
            {"id": rid, "survey_id": SURVEY, "questionnaire_id": "q", "questionnaire_hash": "h", "device_id": DEVICE, "mode": "kiosk",
             "status": "submitted", "created_at": f"2026-01-0{number + 1}T00:00:00Z", "updated_at": "2026-01-05T00:00:00Z",
             "sealed": b"\x01sealed" + bytes([number]), "exported_seq": seq}
        )
    db["exports"].insert({"sequence": 1, "survey_id": SURVEY, "file_name": "b.akhlak-bundle", "bundle_hash": FILE_HASH, "records": 2, "created_at": "2026-01-05T00:00:00Z"})
    db.close()


def test_old_exports_are_backfilled_and_matched_by_their_file_hash(tmp_path: Path) -> None:
    path = tmp_path / "responses.db"
    old_store(path)
    with Store(path) as store:
        assert sorted(store.db.execute("select sequence, response_id from export_records").fetchall()) == [(1, IDS[0]), (1, IDS[1])]
        with pytest.raises(sqlite3.IntegrityError, match="never purged"):
            store.db.execute("update responses set sealed = null where id = ?", [IDS[0]])
        receipt = Receipt(
            survey_id=SURVEY, device_id=DEVICE, issued_at="2026-02-01T00:00:00Z",
            bundles=(ReceivedBundle(identity=FILE_HASH, sequence=1, merged_at="2026-01-06T00:00:00Z", responses=tuple(IDS)),),
        )
        result = _mark(store, path, receipt)
        assert (result.marked, result.not_exported, result.foreign_bundles) == (2, 1, 0)
        received = {rid for (rid,) in store.db.execute("select id from responses where received_at is not null")}
    assert received == {IDS[0], IDS[1]}  # the third was never exported: not marked, whatever the receipt says
