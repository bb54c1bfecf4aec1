"""docs/scoring.md's worked example of culture per unit: entropy and the gap now-wanted per value,
per unit and for everyone. The test builds the documented data and recomputes the documented numbers."""

from __future__ import annotations

import json
from pathlib import Path

from merged_fixtures import build_merged, value_at
from test_worked_example import doc_block

from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring import score_merged

TOML = (Path(__file__).parent / "worked_example.toml").read_text("utf-8")
WANTED = """
[[sections.items]]
id = "values_wanted"
type = "multi"
label = { id = "Budaya instansi yang diharapkan", en = "The culture wanted" }
options = [
  { code = "jujur", label = { id = "Jujur", en = "Honest" }, tags = ["AK"] },
  { code = "ramah", label = { id = "Ramah", en = "Friendly" }, tags = ["BP"] },
  { code = "silo", label = { id = "Kerja silo", en = "Silo working" }, tags = ["limiting"] },
  { code = "otoriter", label = { id = "Otoriter", en = "Authoritarian" }, tags = ["limiting"] },
]
"""
UNITS = [Unit(code="U1", name="Unit Satu", headcount=10), Unit(code="U2", name="Unit Dua", headcount=4)]


def test_doc_culture_example_is_recomputed(tmp_path):
    toml = TOML.replace('current = "values_now"', 'current = "values_now"\ndesired = "values_wanted"') + WANTED
    rows = doc_block("culture-example-data")
    people = [{"unit": unit, "gender": "f", "values_now": now.split(), "values_wanted": wanted.split()} for _, unit, now, wanted in rows]
    assert len(people) == 6
    with build_merged(tmp_path / "merged.db", toml, UNITS, people) as mdb:
        report = json.loads(score_merged(mdb).model_dump_json())
    for key, value in doc_block("culture-example-results"):
        assert str(value_at(report, key)) == value, key


def test_a_unit_hidden_in_the_scores_shows_no_culture(tmp_path):
    people = [{"unit": "U1", "values_now": ["jujur"]}] * 4 + [{"unit": "U2", "values_now": ["silo"]}] * 2
    with build_merged(tmp_path / "merged.db", TOML, UNITS, people) as mdb:
        report = score_merged(mdb)
    units = {u.code: u for u in report.culture_units}
    assert units["U2"].status == "suppressed" and units["U2"].entropy is None and units["U2"].top_current == []
    assert units["U1"].status == "suppressed" and units["U1"].suppression == "complementary"
