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


def test_votes_too_few_of_those_left_out_gave_are_hidden(tmp_path, monkeypatch):
    """Four of U2's responses are left out (as --exclude-flagged would), but only one of them
    answered "organisation now": comparing U2's culture, or everyone's values, with the report
    counting everyone would give that one person's picks away, so both are hidden; U1 lost none."""
    from akhlak_tui.scoring import trust_figures

    def leave_out_men(conn, thresholds, flags):
        return [], "response_id NOT IN (SELECT response_id FROM answers WHERE gender = 'm')"

    monkeypatch.setattr(trust_figures, "exclusion", leave_out_men)
    people = [{"unit": "U1", "gender": "f", "values_now": ["jujur", "silo"]}] * 6
    people += [{"unit": "U2", "gender": "f", "values_now": ["ramah"]}] * 5
    people += [{"unit": "U2", "gender": "m", "values_now": ["otoriter"]}] + [{"unit": "U2", "gender": "m", "values_now": []}] * 3
    with build_merged(tmp_path / "merged.db", TOML, UNITS, people) as mdb:
        full = score_merged(mdb)
        left = score_merged(mdb, exclude_flagged=["speeding"])
    assert full.values.status == "shown" and {u.code: u.status for u in full.culture_units} == {"U1": "shown", "U2": "shown"}
    assert left.breakdown("unit").groups[1].status == "shown"  # U2 lost 4: enough to show its scores
    assert left.values.status == "suppressed"  # one of those left out answered it, in all
    culture = {u.code: u for u in left.culture_units}
    assert culture["U2"].status == "suppressed" and culture["U2"].suppression == "left_out"
