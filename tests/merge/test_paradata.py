"""Paradata summaries: made once at merge (response_paradata), by hand on one response, and backfilled by the migration."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st
from merge_world import Coordinator

from akhlak_tui.merge.database import MergedDatabase, document_text
from akhlak_tui.merge.paradata import PARADATA_COLUMNS, Summariser, moment, summary_of_document
from akhlak_tui.questionnaire.loading import parse_questionnaire

TOML = """
[questionnaire]
id = "p"
version = "1"
languages = ["id"]
title = { id = "P" }

[scoring]
favourable_min = 2

[[scales]]
id = "s"
points = [{ code = 1, label = { id = "1" } }, { code = 2, label = { id = "2" } }, { code = 3, label = { id = "3" } }]
not_applicable = { code = 9, label = { id = "NA" } }

[[sections]]
id = "a"
title = { id = "A" }
items = [
  { id = "unit", type = "unit", label = { id = "U" } },
  { id = "l1", type = "likert", scale = "s", label = { id = "1" } },
  { id = "l2", type = "likert", scale = "s", label = { id = "2" } },
  { id = "l3", type = "likert", scale = "s", label = { id = "3" } },
  { id = "l4", type = "likert", scale = "s", label = { id = "4" } },
]
"""


def event(at: str, kind: str, item: str | None = None) -> dict:
    return {"at": at, "kind": kind, "item_id": item, "old": None, "new": None, "detail": None}


DOCUMENT = {
    "id": "r1",
    "status": "submitted",
    "created_at": "2026-03-02T08:00:00.000Z",
    "submitted_at": "2026-03-02T08:03:30.500Z",
    "events": [
        event("2026-03-02T08:00:00.000Z", "started"),
        event("2026-03-02T08:00:01.000Z", "shown", "l1"),
        event("2026-03-02T08:00:05.000Z", "answered", "l1"),  # 4.0 s
        event("2026-03-02T08:00:05.100Z", "shown", "l2"),
        event("2026-03-02T08:00:06.100Z", "answered", "l2"),  # 1.0 s
        event("2026-03-02T08:00:07.000Z", "changed", "l2"),
        event("2026-03-02T08:00:08.000Z", "shown", "l3"),
        event("2026-03-02T08:00:10.500Z", "answered", "l3"),  # 2.5 s
        event("2026-03-02T08:00:11.000Z", "shown", "l4"),
        event("2026-03-02T08:00:11.000Z", "cleared", "l4"),
        event("2026-03-02T08:03:30.500Z", "submitted"),
    ],
}


def test_one_response_summarised_by_hand():
    q = parse_questionnaire(TOML, "p.toml")
    values = {"unit": "U1", "l1": 2, "l2": 2, "l3": 2, "l4": 9}
    row = dict(zip(PARADATA_COLUMNS, Summariser(q).summary(DOCUMENT, values, DOCUMENT["events"])))
    assert row["duration_ms"] == 210_500  # 08:00:00.000 to 08:03:30.500
    assert (row["timed_items"], row["median_ms"], row["min_ms"]) == (3, 2500, 1000)  # 4.0, 1.0, 2.5 s: median 2.5
    assert (row["likert_answered"], row["same_point"], row["longest_run"]) == (3, 1, 3)  # l4 "not applicable" is not a point
    assert row["changes"] == 2  # one changed, one cleared
    assert row["submit_minute"] == 8 * 60 + 3
    assert (row["unit"], row["submitted"], row["repeats_previous"]) == (None, 1, 0)


def test_the_same_answers_as_the_devices_previous_submitted_response_are_marked():
    q = parse_questionnaire(TOML, "p.toml")
    summariser = Summariser(q)
    values = {"unit": "U1", "l1": 2, "l2": 3}
    reordered = {"l2": 3, "l1": 2, "unit": "U1"}
    marks = []
    for device, status, answers in [("a", "submitted", values), ("b", "submitted", values), ("a", "abandoned", values),
                                    ("a", "submitted", reordered), ("a", "submitted", {**values, "l2": 1}), ("a", "submitted", values)]:  # fmt: skip
        row = dict(zip(PARADATA_COLUMNS, summariser.summary({**DOCUMENT, "device_id": device, "status": status}, answers, [])))
        marks.append(row["repeats_previous"])
    assert marks == [0, 0, 0, 1, 0, 0]  # another device, or an abandoned response, does not count


def test_a_not_applicable_answer_ends_a_run_and_abandoned_has_no_time():
    q = parse_questionnaire(TOML, "p.toml")
    abandoned = {**DOCUMENT, "status": "abandoned", "submitted_at": None}
    row = dict(zip(PARADATA_COLUMNS, Summariser(q).summary(abandoned, {"l1": 1, "l2": 9, "l3": 1, "l4": 1}, [])))
    assert (row["longest_run"], row["same_point"], row["likert_answered"]) == (2, 1, 3)
    assert row["duration_ms"] is None and row["submit_minute"] is None and row["median_ms"] is None


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)), st.integers(-12 * 60, 14 * 60))
def test_times_with_any_offset_are_read_in_utc(when, offset_minutes):
    zone = timezone(timedelta(minutes=offset_minutes))
    local = when.replace(tzinfo=timezone.utc).astimezone(zone)
    assert moment(local.isoformat(timespec="milliseconds")) == moment(when.isoformat(timespec="milliseconds") + "Z")
    assert moment(when.isoformat(timespec="milliseconds") + "Z").hour == when.hour


@given(st.one_of(st.none(), st.integers(), st.text(max_size=30)))
def test_unreadable_times_are_none_not_errors(value):
    result = moment(value)
    assert result is None or result.tzinfo is not None


def test_the_submission_minute_is_in_utc():
    q = parse_questionnaire(TOML, "p.toml")
    jakarta = {**DOCUMENT, "created_at": "2026-03-02T15:00:00.000+07:00", "submitted_at": "2026-03-02T15:03:30.500+07:00"}
    row = dict(zip(PARADATA_COLUMNS, Summariser(q).summary(jakarta, {}, [])))
    assert (row["submit_minute"], row["duration_ms"]) == (8 * 60 + 3, 210_500)


def test_merge_writes_one_summary_per_response(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    responses = coordinator.responses(device, 25)
    coordinator.merge(db, [coordinator.bundle(device, 1, responses)])
    rows = {r[0]: r for r in db.db.execute(f"select {', '.join(PARADATA_COLUMNS)} from response_paradata")}
    assert set(rows) == {r.id for r in responses}
    summariser = Summariser(db.questionnaire)
    for response_id, data, size in db.db.execute("select id, document, document_size from responses"):
        assert rows[response_id] == summary_of_document(summariser, document_text(data, size))  # the same figures as from the stored document


def test_migration_backfills_a_database_merged_before(coordinator: Coordinator, device, tmp_path) -> None:
    path = tmp_path / "old.db"
    with MergedDatabase(path) as db:
        coordinator.merge(db, [coordinator.bundle(device, 1, coordinator.responses(device, 12))])
        expected = sorted(db.db.execute("select * from response_paradata").fetchall())
        # as a database of the version before: no table, no record of the migration
        db.db.execute("drop table response_paradata")
        db.db.execute("delete from _sqlite_migrations where name = 'm006_paradata_summaries'")
        db.db.conn.commit()
    with MergedDatabase(path) as db:
        assert sorted(db.db.execute("select * from response_paradata").fetchall()) == expected
        assert len(expected) == 12


def test_summaries_of_events_as_the_app_writes_them():
    q = parse_questionnaire(TOML, "p.toml")
    text = json.dumps({**DOCUMENT, "answers": [{"item_id": "l1", "value": 3, "answered_at": "x"}]})
    row = dict(zip(PARADATA_COLUMNS, summary_of_document(Summariser(q), text)))
    assert row["likert_answered"] == 1 and row["timed_items"] == 3


def test_answers_cleared_by_the_routing_are_not_changes():
    """Changing one answer can make several items irrelevant; the app clears their answers
    itself (detail "irrelevant"): one change by the respondent, not four."""
    from akhlak_tui.response import Event

    q = parse_questionnaire(TOML, "p.toml")
    events = [
        event("2026-03-02T08:00:07.000Z", "changed", "l1"),
        *({**event("2026-03-02T08:00:07.000Z", "cleared", item), "detail": "irrelevant"} for item in ("l2", "l3", "l4")),
        {**event("2026-03-02T08:00:09.000Z", "cleared", "l1"), "detail": "by respondent"},
    ]
    for given_as in (events, [Event(**e) for e in events]):  # as stored, and as the merge decodes them
        row = dict(zip(PARADATA_COLUMNS, Summariser(q).summary(DOCUMENT, {}, given_as)))
        assert row["changes"] == 2


def timed(events: list[dict], submitted: str) -> dict:
    """The summary of a response created at 08:00 and submitted at `submitted` with these events."""
    q = parse_questionnaire(TOML, "p.toml")
    document = {**DOCUMENT, "created_at": "2026-03-02T08:00:00.000Z", "submitted_at": submitted, "events": events}
    return dict(zip(PARADATA_COLUMNS, Summariser(q).summary(document, {}, events)))


def test_a_pause_is_not_answering_time():
    """Paused for an hour after l1 (or the app closed and reopened: the time from the last event
    before `resumed` to it): the answering time is the 40 s spent answering, not three hours."""
    events = [
        event("2026-03-02T08:00:00.000Z", "started"),
        event("2026-03-02T08:00:01.000Z", "shown", "l1"),
        event("2026-03-02T08:00:05.000Z", "answered", "l1"),
        event("2026-03-02T08:00:06.000Z", "paused"),
        event("2026-03-02T09:00:06.000Z", "resumed"),
        event("2026-03-02T09:00:06.000Z", "shown", "l2"),
        event("2026-03-02T09:00:20.000Z", "answered", "l2"),
        event("2026-03-02T09:00:25.000Z", "shown", "l3"),  # the app closed here (no pause) ...
        event("2026-03-02T11:00:00.000Z", "resumed"),  # ... and reopened two hours later
        event("2026-03-02T11:00:00.000Z", "shown", "l3"),
        event("2026-03-02T11:00:14.000Z", "answered", "l3"),
        event("2026-03-02T11:00:15.000Z", "submitted"),
    ]
    row = timed(events, "2026-03-02T11:00:15.000Z")
    assert row["duration_ms"] == 40_000  # 6 s + 19 s + 15 s: 3 h 0 min 15 s less 1 h and 1 h 59 min 35 s
    assert (row["timed_items"], row["median_ms"]) == (3, 14_000)  # l3 from its showing after the resume


def test_a_clock_that_went_back_during_the_response_gives_no_answering_time():
    """The laptop's clock set back ten minutes mid-response (a wrong clock corrected): its times
    cannot be trusted, so no answering time, rather than a negative one flagged as speeding."""
    events = [
        event("2026-03-02T08:00:00.000Z", "started"),
        event("2026-03-02T08:00:30.000Z", "shown", "l1"),
        event("2026-03-02T07:50:40.000Z", "answered", "l1"),
        event("2026-03-02T07:51:00.000Z", "submitted"),
    ]
    row = timed(events, "2026-03-02T07:51:00.000Z")
    assert row["duration_ms"] is None and row["timed_items"] == 0
    assert timed(events[:2], "2026-03-02T08:05:00.000Z")["duration_ms"] == 300_000  # the times go forward: kept
    stepped = [*events[:2], event("2026-03-02T08:00:29.400Z", "answered", "l1")]  # a time service's small step back
    assert timed(stepped, "2026-03-02T08:05:00.000Z")["duration_ms"] == 300_000


def test_duplicates_are_marked_the_same_by_the_merge_and_by_the_migration(coordinator: Coordinator, device, tmp_path) -> None:
    """The merge compares a response with the one before it in the same bundle (a bundle's
    records are read one bundle at a time); a database backfilled by the migration must get
    the same marks, not compare across bundles as well."""
    import uuid

    first, second, third, fourth = [r for r in coordinator.responses(device, 12) if r.status == "submitted"][:4]
    again = [first.model_copy(update={"id": str(uuid.UUID(int=n, version=4))}) for n in (1, 2)]
    bundles = [coordinator.bundle(device, 1, [second, first]), coordinator.bundle(device, 2, [again[0], again[1], third, fourth])]
    path = tmp_path / "old.db"
    with MergedDatabase(path) as db:
        coordinator.merge(db, bundles)
        merged = dict(db.db.execute("select response_id, repeats_previous from response_paradata").fetchall())
        db.db.execute("drop table response_paradata")
        db.db.execute("delete from _sqlite_migrations where name = 'm006_paradata_summaries'")
        db.db.conn.commit()
    with MergedDatabase(path) as db:
        backfilled = dict(db.db.execute("select response_id, repeats_previous from response_paradata").fetchall())
    assert merged[again[1].id] == 1 and merged[again[0].id] == 0  # the first of bundle 2 is not compared with bundle 1's last
    assert backfilled == merged
