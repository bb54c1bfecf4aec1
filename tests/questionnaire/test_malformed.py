"""A corpus of malformed questionnaires: each is refused with its one-line message and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from akhlak_tui.cli import cli

CORPUS = Path(__file__).parent.parent / "data" / "malformed"
# expected.txt: one line per file, exactly as `validate` prints it after "error: ".
EXPECTED = {
    line.split(":", 1)[0]: line
    for line in (CORPUS / "expected.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
}


def test_corpus_has_at_least_15_files_each_with_an_expectation():
    files = sorted(p.name for p in CORPUS.glob("*.toml"))
    assert len(files) >= 15
    assert sorted(EXPECTED) == files


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_file_gets_its_one_line_error_and_exit_2(name: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(CORPUS)
    result = CliRunner().invoke(cli, ["questionnaire", "validate", name])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: {EXPECTED[name]}"]
    assert "Traceback" not in result.output


def test_validate_reports_every_problem_of_a_file(tmp_path: Path, mini_path: Path):
    text = mini_path.read_text(encoding="utf-8")
    text = text.replace('scale = "agree5"\ndimension = "BP"\nlabel', 'scale = "agree7"\ndimension = "BP"\nlabel')
    text = text.replace('id = "years"', 'id = "bp1"')
    bad = tmp_path / "two.toml"
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["questionnaire", "validate", str(bad)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert any("unknown scale 'agree7'" in line for line in lines)
    assert any("duplicate item id 'bp1'" in line for line in lines)


def test_validate_in_a_real_process_exits_2_without_traceback(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe not utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "akhlak_tui", "questionnaire", "validate", str(bad)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {bad}:1: file is not UTF-8 text"
    assert "Traceback" not in proc.stderr


def test_missing_file_is_one_line(tmp_path: Path):
    result = CliRunner().invoke(cli, ["questionnaire", "validate", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.toml'}: no such file"
