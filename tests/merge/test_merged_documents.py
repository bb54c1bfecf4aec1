"""Response documents in the merged database: stored zlib-compressed as SQLite Archives store files,
read back with `sqlar_uncompress` (ours and the sqlite3 shell's), unnested by the paradata view,
and converted in place in a database made before they were compressed."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tracemalloc
import zlib
from pathlib import Path

import pytest
from sqlite_utils import Database

from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.crypto.records import COMPRESSION_LEVEL
from akhlak_tui.merge import database
from akhlak_tui.merge.database import MergedDatabase, document_text, migrations, register_functions
from akhlak_tui.merge.rows import RESPONSE_COLUMNS, AcceptedRows, stored_document
from akhlak_tui.questionnaire.builtin import BUILTIN_QUESTIONNAIRE, builtin_file, builtin_questionnaire
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.response import Response

UNITS = [Unit(code="DINKES", name="Dinas Kesehatan", headcount=120), Unit(code="RSUD", name="RSUD", headcount=300)]
OLD_COLUMNS = RESPONSE_COLUMNS[: RESPONSE_COLUMNS.index("document_size")]
"""The `responses` columns of a database made before documents were compressed."""


def simulated(n: int, seed: int = 5) -> list[Response]:
    return list(simulate_responses(builtin_questionnaire(), UNITS, n, seed=seed, device_id="dev-1", survey_id="s-doc"))


def new_database(path: Path | None) -> MergedDatabase:
    mdb = MergedDatabase(path)
    mdb.set_survey("s-doc", "Survei dokumen", builtin_file(BUILTIN_QUESTIONNAIRE).read_text("utf-8"), UNITS, "2026-01-01T00:00:00Z")
    return mdb


def stored(mdb: MergedDatabase, response_id: str) -> tuple[bytes, int, str]:
    return mdb.db.execute(
        "select document, document_size, sqlar_uncompress(document, document_size) from responses where id = ?", [response_id]
    ).fetchone()


def paradata_of(conn: sqlite3.Connection, response_id: str) -> list[tuple]:
    rows = conn.execute(
        "select seq, at, kind, item_id, old, new, detail from paradata where response_id = ? order by seq", [response_id]
    ).fetchall()
    return [(seq, at, kind, item, *(None if v is None else json.loads(v) for v in (old, new)), detail) for seq, at, kind, item, old, new, detail in rows]


def events_of(response: Response) -> list[tuple]:
    return [(i, e.at, e.kind, e.item_id, e.old, e.new, e.detail) for i, e in enumerate(response.events)]


def test_a_document_is_stored_compressed_and_reads_back_as_the_sealed_json() -> None:
    [response] = simulated(1)
    canonical = response.canonical_json().encode("utf-8")
    with new_database(None) as mdb:
        with mdb.db.atomic():
            mdb.insert_responses([(response, "b1")])

        document, size, text = stored(mdb, response.id)

    assert size == len(canonical) and len(document) < len(canonical) / 3
    assert zlib.decompress(document) == canonical
    assert text == response.canonical_json()
    assert document_text(document, size) == response.canonical_json()


def test_the_devices_zlib_stream_is_stored_as_it_came_not_compressed_again() -> None:
    [response] = simulated(1)
    canonical = response.canonical_json().encode("utf-8")
    from_device = zlib.compress(canonical, 9)
    assert from_device != zlib.compress(canonical, COMPRESSION_LEVEL)
    with new_database(None) as mdb:
        rows = AcceptedRows(mdb.questionnaire)
        content_hash = rows.add(response.model_dump(mode="json"), "b1", canonical, from_device)
        with mdb.db.atomic():
            mdb.insert_rows(rows.responses, rows.answers)

        document, size, text = stored(mdb, response.id)
        hash_stored = mdb.db.execute("select content_hash from responses where id = ?", [response.id]).fetchone()[0]

    assert (document, size, text) == (from_device, len(canonical), response.canonical_json())
    assert content_hash == hash_stored == response.content_hash()


def test_a_document_that_compression_would_not_shrink_is_stored_as_is() -> None:
    [response] = simulated(1)
    canonical = response.canonical_json().encode("utf-8")
    stored_blocks = zlib.compress(canonical, 0)  # a device that did not compress: longer than the JSON
    assert len(stored_blocks) > len(canonical)
    with new_database(None) as mdb:
        rows = AcceptedRows(mdb.questionnaire)
        rows.add(response.model_dump(mode="json"), "b1", canonical, stored_blocks)
        with mdb.db.atomic():
            mdb.insert_rows(rows.responses, rows.answers)

        document, size, text = stored(mdb, response.id)
        kind, length = mdb.db.execute("select typeof(document), length(document) from responses").fetchone()

    assert (document, size, text) == (canonical, len(canonical), response.canonical_json())
    assert (kind, length) == ("blob", size)


def test_a_tiny_json_is_kept_as_is_and_a_large_one_compressed() -> None:
    tiny = b'{"a":1}'
    assert stored_document(tiny) == (tiny, len(tiny))
    large = json.dumps({"events": [{"kind": "shown", "item_id": f"bp{i}"} for i in range(100)]}).encode()
    document, size = stored_document(large)
    assert size == len(large) and len(document) < size and zlib.decompress(document) == large


def test_answers_rows_are_built_from_the_document() -> None:
    responses = simulated(3)
    with new_database(None) as mdb:
        with mdb.db.atomic():
            mdb.insert_responses([(r, "b1") for r in responses])
        for response in responses:
            row = mdb.db.execute("select bp1, values_self from answers where response_id = ?", [response.id]).fetchone()
            values = response.answer_map
            expected_multi = values.get("values_self")
            assert row == (values.get("bp1"), None if expected_multi is None else json.dumps(expected_multi, separators=(",", ":"), ensure_ascii=False))


def test_the_paradata_view_gives_every_event_of_each_response_compressed_or_not() -> None:
    responses = simulated(6)
    with new_database(None) as mdb:
        rows = AcceptedRows(mdb.questionnaire)
        for i, response in enumerate(responses):
            canonical = response.canonical_json().encode("utf-8")
            rows.add(response.model_dump(mode="json"), "b1", canonical, zlib.compress(canonical, 0) if i % 2 else None)
        with mdb.db.atomic():
            mdb.insert_rows(rows.responses, rows.answers)
        kinds = mdb.db.execute("select count(*) from responses where length(document) = document_size").fetchone()[0]

        assert kinds == 3  # half stored as is
        for response in responses:
            assert response.events and paradata_of(mdb.db.conn, response.id) == events_of(response)


def test_a_zlib_bomb_with_a_small_size_is_refused_without_inflating_it() -> None:
    compressor = zlib.compressobj(9)
    megabyte = bytes(1024 * 1024)
    bomb = b"".join(compressor.compress(megabyte) for _ in range(64)) + compressor.flush()  # inflates to 64 MiB
    assert len(bomb) < 100_000

    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="decompresses to more than 100 bytes, its document_size being 100"):
            document_text(bomb, 100)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024

    conn = sqlite3.connect(":memory:")
    register_functions(conn)
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("select sqlar_uncompress(?, 100)", [bomb]).fetchone()
    assert conn.execute("select sqlar_uncompress(?, ?)", [zlib.compress(b'{"a":[1,2,3]}'), 13]).fetchone() == ('{"a":[1,2,3]}',)
    assert conn.execute("select sqlar_uncompress(null, 10)").fetchone() == (None,)


def test_a_stream_shorter_than_its_size_or_not_zlib_is_refused() -> None:
    with pytest.raises(ValueError, match="cut short"):
        document_text(zlib.compress(b"x" * 50), 80)
    with pytest.raises(ValueError, match="cut short"):
        document_text(zlib.compress(b"x" * 80)[:-4], 80)  # the checksum is missing
    with pytest.raises(ValueError, match="not a zlib stream"):
        document_text(b"definitely not zlib", 80)


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 command-line shell is not installed")
def test_the_sqlite3_shell_reads_documents_and_the_paradata_view(tmp_path: Path) -> None:
    responses = simulated(2)
    path = tmp_path / "merged.db"
    with new_database(path) as mdb:
        with mdb.db.atomic():
            mdb.insert_responses([(r, "b1") for r in responses])
    first = responses[0]

    def shell(sql: str) -> str:
        return subprocess.run(["sqlite3", str(path), sql], capture_output=True, text=True, check=True).stdout.strip()

    assert shell(f"select sqlar_uncompress(document, document_size) from responses where id = '{first.id}'") == first.canonical_json()
    assert shell(f"select count(*) from paradata where response_id = '{first.id}'") == str(len(first.events))


def old_database(path: Path, responses: list[Response]) -> None:
    """A merged database as the previous version made it: TEXT documents, the paradata view over them."""
    db = Database(path)
    migrations.apply(db, stop_before="m003_compressed_documents")
    assert "document_size" not in db["responses"].columns_dict
    with db.conn:
        db.conn.executemany(
            f"insert into responses ({', '.join(OLD_COLUMNS)}) values ({', '.join('?' * len(OLD_COLUMNS))})",
            [
                (r.id, r.survey_id, r.questionnaire_hash, r.device_id, "b-old", r.status, r.abandon_reason, r.unit, r.mode,
                 r.language, r.created_at, r.updated_at, r.submitted_at, r.content_hash(), r.canonical_json())
                for r in responses
            ],
        )
    assert db.execute("select count(*) from paradata").fetchone()[0] == sum(len(r.events) for r in responses)
    db.close()


def test_m003_compresses_an_old_database_in_place_and_its_paradata_view_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "_COMPRESS_BATCH", 2)  # several batches
    responses = simulated(5)
    path = tmp_path / "old.db"
    old_database(path, responses)

    with MergedDatabase(path) as mdb:
        assert "m003_compressed_documents" in {m.name for m in migrations.applied(mdb.db)}
        for response in responses:
            document, size, text = stored(mdb, response.id)
            canonical = response.canonical_json().encode("utf-8")
            assert isinstance(document, bytes) and len(document) < size == len(canonical)
            assert zlib.decompress(document) == canonical and text == response.canonical_json()
            assert mdb.db.execute("select content_hash from responses where id = ?", [response.id]).fetchone()[0] == response.content_hash()
            assert paradata_of(mdb.db.conn, response.id) == events_of(response)
        # kept TEXT affinity: rewriting a large table costs as much as merging it again
        assert mdb.db["responses"].columns_dict["document"] is str


def test_a_new_database_declares_the_document_a_blob_with_its_size_after_it() -> None:
    with MergedDatabase(None) as mdb:
        columns = mdb.db["responses"].columns_dict
        assert list(columns) == list(RESPONSE_COLUMNS)
        assert (columns["document"], columns["document_size"]) == (bytes, int)
        assert [index.columns for index in mdb.db["responses"].indexes if not index.name.startswith("sqlite_")] == [["status", "unit"]]
