"""docs/scoring.md's worked example: the test builds the data set, checks the doc shows that data,
and recomputes every number of the doc's results table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from merged_fixtures import build_merged, value_at

from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring import score_merged

HERE = Path(__file__).parent
DOC = HERE.parents[1] / "docs" / "scoring.md"
TOML = (HERE / "worked_example.toml").read_text("utf-8")
UNITS = [Unit(code="U1", name="Unit Satu", headcount=10), Unit(code="U2", name="Unit Dua", headcount=4)]

# (status, unit, gender, bp1, bp2, ak1, organisation now)
DATA = [
    ("submitted", "U1", "f", 5, 1, 4, ["jujur", "ramah"]),
    ("submitted", "U1", "f", 4, 2, 3, ["jujur", "silo"]),
    ("submitted", "U1", "m", 3, 4, 9, ["silo"]),
    ("submitted", "U2", "f", 2, 5, 2, ["otoriter", "silo"]),
    ("submitted", "U2", "m", 4, 9, 5, ["ramah"]),
    ("submitted", "U2", "f", 5, 2, 4, ["jujur", "ramah", "silo"]),
    ("abandoned", "U1", "m", 1, 5, 1, ["otoriter"]),
]


def answers(row: tuple) -> dict:
    _, unit, gender, bp1, bp2, ak1, now = row
    return {"unit": unit, "gender": gender, "bp1": bp1, "bp2": bp2, "ak1": ak1, "values_now": now}


def doc_block(name: str) -> list[list[str]]:
    text = DOC.read_text("utf-8")
    block = re.search(rf"<!-- {name} -->\n(.*?)<!-- /{name} -->", text, re.S)
    assert block, f"docs/scoring.md has no {name} block"
    lines = [line for line in block.group(1).strip().splitlines()[2:]]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]


def data_rows() -> list[list[str]]:
    return [
        [str(i), status, unit, gender, str(bp1), str(bp2), str(ak1), " ".join(now)]
        for i, (status, unit, gender, bp1, bp2, ak1, now) in enumerate(DATA, start=1)
    ]


def test_doc_shows_the_data_set_the_test_builds():
    assert doc_block("worked-example-data") == data_rows()


@pytest.mark.parametrize("method", ["percent_favourable", "mean_scaled"])
def test_doc_results_are_recomputed(method, tmp_path):
    toml = TOML.replace('method = "percent_favourable"', f'method = "{method}"')
    submitted = [answers(r) for r in DATA if r[0] == "submitted"]
    abandoned = [answers(r) for r in DATA if r[0] == "abandoned"]
    with build_merged(tmp_path / "merged.db", toml, UNITS, submitted, abandoned) as mdb:
        report = json.loads(score_merged(mdb).model_dump_json())
    expected = [(key, value) for m, key, value in doc_block("worked-example-results") if m == method]
    assert expected, f"no {method} rows in the doc"
    for key, value in expected:
        assert str(value_at(report, key)) == value, key
