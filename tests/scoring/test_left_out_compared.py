"""--exclude-flagged against the report counting everyone, as someone holding both would compare
them: every figure the full report hides stays hidden, no figure shown differs by the answers of
1 to min_group_size - 1 people, and the hidden ones together lost none or min_group_size or more."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from merged_fixtures import build_merged
from test_culture_example import TOML as WORKED, UNITS, WANTED
from test_reliability import TOML as RELIABILITY

from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.report.trust import measure_note
from akhlak_tui.scoring import score_merged, trust_figures
from akhlak_tui.scoring.compute import ExclusionError

BP3 = """[[sections.items]]
id = "bp3"
type = "likert"
scale = "agree5"
dimension = "BP"
label = { id = "Petugas membantu.", en = "Staff help." }

[[sections.items]]
id = "ak1"
"""
TOML = WORKED.replace('current = "values_now"', 'current = "values_now"\ndesired = "values_wanted"').replace('[[sections.items]]\nid = "ak1"\n', BP3) + WANTED
MIN = 3  # min_group_size of the worked example
MEASURES = {"BP": ("bp1", "bp2", "bp3"), "AK": ("ak1",)}
QUESTIONS = ("values_now", "values_wanted")
THREE_UNITS = [*UNITS, Unit(code="U3", name="Unit Tiga", headcount=8)]


def leave_out(monkeypatch, numbers: set[int]) -> None:
    """Leave out the responses built as numbers `numbers` (merged_fixtures numbers them from 1), as --exclude-flagged would."""
    ids = ", ".join(f"'{uuid.UUID(int=n, version=4)}'" for n in sorted(numbers)) or "''"
    monkeypatch.setattr(trust_figures, "exclusion", lambda conn, t, flags: ([], f"response_id NOT IN ({ids})"))


def both(monkeypatch, people: list[dict], left: set[int], units=THREE_UNITS, toml: str = TOML):
    """(report counting everyone, report without the people numbered `left`); the second None when refused."""
    mdb = build_merged(None, toml, units, people)
    full = score_merged(mdb, lang="en", intervals=True)
    leave_out(monkeypatch, left)
    try:
        part = score_merged(mdb, lang="en", intervals=True, exclude_flagged=["speeding"])
    except ExclusionError as exc:
        assert "no other group to hide" in str(exc) or "would be left out" in str(exc) or "nothing else is left to hide" in str(exc), exc
        part = None
    return full, part


def scored(person: dict, item: str) -> bool:
    return person.get(item) in (1, 2, 3, 4, 5)


def counts(figure: str, person: dict) -> bool:
    """Whether `person` counts in `figure`: a scored answer to a value or a statement, an answer to a question."""
    kind, name = figure.split(":")
    if kind == "m":
        return any(scored(person, i) for i in MEASURES[name])
    if kind == "s":
        return scored(person, name)
    return bool(person.get(name))


def lost(people: list[dict], left: set[int], field: str | None, key, figure: str) -> int:
    return sum(1 for n, p in enumerate(people, 1) if n in left and (field is None or p.get(field) == key) and counts(figure, p))


def kept(people: list[dict], left: set[int], field: str | None, key, figure: str) -> int:
    return sum(1 for n, p in enumerate(people, 1) if n not in left and (field is None or p.get(field) == key) and counts(figure, p))


def check(people: list[dict], left: set[int], full, part) -> None:
    """The three rules, figure by figure, for each breakdown, the statements per unit and the culture per unit."""
    tables = []  # (field, figure, full states, part states, everyone shown in part): state "shown", "known" or "hidden"
    for field in ("unit", "gender"):
        for measure in MEASURES:

            def state(g, measure=measure):
                if g.status == "empty":
                    return "known"
                if g.status != "shown":
                    return "hidden"
                status = next(d for d in g.dimensions if d.id == measure).status
                return {"shown": "shown", "no_data": "known"}[status] if status != "suppressed" else "hidden"

            everyone = state(part.overall) == "shown"
            tables.append((field, f"m:{measure}", {g.key: state(g) for g in full.breakdown(field).groups}, {g.key: state(g) for g in part.breakdown(field).groups}, everyone))
    for j, item in enumerate(("bp1", "bp2", "bp3", "ak1")):

        def state(g, j=j):
            if g.status == "empty":
                return "known"
            if g.status != "shown":
                return "hidden"
            return {"shown": "shown", "no_data": "known", "suppressed": "hidden"}[g.indicators[j].status]

        everyone = state(part.indicators.overall) == "shown"
        tables.append(("unit", f"s:{item}", {g.key: state(g) for g in full.indicators.units}, {g.key: state(g) for g in part.indicators.units}, everyone))
    for question in QUESTIONS:
        culture = {"shown": "shown", "empty": "known", "suppressed": "hidden"}
        full_states = {u.code: culture[u.status] for u in full.culture_units} | {None: "hidden"}
        part_states = {u.code: culture[u.status] for u in part.culture_units} | {None: "hidden"}
        tables.append(("unit", f"v:{question}", full_states, part_states, part.values is not None and part.values.status == "shown"))
    for field, figure, full_states, part_states, everyone in tables:
        keys = set(full_states) | set(part_states) | {p.get(field) for p in people}
        for key in keys:
            was, now = full_states.get(key, "known"), part_states.get(key, "known")
            assert not (was == "hidden" and now == "shown"), f"{field} {key} {figure}: hidden in the full report, shown without the flagged"
            gone = lost(people, left, field, key, figure)
            assert now != "shown" or not 0 < gone < MIN, f"{field} {key} {figure}: shown, yet {gone} of its answers left out"
        if everyone and part_states:
            hidden = sum(lost(people, left, field, key, figure) for key in keys if part_states.get(key, "known") == "hidden")
            assert not 0 < hidden < MIN, f"{field} {figure}: the groups hiding it lost {hidden} answers together"
            # a group hidden here that lost none and is shown there is known: it hides nothing
            unknown = [
                key for key in keys if part_states.get(key, "known") == "hidden" and kept(people, left, field, key, figure) > 0
                and (lost(people, left, field, key, figure) > 0 or full_states.get(key, "known") == "hidden")
            ]  # fmt: skip
            few = len(unknown) == 1 and kept(people, left, field, unknown[0], figure) < MIN
            assert not few, f"{field} {figure}: only {unknown} hides the few left of it"
    # a value shown is its statements pooled: those it hides lost none of their answers, or enough
    groups = [(None, part.overall, part.indicators.overall)] + [("unit", g, s) for g, s in zip(part.breakdown("unit").groups, part.indicators.units)]
    for field, scores, statements in groups:
        if statements.status != "shown":
            continue
        for measure, items in MEASURES.items():
            if next(d for d in scores.dimensions if d.id == measure).status != "shown":
                continue
            gone = sum(lost(people, left, field, scores.key, f"s:{i.item}") for i in statements.indicators if i.item in items and i.status == "suppressed")
            assert not 0 < gone < MIN, f"{scores.key} {measure}: shown, its hidden statements lost {gone} answers together"


def check_values_and_statements(report) -> None:
    """In each group that shows a value, the value and its statements never have exactly one hidden
    with answers (it would be the value minus the others, or their sum)."""
    groups = [(report.overall, report.indicators.overall)]
    groups += list(zip(report.breakdown("unit").groups, report.indicators.units))
    for b in report.breakdowns:  # nothing hidden keeps its interval
        for g in [report.overall, *b.groups]:
            assert g.index is not None or (g.index_low is None and g.index_high is None), g
            assert all(d.low is None and d.high is None for d in g.dimensions if d.status != "shown"), g
    for scores, statements in groups:
        if statements.status != "shown":
            continue
        for measure, items in MEASURES.items():
            value = next(d for d in scores.dimensions if d.id == measure)
            mine = [i for i in statements.indicators if i.item in items]
            hidden = [i for i in mine if i.status == "suppressed"] + ([value] if value.status == "suppressed" else [])
            shown = [i for i in mine if i.status == "shown"] + ([value] if value.status == "shown" else [])
            assert not (len(hidden) == 1 and shown), f"{statements.key} {measure}: {[getattr(h, 'item', 'value') for h in hidden]} alone hidden"


def check_columns(report) -> None:
    """Everyone is the sum of the groups of a breakdown: a figure hidden for everyone is hidden in a
    group that answered it too (statements across the units, values across every breakdown)."""
    if report.overall.status != "shown":
        return
    for j, statement in enumerate(report.indicators.overall.indicators):
        if statement.status == "suppressed":
            states = [g.indicators[j].status if g.status == "shown" else g.status for g in report.indicators.units]
            assert "suppressed" in states or all(s in ("no_data", "empty") for s in states), (statement.item, states)
    for d in report.overall.dimensions:
        if d.status == "suppressed":
            for b in report.breakdowns:
                states = [next(x for x in g.dimensions if x.id == d.id).status if g.status == "shown" else g.status for g in b.groups]
                assert "suppressed" in states or all(s in ("no_data", "empty") for s in states), (b.field, d.id, states)


answer = st.sampled_from([1, 2, 3, 4, 5, 9, None])
picks = st.one_of(st.none(), st.lists(st.sampled_from(["jujur", "ramah", "silo", "otoriter"]), min_size=1, max_size=3, unique=True))
person = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(["U1", "U2", "U3", None]),
        "gender": st.sampled_from(["f", "m", None]),
        "bp1": answer,
        "bp2": answer,
        "bp3": answer,
        "ak1": answer,
        "values_now": picks,
        "values_wanted": picks,
    }
)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(people=st.lists(person, min_size=6, max_size=40), chosen=st.data())
def test_comparing_the_two_reports_gives_no_few_answers_away(monkeypatch, people, chosen):
    left = set(chosen.draw(st.sets(st.integers(1, len(people)), max_size=len(people)), label="left out"))
    full, part = both(monkeypatch, people, left)
    event("refused" if part is None else "compared")
    check_values_and_statements(full)
    check_columns(full)
    if part is not None:
        check(people, left, full, part)
        check_values_and_statements(part)
        check_columns(part)


def steady(unit: str, n: int, ak=(4, 2, 5), **more) -> list[dict]:
    return [{"unit": unit, "gender": "f", "bp1": 4 + i % 2, "bp2": 2 + i % 2, "ak1": ak[i % len(ak)]} | more for i in range(n)]


def value(group, measure: str) -> str:
    return next(d for d in group.dimensions if d.id == measure).status


def dim_score(group, measure: str) -> float | None:
    return next(d for d in group.dimensions if d.id == measure).score


def test_a_value_the_full_report_hides_beside_another_stays_hidden(monkeypatch):
    """U2: only two answered AK, so the full report hides it there and in U1 beside it (U1 has fewer
    answers to AK than U3). Without U3's four flagged, U3 has fewer: shown here, U1's AK would equal
    the full report's, and everyone's AK minus U3's and U1's would give U2's two answers."""
    people = steady("U1", 6) + steady("U2", 2) + steady("U2", 4, ak=(9,)) + steady("U3", 5) + steady("U3", 4)
    left = set(range(len(people) - 3, len(people) + 1))
    full, part = both(monkeypatch, people, left)
    full_units = {g.key: g for g in full.breakdown("unit").groups}
    units = {g.key: g for g in part.breakdown("unit").groups}
    assert (value(full_units["U2"], "AK"), value(full_units["U1"], "AK"), value(full_units["U3"], "AK")) == ("suppressed", "suppressed", "shown")
    assert value(units["U1"], "AK") == "suppressed" and units["U1"].index is None
    assert value(units["U1"], "BP") == "shown"
    statements = {g.key: next(i.status for i in g.indicators if i.item == "ak1") for g in part.indicators.units}
    assert statements["U1"] == "suppressed"  # ak1: the same, statement by statement
    check(people, left, full, part)


