"""An output file that cannot be written (-o under a regular file) is one line naming it, exit 1, in
every report format and in `data export`; no partial file is left."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from akhlak_tui.cli import cli


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--format", "table"),
        ("report", "--format", "json"),
        ("report", "--format", "csv"),
        ("report", "--format", "xlsx"),
        ("report", "--format", "html"),
        ("data", "export", "--format", "csv"),
        ("data", "export", "--format", "xlsx"),
    ],
)
def test_an_unwritable_output_is_one_line_exit_1(small_db: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    blocker = tmp_path / "out" / "not-a-dir"
    blocker.parent.mkdir()
    blocker.write_text("x", encoding="utf-8")
    target = blocker / f"out.{'txt' if args[-1] == 'table' else args[-1]}"  # an extension that matches --format

    result = CliRunner().invoke(cli, [*args, "--db", str(small_db), "-o", str(target)])

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"error: {target}: cannot write: Not a directory"]
    assert [p.name for p in blocker.parent.iterdir()] == ["not-a-dir"]
