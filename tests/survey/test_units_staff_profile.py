"""Staff-profile columns of the unit list (item:option counts): read, checked, and kept as before without them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from akhlak_tui.questionnaire.builtin import builtin_questionnaire
from akhlak_tui.questionnaire.units import Unit, UnitsError, check_staff_profile, parse_units_csv

CSV = "code,name,headcount,gender:f,gender:m,employment:pns,employment:pppk\nA1,Unit A,10,4,6,7,3\nB2,Unit B,5,,,,\nC3,Unit C,,2,1,,\n"


def test_counts_are_read_per_item_and_blank_items_are_unknown():
    a, b, c = parse_units_csv(CSV, "units.csv")
    assert a.staff == {"gender": {"f": 4, "m": 6}, "employment": {"pns": 7, "pppk": 3}}
    assert b.staff is None
    assert c.staff == {"gender": {"f": 2, "m": 1}} and c.headcount is None
    check_staff_profile([a, b, c], builtin_questionnaire(), "units.csv")


def test_a_unit_list_without_a_profile_serialises_as_before():
    assert Unit(code="A", name="B", headcount=3).model_dump() == {"code": "A", "name": "B", "headcount": 3}
    with_profile = Unit(code="A", name="B", staff={"gender": {"f": 1}})
    assert Unit(**with_profile.model_dump()) == with_profile


@pytest.mark.parametrize(
    "text, message",
    [
        ("code,name,gender\nA,a,1\n", "u.csv:1: column 3 is 'gender'"),
        ("code,name,gender:f,gender:f\nA,a,1,2\n", "u.csv:1: column 4 'gender:f' is given twice"),
        ("code,name,gender:f,gender:m\nA,a,1,\n", "u.csv:2: gender:m is blank but other gender columns are not"),
        ("code,name,gender:f\nA,a,1.5\n", "u.csv:2: gender:f '1.5' is not a whole number"),
    ],
)
def test_bad_profile_cells_name_the_row(text, message):
    with pytest.raises(UnitsError) as caught:
        parse_units_csv(text, "u.csv")
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


@given(st.lists(st.text(alphabet="0123456789-x ,:.\n\"", max_size=8), min_size=1, max_size=4))
def test_any_profile_cells_give_units_or_a_one_line_error(cells):
    text = "code,name,headcount,gender:f\nA1,Unit A," + ",".join(cells) + "\n"
    try:
        units = parse_units_csv(text, "u.csv")
    except UnitsError as exc:
        assert str(exc).startswith("u.csv:") and "\n" not in str(exc)
    else:
        assert all(all(n >= 0 for counts in (u.staff or {}).values() for n in counts.values()) for u in units)
