"""parse_response: accepts exactly what the Response model accepts (and refuses NaN), shown against pydantic."""

from __future__ import annotations

import copy
import json
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import from_json

from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.demo.units import demo_units
from akhlak_tui.merge.incoming import NON_FINITE, IncomingResponse, InvalidResponse, parse_response, read_incoming
from akhlak_tui.questionnaire.builtin import builtin_questionnaire
from akhlak_tui.response import Response

SURVEY = "demosurveyaaaaaa"
BIG = "\x00big-number\x00"
"""A string value swapped for a number too large for a float (it reads as infinity)."""
BAD_UTF8 = "\x00bad-utf8\x00"
"""A string value swapped for bytes that are not UTF-8."""
RAW_CONTROL = "\x00raw-control\x00"
"""A string value swapped for one holding a control character unescaped, which JSON does not allow."""

BASES = [r.model_dump(mode="json") for r in simulate_responses(builtin_questionnaire(), demo_units(), 12, 5, "DEVICE01", SURVEY)]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
FIELD_NAMES = sorted(
    {*Response.model_fields, "item_id", "value", "answered_at", "at", "kind", "old", "new", "detail"}
)
NEAR_LIMITS = [7, 8, 9, 31, 32, 33, 63, 64, 65, 499, 500, 501]
ID = BASES[0]["id"]
# The common changes are listed more than once: breaking the JSON itself is tried, but not most of the time.
CHANGES = ["drop", "add", "replace", "long", "pattern", "not_object"] * 3 + ["nested", "nan", "big", "utf8", "control"]
WRONG_PATTERNS = [ID.upper(), ID + "\n", ID[:14] + "5" + ID[15:], ID.replace("-", ""), "a" * 64 + "\n", "A" * 64, "0" * 63, "0" * 64]


def slots(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in a document, the document's own slots first."""
    found: list[tuple[Any, Any]] = []
    pending = [node]
    while pending:
        container = pending.pop(0)
        keys = list(container) if isinstance(container, dict) else range(len(container))
        for key in keys:
            found.append((container, key))
            if isinstance(container[key], (dict, list)):
                pending.append(container[key])
    return found


def deeply_nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def mutated_documents(draw: st.DrawFn) -> bytes:
    document = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(0, 3))):
        places = slots(document)
        container, key = places[draw(st.integers(0, min(len(places) - 1, draw(st.sampled_from([20, 60, 10_000])))))]
        change = draw(st.sampled_from(CHANGES))
        if change == "drop" and isinstance(container, dict):
            del container[key]
        elif change == "add":
            target = container[key] if isinstance(container[key], dict) else container
            if isinstance(target, dict):
                target[draw(st.sampled_from(FIELD_NAMES) | st.text(max_size=6))] = draw(json_values)
        elif change == "replace":
            container[key] = draw(json_values)
        elif change == "long":
            container[key] = draw(st.sampled_from(["x", "é", "😀"])) * draw(st.sampled_from(NEAR_LIMITS))
        elif change == "pattern":
            container[key] = draw(st.sampled_from(WRONG_PATTERNS))
        elif change == "not_object":
            container[key] = draw(st.sampled_from([[], "answer", 3, None, [{}], [[]], [1, 2]]))
        elif change == "nested":
            container[key] = deeply_nested(draw(st.sampled_from([5, 150, 199, 200, 201, 260])))
        elif change == "nan":
            container[key] = draw(st.sampled_from([math.nan, math.inf, -math.inf, [math.nan], {"x": math.inf}]))
        elif change == "big":
            container[key] = draw(st.sampled_from([BIG, [BIG], {"x": BIG}]))
        elif change == "utf8":
            container[key] = BAD_UTF8
        elif change == "control":
            container[key] = RAW_CONTROL
    if draw(st.booleans()):  # as laptops write it (Response.canonical_json): the quick look at the bytes
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=True)
    else:
        text = json.dumps(document, sort_keys=draw(st.booleans()), ensure_ascii=draw(st.booleans()), allow_nan=True)
    plain = text.encode("utf-8")
    plain = plain.replace(json.dumps(BIG).encode(), b"-1e400").replace(json.dumps(BAD_UTF8).encode(), b'"\xff\xc3("').replace(json.dumps(RAW_CONTROL).encode(), b'"a\tb"')
    if draw(st.integers(0, 19)) == 7:
        plain = plain[: draw(st.integers(0, len(plain)))]
    return plain


