"""Every file of answers the coordinator writes (`data export`, `report -o`) is readable by its owner only."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from akhlak_tui.cli import cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="file modes are POSIX (docs/security.md says what applies on Windows)")


@pytest.fixture(params=[0o000, 0o022], ids=["umask-000", "umask-022"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under a umask that would leave new files open to everyone (0o000) and the usual one."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def written(directory: Path) -> dict[str, int]:
    """Name -> mode of every file in `directory` (no temporary file may be left)."""
    return {p.name: mode(p) for p in directory.iterdir()}


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["data", "export"], ["out.csv", "out-codebook.csv"]),
        (["data", "export", "--format", "xlsx"], ["out.xlsx"]),
        (["data", "export", "--format", "sav"], ["out.sav", "out-sav-codebook.csv"]),
        (["data", "export", "--format", "dta"], ["out.dta", "out-dta-codebook.csv"]),
        (["report", "--format", "table"], ["out.txt"]),
        (["report", "--format", "json"], ["out.json"]),
        (["report", "--format", "html"], ["out.html"]),
        (["report", "--format", "xlsx"], ["out.xlsx"]),
        (["report", "--format", "csv"], ["out.csv"]),
    ],
    ids=["data-csv", "data-xlsx", "data-sav", "data-dta", "report-table", "report-json", "report-html", "report-xlsx", "report-csv"],
)
def test_exports_are_created_owner_only(survey_db: Path, tmp_path: Path, umask: int, args: list[str], names: list[str]) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / names[0]

    result = CliRunner().invoke(cli, [*args, "--db", str(survey_db), "-o", str(target)])

    assert result.exit_code == 0, result.output
    modes = written(out_dir)
    assert set(names) <= set(modes)
    if args[-1] == "csv" and args[0] == "report":
        assert len(modes) > 1  # one file per table, each of them checked
    assert modes == dict.fromkeys(modes, 0o600)


def test_an_export_over_a_world_readable_file_leaves_it_owner_only(survey_db: Path, tmp_path: Path, umask: int) -> None:
    target = tmp_path / "laporan.html"
    target.write_text("an earlier report")
    target.chmod(0o644)

    result = CliRunner().invoke(cli, ["report", "--format", "html", "--db", str(survey_db), "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert mode(target) == 0o600 and "an earlier report" not in target.read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