def test_a_figure_with_no_other_group_to_hide_with_is_hidden_for_everyone(monkeypatch):
    """All three of U1 were flagged (U1 shows nothing), and one of U2's four flagged answered AK:
    no other unit lost an answer to AK to hide U2's with, so AK is hidden for everyone instead of
    refusing the report. U3 lost none and shows BP and AK as in the full report: hiding its AK
    beside U2's would protect nothing (the full report shows it), and everyone's is hidden."""
    people = steady("U1", 3) + steady("U2", 6) + steady("U2", 1) + steady("U2", 3, ak=(9,)) + steady("U3", 5)
    left = {1, 2, 3, 10, 11, 12, 13}
    full, part = both(monkeypatch, people, left)
    assert part is not None
    units = {g.key: g for g in part.breakdown("unit").groups}
    assert units["U1"].status == "empty" and units["U2"].status == "shown"
    assert value(units["U2"], "AK") == "suppressed" and value(units["U2"], "BP") == "shown"
    assert value(part.overall, "AK") == "suppressed" and part.overall.index is None
    full_units = {g.key: g for g in full.breakdown("unit").groups}
    assert value(full_units["U2"], "AK") == value(full.overall, "AK") == "shown"
    assert dim_score(units["U3"], "BP") == dim_score(full_units["U3"], "BP") is not None
    assert dim_score(units["U3"], "AK") == dim_score(full_units["U3"], "AK") is not None
    check(people, left, full, part)