def holds_non_finite(plain: bytes) -> bool:
    try:
        document = from_json(plain, allow_inf_nan=True)
    except ValueError:
        return False
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return True
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def readable_id(plain: bytes) -> str | None:
    try:
        document = from_json(plain, allow_inf_nan=True)
    except ValueError:
        return None
    value = document.get("id") if isinstance(document, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None


@settings(max_examples=700, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_documents())
def test_accepts_exactly_what_the_response_model_accepts_and_no_nan(plain: bytes) -> None:
    try:
        expected: dict[str, Any] | None = Response.model_validate_json(plain).model_dump(mode="json")
        errors: list[Any] = []
    except ValidationError as exc:
        expected, errors = None, exc.errors(include_url=False)
    non_finite = holds_non_finite(plain)

    if expected is not None and not non_finite:
        assert parse_response(plain) == expected
        # the merge's way: events checked, not read; answers read as item id -> value
        answers = expected.pop("answers")
        del expected["events"]
        assert read_incoming(plain) == IncomingResponse(expected, {a["item_id"]: a["value"] for a in answers}, len(answers))
        return
    with pytest.raises(InvalidResponse) as refused_without_events:
        read_incoming(plain)
    with pytest.raises(InvalidResponse) as refused:
        parse_response(plain)
    assert refused_without_events.value.reason == refused.value.reason
    reason = refused.value.reason
    assert refused.value.response_id == readable_id(plain)
    if expected is not None:
        assert reason == NON_FINITE
    elif reason != NON_FINITE:
        # the problem named is one pydantic finds too (which one it lists first differs between its versions)
        assert errors
        named = {".".join(str(part) for part in e["loc"]): e["msg"] for e in errors}
        assert reason in {f"not a valid response: {where}: {msg}" if where else f"not a valid response: {msg}" for where, msg in named.items()}
    else:
        assert non_finite


def test_a_valid_document_gets_every_optional_field_filled_in() -> None:
    document = copy.deepcopy(BASES[0])
    for name in ("survey_id", "unit", "abandon_reason", "submitted_at", "events"):
        del document[name]
    del document["answers"][0]["value"]  # required: refused
    with pytest.raises(InvalidResponse, match=r"^not a valid response: answers\.0\.value: Field required$"):
        parse_response(json.dumps(document).encode())
    document["answers"] = [{"item_id": "unit", "value": "X", "answered_at": "2026-01-01T00:00:00Z"}]
    parsed = parse_response(json.dumps(document).encode())
    assert (parsed["survey_id"], parsed["unit"], parsed["abandon_reason"], parsed["submitted_at"], parsed["events"]) == (None, None, None, None, [])
    document["events"] = [{"at": "2026-01-01T00:00:00Z", "kind": "started"}]
    assert parse_response(json.dumps(document).encode())["events"] == [
        {"at": "2026-01-01T00:00:00Z", "kind": "started", "item_id": None, "old": None, "new": None, "detail": None}
    ]


@pytest.mark.parametrize(
    ("plain", "reason"),
    [
        (b"[1]", "not a valid response: Input should be an object"),
        (b'{"id": NaN}', NON_FINITE),
        (b'{"id": "x", "answers": [Infinity]}', NON_FINITE),
        # the column is the JSON reader's (it moved by one between pydantic-core versions)
        (b'{"id": "\xff"}', re.compile(r"not a valid response: Invalid JSON: invalid unicode code point at line 1 column \d+")),
    ],
)
def test_reasons_are_one_clear_line(plain: bytes, reason: str | re.Pattern[str]) -> None:
    with pytest.raises(InvalidResponse) as refused:
        parse_response(plain)
    if isinstance(reason, str):
        assert refused.value.reason == reason
    else:
        assert reason.fullmatch(refused.value.reason)
    assert refused.value.response_id == ("x" if b'"x"' in plain else None)


def test_an_overlong_item_id_is_named_by_its_place() -> None:
    document = copy.deepcopy(BASES[1])
    document["answers"][3]["item_id"] = "q" * 65
    with pytest.raises(InvalidResponse) as refused:
        parse_response(json.dumps(document).encode())
    assert refused.value.reason == "not a valid response: answers.3.item_id: String should have at most 64 characters"
    assert refused.value.response_id == document["id"]


@pytest.mark.parametrize("place", ["top", "answer", "nested"])
def test_an_object_holding_a_key_twice_is_refused(place: str) -> None:
    text = json.dumps(BASES[2])
    if place == "top":
        text = text.replace('"mode": ', '"mode": "demo", "mode": ', 1)
    elif place == "answer":
        text = text.replace('"value": ', '"value": 1, "value": ', 1)
    else:
        text = text.replace('"old": null', '"old": {"a": 1, "a": 2}', 1)
    with pytest.raises(InvalidResponse) as refused:
        parse_response(text.encode())
    key = {"top": "mode", "answer": "value", "nested": "a"}[place]
    assert refused.value.reason == f"not a valid response: an object holds the key {key!r} twice"
    assert refused.value.response_id == BASES[2]["id"]
