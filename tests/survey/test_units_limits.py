"""Units CSV edge cases the coordinator can hit: huge or non-ASCII headcounts, control characters in
names (an unclosed quote), and files too large for a units list: each one line naming file and row."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhlak_tui.questionnaire.units import MAX_FILE_BYTES, UnitsError, load_units_csv, parse_units_csv


@pytest.mark.parametrize(
    "text, message",
    [
        ("code,name,headcount\nA1,Unit A,999999999999999999999999\n", "units.csv:2: headcount 999999999999999999999999 is more than 10,000,000"),
        ("code,name,headcount\nA1,Unit A,\u00b2\n", "units.csv:2: headcount '\u00b2' is not a positive whole number"),
        ("code,name,headcount\nA1,Unit A,\u0663\n", "units.csv:2: headcount '\u0663' is not a positive whole number"),
        ('code,name\nA1,"Unit A\nB1,Unit B\n', "units.csv:2: name has a control character (a line break from an unclosed quote?)"),
        ("code,name\nA1,Unit\x00A\n", "units.csv:2: name has a control character (a line break from an unclosed quote?)"),
    ],
)
def test_bad_rows_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(UnitsError) as caught:
        parse_units_csv(text, "units.csv")

    assert str(caught.value) == message


def test_the_largest_headcount_is_accepted() -> None:
    [unit] = parse_units_csv("code,name,headcount\nA1,Unit A,10000000\n", "units.csv")

    assert unit.headcount == 10_000_000


def test_a_file_larger_than_a_units_list_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "units.csv"
    big.write_bytes(b"code,name\n" + b"A1,x\n" * (MAX_FILE_BYTES // 5 + 1))

    with pytest.raises(UnitsError, match=r"units.csv: larger than 8 MiB; a units file is far smaller$"):
        load_units_csv(big)
