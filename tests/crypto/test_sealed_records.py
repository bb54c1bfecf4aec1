"""Sealed records: compressed then encrypted to the coordinator, opened only with its key, damage refused."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.public import PrivateKey, SealedBox
from sqlite_utils import Database

from akhlak_tui.crypto.records import (
    KEY_BYTES,
    MAX_JSON_BYTES,
    RECORDS_PER_KEY,
    SEALED_BOX,
    SESSION_BOX,
    RecordOpener,
    RecordSealer,
    RecordUnreadable,
    inflate,
)

COORDINATOR = PrivateKey.generate()
JSON = b'{"answers":[{"item_id":"bp1","value":4}],"events":[' + b'{"kind":"shown"},' * 50 + b'{"kind":"submitted"}]}'


def seal(plain: bytes = JSON) -> bytes:
    return RecordSealer(bytes(COORDINATOR.public_key))(plain)


def test_a_record_opens_to_the_json_and_keeps_the_zlib_stream_it_came_in():
    record = seal()
    opened = RecordOpener(COORDINATOR).open(record)
    assert opened.json == JSON
    assert opened.compressed is not None and zlib.decompress(opened.compressed) == JSON
    assert record[0] == SESSION_BOX and len(record) < len(JSON)  # compressed before it was encrypted
    assert b"bp1" not in record and b"shown" not in record


def test_records_share_an_ephemeral_key_for_a_few_dozen_records_then_a_new_one():
    sealer = RecordSealer(bytes(COORDINATOR.public_key))
    keys = [sealer(JSON)[1 : 1 + KEY_BYTES] for _ in range(RECORDS_PER_KEY + 1)]
    assert len(set(keys[:RECORDS_PER_KEY])) == 1
    assert keys[RECORDS_PER_KEY] != keys[0]
    other_program = RecordSealer(bytes(COORDINATOR.public_key))
    assert other_program(JSON)[1 : 1 + KEY_BYTES] not in keys  # a new key each time the program starts


def test_another_coordinator_key_cannot_open_a_record():
    with pytest.raises(RecordUnreadable, match="cannot be opened with the coordinator key"):
        RecordOpener(PrivateKey.generate()).open(seal())


def test_records_of_version_0_1_laptops_still_open():
    legacy = SealedBox(COORDINATOR.public_key).encrypt(JSON)
    opener = RecordOpener(COORDINATOR)
    assert opener.open(bytes([SEALED_BOX]) + legacy).json == JSON  # as the store migration tags them
    assert opener.open(legacy, tagged=False).json == JSON  # as a sealed-records-v1 bundle holds them
    assert opener.open(bytes([SEALED_BOX]) + legacy).compressed is None


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (b"\x02short", "is 6 bytes, too short to be a sealed record"),
        (bytes([0x07]) + bytes(80), "is of unknown kind 0x07"),
    ],
)
def test_malformed_records_are_refused_with_a_reason(record, reason):
    with pytest.raises(RecordUnreadable) as caught:
        RecordOpener(COORDINATOR).open(record)
    assert caught.value.reason == reason


def test_zlib_streams_that_are_bombs_truncated_or_followed_by_data_are_refused():
    with pytest.raises(RecordUnreadable, match=f"decompresses to more than {MAX_JSON_BYTES:,} bytes"):
        inflate(zlib.compress(b" " * (MAX_JSON_BYTES + 1)))
    with pytest.raises(RecordUnreadable, match="cut short"):
        inflate(zlib.compress(JSON)[:-6])
    with pytest.raises(RecordUnreadable, match="data after its zlib stream"):
        inflate(zlib.compress(JSON) + b"x")
    with pytest.raises(RecordUnreadable, match="not a zlib stream"):
        inflate(b"not zlib at all")
    assert inflate(zlib.compress(b" " * MAX_JSON_BYTES)) == b" " * MAX_JSON_BYTES


RECORD = seal()


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(RECORD) - 1), st.integers(min_value=1, max_value=255))
def test_changing_any_byte_of_a_record_makes_it_unreadable(position, flip):
    damaged = bytearray(RECORD)
    damaged[position] ^= flip
    with pytest.raises(RecordUnreadable):
        RecordOpener(COORDINATOR).open(bytes(damaged))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.booleans())
def test_arbitrary_bytes_never_break_the_opener(data, tagged):
    try:
        RecordOpener(COORDINATOR).open(data, tagged=tagged)
    except RecordUnreadable as exc:
        assert exc.reason and "\n" not in exc.reason


def test_the_store_migration_tags_blobs_sealed_by_version_0_1(tmp_path: Path):
    from akhlak_tui.store import Store
    from akhlak_tui.store.schema import migrations

    path = tmp_path / "responses.db"
    old = Database(path)
    migrations.apply(old, stop_before="m003_sealed_record_kind")
    legacy = SealedBox(COORDINATOR.public_key).encrypt(JSON)
    old["responses"].insert(
        {"id": "r1", "questionnaire_id": "q", "questionnaire_hash": "h", "device_id": "D", "mode": "kiosk",
         "status": "submitted", "created_at": "t", "updated_at": "t", "sealed": legacy}
    )
    old["responses"].insert(
        {"id": "r2", "questionnaire_id": "q", "questionnaire_hash": "h", "device_id": "D", "mode": "kiosk",
         "status": "draft", "created_at": "t", "updated_at": "t"}
    )
    old.close()
    with Store(path) as store:
        rows = dict(store.db.execute("select id, sealed from responses").fetchall())
    assert rows["r1"] == bytes([SEALED_BOX]) + legacy and rows["r2"] is None
    assert RecordOpener(COORDINATOR).open(rows["r1"]).json == JSON
