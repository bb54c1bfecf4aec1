"""The rows of accepted responses for the merged database, built where the responses are checked.

Building rows is pure CPU work (hashing, answer cells), so the merge does it in worker processes
and hands plain tuples to the process that writes the database (merge/database.py).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping
from operator import itemgetter
from typing import Any

import msgspec

from akhlak_tui.crypto.records import COMPRESSION_LEVEL
from akhlak_tui.merge.paradata import Summariser
from akhlak_tui.questionnaire.model import Questionnaire

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
    "document_size",
)

ID_COLUMN, CONTENT_HASH_COLUMN, DOCUMENT_COLUMN, DOCUMENT_SIZE_COLUMN = (
    RESPONSE_COLUMNS.index(c) for c in ("id", "content_hash", "document", "document_size")
)
"""Positions in a `responses` row (as AcceptedRows builds it) of the id, content hash, document and its size."""

RESPONSES_INSERT_SQL = (
    "insert into responses (" + ", ".join(RESPONSE_COLUMNS) + ") values (" + ", ".join("?" * len(RESPONSE_COLUMNS)) + ")"
)


def stored_document(canonical: bytes, compressed: bytes | None = None) -> tuple[bytes, int]:
    """(document, document_size) as stored for the JSON `canonical`.

    `compressed` is its zlib stream if already made (else it is made here). It is stored when it
    is shorter than the JSON; otherwise the JSON is stored as is, and its size equals its length.
    """
    if compressed is None:
        compressed = zlib.compress(canonical, COMPRESSION_LEVEL)
    return (compressed if len(compressed) < len(canonical) else canonical), len(canonical)


_ITEM_AND_VALUE = itemgetter("item_id", "value")


def answer_values(document: Mapping[str, Any]) -> dict[str, Any]:
    """Item id -> answer value of a response document (the last one where an item is answered twice)."""
    return dict(map(_ITEM_AND_VALUE, document["answers"]))


def _column_type(item_type: str) -> str:
    return "INTEGER" if item_type in ("likert", "integer") else "TEXT"


def answer_columns(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(column, SQL type) of the `answers` table: one per answerable item, in questionnaire order."""
    return [(item.id, _column_type(item.type)) for item in questionnaire.answerable_items]  # type: ignore[attr-defined]


_LIST_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""An encoder made once: json.dumps with options makes a new one on every call."""


_STRINGS_JSON = msgspec.json.Encoder().encode
"""Four times faster than the above, and the same text for lists of strings (tests/merge/test_rows.py),
except for lone surrogates, which it refuses."""
_STR_ONLY = frozenset({str})


def answer_cell(value: Any) -> Any:
    """An answer as stored in its `answers` column: lists as JSON text (as json.dumps writes it), the rest as is."""
    if not isinstance(value, list):
        return value
    if set(map(type, value)) <= _STR_ONLY:  # the picks of a multi item
        try:
            return _STRINGS_JSON(value).decode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            pass
    return _LIST_JSON(value)


class AcceptedRows:
    """The `responses` and `answers` rows of accepted responses (as the checks accepted them)."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.columns = [name for name, _ in answer_columns(questionnaire)]
        self.list_cells = [
            position for position, item in enumerate(questionnaire.answerable_items, start=1) if item.type == "multi"  # type: ignore[attr-defined]
        ]
        """Positions in an `answers` row of the columns whose answers are lists (the only ones, once checked)."""
        self.responses: list[tuple[Any, ...]] = []
        self.answers: list[tuple[Any, ...]] = []
        self.summariser = Summariser(questionnaire)
        self.paradata: list[tuple[Any, ...]] = []
        """The `response_paradata` rows (merge/paradata.py), one per response, in the same order."""

    def __len__(self) -> int:
        return len(self.responses)

    def take(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """The rows so far (responses, answers), leaving this empty for more."""
        taken = self.responses, self.answers
        self.responses, self.answers = [], []
        return taken

    def take_paradata(self) -> list[tuple[Any, ...]]:
        """The paradata summaries of the rows taken last (call after `take`)."""
        taken, self.paradata = self.paradata, []
        return taken

    def add(
        self,
        document: Mapping[str, Any],
        bundle_hash: str,
        canonical: bytes,
        compressed: bytes | None = None,
        values: Mapping[str, Any] | None = None,
        events: Any = None,
    ) -> str:
        """Add one response; returns its content hash (SHA-256 hex of `canonical`).

        `document` is the response as plain JSON types (`Response.model_dump(mode="json")`),
        `canonical` the exact JSON the device sealed, which `document` was parsed from, and
        `compressed` its zlib stream as the device sent it (checked by the caller to inflate to
        `canonical`), or None to compress it here. The stream is stored as it came (`canonical`
        if it is not shorter); nothing is serialised or compressed again. `values` (item id ->
        answer value) is made from `document` unless the caller has it already, and `events`
        (for the paradata summary) taken from it unless given.
        """
        content_hash = hashlib.sha256(canonical).hexdigest()
        self.responses.append(
            (*_HEAD_FIELDS(document), bundle_hash, *_TAIL_FIELDS(document), content_hash, *stored_document(canonical, compressed))
        )
        if values is None:
            values = answer_values(document)
        row = [document["id"], *map(values.get, self.columns)]
        for position in self.list_cells:
            if type(row[position]) is list:
                row[position] = answer_cell(row[position])
        self.answers.append(tuple(row))
        self.paradata.append(self.summariser.summary(document, values, document.get("events", ()) if events is None else events))
        return content_hash


_BUNDLE_HASH_AT = RESPONSE_COLUMNS.index("bundle_hash")
_HEAD_FIELDS = itemgetter(*RESPONSE_COLUMNS[:_BUNDLE_HASH_AT])
_TAIL_FIELDS = itemgetter(*RESPONSE_COLUMNS[_BUNDLE_HASH_AT + 1 : CONTENT_HASH_COLUMN])
"""The fields of a response document that fill the `responses` columns before and after `bundle_hash`."""
