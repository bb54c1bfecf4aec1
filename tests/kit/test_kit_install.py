"""A kit built offline from a local wheelhouse installs with install.sh, the network unreachable, and runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from akhlak_tui.kit.verify_kit import MANIFEST_NAME, file_sha256, kit_fingerprint

from .conftest import current_python, offline_environment, without_network

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "a kit test passphrase"


def akhlak(*args: str, env: dict[str, str], cwd: Path | None = None, offline: bool = False) -> subprocess.CompletedProcess:
    """The worktree's akhlak, run as a user would (python -m akhlak_tui); `offline`: with no network."""
    env = {**env, "PYTHONPATH": str(ROOT / "src")}
    prefix = without_network() if offline else []
    return subprocess.run([*prefix, sys.executable, "-m", "akhlak_tui", *args], capture_output=True, text=True, env=env, cwd=cwd)


@pytest.fixture(scope="module")
def survey_package(tmp_path_factory) -> tuple[Path, str]:
    """A survey package signed by a fresh coordinator, and that coordinator's fingerprint."""
    base = tmp_path_factory.mktemp("coordinator")
    env = {**os.environ, "AKHLAK_HOME": str(base / "home"), "AKHLAK_PASSPHRASE": PASSPHRASE}
    init = akhlak("coordinator", "init", env=env, cwd=base)  # writes its recovery file in cwd
    assert init.returncode == 0, init.stderr
    out = base / "survei.akhlak-survey"
    create = akhlak(
        "survey", "create", "--questionnaire", str(ROOT / "questionnaires" / "berakhlak.toml"),
        "--units", str(ROOT / "questionnaires" / "sample-units.csv"), "--name", "Survei Kit", "-o", str(out), env=env, cwd=base,
    )  # fmt: skip
    assert create.returncode == 0, create.stderr
    [fingerprint] = [line.split("fingerprint", 1)[1].strip() for line in create.stdout.splitlines() if "coordinator fingerprint" in line]
    return out, fingerprint


