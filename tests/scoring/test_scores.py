"""Scores from a merged database: what counts, reverse keys, not applicable, empty and suppressed
groups, values selection, engagement, participation; and SQL against a plain recomputation."""

from __future__ import annotations

import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from merged_fixtures import build_merged

from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.builtin import BUILTIN_QUESTIONNAIRE, builtin_file, builtin_questionnaire
from akhlak_tui.questionnaire.model import LikertItem
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring import ScoringError, score_merged
from akhlak_tui.scoring.formulas import round_half_up

TOML = (Path(__file__).parent / "worked_example.toml").read_text("utf-8")
UNITS = [Unit(code="U1", name="Unit Satu", headcount=10), Unit(code="U2", name="Unit Dua", headcount=4), Unit(code="U3", name="Unit Tiga", headcount=7)]


def person(unit="U1", gender="f", bp1=4, bp2=2, ak1=4, now=("jujur",)):
    return {"unit": unit, "gender": gender, "bp1": bp1, "bp2": bp2, "ak1": ak1, "values_now": list(now)}


def score(people, abandoned=(), toml=TOML, units=UNITS):
    with build_merged(None, toml, units, people, abandoned) as mdb:
        return score_merged(mdb)


def test_abandoned_responses_never_count():
    report = score([person(ak1=5)] * 3, abandoned=[person(ak1=1)] * 5)
    assert report.respondents == 3
    assert report.overall.dimensions[1].score == 100.0


def test_reverse_keyed_statement_counts_disagreement_as_favourable():
    report = score([person(bp1=None, bp2=1), person(bp1=None, bp2=2), person(bp1=None, bp2=4)])
    assert report.overall.dimensions[0].score == round_half_up(Fraction(200, 3))  # 1 and 2 reversed: 5 and 4


def test_not_applicable_is_left_out():
    report = score([person(ak1=9), person(ak1=4), person(ak1=2), person(ak1=4)])
    ak = report.overall.dimensions[1]
    assert (ak.score, ak.answers, ak.respondents) == (66.7, 3, 3)


def test_a_value_answered_by_fewer_than_the_minimum_is_suppressed():
    # 49 of 50 said "not applicable": one person's answer would give AK = 100.0.
    report = score([person(ak1=9)] * 49 + [person(ak1=5)])
    ak = report.overall.dimensions[1]
    assert (ak.status, ak.score, ak.exact, ak.answers, ak.respondents) == ("suppressed", None, None, None, None)
    assert report.overall.index is None and report.overall.category is None
    assert report.overall.dimensions[0].status == "shown" and report.overall.dimensions[0].score is not None
    # The same in every group: unit U1 holds all 50 respondents.
    u1 = next(g for g in report.breakdown("unit").groups if g.key == "U1")
    assert u1.dimensions[1].status == "suppressed" and u1.index is None
    assert report.ranking == []


def test_a_value_with_only_not_applicable_has_no_score_and_no_index():
    report = score([person(ak1=9)] * 3)
    assert report.overall.dimensions[1].score is None and report.overall.dimensions[1].status == "no_data"
    assert report.overall.index is None and report.overall.category is None
    assert report.overall.dimensions[0].score is not None


def test_empty_unit_is_shown_as_empty_not_zero():
    report = score([person(unit="U1")] * 3 + [person(unit="U2")] * 3)
    u3 = next(g for g in report.breakdown("unit").groups if g.key == "U3")
    assert (u3.status, u3.respondents, u3.index, u3.dimensions) == ("empty", 0, None, [])
    assert next(u for u in report.participation.units if u.code == "U3").respondents == 0


def test_suppressed_groups_carry_no_number_anywhere():
    people = [person(unit="U1")] * 4 + [person(unit="U2", ak1=1)] * 2 + [person(unit="U3")] * 6
    report = score(people)
    units = {g.key: g for g in report.breakdown("unit").groups}
    assert units["U2"].status == "suppressed" and units["U2"].suppression == "small"
    assert units["U1"].status == "suppressed" and units["U1"].suppression == "complementary"
    assert units["U3"].status == "shown"
    data = json.loads(report.model_dump_json())
    for group in data["breakdowns"][0]["groups"]:
        if group["status"] == "suppressed":
            assert group["respondents"] is None and group["index"] is None and group["dimensions"] == []
    assert [r.code for r in report.ranking] == ["U3"]


