"""The condition language: parsing, evaluation, references, and property tests of the parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhlak_tui.questionnaire.conditions import ConditionError, evaluate, parse_condition, references


def holds(source: str, answers: dict, self_value=None) -> bool:
    return evaluate(parse_condition(source), answers, self_value)


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("role == 'fungsional'", {"role": "fungsional"}, True),
        ("role == 'fungsional'", {"role": "x"}, False),
        ("role != 'x'", {"role": "fungsional"}, True),
        ("role != 'x'", {}, False),  # unanswered: every comparison is false
        ("not (role == 'x')", {}, True),
        ("years >= 5 and years < 30", {"years": 5}, True),
        ("years >= 5 and years < 30", {"years": 30}, False),
        ("bp1 > 3", {"bp1": 4}, True),
        ("gender in ['f', 'm']", {"gender": "m"}, True),
        ("gender in ['f', 'm']", {"gender": "x"}, False),
        ("picks has 'silo'", {"picks": ["jujur", "silo"]}, True),
        ("picks has 'silo'", {"picks": ["jujur"]}, False),
        ("answered(comment)", {"comment": "ok"}, True),
        ("answered(comment)", {"comment": ""}, False),
        ("not answered(comment) or role == 'x'", {}, True),
        ("a == '1' or b == '2' and c > 3", {"a": "1"}, True),  # and binds tighter than or
        ("(a == '1' or b == '2') and c > 3", {"a": "1"}, False),
        ("count(picks) <= 1", {"picks": ["a", "b"]}, False),
        ("count(picks) <= 1", {}, True),
        ("length(comment) >= 3", {"comment": "abc"}, True),
        ("years == 5", {"years": "five"}, False),
        ("picks == 'a'", {"picks": ["a"]}, False),  # a list never equals a code
    ],
)
def test_evaluate(source, answers, expected):
    assert holds(source, answers) is expected


def test_self_refers_to_the_answer_being_checked():
    assert holds("self >= 18", {}, self_value=20)
    assert not holds("self >= 18", {}, self_value=17)
    assert holds("count(self) <= 2", {}, self_value=["a", "b"])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "empty condition"),
        ("role = 'x'", "unexpected character '=' at column 6 (use == to compare)"),
        ("role ==", "expected a number or a quoted string at column 8, found the end"),
        ("role == 'x' and", "expected an item id, a function or '(' at column 16, found the end"),
        ("(role == 'x'", "expected ')' at column 13, found the end"),
        ("role", "expected a comparison (==, !=, <, <=, >, >=, in, has) at column 5, found the end"),
        ("role == 'x' role == 'y'", "expected 'and', 'or' or the end at column 13, found 'role'"),
        ("role in 'x'", "expected '[' at column 9, found 'x'"),
        ("__import__('os')", "expected a comparison (==, !=, <, <=, >, >=, in, has) at column 11, found '('"),
    ],
)
def test_bad_syntax_names_the_column(source, message):
    with pytest.raises(ConditionError) as info:
        parse_condition(source)
    assert str(info.value) == message


def test_references_lists_every_item_named():
    node = parse_condition("a == '1' or (not answered(b) and count(c) > 1) or self > 2")
    assert references(node) == {"a", "b", "c", "self"}


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_any_text_either_parses_or_raises_condition_error(source):
    try:
        node = parse_condition(source)
    except ConditionError:
        return
    # Whatever parses evaluates without error on any answers.
    evaluate(node, {name: 1 for name in references(node)}, self_value=1)
    evaluate(node, {}, self_value=None)


names = st.sampled_from(["a", "b", "years", "role"])
literals = st.one_of(st.integers(-100, 100), st.sampled_from(["'x'", "'fungsional'", '"m"']))
ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])


@st.composite
def conditions(draw, depth=0):
    kind = draw(st.integers(0, 4 if depth < 3 else 1))
    if kind == 0:
        return f"{draw(names)} {draw(ops)} {draw(literals)}"
    if kind == 1:
        return f"answered({draw(names)})"
    if kind == 2:
        return f"not {draw(conditions(depth + 1))}"
    joiner = " and " if kind == 3 else " or "
    return "(" + joiner.join(draw(st.lists(conditions(depth + 1), min_size=2, max_size=3))) + ")"


@settings(max_examples=300, deadline=None)
@given(conditions(), st.dictionaries(st.sampled_from(["a", "b", "years", "role"]), st.one_of(st.integers(-5, 50), st.sampled_from(["x", "m"]))))
def test_generated_conditions_parse_and_not_negates(source, answers):
    node = parse_condition(source)
    assert holds(f"not ({source})", answers) is (not evaluate(node, answers))