def test_a_group_beside_a_small_one_must_have_lost_some(monkeypatch):
    """U1 kept 2 of 6 (4 flagged): small here. U2, the next smallest, lost none: hidden beside U1,
    its figures are still the full report's, and everyone's here minus U3's and U2's (full report)
    gave U1's two. With no other unit that lost some, no report is made; with U3 losing some too,
    U3 is hidden beside U1 as well."""
    people = [{"unit": "U1", "gender": "f", "bp1": 5, "bp2": 1, "ak1": 5}, {"unit": "U1", "gender": "f", "bp1": 2, "bp2": 1, "ak1": 1}]
    people += [{"unit": "U1", "gender": "f", "bp1": 4, "bp2": 2, "ak1": 4} for _ in range(4)]
    people += [{"unit": "U2", "gender": "f", "bp1": 1 + i % 5, "bp2": 2 + i % 3, "ak1": 2 + i % 4} for i in range(5)]
    people += [{"unit": "U3", "gender": "f", "bp1": 2 + i % 4, "bp2": 1 + i % 5, "ak1": 1 + i % 5} for i in range(8)]
    full, part = both(monkeypatch, people, {3, 4, 5, 6})
    assert part is None  # refused: "unit U1: too few ... no other group to hide with it"
    left = {3, 4, 5, 6, 12, 13, 14}  # and three of U3
    full, part = both(monkeypatch, people, left)
    units = {g.key: (g.status, g.suppression) for g in part.breakdown("unit").groups}
    assert units["U1"] == ("suppressed", "small") and units["U3"] == ("suppressed", "complementary"), units
    check(people, left, full, part)


