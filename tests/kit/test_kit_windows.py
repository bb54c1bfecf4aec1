"""A kit built for 64-bit Windows lists, for each Python, a wheel of every dependency, in its manifest.

The wheels come from the package index, so this runs only when the index is reachable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from akhlak_tui.kit.targets import DEFAULT_PYTHONS, Target
from akhlak_tui.kit.verify_kit import MANIFEST_NAME, file_sha256, verify_kit
from akhlak_tui.kit.wheels import Requirement, canonicalize_name, read_wheel, requirements_for

from .conftest import index_reachable

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def windows_kit(tmp_path_factory) -> Path:
    if not index_reachable():
        pytest.skip("the package index (pypi.org) is unreachable: the Windows wheels cannot be fetched")
    out = tmp_path_factory.mktemp("windows") / "kit"
    proc = subprocess.run(
        [sys.executable, "-m", "akhlak_tui", "kit", "build", "--out", str(out), "--platform", "win_amd64"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return out


def compatible(tags: set[tuple[str, str, str]], python: str) -> bool:
    """A wheel tag CPython `python` on 64-bit Windows installs."""
    minor = int(python.split(".")[1])
    for interpreter, abi, platform in tags:
        if platform not in ("any", "win_amd64"):
            continue
        if abi == "none" and interpreter in ("py3", f"py3{minor}", f"cp3{minor}"):
            return True
        if abi == f"cp3{minor}" and interpreter == f"cp3{minor}":
            return True
        if abi == "abi3" and interpreter.startswith("cp3") and int(interpreter[3:]) <= minor:
            return True
    return False


def test_every_dependency_has_a_listed_windows_wheel_for_every_python(windows_kit: Path):
    info = json.loads((windows_kit / "kit.json").read_text(encoding="utf-8"))
    manifest = dict(reversed(line.split("  ", 1)) for line in (windows_kit / MANIFEST_NAME).read_text().splitlines())
    assert sorted(t["python"] for t in info["targets"]) == list(DEFAULT_PYTHONS)
    assert verify_kit(str(windows_kit))[0] == len(manifest)
    for target in info["targets"]:
        python = target["python"]
        environment = Target("win_amd64", python).marker_environment()
        wheels = {}
        for listed in target["wheels"]:
            assert manifest[listed] == file_sha256(windows_kit / listed), listed
            wheel = read_wheel(windows_kit / listed)
            assert compatible(wheel.tags, python), f"{listed} does not install on win_amd64 Python {python}"
            wheels[wheel.name] = wheel
        todo: list[Requirement] = [Requirement(f"akhlak-tui=={wheels['akhlak-tui'].version}")]
        checked: set[str] = set()
        while todo:
            requirement = todo.pop()
            name = canonicalize_name(requirement.name)
            assert name in wheels, f"Python {python}: no wheel of {requirement} in the kit"
            assert requirement.specifier.contains(wheels[name].version, prereleases=True), f"Python {python}: {name} {wheels[name].version} is not {requirement}"
            key = f"{name}[{','.join(sorted(requirement.extras))}]"
            if key not in checked:
                checked.add(key)
                todo.extend(requirements_for(wheels[name].requires, environment, set(requirement.extras)))
        assert ("tomli" in wheels) == (python == "3.10"), f"Python {python}: tomli is needed on 3.10 only"
        assert "zlib-ng" in wheels and "pynacl" in wheels and "pydantic-core" in wheels
        assert set(wheels) == {key.split("[")[0] for key in checked}, "a wheel no dependency needs"
