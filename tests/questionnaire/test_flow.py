"""Answering rules: relevance, navigation, clearing irrelevant answers, and answer checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhlak_tui.questionnaire import Flow, load_questionnaire
from akhlak_tui.questionnaire.builtin import builtin_questionnaire


@pytest.fixture
def flow(mini_path):
    return Flow(load_questionnaire(mini_path), unit_codes=["RSUD", "PKM-01"])


def test_navigation_skips_irrelevant_items(flow):
    ids = lambda items: [i.id for i in items]  # noqa: E731
    assert ids(flow.visible_items({})) == ["unit", "role", "bp1", "picks", "years", "comment"]
    assert ids(flow.visible_items({"role": "fungsional"}))[3] == "bp2"
    assert flow.next_item("bp1", {"role": "x"}).id == "picks"
    assert flow.next_item("bp1", {"role": "fungsional"}).id == "bp2"
    assert flow.previous_item("picks", {"role": "x"}).id == "bp1"
    assert flow.next_item(None, {}).id == "unit"
    assert flow.next_item("comment", {}) is None
    assert flow.previous_item("unit", {}) is None


def test_a_changed_answer_makes_later_answers_stale(flow):
    answers = {"role": "x", "bp2": 4, "bp1": 3}
    assert flow.stale_answers(answers) == ["bp2"]
    assert flow.stale_answers({"role": "fungsional", "bp2": 4}) == []


def test_missing_required_only_counts_relevant_items(flow):
    missing = [i.id for i in flow.missing_required({"unit": "RSUD"})]
    assert missing == ["bp1"]


@pytest.mark.parametrize(
    ("item_id", "value", "lang", "expected"),
    [
        ("bp1", None, "en", "This question needs an answer."),
        ("bp1", None, "id", "Pertanyaan ini wajib dijawab."),
        ("bp1", 4, "en", None),
        ("bp1", 9, "en", None),  # not applicable is an allowed answer
        ("bp1", 6, "en", "Choose one of the answers offered."),
        ("bp1", True, "en", "Choose one of the answers offered."),
        ("role", "fungsional", "en", None),
        ("role", "boss", "en", "Choose one of the answers offered."),
        ("picks", ["jujur", "ramah", "silo"], "en", "Choose at most 2."),
        ("picks", ["jujur", "jujur"], "en", "The same answer is chosen twice."),
        ("picks", ["jujur", "none"], "en", '"None" cannot be chosen together with other answers.'),
        ("picks", ["none"], "en", None),
        ("years", 13, "en", "Not 13."),
        ("years", 13, "id", "Bukan 13."),
        ("years", 46, "en", "The largest number allowed is 45."),
        ("years", -1, "en", "The smallest number allowed is 0."),
        ("years", "3", "en", "Enter a whole number."),
        ("comment", "x" * 21, "en", "At most 20 characters."),
        ("unit", "RSUD", "en", None),
        ("unit", "ELSEWHERE", "en", "Choose a work unit from the list."),
    ],
)
def test_check(flow, item_id, value, lang, expected):
    item = flow.questionnaire.item_by_id[item_id]
    assert flow.check(item, value, {}, lang) == expected


def test_response_problems_finds_every_kind_of_bad_answer(flow):
    problems = flow.response_problems(
        {"unit": "NOWHERE", "role": "x", "bp2": 3, "picks": ["jujur"], "ghost": 1}, complete=True
    )
    assert problems == [
        "ghost: unknown item",
        "unit: Choose a work unit from the list. (got 'NOWHERE')",
        "bp2: answered although its relevance condition does not hold",
        "bp1: required but not answered",
    ]
    assert flow.response_problems({"unit": "RSUD", "bp1": 5}, complete=True) == []
    assert flow.response_problems({"unit": "RSUD"}, complete=False) == []


LIKERT_VALUES = st.one_of(
    st.sampled_from([1, 2, 3, 4, 5, 9]), st.integers(-2, 12), st.booleans(), st.none(), st.just(""), st.text(max_size=2),
    st.floats(allow_nan=False), st.lists(st.integers(1, 5), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_likert_items_checked_at_once_find_what_one_by_one_finds(data):
    """The quick check of all plain likert items together must never hide a problem the item-by-item check finds."""
    flow = Flow(builtin_questionnaire(), unit_codes=["DINKES", "RSUD"])
    one_by_one = Flow(builtin_questionnaire(), unit_codes=["DINKES", "RSUD"])
    one_by_one._plan_after_likert = one_by_one._plan  # every item checked on its own, as before the quick check
    likert = [item.id for item in flow.items if item.type == "likert"]
    assert likert and flow._plan_after_likert != flow._plan
    answers = {"unit": "DINKES", **{item_id: 4 for item_id in likert}}
    for item_id in data.draw(st.lists(st.sampled_from(likert), max_size=3, unique=True)):
        answers[item_id] = data.draw(LIKERT_VALUES)
    complete = data.draw(st.booleans())
    assert flow.response_problems(answers, complete) == one_by_one.response_problems(answers, complete)


def test_a_likert_answer_of_true_is_refused_though_true_equals_one():
    flow = Flow(builtin_questionnaire(), unit_codes=["DINKES"])
    first = next(item.id for item in flow.items if item.type == "likert")
    answers = {item.id: 1 for item in flow.items if item.type == "likert"}
    assert flow.response_problems(answers, complete=False) == []
    answers[first] = True
    assert [p for p in flow.response_problems(answers, complete=False) if p.startswith(first)] == [
        f"{first}: Choose one of the answers offered. (got True)"
    ]