def test_the_culture_of_those_without_a_unit_cannot_be_worked_out(monkeypatch):
    """One person gave no unit and picked values: everyone's votes minus the units' would give their
    picks, so the smallest unit's culture is hidden beside theirs, in the report counting everyone too."""
    people = [{"unit": "U1", "values_now": ["jujur", "silo"], "values_wanted": ["jujur"]}] * 6
    people += [{"unit": "U2", "values_now": ["ramah"], "values_wanted": ["ramah"]}] * 5
    people += [{"values_now": ["otoriter"], "values_wanted": ["silo"]}] + [{}] * 3
    mdb = build_merged(None, TOML, UNITS, people)
    report = score_merged(mdb, lang="en")
    assert report.values.status == "shown"
    assert {u.code: (u.status, u.suppression) for u in report.culture_units} == {"U1": ("shown", None), "U2": ("suppressed", "complementary")}


def test_a_values_question_few_answered_hides_it(monkeypatch):
    """Every unit has six answering "organisation now" but U2 only one answering "organisation
    wanted": U2's wanted values would be that person's, so U2's culture is hidden (and U1's beside
    it); for everyone, two answered "wanted": the values results are hidden."""
    people = [{"unit": "U1", "values_now": ["jujur"], "values_wanted": ["jujur"] if i < 1 else None} for i in range(6)]
    people += [{"unit": "U2", "values_now": ["ramah"], "values_wanted": ["silo"] if i < 1 else None} for i in range(6)]
    report = score_merged(build_merged(None, TOML, UNITS, people), lang="en")
    assert report.values.status == "suppressed"
    assert {u.code: u.status for u in report.culture_units} == {"U1": "suppressed", "U2": "suppressed"}


