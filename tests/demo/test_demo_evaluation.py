"""`akhlak demo` fills in a verified evaluation for its units: after `akhlak merge` the report has a composite index."""

from __future__ import annotations

import json
import sqlite3
from fractions import Fraction

from click.testing import CliRunner

from akhlak_tui.cli import cli
from akhlak_tui.scoring.formulas import exact, round_half_up


def test_demo_then_merge_gives_a_composite_index(tmp_path, isolated_home, monkeypatch):
    monkeypatch.setenv("AKHLAK_PASSPHRASE", "a demo passphrase for tests")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (["demo", "--devices", "1", "--responses", "60", "--workers", "1"], ["merge", "demo-bundles"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    ev = json.loads(runner.invoke(cli, ["report", "--format", "json"]).output)["evaluation"]
    org = ev["organisation"]
    assert org["basis"] == "composite" and org["units_verified"] == org["units_total"] == 16
    survey = exact(json.loads(runner.invoke(cli, ["report", "--format", "json"]).output)["overall"]["index_exact"])
    evaluation = sum(exact(u["evaluation_index_exact"]) for u in ev["units"]) / 16
    composite = Fraction(80, 100) * survey + Fraction(20, 100) * evaluation
    assert org["index"] == round_half_up(composite)
    assert {u["evaluation_status"] for u in ev["units"]} == {"verified"}
    assert "verified: 16" in runner.invoke(cli, ["evaluation", "status"]).output


def test_demo_again_leaves_the_evaluation_as_it_is(tmp_path, isolated_home, monkeypatch):
    monkeypatch.setenv("AKHLAK_PASSPHRASE", "a demo passphrase for tests")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["demo", "--devices", "1", "--responses", "5", "--workers", "1"]
    assert runner.invoke(cli, args).exit_code == 0
    count = sqlite3.connect(isolated_home / "merged.db").execute("select count(*) from evaluation_history").fetchone()[0]
    again = runner.invoke(cli, args)
    assert again.exit_code == 0 and "Evaluation: already in" in again.output
    assert sqlite3.connect(isolated_home / "merged.db").execute("select count(*) from evaluation_history").fetchone()[0] == count
