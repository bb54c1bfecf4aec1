"""`akhlak demo` run as a command: a coordinator and survey when there is none, real bundles, merge right after."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from akhlak_tui.bundle.reader import read_bundle
from akhlak_tui.cli import cli
from akhlak_tui.crypto.coordinator import has_coordinator, unlock_coordinator
from akhlak_tui.demo.generate import demo_survey_id
from akhlak_tui.survey import coordinator_surveys

PASSPHRASE = "a demo passphrase"


def akhlak(*args: str, passphrase: str = PASSPHRASE):
    return CliRunner().invoke(cli, list(args), env={"AKHLAK_PASSPHRASE": passphrase}, catch_exceptions=False)


def test_demo_sets_up_a_coordinator_and_writes_bundles_that_merge(isolated_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "stick"

    made = akhlak("demo", "--devices", "3", "--responses", "4", "--bundles", "2", "--out", str(out), "--seed", "5")

    assert made.exit_code == 0, made.output
    assert "Demo coordinator made in" in made.output and "recovery code" in made.output
    assert has_coordinator(isolated_home)
    keys = unlock_coordinator(isolated_home, PASSPHRASE)
    assert set(coordinator_surveys(isolated_home)) == {demo_survey_id(5)}
    files = sorted(out.glob("*.akhlak-bundle"))
    assert len(files) == 6
    opened = read_bundle(files[0], coordinator=keys)
    assert opened.manifest.survey_id == demo_survey_id(5) and opened.manifest.counts.records == 2
    merged = akhlak("merge", str(out), "--json")
    assert merged.exit_code == 0, merged.output
    assert json.loads(merged.output)["totals"]["accepted"] == 12

    again = akhlak("demo", "--devices", "3", "--responses", "4", "--bundles", "2", "--out", str(tmp_path / "again"), "--seed", "5")

    assert again.exit_code == 0 and "Using the coordinator in" in again.output
    assert set(coordinator_surveys(isolated_home)) == {demo_survey_id(5)}
    replay = json.loads(akhlak("merge", str(tmp_path / "again"), "--json").output)
    assert replay["totals"]["duplicates"] == 12 and replay["totals"]["accepted"] == 0
    wrong = akhlak("demo", "--out", str(tmp_path / "x"), passphrase="not the passphrase")
    assert wrong.exit_code == 1 and "wrong passphrase" in wrong.output