def reliability_world(tmp_path: Path, flagged_complete: int):
    """U1: 40 varied responses; U2: 40 varied and 6 flagged, of whom `flagged_complete` answered all
    three BP statements on the scale (the others said "not applicable" to bp1)."""
    people = []
    for unit in ("U1", "U2"):
        people += [{"unit": unit, "bp1": 1 + i % 5, "bp2": 1 + (i * 3) % 5, "bp3": 5 - (i * 2) % 5, "ak1": 1 + i % 4} for i in range(40)]
    people += [{"unit": "U2", "bp1": 4 if i < flagged_complete else 9, "bp2": 4, "bp3": 2, "ak1": 4} for i in range(6)]
    units = [Unit(code="U1", name="Satu"), Unit(code="U2", name="Dua")]
    return build_merged(tmp_path / "merged.db", RELIABILITY, units, people), set(range(81, 87))


@pytest.mark.parametrize("flagged_complete, hidden", [(2, True), (5, False), (0, False)])
def test_alpha_that_lost_few_complete_cases_is_hidden(tmp_path, monkeypatch, flagged_complete, hidden):
    """Alpha and item-rest of BP in U2 and for everyone, with 1 to 4 complete cases left out,
    would tell about those cases' answers against the report counting everyone: hidden, with the
    reason in the reports; U1 and AK (one statement) keep theirs."""
    mdb, left = reliability_world(tmp_path, flagged_complete)
    full = score_merged(mdb, lang="en")
    leave_out(monkeypatch, left)
    part = score_merged(mdb, lang="en", exclude_flagged=["speeding"])
    for r in (full, part):
        assert {g.key for g in r.reliability.units} == {"U1", "U2"}
    bp = {g.key: next(m for m in g.measures if m.id == "BP") for g in [part.reliability.overall, *part.reliability.units]}
    full_bp = {g.key: next(m for m in g.measures if m.id == "BP") for g in [full.reliability.overall, *full.reliability.units]}
    assert full_bp["U2"].status == "shown" and full_bp[None].status == "shown"
    assert bp["U1"].status == "shown" and bp["U1"].alpha == full_bp["U1"].alpha
    if hidden:
        assert bp["U2"].status == bp[None].status == "left_out"
        assert bp["U2"].alpha is None and bp["U2"].cases is None and bp["U2"].item_rest == []
        assert measure_note(bp["U2"], "en") == "hidden: too few cases left out"
        assert measure_note(bp["U2"], "id") == "disembunyikan: terlalu sedikit kasus dikeluarkan"
    else:
        assert bp["U2"].status == bp[None].status == "shown" and bp["U2"].alpha is not None
    # no cases in the report without the flagged: everyone's minus the units' would tell what a hidden one lost
    assert {m.cases for g in [part.reliability.overall, *part.reliability.units] for m in g.measures} == {None}
    assert full_bp["U2"].cases == 40 + flagged_complete


def test_a_narrower_by_still_checks_and_shows_the_questionnaires_breakdowns(monkeypatch):
    """Three men (all who answered bp1) and one woman left out. With only `--by unit`, everyone's
    AK here against the women's AK in the full report (which shows gender) gave the one woman's
    answer away. The report without the flagged shows and checks gender too: the woman's group lost
    one with no other to hide it with, so no report is made."""
    people = [{"unit": u, "gender": "f", "bp2": 2, "ak1": 2 + i % 4} for u in ("U1", "U2", "U3") for i in range(6)]
    people += [{"unit": "U1", "gender": "m", "bp1": 4, "bp2": 2, "ak1": 4} for _ in range(3)]
    people += [{"unit": "U1", "gender": "f", "bp2": 2, "ak1": 5}]
    mdb = build_merged(None, TOML, THREE_UNITS, people)
    leave_out(monkeypatch, {19, 20, 21, 22})
    with pytest.raises(ExclusionError, match="gender f"):
        score_merged(mdb, lang="en", by=["unit"], exclude_flagged=["speeding"])
    leave_out(monkeypatch, {19, 20, 21, 22, 1, 2})  # two more women: enough to show the rest
    part = score_merged(mdb, lang="en", by=["unit"], exclude_flagged=["speeding"])
    assert [b.field for b in part.breakdowns] == ["unit", "gender"]