@pytest.fixture(scope="module")
def kit(tmp_path_factory, project_wheel, local_wheelhouse, current_platform, survey_package) -> Path:
    """A kit for this machine's platform and Python, built with no index, from the local wheelhouse."""
    out = tmp_path_factory.mktemp("kit") / "akhlak-kit"
    proc = akhlak(
        "kit", "build", "--out", str(out), "--survey", str(survey_package[0]), "--platform", current_platform,
        "--python", current_python(), "--wheel", str(project_wheel), "--no-index", "--find-links", str(local_wheelhouse),
        env=offline_environment(), offline=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert f"kit fingerprint {kit_fingerprint((out / MANIFEST_NAME).read_bytes())}" in proc.stdout
    return out


def run_install(kit: Path, home: Path, *extra: str) -> subprocess.CompletedProcess:
    env = offline_environment(HOME=str(home), AKHLAK_HOME=str(home / "data"), PYTHON=sys.executable, PYTHONPATH="")
    env.pop("XDG_DATA_HOME", None)
    return subprocess.run([*without_network(), "sh", str(kit / "install.sh"), *extra], capture_output=True, text=True, env=env, cwd=home)


def test_the_manifest_lists_every_file_of_the_kit_with_its_sha256(kit: Path):
    lines = (kit / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    files = {p.relative_to(kit).as_posix() for p in kit.rglob("*") if p.is_file()} - {MANIFEST_NAME}
    assert set(listed) == files
    assert {"install.sh", "install.bat", "verify_kit.py", "kit.json", "PANDUAN-ENUMERATOR.html"} <= files
    assert all(listed[name] == file_sha256(kit / name) for name in files)
    info = json.loads((kit / "kit.json").read_text(encoding="utf-8"))
    [target] = info["targets"]
    assert target["python"] == current_python() and target["family"] == "linux_x86_64"
    assert set(target["wheels"]) == {f"wheels/{p.name}" for p in (kit / "wheels").glob("*.whl")}
    assert b"\r\n" not in (kit / "install.sh").read_bytes() and os.access(kit / "install.sh", os.X_OK)
    bat = (kit / "install.bat").read_bytes()
    assert bat.count(b"\n") == bat.count(b"\r\n") > 10  # cmd.exe wants CRLF


def test_install_sh_installs_offline_and_akhlak_status_runs(kit: Path, tmp_path: Path, survey_package):
    home = tmp_path / "home"
    home.mkdir()
    proc = run_install(kit, home, "--dir", str(home / "venv"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fingerprint = kit_fingerprint((kit / MANIFEST_NAME).read_bytes())
    assert f"Kit utuh / kit verified: {len((kit / MANIFEST_NAME).read_text().splitlines())} berkas / files, sidik kit / kit fingerprint {fingerprint}" in proc.stdout
    assert survey_package[1] in proc.stdout  # the coordinator's fingerprint, to compare
    launcher = home / ".local" / "bin" / "akhlak"
    assert launcher.is_file() and os.access(launcher, os.X_OK)
    desktop = (home / ".local" / "share" / "applications" / "akhlak.desktop").read_text()
    assert f'Exec="{home / "venv" / "bin" / "akhlak"}"' in desktop
    env = offline_environment(AKHLAK_HOME=str(home / "data"), PYTHONPATH="")
    status = subprocess.run([str(launcher), "status"], capture_output=True, text=True, env=env, cwd=home)
    assert status.returncode == 0, status.stderr
    assert "Survey:        Survei Kit" in status.stdout and "Responses:     0" in status.stdout
    where = subprocess.run(
        [str(home / "venv" / "bin" / "python"), "-c", "import akhlak_tui; print(akhlak_tui.__file__)"],
        capture_output=True, text=True, env=env, cwd=home,
    )
    assert where.stdout.startswith(str(home / "venv")), where.stdout + where.stderr


def test_an_installed_akhlak_builds_a_kit_with_its_own_wheel_rebuilt(kit: Path, tmp_path: Path, current_platform):
    home = tmp_path / "home"
    home.mkdir()
    assert run_install(kit, home, "--dir", str(home / "venv")).returncode == 0
    again = tmp_path / "again"
    env = offline_environment(AKHLAK_HOME=str(home / "data"), PYTHONPATH="")
    proc = subprocess.run(
        [*without_network(), str(home / "venv" / "bin" / "akhlak"), "kit", "build", "--out", str(again), "--platform", current_platform,
         "--python", current_python(), "--no-index", "--find-links", str(kit / "wheels")],
        capture_output=True, text=True, env=env, cwd=home,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    [built] = (kit / "wheels").glob("akhlak_tui-*.whl")
    [rebuilt] = (again / "wheels").glob("akhlak_tui-*.whl")
    assert rebuilt.name == built.name
    original, copy = zipfile.ZipFile(built), zipfile.ZipFile(rebuilt)
    assert sorted(copy.namelist()) == sorted(original.namelist())
    assert all(copy.read(n) == original.read(n) for n in original.namelist() if not n.endswith("/RECORD"))


def tampered_copy(kit: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "stick" / "akhlak-kit"
    shutil.copytree(kit, copy)
    return copy


def test_a_changed_byte_is_refused_before_anything_is_installed(kit: Path, tmp_path: Path):
    copy = tampered_copy(kit, tmp_path)
    wheel = next((copy / "wheels").glob("click-*.whl"))
    data = bytearray(wheel.read_bytes())
    data[len(data) // 2] ^= 0x01
    wheel.write_bytes(bytes(data))
    home = tmp_path / "home"
    home.mkdir()
    proc = run_install(copy, home, "--dir", str(home / "venv"))
    assert proc.returncode == 1
    assert f"GAGAL / FAILED: wheels/{wheel.name}: isinya berubah (SHA-256 tidak cocok) / was changed (SHA-256 mismatch)" in proc.stderr
    assert not (home / "venv").exists() and not (home / ".local" / "bin" / "akhlak").exists()
    verify = subprocess.run([sys.executable, "-m", "akhlak_tui", "kit", "verify", str(copy)], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert verify.returncode == 1 and verify.stderr.count("\n") == 1 and wheel.name in verify.stderr


def test_a_wheel_slipped_into_the_kit_is_refused(kit: Path, tmp_path: Path):
    copy = tampered_copy(kit, tmp_path)
    source = next((copy / "wheels").glob("click-*.whl"))
    shutil.copyfile(source, copy / "wheels" / "click-99.0-py3-none-any.whl")
    home = tmp_path / "home"
    home.mkdir()
    proc = run_install(copy, home, "--dir", str(home / "venv"))
    assert proc.returncode == 1
    assert "wheels/click-99.0-py3-none-any.whl: tidak tercantum di manifest / not in the manifest" in proc.stderr
    assert not (home / "venv").exists()


def test_install_sh_never_removes_a_folder_that_is_not_its_environment(kit: Path, tmp_path: Path):
    home = tmp_path / "home"
    precious = home / "documents"
    precious.mkdir(parents=True)
    (precious / "keep.txt").write_text("mine")
    proc = run_install(kit, home, "--dir", str(precious))
    assert proc.returncode == 1 and "is not a virtual environment" in proc.stderr
    assert (precious / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize("script", ["install.sh", "install.bat"])
def test_both_scripts_check_the_kit_first_and_install_with_no_index_only(kit: Path, script: str):
    """install.bat cannot run here; its text shows the same order and the same pip options."""
    lines = [line for line in (kit / script).read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith(("#", "rem "))]
    verify = next(i for i, line in enumerate(lines) if "verify_kit.py" in line)
    pip = [i for i, line in enumerate(lines) if " pip " in line]
    assert pip and all(i > verify for i in pip)
    assert all("install --quiet --no-index --find-links" in lines[i] and "wheels" in lines[i] for i in pip)
    assert any("PIP_NO_INDEX=1" in line for line in lines[:verify])
