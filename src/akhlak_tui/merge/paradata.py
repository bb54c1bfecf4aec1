"""Per-response summaries of the paradata, made once when a response is merged (the `response_paradata` table).

A report reads these few numbers instead of parsing a million documents' events. They hold no
thresholds: the quality flags (scoring/quality.py) apply the questionnaire's at report time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from operator import attrgetter
from typing import Any

from akhlak_tui.questionnaire.model import LikertItem, Questionnaire

PARADATA_COLUMNS = (
    "response_id",
    "duration_ms",  # answering time: submitted_at - created_at less pauses; null unless submitted, or if the clock went back
    "timed_items",  # likert statements with a time (shown, then answered)
    "median_ms",  # median time per statement, from its last showing to its first answer
    "min_ms",
    "likert_answered",  # likert statements with a scale point (not "not applicable")
    "same_point",  # 1: all of them on one scale point
    "longest_run",  # the longest run of consecutive statements on one point
    "changes",  # answers changed or cleared by the respondent after being given (not cleared by the routing)
    "submit_minute",  # minute of the day (UTC) it was submitted; null unless submitted
    "unit",  # the response's unit (as in `responses`)
    "submitted",  # 1 for a submitted response
    "repeats_previous",  # 1: submitted with the same answers as the submitted response just before it in its bundle
)
PARADATA_INSERT_SQL = f"insert into response_paradata ({', '.join(PARADATA_COLUMNS)}) values ({', '.join('?' * len(PARADATA_COLUMNS))})"
ROUTING_CLEAR = "irrelevant"
"""The detail of a `cleared` event the app made itself (a changed answer made the item irrelevant): not a change."""
ONE_MS = timedelta(milliseconds=1)
ZERO = timedelta(0)
_EVENT_FIELDS = attrgetter("kind", "item_id", "at")


def moment(stamp: Any) -> datetime | None:
    """An ISO time as the app writes it ("2026-03-02T08:00:00.123Z"), in UTC; None if unreadable."""
    try:
        parsed = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed if parsed.utcoffset() == ZERO else parsed.astimezone(timezone.utc)


CLOCK_SLACK = timedelta(seconds=1)
"""A clock set back by no more than this (a time service's small step) still gives an answering time."""


def _went_back(a: Any, b: Any) -> bool:
    """Time `a`, recorded after `b`, is more than CLOCK_SLACK earlier than it (unreadable times: no)."""
    first, second = moment(a), moment(b)
    return first is not None and second is not None and second - first > CLOCK_SLACK


def _fields(event: Any) -> tuple[Any, Any, Any]:
    return (event.get("kind"), event.get("item_id"), event.get("at")) if isinstance(event, dict) else _EVENT_FIELDS(event)


class Summariser:
    """Summaries for the responses of one questionnaire, in the order each device gave them."""

    def __init__(self, q: Questionnaire) -> None:
        self.likert = [i for i in q.items if isinstance(i, LikertItem)]
        self.likert_ids = frozenset(i.id for i in self.likert)
        self.points = {i.id: frozenset(q.scale_for(i).codes) for i in self.likert}
        self.previous: dict[Any, Mapping[str, Any]] = {}
        """Device id -> the answers of its last submitted response summarised (one Summariser, or one
        `previous`, per bundle: a response is compared within its bundle)."""

    def _times(self, events: Iterable[Any]) -> tuple[list[int], int, int | None]:
        """(milliseconds from each likert statement's last showing to its first answer, sorted; answers
        changed or cleared by the respondent; milliseconds paused, None if the clock went back).

        Paused is the time from the event before each `resumed` to it: the response lay paused,
        or the app was closed."""
        shown: dict[str, str] = {}
        spans: dict[str, tuple[str, str]] = {}
        changes = 0
        last: Any = None
        pauses: list[tuple[Any, Any]] = []
        went_back = False
        likert = self.likert_ids
        as_dicts = bool(events) and isinstance(next(iter(events)), dict)  # type: ignore[arg-type]
        fields = _fields if as_dicts else _EVENT_FIELDS
        for event in events:
            kind, item, at = fields(event)
            if last is not None and at != last:
                if kind == "resumed":
                    pauses.append((last, at))
                if not went_back and (type(at) is not str or type(last) is not str or at < last):  # as text first: cheap
                    went_back = _went_back(at, last)
            last = at
            if kind == "shown":
                if item in likert:
                    shown[item] = at
            elif kind == "answered":
                if item in shown and item not in spans:
                    spans[item] = shown[item], at
            elif kind == "changed":
                changes += 1
            elif kind == "cleared" and (event.get("detail") if as_dicts else getattr(event, "detail", None)) != ROUTING_CLEAR:
                changes += 1
        times = []
        parse = datetime.fromisoformat
        for start, end in spans.values():
            try:
                span = (parse(end) - parse(start)) // ONE_MS
            except (TypeError, ValueError):  # unreadable, or one time with a zone and one without
                continue
            if span >= 0:
                times.append(span)
        times.sort()
        paused = 0
        for start, end in pauses:
            began, ended = moment(start), moment(end)
            if began is not None and ended is not None:
                paused += (ended - began) // ONE_MS
        return times, changes, None if went_back else paused

    def summary(self, document: Mapping[str, Any], values: Mapping[str, Any], events: Iterable[Any]) -> tuple[Any, ...]:
        """The `response_paradata` row of a response (its document fields, answer values and events,
        as dicts or as objects with `kind`, `item_id` and `at`)."""
        times, changes, paused = self._times(events)
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
        is_submitted = document.get("status") == "submitted"
        submitted = moment(document.get("submitted_at")) if is_submitted else None
        created = moment(document.get("created_at"))
        answering = None if submitted is None or created is None or paused is None else (submitted - created) // ONE_MS - paused
        repeats = False
        if is_submitted:
            device = document.get("device_id")
            repeats = self.previous.get(device) == values  # equal dicts: the same answers, in any order
            self.previous[device] = values
        return (
            document["id"],
            answering if answering is not None and answering >= 0 else None,
            len(times),
            times[(len(times) - 1) // 2] if times else None,
            times[0] if times else None,
            answered,
            int(answered > 0 and len(codes) == 1),
            longest,
            changes,
            None if submitted is None else submitted.hour * 60 + submitted.minute,
            document.get("unit"),
            int(is_submitted),
            int(repeats),
        )


def summary_of_document(summariser: Summariser, text: str) -> tuple[Any, ...]:
    """The summary of a stored document (JSON text)."""
    document = json.loads(text)
    values = {a["item_id"]: a["value"] for a in document.get("answers", [])}
    return summariser.summary(document, values, document.get("events", []))
