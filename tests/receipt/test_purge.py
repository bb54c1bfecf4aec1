"""Purge: the sealed records of received responses leave no copy in the store's files; unreceived ones are never purged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from receipt_world import World

from akhlak_tui import locations
from akhlak_tui.receipt.laptop import import_receipt, purge_received


def store_bytes(laptop: Path) -> bytes:
    """Every byte SQLite keeps of the store: the database, its WAL and its shared-memory index."""
    path = locations.store_path(laptop)
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def sealed_of(world: World) -> dict[str, bytes]:
    with world.store() as store:
        return {rid: bytes(blob) for rid, blob in store.db.execute("select id, sealed from responses where sealed is not null")}


def test_purged_records_leave_no_copy_in_database_or_wal(world: World) -> None:
    ids = world.answer(3)
    world.export()
    world.merge_with_receipts()
    kept = world.answer(1, seed=8)[0]  # never exported, so no receipt names it
    sealed = sealed_of(world)
    # pieces of each record's ciphertext, from its start, middle and end
    pieces = {rid: [blob[8:40], blob[len(blob) // 2 : len(blob) // 2 + 32], blob[-32:]] for rid, blob in sealed.items()}
    assert all(piece in store_bytes(world.laptop) for rid in ids for piece in pieces[rid])  # the check can fail

    import_receipt(world.laptop, world.receipt_file())
    assert all(piece in store_bytes(world.laptop) for rid in ids for piece in pieces[rid])  # marking deletes nothing
    result = purge_received(world.laptop, world.coordinator.survey.survey_id)

    assert result.purged == 3 and result.wal_emptied
    everything = store_bytes(world.laptop)
    assert not any(piece in everything for rid in ids for piece in pieces[rid])
    assert all(piece in everything for piece in pieces[kept])
    assert sealed_of(world) == {kept: sealed[kept]}


def test_no_statement_purges_an_unreceived_response(world: World) -> None:
    ids = world.answer(2)
    world.export()
    path = locations.store_path(world.laptop)
    conn = sqlite3.connect(path)
    for sql in (
        "update responses set sealed = null where id = ?",
        "update responses set purged_at = '2026-01-01T00:00:00Z' where id = ?",
        "update responses set sealed = null, purged_at = '2026-01-01T00:00:00Z' where id = ?",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="never purged"):
            conn.execute(sql, [ids[0]])
    conn.close()
    # and the purge itself, with no receipt imported, touches nothing
    assert purge_received(world.laptop, world.coordinator.survey.survey_id).purged == 0
    assert set(sealed_of(world)) == set(ids)
    assert all(row[:4] == ("submitted", 1, False, False) for row in world.rows().values())


def test_purge_of_one_survey_leaves_the_receipts_of_another_alone(world: World) -> None:
    ids = world.answer(2)
    world.export()
    world.merge_with_receipts()
    import_receipt(world.laptop, world.receipt_file())
    assert purge_received(world.laptop, "b" * 16).purged == 0
    assert set(sealed_of(world)) == set(ids)


def test_after_a_purge_export_does_not_offer_the_purged_ones_again(world: World) -> None:
    world.answer(2)
    world.export()
    world.merge_with_receipts()
    purged = world.on_laptop("receipt", "import", str(world.stick), "--purge")
    assert purged.exit_code == 0, purged.output
    result = world.on_laptop("export", "--out", str(world.stick))
    assert result.exit_code != 0
    assert "all 2 were received by the coordinator and deleted from this laptop" in result.stderr, result.stderr
    assert "--all" not in result.stderr  # --all would export nothing: they are gone from this laptop
