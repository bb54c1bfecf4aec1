"""The cells' sums the merge keeps for `akhlak report` (scoring/cell_cache.py): a report read from
them is the report counted from every row, merge after merge; stale or changed rows are never
read from them."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from merged_fixtures import build_merged, make_response
from test_left_out_compared import TOML, THREE_UNITS, person

from akhlak_tui.scoring import cell_cache, score_merged
from akhlak_tui.scoring.aggregate import count_cells, make_plan
from akhlak_tui.scoring.cell_cache import cached_cells, refresh, report_plan

KINDS = {  # what `akhlak report` asks for, and less
    "report": {"intervals": True},
    "weighted": {"intervals": True, "weight": "headcount"},
    "plain": {"trust": False},
    "earlier wave": {"votes": False, "trust": False, "by": ["unit"]},  # as --compare scores it
    "dashboard": {"trust": False, "by": ["gender"]},
}


def text(report) -> str:
    data = report.model_dump(mode="json")
    data.pop("generated_at")
    return json.dumps(data, sort_keys=True)


def add(mdb, people: list[dict], first: int) -> None:
    """Merge more responses, numbered from `first`, as the merge appends them."""
    rows = [(make_response(mdb.questionnaire, a, first + i), "bundle-2") for i, a in enumerate(people)]
    with mdb.db.atomic():
        mdb.insert_responses(rows)


def outcome(mdb, **kw) -> str:
    """The report as text, or the one-line reason it is not made (e.g. no headcount to weight by)."""
    try:
        return text(score_merged(mdb, lang="en", **kw))
    except ValueError as exc:
        return f"refused: {exc}"


def counted_anew(mdb, **kw) -> str:
    """The report counted from every row: the kept sums forgotten first, as a stale set would be."""
    with mdb.db.atomic():
        mdb.db.conn.execute("DELETE FROM score_cache")
    return outcome(mdb, **kw)


def kept(mdb) -> tuple[dict, int] | None:
    row = mdb.db.conn.execute("SELECT identity, rows_max FROM score_cache").fetchone()
    return None if row is None else (json.loads(row[0]), row[1])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=st.lists(st.lists(person, min_size=1, max_size=15), min_size=1, max_size=4))
def test_a_report_from_the_kept_sums_is_the_report_from_every_row(batches):
    mdb = build_merged(None, TOML, THREE_UNITS, batches[0])
    done = [refresh(mdb.db.conn, mdb.questionnaire, mdb.units)]
    number = len(batches[0]) + 1
    for batch in batches[1:]:
        add(mdb, batch, number)
        number += len(batch)
        done.append(refresh(mdb.db.conn, mdb.questionnaire, mdb.units))
    assert done == ["counted"] + ["added"] * (len(batches) - 1)
    plan = report_plan(mdb.questionnaire, mdb.units)
    assert cached_cells(mdb.db.conn, plan) is not None  # read, not counted
    from_sums = {kind: outcome(mdb, **kw) for kind, kw in KINDS.items()}
    for kind, kw in KINDS.items():
        assert from_sums[kind] == counted_anew(mdb, **kw), kind


def world():
    people = [{"unit": u, "gender": g, "bp1": a, "bp2": 4, "bp3": 5, "ak1": a} for u in ("U1", "U2", "U3") for g in ("f", "m") for a in (1, 4, 5)]
    mdb = build_merged(None, TOML, THREE_UNITS, people)
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted"
    return mdb, people


def test_rows_merged_after_the_sums_are_counted_from_the_rows():
    mdb, people = world()
    add(mdb, people[:4], 100)  # as an older akhlak would merge: nothing brought up to date
    plan = report_plan(mdb.questionnaire, mdb.units)
    assert cached_cells(mdb.db.conn, plan) is None
    report = text(score_merged(mdb, lang="en", intervals=True))
    assert json.loads(report)["respondents"] == len(people) + 4
    assert report == counted_anew(mdb, intervals=True)
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted"  # forgotten above, so every row again
    add(mdb, people[:2], 200)
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "added"  # only the rows after those it holds
    assert text(score_merged(mdb, lang="en", intervals=True)) == counted_anew(mdb, intervals=True)


def test_a_response_replaced_or_changed_forgets_the_sums():
    mdb, people = world()
    removed = str(uuid.UUID(int=1, version=4))
    with mdb.db.atomic():  # as the merge replaces a response by a later version
        mdb.db.conn.execute("DELETE FROM answers WHERE response_id = ?", [removed])
        mdb.db.conn.execute("DELETE FROM responses WHERE id = ?", [removed])
    assert kept(mdb) is None
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted" and kept(mdb) is not None
    with mdb.db.atomic():
        mdb.db.conn.execute("UPDATE responses SET status = 'abandoned' WHERE id = ?", [str(uuid.UUID(int=2, version=4))])
    assert kept(mdb) is None
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted"
    with mdb.db.atomic():
        mdb.db.conn.execute("UPDATE answers SET bp2 = 1 WHERE rowid = 3")
    assert kept(mdb) is None
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted"
    report = text(score_merged(mdb, lang="en", intervals=True))
    assert json.loads(report)["respondents"] == len(people) - 2
    assert report == counted_anew(mdb, intervals=True)


def test_a_report_of_other_breakdowns_with_intervals_or_leaving_responses_out_counts_the_rows():
    mdb, _ = world()
    plan = report_plan(mdb.questionnaire, mdb.units)
    narrower = replace(plan, keys=["gender"])
    assert cached_cells(mdb.db.conn, narrower) is None  # its packed sums are another SQL's
    plain = make_plan(mdb.questionnaire, ["gender"])
    assert cached_cells(mdb.db.conn, plain) == count_cells(mdb.db.conn, plain)  # tallies alone add up over any keys kept
    left_out = replace(plan, exclude="response_id NOT IN ('x')")
    assert cached_cells(mdb.db.conn, left_out) is None
    assert text(score_merged(mdb, lang="en", by=["gender"], intervals=True)) == counted_anew(mdb, by=["gender"], intervals=True)


def test_a_cell_grown_too_large_for_its_packing_is_counted_again_another_way(monkeypatch):
    real = cell_cache.report_plan

    def tight(q, units):  # the first way holds at most two rows a cell
        plan = real(q, units)
        plan.combined[0] = replace(plan.combined[0], most=2)
        return plan

    monkeypatch.setattr(cell_cache, "report_plan", tight)
    mdb = build_merged(None, TOML, THREE_UNITS, [{"unit": "U1", "gender": "f", "bp1": 4}] * 2)
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted" and kept(mdb)[0]["way"] == 0
    add(mdb, [{"unit": "U1", "gender": "f", "bp1": 5}], 10)
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted" and kept(mdb)[0]["way"] == 1
    plan = tight(mdb.questionnaire, mdb.units)
    from_sums = cached_cells(mdb.db.conn, plan)
    assert from_sums is not None and from_sums[0][0] == 3
    assert from_sums == count_cells(mdb.db.conn, plan)


def test_sums_that_cannot_be_written_leave_the_database_as_it_was_and_the_report_counts_the_rows(tmp_path):
    path = tmp_path / "merged.db"
    mdb = build_merged(path, TOML, THREE_UNITS, [{"unit": "U1", "gender": "f", "bp1": 4}] * 6)
    mdb.db.conn.execute("BEGIN")  # another transaction open on this connection: the sums cannot start theirs
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "failed"
    mdb.db.conn.execute("ROLLBACK")
    assert mdb.db.conn.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'score_cache%'").fetchone()[0] == 0
    assert score_merged(mdb, lang="en", intervals=True).respondents == 6


def test_alpha_keeps_a_cells_complete_cases_when_a_merge_brings_none():
    """Alpha's sums of a cell are NULL over rows none of which is a complete case: adding them
    must keep the cell's earlier ones (48 complete cases, then one who skipped bp1, same cell)."""
    import random

    rng = random.Random(7)

    def someone(unit, gender):
        a = rng.choice([2, 3, 4, 5])
        return {"unit": unit, "gender": gender, "bp1": a, "bp2": min(5, a + rng.choice([-1, 0, 1])), "bp3": min(5, a + rng.choice([-1, 0, 1])), "ak1": rng.choice([1, 4, 5])}

    mdb = build_merged(None, TOML, THREE_UNITS, [someone(u, g) for u in ("U1", "U2", "U3") for g in ("f", "m") for _ in range(8)])
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted"
    add(mdb, [{**someone("U1", "f"), "bp1": None}], 1000)
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "added"
    from_sums = outcome(mdb, intervals=True)
    alpha = json.loads(from_sums)["reliability"]
    assert alpha is not None and any(v["alpha"] is not None for v in alpha["overall"]["measures"]), alpha
    assert from_sums == counted_anew(mdb, intervals=True)


