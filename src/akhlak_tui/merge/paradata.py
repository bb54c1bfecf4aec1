"""Per-response summaries of the paradata, made once when a response is merged (the `response_paradata` table).

A report reads these few numbers instead of parsing a million documents' events. They hold no
thresholds: the quality flags (scoring/quality.py) apply the questionnaire's at report time.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from akhlak_tui.questionnaire.model import LikertItem, Questionnaire

PARADATA_COLUMNS = (
    "response_id",
    "duration_ms",  # submitted_at - created_at; null unless submitted
    "timed_items",  # likert statements with a time (shown, then answered)
    "median_ms",  # median time per statement, from its last showing to its first answer
    "min_ms",
    "likert_answered",  # likert statements with a scale point (not "not applicable")
    "same_point",  # 1: all of them on one scale point
    "longest_run",  # the longest run of consecutive statements on one point
    "changes",  # answers changed or cleared after being given
    "submit_minute",  # minute of the day (UTC) it was submitted; null unless submitted
    "answers_hash",  # first 16 hex of the SHA-256 of the answers: equal answers, equal hash
)
PARADATA_INSERT_SQL = f"insert or replace into response_paradata ({', '.join(PARADATA_COLUMNS)}) values ({', '.join('?' * len(PARADATA_COLUMNS))})"
CHANGE_KINDS = frozenset({"changed", "cleared"})
_DAYS: dict[str, int] = {}


def millis(stamp: Any) -> int | None:
    """Milliseconds since 0001-01-01 of an ISO time ("2026-03-02T08:00:00.123Z" read fast); None if unreadable."""
    if not isinstance(stamp, str):
        return None
    if len(stamp) == 24 and stamp[10] == "T" and stamp[23] == "Z" and stamp[19] == ".":
        day = _DAYS.get(stamp[:10])
        try:
            if day is None:
                day = _DAYS.setdefault(stamp[:10], date.fromisoformat(stamp[:10]).toordinal())
            return ((day * 24 + int(stamp[11:13])) * 60 + int(stamp[14:16])) * 60_000 + int(stamp[17:19]) * 1000 + int(stamp[20:23])
        except ValueError:
            return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    offset = moment.utcoffset()
    naive = moment.replace(tzinfo=None) - offset if offset is not None else moment
    return ((naive.toordinal() * 24 + naive.hour) * 60 + naive.minute) * 60_000 + naive.second * 1000 + naive.microsecond // 1000


class Summariser:
    """Summaries for the responses of one questionnaire."""

    def __init__(self, q: Questionnaire) -> None:
        self.likert = [i for i in q.items if isinstance(i, LikertItem)]
        self.likert_ids = frozenset(i.id for i in self.likert)
        self.points = {i.id: frozenset(q.scale_for(i).codes) for i in self.likert}

    def summary(self, document: Mapping[str, Any], values: Mapping[str, Any], events: Iterable[Any]) -> tuple[Any, ...]:
        """The `response_paradata` row of a response (its document fields, answer values and events,
        as dicts or as objects with `kind`, `item_id` and `at`)."""
        shown: dict[str, int | None] = {}
        times: dict[str, int] = {}
        changes = 0
        for event in events:
            kind, item, at = (event.get("kind"), event.get("item_id"), event.get("at")) if isinstance(event, dict) else (event.kind, event.item_id, event.at)
            if kind in CHANGE_KINDS:
                changes += 1
            if item not in self.likert_ids:
                continue
            if kind == "shown":
                shown[item] = millis(at)
            elif kind == "answered" and item not in times:
                start, end = shown.get(item), millis(at)
                if start is not None and end is not None and end >= start:
                    times[item] = end - start
        run = longest = answered = 0
        previous = None
        codes = set()
        for item in self.likert:
            code = values.get(item.id)
            if type(code) is not int or code not in self.points[item.id]:  # unanswered or "not applicable" ends a run
                run, previous = 0, None
                continue
            answered += 1
            codes.add(code)
            run = run + 1 if code == previous else 1
            previous = code
            longest = max(longest, run)
        submitted = millis(document.get("submitted_at")) if document.get("status") == "submitted" else None
        created = millis(document.get("created_at"))
        durations = sorted(times.values())
        return (
            document["id"],
            None if submitted is None or created is None else submitted - created,
            len(durations),
            int(statistics.median(durations)) if durations else None,
            durations[0] if durations else None,
            answered,
            int(answered > 0 and len(codes) == 1),
            longest,
            changes,
            None if submitted is None else (submitted // 60_000) % 1440,
            answers_hash(values),
        )


def answers_hash(values: Mapping[str, Any]) -> str:
    text = json.dumps(sorted(values.items()), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def summary_of_document(summariser: Summariser, text: str) -> tuple[Any, ...]:
    """The summary of a stored document (JSON text)."""
    document = json.loads(text)
    values = {a["item_id"]: a["value"] for a in document.get("answers", [])}
    return summariser.summary(document, values, document.get("events", []))
