"""docs/scoring.md's composite worked example, recomputed; units without evaluation; entered numbers."""

from __future__ import annotations

import json
from pathlib import Path

from merged_fixtures import build_merged
from test_worked_example import DATA, TOML, UNITS, answers, doc_block

from akhlak_tui.evaluation.loading import load_instrument
from akhlak_tui.evaluation.store import EvaluationStore
from akhlak_tui.scoring import score_merged

MINI = Path(__file__).resolve().parents[1] / "data" / "mini-evaluation.toml"
LEVELS = {
    "U1": {"rutin": 50, "pakta": 100, "agen": 50, "inovasi": 0},
    "U2": {"rutin": 100, "pakta": 100, "agen": 100, "inovasi": 50},
}


def merged(path: Path):
    """The worked example's survey with min_group_size 2, so that U1's Akuntabel (answered by two)
    and so its survey index are shown (docs/scoring.md)."""
    submitted = [answers(r) for r in DATA if r[0] == "submitted"]
    mdb = build_merged(path, TOML.replace("min_group_size = 3", "min_group_size = 2"), UNITS, submitted)
    store = EvaluationStore(mdb.db)
    store.bind(MINI.read_text("utf-8"), load_instrument(MINI))
    return mdb, store


def lookup(evaluation: dict, key: str):
    parts = key.split(".")
    row = evaluation["organisation"] if parts[0] == "organisation" else next(u for u in evaluation["units"] if u["code"] == parts[0])
    if parts[1] == "stage":
        return next(s["score"] for s in row["stages"] if s["id"] == parts[2])
    return row[parts[1]]


def test_doc_shows_the_levels_the_test_verifies():
    rows = [[unit, *(str(v) for v in levels.values())] for unit, levels in LEVELS.items()]
    assert doc_block("composite-example-data") == rows


def test_doc_composite_results_are_recomputed(tmp_path: Path):
    mdb, store = merged(tmp_path / "merged.db")
    for criterion, level in LEVELS["U1"].items():
        store.verify("U1", criterion, level, "checked")
    before = json.loads(score_merged(mdb).model_dump_json())["evaluation"]
    for criterion, level in LEVELS["U2"].items():
        store.verify("U2", criterion, level, "checked")
    after = json.loads(score_merged(mdb).model_dump_json())["evaluation"]
    mdb.close()
    for key, value in doc_block("composite-example-results"):
        if key.startswith("before."):
            assert str(lookup(before, key[len("before."):])) == value, key
        else:
            assert str(lookup(after, key)) == value, key
    assert (after["weight_survey"], after["weight_evaluation"]) == (80, 20)


def test_unit_without_verified_evaluation_is_survey_only_never_a_made_up_composite(tmp_path: Path):
    mdb, store = merged(tmp_path / "merged.db")
    store.verify("U1", "rutin", 100, "only one criterion")
    ev = score_merged(mdb).evaluation
    mdb.close()
    u1, u2 = ev.units
    assert (u1.evaluation_status, u1.basis, u1.evaluation_index, u1.index) == ("in_review", "survey_only", None, 58.3)
    assert u1.stages[0].score is None  # internalisasi still has pakta unverified
    assert (u2.evaluation_status, u2.basis, u2.index, u2.category) == ("missing", "survey_only", 63.3, "B")
    assert ev.organisation.basis == "survey_only" and ev.organisation.evaluation_index is None
    assert ev.organisation.units_verified == 0


def test_a_database_without_evaluation_reports_none(tmp_path: Path):
    submitted = [answers(r) for r in DATA if r[0] == "submitted"]
    with build_merged(tmp_path / "merged.db", TOML, UNITS, submitted) as mdb:
        assert score_merged(mdb).evaluation is None
        assert not mdb.db["evaluation_instrument"].exists()


def test_suppressed_unit_gets_no_composite(tmp_path: Path):
    submitted = [answers(r) for r in DATA if r[0] == "submitted"][:5]  # U2 keeps 2 respondents: suppressed
    mdb = build_merged(tmp_path / "merged.db", TOML, UNITS, submitted)
    store = EvaluationStore(mdb.db)
    store.bind(MINI.read_text("utf-8"), load_instrument(MINI))
    for unit, levels in LEVELS.items():
        for criterion, level in levels.items():
            store.verify(unit, criterion, level)
    u2 = score_merged(mdb).evaluation.units[1]
    mdb.close()
    assert (u2.survey_status, u2.basis, u2.survey_index, u2.index) == ("suppressed", "suppressed", None, None)
    assert u2.evaluation_index == 91.7


def test_entered_organisation_numbers_say_where_they_came_from(tmp_path: Path):
    mdb, store = merged(tmp_path / "merged.db")
    store.set_organisation("survey_index", 78.0, "KemenPAN-RB 2025")
    store.set_organisation("evaluation_index", 60.0, "evaluasi Inspektorat")
    org = score_merged(mdb).evaluation.organisation
    mdb.close()
    assert (org.survey_index, org.survey_source, org.evaluation_source) == (78.0, "KemenPAN-RB 2025", "evaluasi Inspektorat")
    assert (org.basis, org.index, org.category) == ("composite", 74.4, "B")  # 0.8 x 78 + 0.2 x 60 = 74.4
