"""The coordinator's merged database: schema, the survey it belongs to, and accepted responses.

One merged database holds one survey. Besides provenance and audit tables it keeps every
accepted response twice over, for two kinds of reader:

- `responses`: one row per response (context, status, provenance, content hash, and the full
  canonical JSON of the response for audit and conflict reports);
- `answers`: one row per response and one column per answerable item of the questionnaire, named
  exactly as the item id (likert and integer as INTEGER, multi as a JSON array text, others TEXT),
  so scoring and data export run as plain SQL over a million rows.

Paradata is not copied into rows of its own: each response's events are already in its
`document`, and the `paradata` view unnests them (json_each) into one merged table across all
devices. Provenance and audit: `devices` (pinned public keys), `bundles` (every bundle seen,
merged or refused, with the reason), `quarantine` and `conflicts`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

from akhlak_tui.questionnaire.loading import parse_questionnaire
from akhlak_tui.questionnaire.model import Questionnaire
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.response import Response

migrations = Migrations("akhlak_tui.merged")

RESPONSE_COLUMNS = (
    "id",
    "survey_id",
    "questionnaire_hash",
    "device_id",
    "bundle_hash",
    "status",
    "abandon_reason",
    "unit",
    "mode",
    "language",
    "created_at",
    "updated_at",
    "submitted_at",
    "content_hash",
    "document",
)

ID_COLUMN, CONTENT_HASH_COLUMN, DOCUMENT_COLUMN = (RESPONSE_COLUMNS.index(c) for c in ("id", "content_hash", "document"))
"""Positions in a `responses` row (as AcceptedRows builds it) of the id, content hash and document."""

RESPONSES_INSERT_SQL = (
    "insert into responses (" + ", ".join(RESPONSE_COLUMNS) + ") values (" + ", ".join("?" * len(RESPONSE_COLUMNS)) + ")"
)


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


@migrations()
def m002_paradata_view(db: Database) -> None:
    db["events"].drop(ignore=True)
    db.execute(
        """
        create view paradata as
        select r.id as response_id, r.device_id, r.bundle_hash, r.status, r.unit,
               cast(e.key as integer) as seq,
               json_extract(e.value, '$.at') as at, json_extract(e.value, '$.kind') as kind,
               json_extract(e.value, '$.item_id') as item_id,
               nullif(json_quote(json_extract(e.value, '$.old')), 'null') as old,
               nullif(json_quote(json_extract(e.value, '$.new')), 'null') as new,
               json_extract(e.value, '$.detail') as detail
        from responses r, json_each(r.document, '$.events') e
        """
    )
    db["quarantine"].add_column("content_hash", str)
    db["quarantine"].create_index(["response_id"])
    db["conflicts"].create_index(["response_id"])


class MergedDatabaseError(Exception):
    """The merged database cannot be used (wrong file, another survey, no survey set)."""


def _column_type(item_type: str) -> str:
    return "INTEGER" if item_type in ("likert", "integer") else "TEXT"


def answer_columns(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(column, SQL type) of the `answers` table: one per answerable item, in questionnaire order."""
    return [(item.id, _column_type(item.type)) for item in questionnaire.answerable_items]  # type: ignore[attr-defined]


def answer_cell(value: Any) -> Any:
    """An answer as stored in its `answers` column: lists as JSON text, the rest as is."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


class MergedDatabase:
    """Open (creating if needed) a merged database file."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            conn = sqlite3.connect(":memory:" if self.path is None else str(self.path), timeout=30)
        except sqlite3.DatabaseError as exc:
            raise MergedDatabaseError(f"{self.path}: cannot open ({exc})") from None
        self.db = Database(conn)
        try:
            # 8 KiB pages hold a response document with fewer overflow pages (only takes effect
            # on a new file); NORMAL in WAL mode keeps the file consistent after a crash.
            self.db.execute("PRAGMA page_size=8192")
            if self.path is not None:
                self.db.enable_wal()
            self.db.execute("PRAGMA synchronous=NORMAL")
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
            self.db.execute(
                f"create table answers (response_id TEXT PRIMARY KEY REFERENCES responses(id), {columns})"
            )
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

    def insert_rows(self, response_rows: Sequence[tuple[Any, ...]], answer_rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert prepared rows (see `AcceptedRows`) into `responses` and `answers`; the caller owns the transaction."""
        self.db.conn.executemany(RESPONSES_INSERT_SQL, response_rows)
        self.db.conn.executemany(self.answers_insert_sql(), answer_rows)

    def insert_responses(self, responses: Iterable[tuple[Response, str]]) -> int:
        """Insert accepted (response, bundle_hash) pairs into `responses` and `answers`.

        The caller owns the transaction (one per bundle) and has already checked each response.
        """
        rows = AcceptedRows(self.questionnaire)
        for response, bundle_hash in responses:
            rows.add(response, bundle_hash)
        self.insert_rows(rows.responses, rows.answers)
        return len(rows.responses)


class AcceptedRows:
    """The `responses` and `answers` rows of accepted responses, built where they are checked.

    Building rows is pure CPU work (hashing, answer cells), so the merge does it in worker
    processes and hands plain tuples to the process that writes the database.
    """

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.columns = [name for name, _ in answer_columns(questionnaire)]
        self.responses: list[tuple[Any, ...]] = []
        self.answers: list[tuple[Any, ...]] = []

    def __len__(self) -> int:
        return len(self.responses)

    def take(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """The rows so far (responses, answers), leaving this empty for more."""
        taken = self.responses, self.answers
        self.responses, self.answers = [], []
        return taken

    def add(self, response: Response, bundle_hash: str, sealed_json: bytes | None = None) -> str:
        """Add one response; returns its content hash.

        `sealed_json` is the JSON the device sealed, which `response` was parsed from: laptops seal
        the canonical JSON, so it is kept as the document (and hashed) as it is, rather than
        serialised again. Without it the canonical JSON is made here.
        """
        raw = sealed_json if sealed_json is not None else response.canonical_json().encode("utf-8")
        document = raw.decode("utf-8")
        content_hash = hashlib.sha256(raw).hexdigest()
        self.responses.append(
            (
                response.id,
                response.survey_id,
                response.questionnaire_hash,
                response.device_id,
                bundle_hash,
                response.status,
                response.abandon_reason,
                response.unit,
                response.mode,
                response.language,
                response.created_at,
                response.updated_at,
                response.submitted_at,
                content_hash,
                document,
            )
        )
        values = response.answer_map
        self.answers.append((response.id, *[answer_cell(v) if type(v) is list else v for v in map(values.get, self.columns)]))
        return content_hash