def test_a_small_unit_all_flagged_looks_the_same_as_when_none_was(monkeypatch):
    """U2 has two responses, hidden as small in every report. Whether both were left out or none,
    the report without the flagged says "small" and lists U2 among the units pooled in the weighted
    figures, not among those without respondents."""
    units = [Unit(code=u.code, name=u.name, headcount=12) for u in THREE_UNITS]
    people = [{"unit": u, "gender": "f", "bp1": 4, "bp2": 2, "ak1": 3 + i % 3} for u in ("U1", "U3") for i in range(6)]
    people += [{"unit": "U1", "gender": "f", "bp1": 4, "bp2": 2, "ak1": 4} for _ in range(2)]
    people += [{"unit": "U2", "gender": "f", "bp1": 4, "bp2": 2, "ak1": 4} for _ in range(2)]
    mdb = build_merged(None, TOML, units, people)
    seen = []
    for left in ({13, 14, 15}, {13, 14, 15, 16}):
        leave_out(monkeypatch, left)
        part = score_merged(mdb, lang="en", intervals=True, weight="headcount", exclude_flagged=["speeding"])
        u2 = next(g for g in part.breakdown("unit").groups if g.key == "U2")
        seen.append((u2.status, u2.suppression, "U2" in part.weighted.pooled_units, "U2" in part.weighted.units_without_respondents))
    assert seen == [("suppressed", "small", True, False)] * 2


def test_no_report_after_all_lets_the_quality_count_go(tmp_path):
    """A unit without headcount refuses --weight headcount; the quality flags, counted meanwhile in a
    thread of their own, must not keep it running."""
    import threading

    from akhlak_tui.scoring.precision import WeightError

    people = [{"unit": u, "gender": "f", "bp1": 4, "bp2": 2, "ak1": 4} for u in ("U1", "U2") for _ in range(6)]
    mdb = build_merged(tmp_path / "merged.db", TOML, [Unit(code="U1", name="a", headcount=10), Unit(code="U2", name="b")], people)
    with pytest.raises(WeightError):
        score_merged(mdb, lang="en", weight="headcount")
    assert not [t.name for t in threading.enumerate() if t.name.startswith("quality")]


def test_a_value_hidden_for_its_statement_takes_the_index_interval_too():
    """In U1 only bp1 was answered of BP's statements, and bp1 is hidden beside U2's (two answers):
    BP there would be bp1, so it is hidden, and with it U1's index and the index's interval."""
    people = [{"unit": "U1", "gender": "f", "bp1": 4 + i % 2, "ak1": 4} for i in range(4)]
    people += [{"unit": "U2", "gender": "f", "bp1": 5 if i < 2 else None, "bp2": 2, "ak1": 4} for i in range(5)]
    people += [{"unit": "U3", "gender": "f", "bp1": 4, "bp2": 1, "bp3": 5, "ak1": 5} for _ in range(6)]
    report = score_merged(build_merged(None, TOML, THREE_UNITS, people), lang="en", intervals=True)
    u1 = next(g for g in report.breakdown("unit").groups if g.key == "U1")
    statements = {g.key: next(i.status for i in g.indicators if i.item == "bp1") for g in report.indicators.units}
    assert statements["U2"] == statements["U1"] == "suppressed"
    assert value(u1, "BP") == "suppressed" and value(u1, "AK") == "shown"
    assert u1.index is None and u1.index_low is None and u1.index_high is None
    check_values_and_statements(report)


def test_a_statement_hidden_for_everyone_is_hidden_in_a_unit_too():
    """Everyone's bp2 (2 answers) is hidden, so everyone's bp1 goes with it (BP minus the others);
    U3 is the only unit that answered bp1: showing it there would be everyone's bp1 again."""
    people = [
        {"unit": "U1", "gender": "m", "bp2": 1, "bp3": 9, "ak1": 5},
        {"unit": "U1", "bp3": 5, "ak1": 5},
        {"unit": "U3", "gender": "m", "bp1": 1, "bp2": 9, "ak1": 9},
        {"unit": "U3", "gender": "m", "bp1": 1, "bp2": 5, "ak1": 2},
        {"unit": "U3", "gender": "f", "bp1": 4, "bp2": 9, "bp3": 1},
        {"unit": "U1", "gender": "f", "bp1": 9, "bp2": 9, "bp3": 2, "ak1": 1},
    ]
    report = score_merged(build_merged(None, TOML, THREE_UNITS, people), lang="en")
    everyone = {i.item: i.status for i in report.indicators.overall.indicators}
    assert everyone["bp1"] == everyone["bp2"] == "suppressed"
    u3 = next(g for g in report.indicators.units if g.key == "U3")
    assert next(i for i in u3.indicators if i.item == "bp1").status == "suppressed"
    check_columns(report)
    check_values_and_statements(report)