def test_a_response_put_back_or_replaced_by_another_tool_is_seen():
    """INSERT OR REPLACE from a plain connection fires no trigger: the new row of `responses`
    is seen, and the sums are not read; the next merge counts every row again."""
    mdb, people = world()
    conn = mdb.db.conn
    conn.execute("PRAGMA recursive_triggers = OFF")  # as a plain sqlite3 connection has it
    columns = [c[1] for c in conn.execute("PRAGMA table_info(responses)")]
    chosen = ", ".join("'abandoned'" if c == "status" else c for c in columns)
    with mdb.db.atomic():
        conn.execute(f"INSERT OR REPLACE INTO responses SELECT {chosen} FROM responses WHERE id = ?", [str(uuid.UUID(int=1, version=4))])
    plan = report_plan(mdb.questionnaire, mdb.units)
    assert cached_cells(conn, plan) is None
    report = outcome(mdb, intervals=True)
    assert json.loads(report)["respondents"] == len(people) - 1
    assert refresh(conn, mdb.questionnaire, mdb.units) == "counted"
    assert outcome(mdb, intervals=True) == report == counted_anew(mdb, intervals=True)


def test_a_table_rebuilt_without_the_triggers_is_not_trusted():
    mdb, _ = world()
    with mdb.db.atomic():
        mdb.db.conn.execute("DROP TRIGGER score_cache_answers_updated")  # as a tool rebuilding `answers` leaves it
        mdb.db.conn.execute("UPDATE answers SET bp2 = 1 WHERE rowid = 3")
    plan = report_plan(mdb.questionnaire, mdb.units)
    assert cached_cells(mdb.db.conn, plan) is None
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted"
    assert text(score_merged(mdb, lang="en", intervals=True)) == counted_anew(mdb, intervals=True)


