"""The merge's checks on parsed documents: every reason they give, and Flow's quick whole-response check."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.merge.checks import ResponseChecker
from akhlak_tui.merge.incoming import parse_response
from akhlak_tui.questionnaire import Flow, load_questionnaire
from akhlak_tui.questionnaire.units import Unit

SURVEY = "checksurveyaaaaa"


@pytest.fixture(scope="module")
def mini():
    return load_questionnaire(Path(__file__).parents[1] / "data" / "mini.toml")


@pytest.fixture(scope="module")
def documents(mini):
    units = [Unit(code="A", name="A"), Unit(code="B", name="B")]
    return [r.model_dump(mode="json") for r in simulate_responses(mini, units, 60, 4, "DEVICE01", SURVEY)]


def parsed(document: dict) -> dict:
    """The document as the merge sees it: serialized, then read back by parse_response."""
    return parse_response(json.dumps(document).encode())


def submitted(documents: list[dict]) -> dict:
    return copy.deepcopy(next(d for d in documents if d["status"] == "submitted"))


def test_simulated_documents_pass(mini, documents) -> None:
    checker = ResponseChecker(SURVEY, mini, ["A", "B"])
    assert [checker.reason(parsed(d)) for d in documents] == [None] * len(documents)


def test_every_reason_is_given(mini, documents) -> None:
    checker = ResponseChecker(SURVEY, mini, ["A", "B"])
    document = submitted(documents)
    document.update(survey_id="othersurveyaaaaa", questionnaire_hash="0" * 64, created_at="yesterday", submitted_at=None)
    document["answers"].append(dict(document["answers"][0]))
    unit_answer = next(a for a in document["answers"] if a["item_id"] == "unit")
    document["unit"] = "B" if unit_answer["value"] == "A" else "A"
    assert checker.problems(parsed(document)) == [
        f"survey is othersurveyaaaaa, not {SURVEY}",
        "answers another version of the questionnaire (hash differs)",
        "created_at is not an ISO 8601 time (got 'yesterday')",
        "submitted_at is not an ISO 8601 time (got None)",
        "an item is answered twice",
        f"unit is {document['unit']!r} but the unit question was answered {unit_answer['value']!r}",
    ]
    assert checker.reason(parsed(document)).endswith("; and 3 more")


def test_a_draft_is_refused_before_its_answers_are_looked_at(mini, documents) -> None:
    checker = ResponseChecker(SURVEY, mini, ["A", "B"])
    document = submitted(documents)
    document.update(status="draft", answers=[{"item_id": "nope", "value": 1, "answered_at": "x"}])
    assert checker.problems(parsed(document)) == ["status is draft; only submitted and abandoned responses are merged"]


def test_questionnaire_problems_come_from_flow(mini, documents) -> None:
    checker = ResponseChecker(SURVEY, mini, ["A", "B"])
    document = submitted(documents)
    document["answers"] = [a for a in document["answers"] if a["item_id"] != "bp1"]
    document["answers"].append({"item_id": "years", "value": 13, "answered_at": document["created_at"]})
    document["answers"] = [a for a in document["answers"] if a["item_id"] != "years" or a["value"] == 13]
    assert checker.problems(parsed(document)) == ["years: Not 13. (got 13)", "bp1: required but not answered"]


# -- Flow.response_problems is the one-answer rules, applied to a whole response ----------------
def reference_problems(flow: Flow, answers: dict, complete: bool) -> list[str]:
    """response_problems spelled out with the methods the answering screens use."""
    problems = [f"{item_id}: unknown item" for item_id in answers if item_id not in flow.index]
    known = {k: v for k, v in answers.items() if k in flow.index}
    for item in flow.items:
        value = known.get(item.id)
        if item.id not in known or value is None or value == "" or value == []:
            continue
        if not flow.is_relevant(item, known):
            problems.append(f"{item.id}: answered although its relevance condition does not hold")
        elif problem := flow.check(item, value, known, lang="en"):
            problems.append(f"{item.id}: {problem} (got {value!r})")
    if complete:
        problems.extend(f"{item.id}: required but not answered" for item in flow.missing_required(known))
    return problems


answer_values = st.one_of(
    st.none(),
    st.sampled_from(["", [], 0, False, True, 1, 3, 9, 13, 46, -1, "A", "C", "fungsional", "x", "jujur", 2.5, {"a": 1}]),
    st.lists(st.sampled_from(["jujur", "ramah", "silo", "none", "other", 1]), max_size=4),
    st.text(max_size=3),
)


@settings(max_examples=400, deadline=None)
@given(
    answers=st.dictionaries(st.sampled_from(["unit", "role", "bp1", "bp2", "picks", "years", "comment", "stranger"]), answer_values),
    complete=st.booleans(),
)
def test_response_problems_agree_with_the_one_answer_rules(mini, answers: dict, complete: bool) -> None:
    flow = Flow(mini, unit_codes=["A", "B"])
    assert flow.response_problems(answers, complete=complete) == reference_problems(flow, answers, complete)
