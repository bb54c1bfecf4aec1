"""The coordinator's merged database: schema, the survey it belongs to, and accepted responses.

One merged database holds one survey. Besides provenance and audit tables it keeps every
accepted response twice over, for two kinds of reader:

- `responses`: one row per response (context, status, provenance, content hash, and the full
  canonical JSON of the response, stored as SQLite Archives store files: zlib-compressed in
  `document` with its size in `document_size`, or as is if that is not shorter; it reads with
  `sqlar_uncompress(document, document_size)`, in the sqlite3 shell or after `register_functions`);
- `answers`: one row per response and one column per answerable item of the questionnaire, named
  exactly as the item id (likert and integer as INTEGER, multi as a JSON array text, others TEXT),
  so scoring and data export run as plain SQL over a million rows.

Paradata is not copied into rows of its own: each response's events are already in its
`document`, and the `paradata` view unnests them (json_each) into one merged table across all
devices. Provenance and audit: `devices` (pinned public keys), `bundles` (every bundle merged,
known by the SHA-256 of its signed manifest), `refusals` (refused files, one row per file hash
with a count), `quarantine` and `conflicts`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

from akhlak_tui.crypto.records import RecordUnreadable, inflate
from akhlak_tui.files import keep_private
from akhlak_tui.questionnaire.loading import parse_questionnaire
from akhlak_tui.questionnaire.model import Questionnaire
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.merge.paradata import PARADATA_INSERT_SQL, Summariser, summary_of_document
from akhlak_tui.merge.rows import (
    DOCUMENT_COLUMN,
    DOCUMENT_SIZE_COLUMN,
    RESPONSE_COLUMNS,
    RESPONSES_INSERT_SQL,
    AcceptedRows,
    answer_columns,
    stored_document,
)
from akhlak_tui.response import Response

migrations = Migrations("akhlak_tui.merged")

def document_text(data: bytes | str | None, size: int | None) -> str | None:
    """A stored document (`document`, `document_size`) as JSON text; None for NULL.

    As the sqlite3 shell's `sqlar_uncompress`: a size of 0 or less, or equal to the length of the
    data, means stored as is; otherwise the data is a zlib stream that must inflate to exactly
    `size` bytes. Never more than `size` bytes are inflated, so a zlib bomb raises ValueError
    instead of filling memory.
    """
    if data is None:
        return None
    if isinstance(data, str):
        data = data.encode("utf-8")
    if size is None or size <= 0 or size == len(data):
        return data.decode("utf-8")
    try:
        inflated = inflate(data, size)
    except RecordUnreadable as exc:
        raise ValueError(f"document {exc.reason}, its document_size being {size}") from None
    if len(inflated) < size:
        raise ValueError(f"document is cut short: it inflates to {len(inflated)} bytes, its document_size being {size}")
    return inflated.decode("utf-8")


def register_functions(conn: sqlite3.Connection) -> None:
    """Register `sqlar_uncompress(data, size)` on `conn` (as the sqlite3 shell has it, but giving TEXT)."""
    conn.create_function("sqlar_uncompress", 2, document_text, deterministic=True)


@migrations()
def m001_merged_schema(db: Database) -> None:
    db["survey"].create(
        {
            "id": str,
            "name": str,
            "questionnaire_toml": str,
            "questionnaire_hash": str,
            "units_json": str,
            "created_at": str,
        },
        pk="id",
    )
    db["devices"].create(
        {"device_id": str, "public_key": str, "first_seen": str, "last_seen": str},
        pk="device_id",
    )
    db["bundles"].create(
        {
            "hash": str,
            "file_name": str,
            "device_id": str,
            "sequence": int,
            "created_at": str,
            "merged_at": str,
            "status": str,  # merged | refused
            "reason": str,
            "accepted": int,
            "duplicates": int,
            "conflicts": int,
            "quarantined": int,
        },
        pk="hash",
    )
    db["bundles"].create_index(["device_id", "sequence"])
    db["responses"].create(
        {
            "id": str,
            "survey_id": str,
            "questionnaire_hash": str,
            "device_id": str,
            "bundle_hash": str,
            "status": str,  # submitted | abandoned
            "abandon_reason": str,
            "unit": str,
            "mode": str,
            "language": str,
            "created_at": str,
            "updated_at": str,
            "submitted_at": str,
            "content_hash": str,
            "document": str,  # the canonical JSON of the whole response
        },
        pk="id",
    )
    db["responses"].create_index(["status", "unit"])
    db["quarantine"].create(
        {
            "id": int,
            "response_id": str,
            "bundle_hash": str,
            "device_id": str,
            "reason": str,
            "document": str,
            "at": str,
        },
        pk="id",
    )
    db["conflicts"].create(
        {
            "id": int,
            "response_id": str,
            "bundle_hash": str,
            "device_id": str,
            "existing_content_hash": str,
            "incoming_content_hash": str,
            "incoming_document": str,
            "at": str,
        },
        pk="id",
    )
    db["events"].create(
        {
            "response_id": str,
            "device_id": str,
            "seq": int,
            "at": str,
            "kind": str,
            "item_id": str,
            "old": str,
            "new": str,
            "detail": str,
        },
    )


def _create_paradata_view(db: Database, document: str) -> None:
    """The `paradata` view: one row per event of `document` (an SQL expression giving the JSON text)."""
    db.execute(
        f"""
        create view paradata as
        select r.id as response_id, r.device_id, r.bundle_hash, r.status, r.unit,
               cast(e.key as integer) as seq,
               json_extract(e.value, '$.at') as at, json_extract(e.value, '$.kind') as kind,
               json_extract(e.value, '$.item_id') as item_id,
               nullif(json_quote(json_extract(e.value, '$.old')), 'null') as old,
               nullif(json_quote(json_extract(e.value, '$.new')), 'null') as new,
               json_extract(e.value, '$.detail') as detail
        from responses r, json_each({document}, '$.events') e
        """
    )


@migrations()
def m002_paradata_view(db: Database) -> None:
    db["events"].drop(ignore=True)
    _create_paradata_view(db, "r.document")
    db["quarantine"].add_column("content_hash", str)
    db["quarantine"].create_index(["response_id"])
    db["conflicts"].create_index(["response_id"])


_COMPRESS_BATCH = 1000


@migrations()
def m003_compressed_documents(db: Database) -> None:
    """Documents are stored zlib-compressed (sqlar convention), with their size in `document_size`.

    A new database gets `document` declared BLOB. A database with responses keeps its declared
    TEXT (rewriting the whole table would cost as much as the merge did; a BLOB value in a
    TEXT column stays a BLOB) and has its documents compressed in place, a batch at a time.
    """
    db.execute("drop view paradata")
    db["responses"].add_column("document_size", int)
    if db.execute("select exists (select 1 from responses)").fetchone()[0]:
        last = 0
        while batch := db.execute(
            "select rowid, document from responses where rowid > ? order by rowid limit ?", [last, _COMPRESS_BATCH]
        ).fetchall():
            db.conn.executemany(
                "update responses set document = ?, document_size = ? where rowid = ?",
                [(*stored_document(text.encode("utf-8") if isinstance(text, str) else text), rowid) for rowid, text in batch],
            )
            last = batch[-1][0]
    else:
        db["responses"].transform(types={"document": bytes})
    _create_paradata_view(db, "cast(sqlar_uncompress(r.document, r.document_size) as text)")


@migrations()
def m004_held_bundles(db: Database) -> None:
    """Bundles of a possibly copied device are held apart: their responses wait in `held`, not scored.

    A held response keeps its `responses` row and its `answers` row (a JSON array, in the order
    of the table's columns), so accepting the device later merges it as it would have been.
    """
    db["held"].create(
        {**{name: str for name in RESPONSE_COLUMNS}, "document": bytes, "document_size": int, "answers_row": str}
    )
    db["held"].create_index(["bundle_hash"])
    db["copied_devices"].create(
        {"device_id": str, "flagged_at": str, "reason": str, "resolved_at": str, "resolution": str},
        pk="device_id",
    )


@migrations()
def m005_bundle_identity(db: Database) -> None:
    """Bundles are known by the SHA-256 of their signed manifest; refused files go to a log of their own.

    Bundles merged before keep the SHA-256 of their file as their `hash` (their manifests are not
    at hand): `identified_by_file` marks them, and the merge recognises those files by their hash.
    Refused files move from `bundles` to `refusals`, one row per file hash with a count.
    """
    db["bundles"].add_column("identified_by_file", int)
    db.execute("update bundles set identified_by_file = 1")
    _create_refusals(db)
    db.execute(
        "insert into refusals (file_hash, file_name, bundle_hash, device_id, sequence, reason, first_at, last_at, times) "
        "select hash, file_name, null, device_id, sequence, reason, merged_at, merged_at, 1 from bundles where status = 'refused'"
    )
    db.execute("delete from bundles where status = 'refused'")


def _create_refusals(db: Database) -> None:
    db["refusals"].create(
        {
            "file_hash": str,  # SHA-256 of the refused file; '' for the row that counts files beyond the log's limit
            "file_name": str,  # the last name it was refused under
            "bundle_hash": str,  # the identity of the bundle it claims to be, when its manifest was verified
            "device_id": str,
            "sequence": int,
            "reason": str,  # the last reason
            "first_at": str,
            "last_at": str,
            "times": int,  # how often it was refused
        },
        pk="file_hash",
        not_null={"times"},
    )
    db["refusals"].create_index(["device_id"])


_SUMMARY_BATCH = 2000


@migrations()
def m006_paradata_summaries(db: Database) -> None:
    """One row of paradata figures per response (merge/paradata.py), so reports never parse documents.

    Merges write the row with the response; a database merged before gets them here, from the
    stored documents, a batch at a time.
    """
    _create_paradata_table(db)
    survey = db.execute("select questionnaire_toml, id from survey").fetchone()
    if survey is not None:
        backfill_paradata(db.conn, parse_questionnaire(survey[0], f"survey {survey[1]}"))


def _create_paradata_table(db: Database) -> None:
    db["response_paradata"].create(
        {
            "response_id": str, "duration_ms": int, "timed_items": int, "median_ms": int, "min_ms": int, "likert_answered": int,
            "same_point": int, "longest_run": int, "changes": int, "submit_minute": int,
            "unit": str, "submitted": int, "repeats_previous": int,
        },
    )  # fmt: skip
    # No index on response_id, as `answers`: rows are appended in the order of `responses`, so a
    # million inserts never touch a random place of an index (the one on responses.id is enough).


def backfill_paradata(conn: sqlite3.Connection, questionnaire: Questionnaire) -> int:
    """Summarise the paradata of every response (into a `response_paradata` still empty), in their order; how many.

    A response is compared with the one before it in its own bundle only, as the merge does."""
    summariser = Summariser(questionnaire)
    previous: dict[str, dict] = {}
    added, last = 0, 0
    while batch := conn.execute(
        "select rowid, document, document_size, bundle_hash from responses where rowid > ? order by rowid limit ?", [last, _SUMMARY_BATCH]
    ).fetchall():
        rows = []
        for _, data, size, bundle in batch:
            summariser.previous = previous.setdefault(bundle, {})
            try:
                rows.append(summary_of_document(summariser, document_text(data, size) or "{}"))
            except (ValueError, KeyError, TypeError):
                continue  # an unreadable document gets no summary: it is never flagged (reports count these)
        conn.executemany(PARADATA_INSERT_SQL, rows)
        added += len(rows)
        last = batch[-1][0]
    return added


class MergedDatabaseError(Exception):
    """The merged database cannot be used (wrong file, another survey, no survey set)."""


class MergedDatabase:
    """Open (creating if needed) a merged database file."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        if self.path is not None:
            keep_private(self.path, MergedDatabaseError)
        try:
            conn = sqlite3.connect(":memory:" if self.path is None else str(self.path), timeout=30)
        except sqlite3.DatabaseError as exc:
            raise MergedDatabaseError(f"{self.path}: cannot open ({exc})") from None
        register_functions(conn)
        self.db = Database(conn)
        try:
            # 8 KiB pages hold a response document with fewer overflow pages (only takes effect
            # on a new file); NORMAL in WAL mode keeps the file consistent after a crash.
            self.db.execute("PRAGMA page_size=8192")
            if self.path is not None:
                self.db.enable_wal()
            self.db.execute("PRAGMA synchronous=NORMAL")
            # Inserting a million rows keyed by random ids touches index pages all over: a 64 MiB
            # page cache and a checkpoint every 40,000 pages (a WAL of up to 320 MB, not 8 MB)
            # write each of them less often, a third of the time per row; durability is the same.
            self.db.execute("PRAGMA cache_size=-65536")
            self.db.execute("PRAGMA wal_autocheckpoint=40000")
            migrations.apply(self.db)
        except sqlite3.DatabaseError as exc:
            raise MergedDatabaseError(f"{self.path}: not a usable merged database ({exc})") from None
        self._questionnaire: Questionnaire | None = None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> MergedDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the survey ----------------------------------------------------------------------------
    def set_survey(
        self,
        survey_id: str,
        name: str,
        questionnaire_toml: str,
        units: Sequence[Unit],
        created_at: str,
    ) -> None:
        """Bind this database to a survey (once); creates the `answers` table for its questionnaire."""
        questionnaire = parse_questionnaire(questionnaire_toml, f"survey {survey_id}")
        existing = self.survey_row()
        if existing is not None:
            if existing["id"] != survey_id:
                raise MergedDatabaseError(
                    f"{self.path}: holds survey {existing['id']} ({existing['name']}), not {survey_id}"
                )
            return
        with self.db.atomic():
            self.db["survey"].insert(
                {
                    "id": survey_id,
                    "name": name,
                    "questionnaire_toml": questionnaire_toml,
                    "questionnaire_hash": questionnaire.content_hash,
                    "units_json": json.dumps([u.model_dump() for u in units], ensure_ascii=False),
                    "created_at": created_at,
                }
            )
            columns = ", ".join(f'"{name}" {sqltype}' for name, sqltype in answer_columns(questionnaire))
            # No index on response_id: rows are appended in the order of `responses` (join through
            # responses.id), so a million inserts never touch a random place of a second index.
            self.db.execute(f"create table answers (response_id TEXT NOT NULL REFERENCES responses(id), {columns})")
        self._questionnaire = questionnaire

    def survey_row(self) -> dict[str, Any] | None:
        rows = list(self.db["survey"].rows)
        return rows[0] if rows else None

    def require_survey(self) -> dict[str, Any]:
        row = self.survey_row()
        if row is None:
            raise MergedDatabaseError(f"{self.path}: no survey merged yet (run `akhlak merge` first)")
        return row

    @property
    def questionnaire(self) -> Questionnaire:
        if self._questionnaire is None:
            row = self.require_survey()
            self._questionnaire = parse_questionnaire(row["questionnaire_toml"], f"survey {row['id']}")
        return self._questionnaire

    @property
    def units(self) -> list[Unit]:
        return [Unit(**u) for u in json.loads(self.require_survey()["units_json"])]

    # -- accepted responses --------------------------------------------------------------------
    def answers_insert_sql(self) -> str:
        columns = [name for name, _ in answer_columns(self.questionnaire)]
        return (
            "insert into answers (response_id, "
            + ", ".join(f'"{c}"' for c in columns)
            + ") values (?"
            + ", ?" * len(columns)
            + ")"
        )

    def insert_rows(
        self, response_rows: Sequence[tuple[Any, ...]], answer_rows: Sequence[tuple[Any, ...]], paradata_rows: Sequence[tuple[Any, ...]] | None = None
    ) -> None:
        """Insert prepared rows (see `AcceptedRows`) into `responses`, `answers` and `response_paradata`
        (made from the documents when not given); the caller owns the transaction."""
        self.db.conn.executemany(RESPONSES_INSERT_SQL, response_rows)
        self.db.conn.executemany(self.answers_insert_sql(), answer_rows)
        if paradata_rows is None:
            summariser = Summariser(self.questionnaire)
            paradata_rows = [summary_of_document(summariser, document_text(row[DOCUMENT_COLUMN], row[DOCUMENT_SIZE_COLUMN]) or "{}") for row in response_rows]
        self.db.conn.executemany(PARADATA_INSERT_SQL, paradata_rows)

    def insert_responses(self, responses: Iterable[tuple[Response, str]]) -> int:
        """Insert accepted (response, bundle_hash) pairs into `responses` and `answers`.

        The caller owns the transaction (one per bundle) and has already checked each response.
        """
        rows = AcceptedRows(self.questionnaire)
        for response, bundle_hash in responses:
            rows.add(response.model_dump(mode="json"), bundle_hash, response.canonical_json().encode("utf-8"))
        self.insert_rows(rows.responses, rows.answers, rows.paradata)
        return len(rows.responses)


