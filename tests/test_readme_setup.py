"""The README's two set-up commands, as a new user runs them: in a fresh copy, a fresh virtual environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALL_SECONDS = 600


def setup_commands() -> list[str]:
    """The commands in the fenced blocks of the README's "Set up" section, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Set up\n", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```\n(.*?)```", section, flags=re.S)]


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_second():
    commands = setup_commands()
    assert len(commands) == 2, commands
    run, tests = commands
    assert all("\n" not in command for command in commands)
    assert run.endswith("akhlak") and "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines(), "CI must run the README's test command as written"


def fresh_copy(dest: Path) -> Path:
    """The project's files as a clone holds them (no virtual environment, no build output)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: the files of a fresh clone cannot be listed")
    for name in listed.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the POSIX form of the command, in a pseudo-terminal")
def test_readme_first_command_installs_and_opens_the_survey_app(tmp_path):
    """Run literally, the first command installs into a new .venv and shows the home screen."""
    pexpect = pytest.importorskip("pexpect")
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    project = fresh_copy(tmp_path / "akhlak-tui")
    run_command = setup_commands()[0]
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update(TERM="xterm-256color", AKHLAK_HOME=str(tmp_path / "data"))
    # The python3 this test runs under stands for the machine's: put its directory first on PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    child = pexpect.spawn(
        "bash", ["-c", run_command], cwd=str(project), env=env, dimensions=(24, 80), timeout=INSTALL_SECONDS
    )
    try:
        seen = child.expect(["Latihan", "ERROR: ", pexpect.EOF])
        if seen != 0:
            output = (child.before or b"").decode(errors="replace")[-3000:]
            if "No matching distribution" in output or "Could not find a version" in output or "Errno" in output:
                pytest.skip(f"the package registry could not be reached: {output.strip().splitlines()[-1]}")
            raise AssertionError(f"the README's command did not reach the home screen:\n{output}")
        child.send("\x11")  # ctrl+q
        child.expect(pexpect.EOF, timeout=30)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    installed = project / ".venv" / "bin" / "akhlak"
    assert installed.exists()
    # The app runs from the new environment, not from this source tree.
    where = subprocess.run(
        [str(project / ".venv" / "bin" / "python"), "-c", "import akhlak_tui; print(akhlak_tui.__file__)"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert str(project / ".venv") in where.stdout, where.stdout + where.stderr