def test_engagement_sharing_a_statement_with_a_value_hides_it_in_a_group_too():
    """engagement_items = ["bp1", "eng1"]: eng1 answered by 2 hides everyone's bp1 (engagement is
    them pooled) and so everyone's BP (bp1 alone). Each gender group showing BP would sum to it."""
    eng = '\n[[sections.items]]\nid = "eng1"\ntype = "likert"\nscale = "agree5"\nlabel = { id = "Saya bangga.", en = "I am proud." }\n'
    toml = TOML.replace("[scoring.values]", 'engagement_items = ["bp1", "eng1"]\n\n[scoring.values]') + eng
    people = [{"unit": u, "gender": g, "bp1": 1 + (i * 3 + len(u)) % 5, "ak1": 4} for u in ("U1", "U2", "U3") for g in ("f", "m") for i in range(3)]
    people[0]["eng1"], people[4]["eng1"] = 5, 4
    report = score_merged(build_merged(None, toml, THREE_UNITS, people), lang="en")
    assert value(report.overall, "BP") == "suppressed"
    assert "suppressed" in [value(g, "BP") for g in report.breakdown("gender").groups]
    check_columns(report)


def test_the_unit_table_is_compared_when_the_breakdowns_leave_units_out(monkeypatch):
    """breakdowns = ["gender"]: U2's BP (2 answers) is hidden in the full report and U1's beside it.
    Without U3's four flagged, U1's BP came back in the ranking and where to act, and everyone's BP
    minus U1's and U3's gave U2's two answers. The full report is scored with the units now."""
    toml = TOML.replace('breakdowns = ["unit", "gender"]', 'breakdowns = ["gender"]')
    people = [{"unit": "U1", "gender": "f", "bp1": 2 + i % 3, "bp2": 2 + i % 2, "bp3": 3 + i % 3, "ak1": 5} for i in range(6)]
    people += [{"unit": "U2", "gender": "f", "bp1": (5 if i == 0 else 2) if i < 2 else 9, "bp2": 9, "bp3": 9, "ak1": 5} for i in range(6)]
    people += [{"unit": "U3", "gender": "f", "bp1": 4, "bp2": 1 + i % 3, "bp3": 5, "ak1": 5} for i in range(9)]
    full, part = both(monkeypatch, people, set(range(len(people) - 3, len(people) + 1)), toml=toml)
    shows_bp = lambda r: {a.code for a in r.where_to_act.units if a.value == "BP"} | {x.code for x in r.ranking}  # noqa: E731
    assert "U1" not in shows_bp(full) and "U1" not in shows_bp(part)


def test_the_group_without_a_unit_has_its_own_statement_intervals():
    """The unit table's group of those who gave no unit also has the key None, like everyone: its
    statements were given everyone's intervals (100.0 with 9.1-38.5)."""
    people = [{"unit": None, "gender": "f", "bp1": 5, "bp2": 2, "ak1": 4} for _ in range(6)]
    people += [{"unit": u, "gender": "f", "bp1": 1 + i % 2, "bp2": 4, "ak1": 2} for u in ("U1", "U2", "U3") for i in range(8)]
    report = score_merged(build_merged(None, TOML, THREE_UNITS, people), lang="en", intervals=True)
    bp1 = next(i for i in next(g for g in report.indicators.units if g.key is None).indicators if i.item == "bp1")
    assert bp1.score == 100.0 and bp1.low is not None and bp1.low > 50 and bp1.high == 100.0


