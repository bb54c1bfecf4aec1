"""The simulated respondents: deterministic, always valid, and shaped like a real regency's answers."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.demo.units import demo_units
from akhlak_tui.merge.checks import ResponseChecker
from akhlak_tui.questionnaire import load_questionnaire
from akhlak_tui.questionnaire.builtin import builtin_questionnaire
from akhlak_tui.questionnaire.units import Unit

SURVEY = "demosurveyaaaaaa"


@pytest.fixture(scope="module")
def many():
    q = builtin_questionnaire()
    return list(simulate_responses(q, demo_units(), 3000, 11, "DEVICE01", SURVEY))


def test_the_same_seed_and_device_give_the_same_responses() -> None:
    q = builtin_questionnaire()
    first = [r.canonical_json() for r in simulate_responses(q, demo_units(), 20, 3, "DEVICE01", SURVEY)]
    again = [r.canonical_json() for r in simulate_responses(q, demo_units(), 20, 3, "DEVICE01", SURVEY)]
    other = [r.id for r in simulate_responses(q, demo_units(), 20, 3, "DEVICE02", SURVEY)]
    assert first == again
    assert not set(other) & {r.id for r in simulate_responses(q, demo_units(), 20, 3, "DEVICE01", SURVEY)}


def test_every_response_passes_the_merge_checks(many) -> None:
    checker = ResponseChecker(SURVEY, builtin_questionnaire(), [u.code for u in demo_units()])
    assert [reason for r in many if (reason := checker.reason(r.model_dump(mode="json")))] == []
    assert {r.status for r in many} == {"submitted", "abandoned"}


def test_another_questionnaire_with_relevance_and_constraints_gets_valid_responses(mini_path) -> None:
    q = load_questionnaire(mini_path)
    units = [Unit(code="A", name="A"), Unit(code="B", name="B", headcount=50)]
    responses = list(simulate_responses(q, units, 400, 2, "DEVICE01", SURVEY))
    checker = ResponseChecker(SURVEY, q, ["A", "B"])
    assert [reason for r in responses if (reason := checker.reason(r.model_dump(mode="json")))] == []
    assert any("bp2" in r.answer_map for r in responses) and any("bp2" not in r.answer_map for r in responses)
    assert all(r.answer_map.get("years") != 13 for r in responses)


def favourable(responses, unit: str) -> float:
    items = ["bp1", "bp2", "ak1", "ko1", "ha1", "lo1", "ad1", "kl2"]
    values = [r.answer_map[i] in (4, 5) for r in responses if r.unit == unit and r.status == "submitted" for i in items]
    return sum(values) / len(values)


def test_some_units_are_healthier_than_others(many) -> None:
    shares = {unit.code: favourable(many, unit.code) for unit in demo_units() if sum(r.unit == unit.code for r in many) >= 60}
    assert max(shares.values()) - min(shares.values()) > 0.2


def test_reverse_keyed_statements_are_answered_consistently(many) -> None:
    submitted = [r.answer_map for r in many if r.status == "submitted" and r.answer_map["bp2"] != 9 and r.answer_map["bp3"] != 9]
    correlation = statistics.correlation([a["bp2"] for a in submitted], [a["bp3"] for a in submitted])
    assert correlation < -0.2


def test_votes_profiles_and_abandonment_look_plausible(many) -> None:
    submitted = [r for r in many if r.status == "submitted"]
    current = Counter(code for r in submitted for code in r.answer_map["values_now"])
    limiting = {"hati_hati", "otoriter", "silo", "hindari_risiko", "saling_menyalahkan", "kepemimpinan_lemah", "koruptif",
                "pasif_perubahan", "asal_bapak_senang", "mengontrol", "birokratis", "anti_kritik", "pilih_kasih"}
    share_limiting = sum(current[c] for c in limiting) / sum(current.values())
    assert 0.02 < share_limiting < 0.35
    personal = Counter(code for r in submitted for code in r.answer_map["values_self"])
    assert sum(personal[c] for c in limiting) / sum(personal.values()) < share_limiting
    genders = Counter(r.answer_map.get("gender") for r in submitted)
    assert genders["f"] > genders["m"] > genders["x"] > 0
    assert 0.005 < sum(r.status == "abandoned" for r in many) / len(many) < 0.05
    assert all(r.abandon_reason for r in many if r.status == "abandoned")