def test_the_sums_dropped_by_another_tool_never_stop_a_merge():
    from akhlak_tui.merge.ingest import Merger

    mdb, people = world()
    with mdb.db.atomic():
        mdb.db.conn.execute("DROP TABLE score_cache")
    Merger(mdb, {}, enrolments=None)  # as each merge starts
    add(mdb, people[:2], 300)  # the triggers that read the dropped table would fail this
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted"
    with mdb.db.atomic():
        mdb.db.conn.execute("UPDATE score_cache SET identity = '{\"another\": 1}'")
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted"  # a shape it does not know: counted again
    identity = json.loads(mdb.db.conn.execute("SELECT identity FROM score_cache").fetchone()[0])
    with mdb.db.atomic():
        mdb.db.conn.execute("UPDATE score_cache SET identity = ?", [json.dumps({**identity, "way": "0"})])
    plan = report_plan(mdb.questionnaire, mdb.units)
    assert cached_cells(mdb.db.conn, plan) is None and outcome(mdb, intervals=True).startswith("{")  # read as rows, no error
    assert refresh(mdb.db.conn, mdb.questionnaire, mdb.units) == "counted"


def test_a_response_put_back_at_its_old_rowid_or_without_an_id_forgets_the_sums():
    """Rows of `responses` that no update or delete trigger sees: one put back at its rowid as
    abandoned (as a copy tool keeping rowids would), and one with no id, which makes every row
    count as not submitted (`x NOT IN (..., NULL)` is never true)."""
    mdb, people = world()
    conn = mdb.db.conn
    conn.execute("PRAGMA recursive_triggers = OFF")
    columns = [c[1] for c in conn.execute("PRAGMA table_info(responses)")]
    with mdb.db.atomic():
        conn.execute(
            f"INSERT OR REPLACE INTO responses (rowid, {', '.join(columns)}) SELECT rowid, {', '.join(chr(39) + 'abandoned' + chr(39) if c == 'status' else c for c in columns)} FROM responses WHERE rowid = 3"
        )
    assert kept(mdb) is None
    assert refresh(conn, mdb.questionnaire, mdb.units) == "counted"
    assert json.loads(outcome(mdb))["respondents"] == len(people) - 1
    with mdb.db.atomic():
        conn.execute("INSERT INTO responses (id, status) VALUES (NULL, 'abandoned')")
    assert kept(mdb) is None
    assert refresh(conn, mdb.questionnaire, mdb.units) == "counted"
    add(mdb, people[:2], 900)
    assert refresh(conn, mdb.questionnaire, mdb.units) == "added"
    assert outcome(mdb, intervals=True) == counted_anew(mdb, intervals=True)
