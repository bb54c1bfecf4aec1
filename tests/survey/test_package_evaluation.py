"""The survey package carries the evaluation instrument and its hash; `akhlak evaluation` takes it from there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_survey_package import resign

from akhlak_tui.cli import cli
from akhlak_tui.crypto.coordinator import init_coordinator
from akhlak_tui.crypto.protect import FAST
from akhlak_tui.evaluation.loading import builtin_instrument, load_instrument
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.builtin import builtin_file
from akhlak_tui.survey import SurveyPackageError, read_survey_package

PASS = "a long enough passphrase"
MINI = Path(__file__).resolve().parents[1] / "data" / "mini-evaluation.toml"


def test_make_package_carries_nothing_unless_asked_and_old_packages_still_read(make_coordinator, make_package):
    _, keys = make_coordinator("coord")
    package = read_survey_package(make_package(keys))
    assert package.evaluation_toml is None and package.evaluation_hash is None


def test_a_package_whose_evaluation_does_not_match_its_hash_is_refused(make_coordinator, tmp_path):
    from akhlak_tui.questionnaire.builtin import sample_units
    from akhlak_tui.survey import create_survey_package

    _, keys = make_coordinator("coord")
    package, data = create_survey_package(
        coordinator=keys, name="Uji", questionnaire_toml=builtin_file("berakhlak.toml").read_text("utf-8"),
        units=list(sample_units()), evaluation_toml=MINI.read_text("utf-8"),
    )
    assert package.evaluation_hash == load_instrument(MINI).content_hash
    path = tmp_path / package.file_name()
    path.write_bytes(data)
    assert read_survey_package(path).evaluation_hash == package.evaluation_hash
    changed = resign(path, keys, lambda b: b.update(evaluation_toml=b["evaluation_toml"].replace("weight = 3", "weight = 9")))
    with pytest.raises(SurveyPackageError, match="the evaluation does not match its stated hash"):
        read_survey_package(changed)
    alone = resign(path, keys, lambda b: b.update(evaluation_hash=None))
    with pytest.raises(SurveyPackageError, match="the evaluation and its hash must come together"):
        read_survey_package(alone)


def test_survey_create_carries_an_evaluation_and_import_uses_it(isolated_home: Path, tmp_path: Path, monkeypatch):
    init_coordinator(isolated_home, PASS, cost=FAST)
    monkeypatch.setenv("AKHLAK_PASSPHRASE", PASS)
    (tmp_path / "units.csv").write_text("code,name\nA1,Unit A\nB2,Unit B\n")
    runner = CliRunner()
    base = ["survey", "create", "--questionnaire", str(builtin_file("berakhlak.toml")), "--units", str(tmp_path / "units.csv"), "--name", "Uji"]
    default = runner.invoke(cli, [*base, "-o", str(tmp_path / "a.akhlak-survey")])
    assert default.exit_code == 0, default.output
    assert f"evaluation hash {builtin_instrument().content_hash[:12]}" in default.output
    bad = tmp_path / "bad.toml"
    bad.write_text(MINI.read_text("utf-8").replace("evaluation = 20", "evaluation = 30"))
    refused = runner.invoke(cli, [*base, "--evaluation", str(bad), "-o", str(tmp_path / "x.akhlak-survey")])
    assert refused.exit_code == 2 and "must add up to 100" in refused.stderr
    made = runner.invoke(cli, [*base, "--evaluation", str(MINI), "-o", str(tmp_path / "b.akhlak-survey")])
    assert made.exit_code == 0, made.output
    package = read_survey_package(tmp_path / "b.akhlak-survey")
    with MergedDatabase(isolated_home / "merged.db") as mdb:  # as `akhlak merge` binds it
        mdb.set_survey(package.survey_id, package.name, package.questionnaire_toml, package.units, package.created_at)
    form = tmp_path / "form.xlsx"
    made_form = runner.invoke(cli, ["evaluation", "template", "-o", str(form)])
    assert made_form.exit_code == 0 and "(2 units, 4 criteria)" in made_form.output
    (tmp_path / "form.csv").write_text("unit,criterion,level,evidence,note\n" + "".join(f"A1,{c},0,,\n" for c in ("rutin", "pakta", "agen", "inovasi")))
    result = runner.invoke(cli, ["evaluation", "import", str(tmp_path / "form.csv")])
    assert result.exit_code == 0, result.output
    assert "4 of 4 criteria" in result.output  # the package's mini instrument, not the built-in 12
    conn = sqlite3.connect(isolated_home / "merged.db")
    assert conn.execute("select content_hash from evaluation_instrument").fetchone()[0] == package.evaluation_hash
    conn.close()
