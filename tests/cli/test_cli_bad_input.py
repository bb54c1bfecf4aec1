"""Bad input on the command line: one line `error: ...` naming the file, place and problem, a non-zero
exit, never a usage block or a traceback, and no prompt before a bad file is noticed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from akhlak_tui.cli import cli


def akhlak(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, prog_name="akhlak")


def one_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize(
    "args, expected",
    [
        (("--data-dir", "{file}", "status"), "error: akhlak: Invalid value for '--data-dir': Directory '{file}' is a file."),
        (("survey", "install", "{dir}"), "error: akhlak survey install: Invalid value for 'FILE': File '{dir}' is a directory."),
        (("merge", "x", "--workers", "99999999999999999999"), "error: akhlak merge: Invalid value for '--workers': 99999999999999999999 is not in the range 1<=x<=32."),
        (("report", "--format", "pdf"), "error: akhlak report: Invalid value for '--format': 'pdf' is not one of"),
        (("survey", "create"), "error: akhlak survey create: Missing option '--questionnaire'."),
        (("no-such-command",), "error: akhlak: No such command 'no-such-command'."),
        (("merge", "--receipts"), "error: akhlak merge: Option '--receipts' requires an argument. (see `akhlak merge --help`)"),
        (("report", "--weight"), "error: akhlak report: Option '--weight' requires an argument. (see `akhlak report --help`)"),
        (("data", "export", "-o"), "error: akhlak data export: Option '-o' requires an argument. (see `akhlak data export --help`)"),
    ],
)
def test_usage_errors_are_one_line_naming_the_command_and_exit_2(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    a_file, a_dir = tmp_path / "units.csv", tmp_path / "folder"
    a_file.write_text("code,name\n", encoding="utf-8")
    a_dir.mkdir()
    fill = {"file": str(a_file), "dir": str(a_dir)}

    result = akhlak(*(arg.format(**fill) for arg in args))

    assert result.exit_code == 2
    line = one_line(result)
    assert line.startswith(expected.format(**fill)) and line.endswith("--help`)")


def test_a_group_without_a_command_still_shows_its_help() -> None:
    result = akhlak("survey")

    assert result.exit_code == 2 and "Commands:" in result.output and "install" in result.output


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "no such file"),
        (b"\xb1\x00garbage", "not readable as a key file"),
        (b'{"format": "akhlak-coordinator-keys"}', "not an akhlak-coordinator-recovery file"),
    ],
)
def test_recover_refuses_a_bad_recovery_file_before_asking_for_the_code(tmp_path: Path, content: bytes | None, expected: str) -> None:
    recovery = tmp_path / "recovery.json"
    if content is not None:
        recovery.write_bytes(content)

    result = akhlak("coordinator", "recover", str(recovery))

    assert result.exit_code == 1
    assert "Recovery code" not in result.output
    assert one_line(result).startswith(f"error: {recovery}: {expected}")


@pytest.mark.skipif(not Path("/dev/zero").exists() or os.name == "nt", reason="needs an endless device file")
@pytest.mark.parametrize(
    "args",
    [
        ("survey", "install", "/dev/zero"),
        ("coordinator", "recover", "/dev/zero"),
        ("coordinator", "init", "--passphrase-file", "/dev/zero"),
        ("questionnaire", "validate", "/dev/zero"),
        ("device", "enrol", "/dev/zero"),
        ("survey", "create", "--questionnaire", "questionnaires/berakhlak.toml", "--units", "/dev/zero", "--name", "X", "-o", "{tmp}/x"),
    ],
)
def test_an_endless_file_is_refused_after_a_bounded_read(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = akhlak(*(arg.format(tmp=tmp_path) for arg in args), env={"AKHLAK_PASSPHRASE": "a long enough passphrase"})

    assert result.exit_code != 0
    line = one_line(result)
    assert line.startswith("error: /dev/zero: ") and "larger than" in line


