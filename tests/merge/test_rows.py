"""Answer cells: a list answer is stored as exactly the JSON text json.dumps makes, whatever its strings."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from akhlak_tui.merge.rows import answer_cell

CODES = st.text(alphabet="abcXYZ019_-", min_size=1, max_size=8)
ANY_TEXT = st.text(max_size=8)  # quotes, commas, backslashes, control characters, non-ASCII


@given(st.lists(CODES | ANY_TEXT | st.integers() | st.none(), max_size=6) | st.lists(CODES | ANY_TEXT, max_size=6))
def test_a_list_answer_is_the_same_json_text_as_json_dumps(value):
    assert answer_cell(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_codes_that_look_like_separators_are_not_mistaken_for_two():
    assert json.loads(answer_cell(['a","b'])) == ['a","b']
    assert json.loads(answer_cell(["a", "b"])) == ["a", "b"]
    assert answer_cell([]) == "[]" and answer_cell(3) == 3 and answer_cell("x") == "x"
