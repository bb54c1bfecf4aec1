"""With no passphrase given and no terminal to ask on, every command that needs one stops: one line, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from akhlak_tui.crypto.coordinator import init_coordinator
from akhlak_tui.crypto.protect import FAST
from akhlak_tui.questionnaire.builtin import BUILTIN_QUESTIONNAIRE, SAMPLE_UNITS, builtin_file

PASS = "correct horse battery staple"


def run(data_dir: Path, args: list[str], stdin: int | str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AKHLAK_PASSPHRASE", "AKHLAK_RECOVERY_CODE")}
    options = {"input": stdin} if isinstance(stdin, str) else {"stdin": stdin}
    return subprocess.run(
        [sys.executable, "-m", "akhlak_tui", "--data-dir", str(data_dir), *args],
        env=env, capture_output=True, text=True, timeout=120, **options,
    )


@pytest.fixture
def coordinator(tmp_path: Path) -> tuple[Path, Path]:
    """A coordinator data dir with keys, and its recovery file."""
    home = tmp_path / "coordinator"
    made = init_coordinator(home, PASS, cost=FAST)
    recovery = tmp_path / "recovery.json"
    recovery.write_text(made.recovery_text)
    return home, recovery


COMMANDS = {
    "coordinator init": lambda tmp, rec: ["coordinator", "init", "--recovery-file", str(tmp / "new-recovery.json")],
    "coordinator recover": lambda tmp, rec: ["coordinator", "recover", str(rec)],
    "survey create": lambda tmp, rec: [
        "survey", "create", "--questionnaire", str(builtin_file(BUILTIN_QUESTIONNAIRE)), "--units", str(builtin_file(SAMPLE_UNITS)),
        "--name", "Survei", "-o", str(tmp / "s.akhlak-survey"),
    ],
    "merge": lambda tmp, rec: ["merge", str(tmp)],
    "demo": lambda tmp, rec: ["demo", "--devices", "1", "--responses", "1", "--out", str(tmp / "bundles")],
}


@pytest.mark.parametrize("stdin", [subprocess.DEVNULL, ""], ids=["stdin-devnull", "stdin-empty-pipe"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_passphrase_and_no_terminal_is_one_line_and_exit_2(coordinator, tmp_path: Path, command: str, stdin) -> None:
    home, recovery = coordinator
    if command == "merge":
        (tmp_path / "x.akhlak-bundle").write_bytes(b"PK\x03\x04")  # the passphrase is asked before any bundle is read
    data_dir = tmp_path / "fresh" if command in ("coordinator init", "coordinator recover", "demo") else home

    result = run(data_dir, COMMANDS[command](tmp_path, recovery), stdin)

    assert result.returncode == 2, result.stderr
    assert "Aborted" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    what = "the recovery code" if command == "coordinator recover" else "the passphrase"
    assert result.stderr.startswith(f"error: {what} is needed and there is no terminal to ask on: give ")
    assert not (tmp_path / "fresh" / "coordinator" / "keys.json").exists()


def test_a_passphrase_in_the_environment_needs_no_terminal(coordinator, tmp_path: Path) -> None:
    home, _ = coordinator
    result = subprocess.run(
        [sys.executable, "-m", "akhlak_tui", "--data-dir", str(home), "survey", "create", "--questionnaire", str(builtin_file(BUILTIN_QUESTIONNAIRE)),
         "--units", str(builtin_file(SAMPLE_UNITS)), "--name", "Survei", "-o", str(tmp_path / "s.akhlak-survey")],
        env=dict(os.environ, AKHLAK_PASSPHRASE=PASS), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s.akhlak-survey").is_file()
