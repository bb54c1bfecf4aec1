"""The wheel ships the built-in questionnaire: installed outside the source tree, it still works."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def see_dependencies(python: Path) -> None:
    """Let the venv of `python` import the dependencies installed where the tests run (a venv
    or not), without their own .pth files: the project itself comes from the wheel alone."""
    site_dir = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site_dir) / "test-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 and "hatchling" in proc.stderr:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)], capture_output=True, text=True
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    [built] = out.glob("akhlak_tui-*.whl")
    return built


def test_wheel_contains_the_builtin_questionnaire_and_units(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    assert "akhlak_tui/builtin/berakhlak.toml" in names
    assert "akhlak_tui/builtin/sample-units.csv" in names
    assert "akhlak_tui/builtin/evaluasi.toml" in names
    packaged = zipfile.ZipFile(wheel).read("akhlak_tui/builtin/berakhlak.toml")
    assert packaged == (ROOT / "questionnaires" / "berakhlak.toml").read_bytes()


def test_installed_wheel_validates_and_shows_the_builtin_questionnaire(wheel: Path, tmp_path: Path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    see_dependencies(python)
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--force-reinstall", "-q", str(wheel)], check=True)
    akhlak = bindir / ("akhlak.exe" if os.name == "nt" else "akhlak")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "AKHLAK_HOME": str(tmp_path / "home"), "PYTHONPATH": ""}
    where = subprocess.run(
        [str(python), "-c", "import akhlak_tui.questionnaire.builtin as b; print(b.builtin_file('berakhlak.toml'))"],
        capture_output=True, text=True, cwd=elsewhere, env=env,
    )
    assert str(env_dir) in where.stdout, where.stdout + where.stderr
    show = subprocess.run([str(akhlak), "questionnaire", "show"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert show.returncode == 0, show.stderr
    assert "7 dimensions; 3 values questions" in show.stdout
    (elsewhere / "units.csv").write_text("code,name\nA1,Unit A\n")
    form = subprocess.run([str(akhlak), "evaluation", "template", "--units", "units.csv", "-o", "e.xlsx"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert form.returncode == 0, form.stderr
    assert "1 units, 12 criteria" in form.stdout  # the built-in evaluation, from the wheel
    status = subprocess.run([str(akhlak), "status"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert status.returncode == 0, status.stderr
    assert "Responses:     0" in status.stdout