def test_not_answered_forms_its_own_group():
    report = score([person(gender=None)] * 5 + [person(gender="f")] * 5 + [person(gender="m")] * 5)
    groups = {g.key: g for g in report.breakdown("gender").groups}
    assert groups[None].respondents == 5 and groups[None].label == "Tidak dijawab"


def test_too_few_respondents_overall_suppresses_everything():
    report = score([person()] * 2)
    assert report.overall.status == "suppressed" and report.overall.index is None
    assert report.values.status == "suppressed" and report.values.entropy is None
    assert all(g.status != "shown" for b in report.breakdowns for g in b.groups)


def test_no_responses_at_all():
    report = score([])
    assert report.respondents == 0 and report.overall.status == "empty"
    assert report.ranking == []


def test_entropy_alignment_and_top_list():
    toml = TOML.replace('current = "values_now"', 'personal = "values_now"\ncurrent = "values_now"\ndesired = "values_now"')
    people = [person(now=("silo", "jujur"))] * 2 + [person(now=("otoriter",))] + [person(now=("ramah", "jujur"))]
    report = score(people, toml=toml)
    v = report.values
    # 7 votes, 3 of them limiting (silo twice, otoriter once)
    assert v.entropy == round_half_up(Fraction(300, 7)) == 42.9 and v.positive_energy == 57.1
    # top 3 by votes; the tie ramah/otoriter (1 vote each) goes to the option listed first
    assert [(o.code, o.votes) for o in v.current.top] == [("jujur", 3), ("silo", 2), ("ramah", 1)]
    assert v.current.top[0].percent == 75.0
    assert v.alignment_personal_current == 3 and v.alignment_current_desired == 3
    assert {x.value: x.current for x in v.votes_by_value} == {"BP": 1, "AK": 3}


def test_unknown_breakdown_field_is_a_clear_error():
    with build_merged(None, TOML, UNITS, [person()] * 3) as mdb:
        with pytest.raises(ScoringError, match="cannot break down by 'bp1'"):
            score_merged(mdb, by=["bp1"])


def test_by_limits_the_breakdowns():
    with build_merged(None, TOML, UNITS, [person()] * 6) as mdb:
        report = score_merged(mdb, by=["gender"])
    assert [b.field for b in report.breakdowns] == ["gender"]
    assert report.ranking and report.participation.units[0].respondents == 6


def test_more_respondents_than_headcount_is_flagged_implausible():
    report = score([person(unit="U2")] * 6 + [person(unit="U1")] * 3)  # U2 has a headcount of 4
    units = {u.code: u for u in report.participation.units}
    assert units["U2"].implausible and units["U2"].meets_minimum is None and units["U2"].rate == 150.0
    assert not units["U1"].implausible and units["U1"].meets_minimum is False
    assert report.participation.implausible_units == ["U2"] and not report.participation.total_implausible


def test_votes_method_scores_the_share_choosing_the_value():
    toml = TOML.replace('method = "percent_favourable"', 'method = "votes"')
    people = [person(now=("jujur", "ramah")), person(now=("jujur",)), person(now=("silo",)), person(now=("ramah",))]
    report = score(people, toml=toml)
    assert [(d.id, d.score) for d in report.overall.dimensions] == [("BP", 50.0), ("AK", 50.0)]


def _plain_scores(responses, q):
    """The percent-favourable scores recomputed in plain Python from the Response objects."""
    fav, valid = Counter(), Counter()
    for r in responses:
        if r.status != "submitted":
            continue
        answers = r.answer_map
        for item in q.items:
            if isinstance(item, LikertItem) and item.dimension and item.id in answers:
                scale = q.scale_for(item)
                code = answers[item.id]
                if code not in scale.codes:
                    continue
                if item.reverse:
                    code = scale.lowest + scale.highest - code
                valid[item.dimension] += 1
                fav[item.dimension] += code >= q.scoring.favourable_min
    return {d: round_half_up(Fraction(100 * fav[d], valid[d])) for d in valid}


