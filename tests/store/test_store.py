"""The laptop store: each answer committed with its event, drafts, submit (with sealing), abandon."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from akhlak_tui.questionnaire import load_questionnaire
from akhlak_tui.store import Store, StoreError


@pytest.fixture
def q(mini_path):
    return load_questionnaire(mini_path)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "responses.db") as s:
        yield s


def start(store, q, **kw):
    return store.start_response(q, device_id="DEV1", mode="enumerator", language="id", **kw)


def test_each_answer_is_committed_before_save_returns(store, q, tmp_path):
    rid = start(store, q)
    store.save_answer(rid, "bp1", 4)
    # A second connection (another process, after a crash) sees it at once.
    other = sqlite3.connect(tmp_path / "responses.db")
    assert other.execute("select value from answers where response_id = ?", [rid]).fetchall() == [("4",)]
    other.close()


def test_database_is_wal_with_full_sync(store):
    assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("pragma synchronous").fetchone()[0] == 2  # FULL


def test_answer_change_and_clear_are_recorded_as_events(store, q):
    rid = start(store, q)
    store.show_item(rid, "bp1")
    assert store.save_answer(rid, "bp1", 4)
    assert not store.save_answer(rid, "bp1", 4)  # same value: nothing to record
    store.save_answer(rid, "bp1", 2)
    store.save_answer(rid, "picks", ["jujur"])
    store.clear_answers(rid, ["picks", "years"], reason="irrelevant")
    response = store.load(rid)
    assert response.answer_map == {"bp1": 2}
    kinds = [(e.kind, e.item_id, e.old, e.new, e.detail) for e in response.events]
    assert kinds == [
        ("started", None, None, None, "enumerator"),
        ("shown", "bp1", None, None, None),
        ("answered", "bp1", None, 4, None),
        ("changed", "bp1", 4, 2, None),
        ("answered", "picks", None, ["jujur"], None),
        ("cleared", "picks", ["jujur"], None, "irrelevant"),
    ]


def test_position_is_where_resume_lands(store, q):
    rid = start(store, q)
    store.show_item(rid, "unit")
    store.save_answer(rid, "unit", "RSUD", is_unit=True)
    store.show_item(rid, "role")
    assert store.position(rid) == "role"
    [draft] = store.drafts()
    assert (draft.id, draft.unit, draft.position, draft.answered) == (rid, "RSUD", "role", 1)


def test_submit_without_seal_keeps_answers_and_ends_the_draft(store, q):
    rid = start(store, q)
    store.save_answer(rid, "bp1", 5)
    store.submit(rid)
    assert store.status(rid) == "submitted"
    assert store.drafts() == []
    with pytest.raises(StoreError, match="is submitted, not a draft"):
        store.save_answer(rid, "bp1", 1)
    assert store.load(rid).submitted_at is not None


def test_submit_with_seal_leaves_no_answer_in_clear(store, q):
    rid = start(store, q)
    store.save_answer(rid, "comment", "rahasia sekali")
    seen = []

    def seal(data: bytes) -> bytes:
        seen.append(data)
        return b"SEALED:" + data[::-1]

    store.submit(rid, seal=seal)
    assert b"rahasia sekali" in seen[0]
    assert store.answers(rid) == {}
    assert store.load(rid).events == []
    blob = store.db.execute("select sealed from responses where id = ?", [rid]).fetchone()[0]
    assert blob.startswith(b"SEALED:")


def test_a_failing_seal_rolls_back_the_submit(store, q):
    rid = start(store, q)
    store.save_answer(rid, "bp1", 3)

    def broken(data: bytes) -> bytes:
        raise RuntimeError("no key")

    with pytest.raises(RuntimeError):
        store.submit(rid, seal=broken)
    assert store.status(rid) == "draft"
    assert store.answers(rid) == {"bp1": 3}


def test_abandon_keeps_the_reason(store, q):
    rid = start(store, q)
    store.abandon(rid, "respondent left")
    response = store.load(rid)
    assert (response.status, response.abandon_reason) == ("abandoned", "respondent left")
    assert response.events[-1].kind == "abandoned"


def test_counts_by_unit_and_status(store, q):
    for unit, submit in [("RSUD", True), ("RSUD", False), ("PKM-01", True)]:
        rid = start(store, q)
        store.save_answer(rid, "unit", unit, is_unit=True)
        if submit:
            store.submit(rid)
    assert store.counts_by_unit() == {"RSUD": {"submitted": 1, "draft": 1}, "PKM-01": {"submitted": 1}}
    assert store.counts_by_status() == {"submitted": 2, "draft": 1}
    assert store.counts_by_unit(since="2999-01-01") == {}


def test_response_ids_are_uuid4_and_pin_the_questionnaire(store, q):
    rid = start(store, q)
    response = store.load(rid)
    assert response.id == rid and rid[14] == "4"
    assert response.questionnaire_hash == q.content_hash
    assert (response.questionnaire_id, response.questionnaire_version) == ("mini", "1")


def test_not_a_database_is_a_store_error(tmp_path):
    bad = tmp_path / "responses.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable akhlak database"):
        Store(bad)


def test_settings_round_trip(store):
    assert store.get_setting("active_survey") is None
    store.set_setting("active_survey", "S1")
    assert store.get_setting("active_survey") == "S1"
    store.set_setting("active_survey", None)
    assert store.get_setting("active_survey", "none") == "none"
