"""No hidden figure of a few people can be worked out from the sums of the shown ones, however
many rows and columns the working out goes through: scoring/disclosure.py's solver against exact
ranks, and reports (one alone, and one without the flagged beside the one counting everyone)
checked by sums_checker.py, which reads only the reports."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from merged_fixtures import build_merged
from sums_checker import fixed_between, fixed_by_rank, fixed_hidden, table
from test_left_out_compared import MEASURES, MIN, TOML, THREE_UNITS, both, person

from akhlak_tui.scoring import score_merged
from akhlak_tui.scoring.disclosure import fixed

CROSS = [{"a": 1, "b": 1}, {"c": 1, "d": 1}, {"a": 1, "c": 1}, {"b": 1, "d": 1}]  # a b / c d, rows and columns summed


def test_four_cells_of_a_cross_are_not_fixed_by_their_sums():
    assert fixed(CROSS, {"a", "b", "c", "d"}) == set()


def test_three_cells_of_a_cross_are_each_fixed():
    assert fixed(CROSS, {"a", "b", "c"}) == {"a", "b", "c"}


def test_a_cell_is_fixed_through_a_chain_of_sums():
    chain = [{"a": 1, "b": -1}, {"b": 1, "c": -1}, {"c": 1, "d": 1}, {"d": 1, "e": 1}, {"e": 1}]
    assert fixed(chain, {"a", "b", "c", "d", "e"}) == {"a", "b", "c", "d", "e"}
    assert fixed(chain[:-1], {"a", "b", "c", "d", "e"}) == set()


def test_the_checkers_rank_agrees_on_the_hand_examples():
    assert fixed_by_rank(CROSS, {"a", "b", "c", "d"}) == set()
    assert fixed_by_rank(CROSS, {"a", "b", "c"}) == {"a", "b", "c"}


equation = st.dictionaries(st.integers(0, 7), st.integers(-2, 2), min_size=1, max_size=5)


@settings(max_examples=400, deadline=None)
@given(equations=st.lists(equation, max_size=10), unknown=st.sets(st.integers(0, 7)))
def test_the_solver_fixes_what_exact_ranks_fix(equations, unknown):
    assert fixed(equations, unknown) == fixed_by_rank(equations, unknown)


def who(people: list[dict], row) -> list[tuple[int, dict]]:
    if row == "all":
        return list(enumerate(people, 1))
    field, key = row
    return [(n, p) for n, p in enumerate(people, 1) if p.get(field) == key]


def answered(people: list[dict], cell, numbers: set[int] | None = None) -> int:
    """How many of these people (all, or those numbered `numbers`) gave a scored answer to a cell."""
    row, column = cell
    kind, name = column.split(":")
    items = MEASURES[name] if kind == "m" else (name,)
    return sum(1 for n, p in who(people, row) if (numbers is None or n in numbers) and any(p.get(i) in (1, 2, 3, 4, 5) for i in items))


def few(n: int) -> bool:
    return 0 < n < MIN


def leaks_of_one(people: list[dict], report, counted: set[int] | None = None) -> list:
    """The hidden figures of one report (counting everyone, or those numbered `counted`) that 1
    to min_group_size - 1 people answered and that its sums fix."""
    return sorted((c for c in fixed_hidden(report, MEASURES) if few(answered(people, c, counted))), key=repr)


def leaks_of_two(people: list[dict], left: set[int], full, part) -> list:
    """What holding both reports gives away, each about 1 to min_group_size - 1 people: a hidden
    figure of the full report; one of this report that is not simply the full report's (shown
    there, nothing left out); what those left out gave to a figure."""
    kept = set(range(1, len(people) + 1)) - left
    in_full, _ = table(full, MEASURES)
    out = []
    for copy, cell in fixed_between(full, part, MEASURES, lambda c: answered(people, c, left)):
        lost = answered(people, cell, left)
        if copy == "full" and few(answered(people, cell)):
            out.append((copy, cell))
        if copy == "part" and few(answered(people, cell, kept)) and (lost > 0 or in_full.get(cell) == "hidden"):
            out.append((copy, cell))
        if copy == "lost" and few(lost):
            out.append((copy, cell))
    return sorted(out, key=repr)


def p(unit, gender, bp1, bp2, bp3, ak1) -> dict:
    return {"unit": unit, "gender": gender, "bp1": bp1, "bp2": bp2, "bp3": bp3, "ak1": ak1}


def test_a_statement_one_person_answered_is_not_worked_out_across_rows_and_columns():
    """A case the row and column rules missed: those without a unit hide BP, bp1 and bp2 (one of
    them answered bp2), U2 and U3 each hide bp2 and bp3, U1 BP and bp1. Then U2's and U3's bp2
    together are their BP minus bp1 minus their bp3 (everyone's bp3 minus U1's and the no-unit
    group's), and the no-unit group's bp2 is everyone's minus U1's and that."""
    rows = [
        ("U3", None, 2, 1, None, 1), (None, "f", 5, 2, None, 2), ("U1", "m", 5, 4, 1, 5), ("U3", None, 4, 1, 5, None),
        ("U2", "m", 4, 9, None, 1), ("U1", None, 2, 4, 5, 9), ("U2", "m", 1, 2, 5, 4), ("U1", "m", None, None, None, 9),
        ("U1", "f", 2, 1, 4, 2), ("U2", None, 1, 1, None, None), ("U1", "f", 5, None, 1, 5), ("U3", "m", 4, None, None, None),
        (None, None, 4, 9, 9, 9), ("U3", "m", 1, 2, 2, 2), ("U3", "f", 5, None, 2, 9), ("U2", None, 1, 4, 2, None),
        ("U2", None, 1, 9, 1, 2), ("U1", "f", 2, 5, 4, 5), (None, None, None, None, 9, 9),
    ]  # fmt: skip
    people = [p(*r) for r in rows]
    report = score_merged(build_merged(None, TOML, THREE_UNITS, people), lang="en")
    assert leaks_of_one(people, report) == []
    assert answered(people, (("unit", None), "s:bp2")) == 1  # what was given away before


def test_the_full_reports_hidden_statement_is_not_fixed_by_comparing(monkeypatch):
    """A case the row and column rules missed: with six left out, the full report's hidden bp2 of
    U2 followed from both reports' sums together."""
    rows = [
        ("U2", None, None, 4, 1, None), ("U2", "m", 9, 5, 1, 2), ("U1", "f", 9, None, None, None), ("U1", "f", None, None, 5, 4),
        ("U2", "m", 9, 9, 4, 2), ("U3", "f", None, 2, 2, 5), ("U3", "f", None, 4, 1, 1), ("U3", None, 9, None, 9, 9),
        ("U3", "m", 4, None, 5, 9), ("U1", None, None, None, 4, 4), ("U3", "m", 9, 5, None, 1), ("U3", "m", None, 1, 1, 1),
        ("U1", None, 9, None, 4, 9),
    ]  # fmt: skip
    people = [p(*r) for r in rows]
    left = {3, 4, 5, 7, 9, 13}
    full, part = both(monkeypatch, people, left)
    assert part is not None
    assert leaks_of_one(people, full) == [] and leaks_of_two(people, left, full, part) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(people=st.lists(person, min_size=6, max_size=30), chosen=st.data())
def test_no_hidden_figure_follows_from_the_sums(monkeypatch, people, chosen):
    left = set(chosen.draw(st.sets(st.integers(1, len(people)), max_size=len(people)), label="left out"))
    full, part = both(monkeypatch, people, left)
    event("refused" if part is None else "compared")
    assert leaks_of_one(people, full) == []
    if part is not None:
        assert leaks_of_one(people, part, set(range(1, len(people) + 1)) - left) == []
        assert leaks_of_two(people, left, full, part) == []



def test_under_votes_a_value_is_not_its_statements_and_nothing_more_is_hidden(monkeypatch):
    """With method "votes" a value is the share choosing it in "organisation now", not its
    statements pooled: U2 (two people, hidden) gave AK votes but no ak1 answer, which is no
    reason to hide anything more. The report shows what the row and column rules leave."""
    toml = TOML.replace('method = "percent_favourable"', 'method = "votes"')
    picks = [["jujur"], ["ramah"], ["jujur", "ramah"]]
    people = [
        {"unit": u, "gender": "fm"[i % 2], "bp1": 4, "bp2": 2, "bp3": 4, "ak1": None if u == "U2" else 4 - i % 2, "values_now": picks[i % 3]}
        for u, k in (("U1", 6), ("U2", 2), ("U3", 6)) for i in range(k)
    ]  # fmt: skip
    full, part = both(monkeypatch, people, {1, 2, 3}, toml=toml)
    assert [(d.id, d.status) for d in full.overall.dimensions] == [("BP", "shown"), ("AK", "shown")]
    assert all(i.status == "shown" for i in full.indicators.overall.indicators)
    assert {g.key: g.status for g in full.breakdown("unit").groups} == {"U1": "suppressed", "U2": "suppressed", "U3": "shown"}
    assert part is not None  # leaving three of U1 out still makes a report
