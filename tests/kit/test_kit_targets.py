"""Markers are evaluated for the kit's target, not for the Python building it; bad targets are one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from akhlak_tui.kit.targets import Target, TargetError, parse_platform, targets
from akhlak_tui.kit.wheels import canonicalize_name, requirements_for

from .conftest import current_python, offline_environment

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT_DEPENDENCIES = [
    "tomli>=2.0; python_version < '3.11'",
    "zlib-ng>=0.5; platform_machine == 'x86_64' or platform_machine == 'AMD64' or platform_machine == 'aarch64' or platform_machine == 'arm64'",
    "pexpect>=4.8; sys_platform != 'win32'",
    "colorama; extra == 'win'",
]


def names_for(target: Target, extras=frozenset()) -> set[str]:
    return {canonicalize_name(r.name) for r in requirements_for(PYPROJECT_DEPENDENCIES, target.marker_environment(), set(extras))}


def test_tomli_only_for_python_3_10_whatever_python_builds_the_kit():
    assert "tomli" in names_for(Target("win_amd64", "3.10"))
    assert "tomli" not in names_for(Target("win_amd64", "3.11"))
    assert "tomli" in names_for(Target("manylinux_2_28_x86_64", "3.10"))


def test_zlib_ng_only_on_the_machines_it_has_wheels_for():
    assert "zlib-ng" in names_for(Target("win_amd64", "3.12"))
    assert "zlib-ng" in names_for(Target("manylinux_2_28_x86_64", "3.12"))
    assert "zlib-ng" not in names_for(Target("win32", "3.12"))
    assert "zlib-ng" not in names_for(Target("manylinux_2_28_i686", "3.12"))


def test_platform_markers_and_extras_follow_the_target():
    assert "pexpect" not in names_for(Target("win_amd64", "3.12"))
    assert "pexpect" in names_for(Target("manylinux_2_28_x86_64", "3.12"))
    assert "colorama" not in names_for(Target("win_amd64", "3.12"))
    assert "colorama" in names_for(Target("win_amd64", "3.12"), {"win"})


def test_a_manylinux_target_accepts_every_older_manylinux_tag():
    tags = Target("manylinux_2_28_x86_64", "3.12").pip_platforms()
    assert tags[0] == "manylinux_2_28_x86_64"
    assert {"manylinux_2_17_x86_64", "manylinux_2_5_x86_64", "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"} <= set(tags)
    assert "manylinux_2_31_x86_64" not in tags
    assert Target("manylinux_2_17_aarch64", "3.12").pip_platforms()[-1] == "manylinux2014_aarch64"
    assert Target("win_amd64", "3.12").pip_platforms() == ["win_amd64"]


def test_defaults_are_windows_and_linux_for_python_3_10_to_3_13():
    chosen = targets((), ())
    assert {t.platform for t in chosen} == {"win_amd64", "manylinux_2_28_x86_64"}
    assert sorted({t.python for t in chosen}) == ["3.10", "3.11", "3.12", "3.13"]
    assert len(chosen) == 8
    assert parse_platform("manylinux2014_x86_64") == "manylinux_2_17_x86_64"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--platform", "macosx_11_0_arm64"], "error: --platform 'macosx_11_0_arm64': not supported"),
        (["--python", "3.9"], "error: --python '3.9': give a version like 3.12 (3.10 or newer)"),
    ],
)
def test_an_unknown_target_is_one_line_and_exit_2(args, message, tmp_path):
    with pytest.raises(TargetError):
        targets((args[1],), ()) if args[0] == "--platform" else targets((), (args[1],))
    proc = subprocess.run(
        [sys.executable, "-m", "akhlak_tui", "kit", "build", "--out", str(tmp_path / "kit"), *args],
        capture_output=True, text=True, env=offline_environment(PYTHONPATH=str(ROOT / "src")),
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith(message) and proc.stderr.count("\n") == 1
    assert not (tmp_path / "kit").exists()


def test_a_dependency_without_a_wheel_for_the_platform_stops_the_build_naming_it(tmp_path, project_wheel, local_wheelhouse):
    """The local wheelhouse has Linux wheels only: a Windows kit cannot be made from it."""
    proc = subprocess.run(
        [sys.executable, "-m", "akhlak_tui", "kit", "build", "--out", str(tmp_path / "kit"), "--platform", "win_amd64",
         "--python", current_python(), "--wheel", str(project_wheel), "--no-index", "--find-links", str(local_wheelhouse)],
        capture_output=True, text=True, env=offline_environment(PYTHONPATH=str(ROOT / "src")),
    )  # fmt: skip
    assert proc.returncode == 1
    [line] = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith("error: no wheel of ") and f"for win_amd64 Python {current_python()}" in line
    assert any(name in line for name in ("msgspec", "pynacl", "zlib-ng")), line
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "kit").exists(), "a failed build leaves no half kit behind"


def test_a_survey_package_that_does_not_verify_stops_the_build_before_anything_is_fetched(tmp_path):
    forged = tmp_path / "survei.akhlak-survey"
    forged.write_text('{"format": "something else"}', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "akhlak_tui", "kit", "build", "--out", str(tmp_path / "kit"), "--survey", str(forged)],
        capture_output=True, text=True, env=offline_environment(PYTHONPATH=str(ROOT / "src")),
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: {forged}: not a survey package") and proc.stderr.count("\n") == 1
    assert not (tmp_path / "kit").exists()


def test_a_folder_that_is_not_empty_is_never_written_into(tmp_path):
    out = tmp_path / "usb"
    out.mkdir()
    (out / "bundle-1.akhlak-bundle").write_bytes(b"keep")
    proc = subprocess.run(
        [sys.executable, "-m", "akhlak_tui", "kit", "build", "--out", str(out)],
        capture_output=True, text=True, env=offline_environment(PYTHONPATH=str(ROOT / "src")),
    )  # fmt: skip
    assert proc.returncode == 1 and proc.stderr == f"error: {out}: exists and is not an empty folder; give a new --out\n"
    assert [p.name for p in out.iterdir()] == ["bundle-1.akhlak-bundle"]
