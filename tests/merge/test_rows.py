"""Answer cells: a list answer is stored as exactly the JSON text json.dumps makes, whatever its strings and whatever came before."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from akhlak_tui.merge import rows as rows_module
from akhlak_tui.merge.rows import RESPONSE_COLUMNS, AcceptedRows, answer_cell
from akhlak_tui.questionnaire.builtin import builtin_questionnaire

CODES = st.text(alphabet="abcXYZ019_-", min_size=1, max_size=8)
ANY_TEXT = st.text(max_size=8)  # quotes, commas, backslashes, control characters, non-ASCII
DOCUMENT = {column: None for column in RESPONSE_COLUMNS}


@given(st.lists(CODES | ANY_TEXT | st.integers() | st.none(), max_size=6))
def test_a_list_answer_is_the_same_json_text_as_json_dumps(value):
    assert answer_cell(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_codes_that_look_like_separators_are_not_mistaken_for_two():
    assert json.loads(answer_cell(['a","b'])) == ['a","b']
    assert json.loads(answer_cell(["a", "b"])) == ["a", "b"]
    assert answer_cell([]) == "[]" and answer_cell(3) == 3 and answer_cell("x") == "x"


def test_accepted_rows_store_each_list_answer_as_its_own_json_whatever_was_seen_before():
    rows = AcceptedRows(builtin_questionnaire())
    multi = rows.columns[rows.list_cells[0] - 1]
    picks = [["a_b", "c"], ["c", "a_b"], ["a_b", "c"], [["nested"], 1], ['quote"d'], ["a_b", "c"]]
    for n, value in enumerate(picks):
        rows.add({**DOCUMENT, "id": f"r{n}"}, "b" * 64, b"{}", None, {multi: value})
    cells = [row[rows.list_cells[0]] for row in rows.answers]
    assert cells == [json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in picks]


def test_remembered_list_answers_are_bounded(monkeypatch):
    monkeypatch.setattr(rows_module, "MAX_REMEMBERED_CELLS", 5)
    rows = AcceptedRows(builtin_questionnaire())
    multi = rows.columns[rows.list_cells[0] - 1]
    for n in range(50):
        rows.add({**DOCUMENT, "id": f"r{n}"}, "b" * 64, b"{}", None, {multi: [f"code{n}"]})
    assert len(rows._cells) == 5
    assert [row[rows.list_cells[0]] for row in rows.answers][-1] == '["code49"]'