def test_sql_scores_match_a_plain_recomputation_on_simulated_data(tmp_path):
    q = builtin_questionnaire()
    units = [Unit(code=c, name=f"Unit {c}", headcount=200) for c in ("A1", "B2", "C3")]
    responses = list(simulate_responses(q, units, 600, seed=7, device_id="dev-1", survey_id="s1"))
    mdb = MergedDatabase(tmp_path / "merged.db")
    mdb.set_survey("s1", "Simulasi", builtin_file(BUILTIN_QUESTIONNAIRE).read_text("utf-8"), units, "2026-01-01T00:00:00Z")
    with mdb.db.atomic():
        mdb.insert_responses([(r, "b1") for r in responses])
    report = score_merged(mdb)
    mdb.close()
    assert report.respondents == sum(r.status == "submitted" for r in responses)
    assert {d.id: d.score for d in report.overall.dimensions} == _plain_scores(responses, q)
    by_unit = {g.key: g for g in report.breakdown("unit").groups}
    for unit in units:
        expected = _plain_scores([r for r in responses if r.unit == unit.code], q)
        assert {d.id: d.score for d in by_unit[unit.code].dimensions} == expected
    current = Counter(c for r in responses if r.status == "submitted" for c in r.answer_map.get("values_now", []))
    assert {o.code: o.votes for o in report.values.current.top} == {c: current[c] for c in (o.code for o in report.values.current.top)}
    assert report.values.current.votes == sum(current.values())
    assert report.overall.engagement is not None and report.join_reasons.status == "shown"


def test_indicators_follow_the_suppression_of_their_unit_and_count_non_answers():
    people = [person(unit="U1", ak1=None, bp1=2)] * 4 + [person(unit="U1", ak1=9, bp1=2)] * 2 + [person(unit="U2")] * 2 + [person(unit="U3")] * 5
    report = score(people)
    units = {g.key: g for g in report.indicators.units}
    assert units["U2"].status == "suppressed" and units["U2"].indicators == []
    assert units["U3"].status == "suppressed" and units["U3"].suppression == "complementary" and units["U3"].indicators == []
    overall = {i.item: i for i in report.indicators.overall.indicators}
    # ak1: 4 unanswered and 2 "not applicable" of 13; 7 answered, all 4 -> 100.0
    assert (overall["ak1"].missing, overall["ak1"].not_applicable, overall["ak1"].respondents, overall["ak1"].score) == (30.8, 15.4, 7, 100.0)
    u1 = {i.item: i for i in units["U1"].indicators}
    assert (u1["bp1"].score, u1["bp1"].distribution) == (0.0, [0.0, 100.0, 0.0, 0.0, 0.0])
    assert u1["ak1"].status == "no_data" and u1["ak1"].not_applicable == 33.3


def test_a_value_hidden_in_one_unit_is_hidden_in_the_next_smallest_too():
    # U1: 6 respondents, only 2 answered AK; U2: 5 all answered AK; U3: 7 all answered AK.
    people = [person(unit="U1", ak1=9)] * 4 + [person(unit="U1", ak1=5)] * 2 + [person(unit="U2", ak1=1)] * 5 + [person(unit="U3")] * 7
    report = score(people)
    units = {g.key: g for g in report.breakdown("unit").groups}
    assert units["U1"].dimensions[1].status == "suppressed"
    # Without hiding U2's AK, everyone's AK and U3's would give U1's two answers away.
    assert units["U2"].dimensions[1].status == "suppressed" and units["U2"].index is None
    assert units["U3"].dimensions[1].score == 100.0 and units["U3"].index is not None
    assert [r.code for r in report.ranking] == ["U3"]
    ak1 = {g.key: {i.item: i for i in g.indicators}["ak1"] for g in report.indicators.units}
    assert ak1["U1"].status == ak1["U2"].status == "suppressed" and ak1["U3"].status == "shown"


def test_culture_of_a_unit_hidden_alone_hides_the_next_smallest():
    people = [person(unit="U1", now=())] * 4 + [person(unit="U1", now=("silo",))] * 2 + [person(unit="U2")] * 5 + [person(unit="U3", now=("ramah",))] * 7
    report = score(people)
    culture = {u.code: u for u in report.culture_units}
    assert culture["U1"].status == "suppressed" and culture["U1"].suppression == "small"
    assert culture["U2"].status == "suppressed" and culture["U2"].suppression == "complementary" and culture["U2"].entropy is None
    assert culture["U3"].status == "shown" and culture["U3"].entropy == 0.0
