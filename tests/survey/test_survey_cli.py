"""`akhlak survey create|install|list|activate` run as a user would (CliRunner)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from akhlak_tui.cli import cli
from akhlak_tui.crypto.coordinator import init_coordinator
from akhlak_tui.crypto.protect import FAST
from akhlak_tui.questionnaire.builtin import builtin_file

PASS = "a long enough passphrase"


@pytest.fixture
def coordinator_home(isolated_home: Path, monkeypatch) -> Path:
    init_coordinator(isolated_home, PASS, cost=FAST)
    monkeypatch.setenv("AKHLAK_PASSPHRASE", PASS)
    return isolated_home


def create(tmp_path: Path, units: str, *extra: str):
    (tmp_path / "units.csv").write_text(units)
    return CliRunner().invoke(
        cli,
        ["survey", "create", "--questionnaire", str(builtin_file("berakhlak.toml")), "--units", str(tmp_path / "units.csv"),
         "--name", "Survei Uji", "-o", str(tmp_path / "uji.akhlak-survey"), *extra],
    )


def test_create_install_list_activate(coordinator_home: Path, tmp_path: Path):
    result = create(tmp_path, "code,name,headcount\nA1,Unit A,10\nB2,Unit B,\n")
    assert result.exit_code == 0, result.output
    assert "2 units" in result.output and "copy kept in" in result.output
    laptop = ["--data-dir", str(tmp_path / "laptop")]
    runner = CliRunner()
    installed = runner.invoke(cli, [*laptop, "survey", "install", str(tmp_path / "uji.akhlak-survey")])
    assert installed.exit_code == 0, installed.output
    fingerprint = runner.invoke(cli, ["coordinator", "show"]).output.splitlines()[0].split(": ")[1]
    assert f"Coordinator: {fingerprint}" in installed.output and "Survei Uji" in installed.output

    listed = runner.invoke(cli, [*laptop, "survey", "list"])
    assert listed.output.startswith("* ") and "Survei Uji" in listed.output
    practice = runner.invoke(cli, [*laptop, "survey", "activate", "--practice"])
    assert practice.exit_code == 0 and "practice" in practice.output
    assert runner.invoke(cli, [*laptop, "survey", "list"]).output.startswith("  ")
    survey_id = listed.output.split()[1]
    again = runner.invoke(cli, [*laptop, "survey", "activate", survey_id])
    assert again.exit_code == 0 and survey_id in again.output


@pytest.mark.parametrize(
    "units, message",
    [
        ("code,name\nA1,Unit A\nA1,Unit B\n", "units.csv:3: duplicate code 'A1' (first on row 2)"),
        ("code,name\nA1,Unit A,9\n", "units.csv:2: expected 2 columns, found 3"),
        ("code,name,headcount\nA1,Unit A,-4\n", "units.csv:2: headcount '-4' is not a positive whole number"),
        ("code,name,headcount,employment:pns,employment:pppk\nA1,Unit A,10,8,x\n", "units.csv:2: employment:pppk 'x' is not a whole number from 0 to 10,000,000"),
        ("code,name,headcount,employment:pns,employment:pppk\nA1,Unit A,10,8,5\n", "units.csv:2: the employment counts add up to 13, more than the headcount 10"),
        ("code,name,gender:f,gender:q\nA1,Unit A,3,4\n", "units.csv:1: column gender:q: item 'gender' has no option 'q' (its options: f, m, x)"),
        ("code,name,rank:a\nA1,Unit A,3\n", "units.csv:1: column rank:a: the questionnaire has no single-choice item 'rank'"),
    ],
)
def test_malformed_units_csv_is_one_line_naming_the_row(coordinator_home: Path, tmp_path: Path, units: str, message: str):
    result = create(tmp_path, units)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and lines[0].endswith(message)
    assert not (tmp_path / "uji.akhlak-survey").exists()


def test_wrong_passphrase_and_no_coordinator(isolated_home: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("AKHLAK_PASSPHRASE", PASS)
    result = create(tmp_path, "code,name\nA1,Unit A\n")
    assert result.exit_code == 1 and "no coordinator keys here" in result.output
    init_coordinator(isolated_home, PASS, cost=FAST)
    (tmp_path / "pass.txt").write_text("not the passphrase\n")
    result = create(tmp_path, "code,name\nA1,Unit A\n", "--passphrase-file", str(tmp_path / "pass.txt"))
    assert result.exit_code == 1 and result.output.strip().endswith("wrong passphrase")


def test_installing_a_tampered_package_fails_cleanly(coordinator_home: Path, tmp_path: Path):
    create(tmp_path, "code,name\nA1,Unit A\n")
    package = tmp_path / "uji.akhlak-survey"
    package.write_text(package.read_text().replace("Unit A", "Unit X"))
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "laptop"), "survey", "install", str(package)])
    assert result.exit_code == 1
    assert "the signature does not verify" in result.output and "Traceback" not in result.output


def test_import_keeps_a_package_of_this_coordinator_and_refuses_others(coordinator_home: Path, tmp_path: Path):
    """`survey import`: the coordinator's own package (after recovery), never another's, never over other content."""
    from akhlak_tui.survey.library import surveys_dir

    assert create(tmp_path, "code,name\nA1,Unit A\n").exit_code == 0
    package = tmp_path / "uji.akhlak-survey"
    kept = next(surveys_dir(coordinator_home).iterdir())
    kept.unlink()  # as on a new computer: keys recovered, survey copies gone
    runner = CliRunner()

    imported = runner.invoke(cli, ["survey", "import", str(package)])
    assert imported.exit_code == 0, imported.output
    assert kept.read_bytes() == package.read_bytes() and "kept in" in imported.output

    (tmp_path / "other").mkdir()
    other = runner.invoke(cli, ["--data-dir", str(tmp_path / "other"), "survey", "import", str(package)])
    assert other.exit_code == 1 and "no coordinator keys here; restore them first" in other.output
    init_coordinator(tmp_path / "other", PASS, cost=FAST)
    refused = runner.invoke(cli, ["--data-dir", str(tmp_path / "other"), "survey", "import", str(package)])
    assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1
    assert "not by this coordinator" in refused.output and "only a package this coordinator made can be imported" in refused.output
    assert not surveys_dir(tmp_path / "other").exists()

    damaged = tmp_path / "damaged.akhlak-survey"
    damaged.write_bytes(package.read_bytes().replace(b"Survei Uji", b"Survei Ujx"))
    assert "the signature does not verify" in runner.invoke(cli, ["survey", "import", str(damaged)]).output

    kept.write_bytes(kept.read_bytes().replace(b"\n", b" \n"))  # another file for the same survey id
    clash = runner.invoke(cli, ["survey", "import", str(package)])
    assert clash.exit_code == 1 and "is kept here already with other content" in clash.output
