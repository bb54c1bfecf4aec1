"""The coordinator's merged database: schema, the survey it belongs to, and accepted responses.

One merged database holds one survey. Besides provenance and audit tables it keeps every
accepted response twice over, for two kinds of reader:

- `responses`: one row per response (context, status, provenance, content hash, and the full
  canonical JSON of the response for audit and conflict reports);
- `answers`: one row per response and one column per answerable item of the questionnaire, named
  exactly as the item id (likert and integer as INTEGER, multi as a JSON array text, others TEXT),
  so scoring and data export run as plain SQL over a million rows.
"""

from __future__ import annotations

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
        conn = sqlite3.connect(":memory:" if self.path is None else str(self.path), timeout=30)
        self.db = Database(conn)
        try:
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
    def insert_responses(self, responses: Iterable[tuple[Response, str]]) -> int:
        """Insert accepted (response, bundle_hash) pairs into `responses`, `answers` and `events`.

        The caller owns the transaction (one per bundle) and has already checked each response.
        """
        q = self.questionnaire
        columns = [name for name, _ in answer_columns(q)]
        answers_sql = (
            "insert into answers (response_id, "
            + ", ".join(f'"{c}"' for c in columns)
            + ") values (?"
            + ", ?" * len(columns)
            + ")"
        )
        responses_sql = (
            "insert into responses (" + ", ".join(RESPONSE_COLUMNS) + ") values (" + ", ".join("?" * len(RESPONSE_COLUMNS)) + ")"
        )
        events_sql = "insert into events (response_id, device_id, seq, at, kind, item_id, old, new, detail) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        response_rows, answer_rows, event_rows = [], [], []
        for response, bundle_hash in responses:
            document = response.canonical_json()
            response_rows.append(
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
                    response.content_hash(),
                    document,
                )
            )
            values = response.answer_map
            answer_rows.append((response.id, *(answer_cell(values.get(c)) for c in columns)))
            for seq, event in enumerate(response.events):
                event_rows.append(
                    (
                        response.id,
                        response.device_id,
                        seq,
                        event.at,
                        event.kind,
                        event.item_id,
                        None if event.old is None else json.dumps(event.old, ensure_ascii=False),
                        None if event.new is None else json.dumps(event.new, ensure_ascii=False),
                        event.detail,
                    )
                )
        self.db.conn.executemany(responses_sql, response_rows)
        self.db.conn.executemany(answers_sql, answer_rows)
        self.db.conn.executemany(events_sql, event_rows)
        return len(response_rows)