def test_the_group_without_a_unit_is_checked_against_its_own_losses(monkeypatch):
    """Of the three flagged who gave no unit, one answered bp2 and none bp1: that group's hidden bp1
    and bp2 lost one answer together, so bp3 goes too (it was checked against everyone's losses,
    both keyed None, and stayed: BP minus bp3 in both reports gave that answer)."""
    people = [{"unit": None, "gender": "f", "bp2": 5 if i == 0 else 9, "bp3": 4, "ak1": 4} for i in range(3)]
    people += [{"unit": None, "gender": "f", "bp1": 1 + i % 5, "bp2": 2 if i == 0 else 9, "bp3": 2 + i % 4, "ak1": 3} for i in range(7)]
    people += [{"unit": "U1", "gender": "f", "bp1": 4, "bp2": 2, "bp3": 4, "ak1": 4} for _ in range(3)]
    people += [{"unit": u, "gender": "f", "bp1": 1 + i % 5, "bp2": 1 + i % 4, "bp3": 2 + i % 3, "ak1": 3} for u in ("U1", "U2", "U3") for i in range(6)]
    left = {1, 2, 3, 11, 12, 13}
    full, part = both(monkeypatch, people, left)
    no_unit = next(g for g in part.indicators.units if g.key is None)
    statuses = {i.item: i.status for i in no_unit.indicators}
    assert statuses["bp1"] == statuses["bp2"] == statuses["bp3"] == "suppressed", statuses
    check(people, left, full, part)


def test_a_unit_that_lost_responses_but_none_of_a_statements_answers_is_known_for_it(monkeypatch):
    """U1 (7) lost four and U2 (5) one, so both units are hidden. But U2's one left out said "not
    applicable" to bp3: U2's bp3 is the full report's, and everyone's bp3 here minus it gave the
    two bp3 answers left in U1. Everyone's bp3 is hidden."""
    row = lambda unit, bp3: {"unit": unit, "gender": "f", "bp1": 1, "bp2": 1, "bp3": bp3, "ak1": 1}  # noqa: E731
    people = [row("U1", 1)] * 4 + [row("U2", 9)] + [row("U1", 1)] * 2 + [row("U1", 9)] + [row("U2", 1)] * 4
    left = {1, 2, 3, 4, 5}
    full, part = both(monkeypatch, people, left)
    assert {g.key: g.status for g in part.breakdown("unit").groups if g.key != "U3"} == {"U1": "suppressed", "U2": "suppressed"}
    assert next(i for i in part.indicators.overall.indicators if i.item == "bp3").status == "suppressed"
    check(people, left, full, part)


def test_the_culture_hidden_beside_a_small_one_is_a_units_that_lost_some(monkeypatch):
    """U1 keeps two who answered the values questions (four such were flagged): its culture is
    small here. U2, with fewer answers than U3, lost none: its votes are the full report's, so
    hiding it beside U1's would protect nothing; U3, which lost some, is hidden instead. When no
    unit but U1 lost any, everyone's values results are hidden."""
    voter = {"values_now": ["jujur", "silo"], "values_wanted": ["ramah"]}
    people = [{"unit": "U1", "gender": "f", "ak1": 4, **voter} for _ in range(2)]
    people += [{"unit": "U1", "gender": "f", "ak1": 4} for _ in range(3)]
    people += [{"unit": "U1", "gender": "f", "ak1": 4, **voter} for _ in range(4)]  # 6-9: left out
    people += [{"unit": "U2", "gender": "f", "ak1": 4, **voter} for _ in range(3)]
    people += [{"unit": "U3", "gender": "f", "ak1": 4, **voter} for _ in range(7)]  # 13-15 left out below
    full, part = both(monkeypatch, people, {6, 7, 8, 9, 13, 14, 15})
    culture = {u.code: u.status for u in part.culture_units}
    assert culture == {"U1": "suppressed", "U2": "shown", "U3": "suppressed"}, culture
    assert {u.code: u.status for u in full.culture_units} == {"U1": "shown", "U2": "shown", "U3": "shown"}
    full, part = both(monkeypatch, people, {6, 7, 8, 9})
    assert {u.code: u.status for u in part.culture_units}["U1"] == "suppressed"
    assert part.values.status == "suppressed" and full.values.status == "shown"
