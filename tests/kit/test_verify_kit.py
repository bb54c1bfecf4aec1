"""verify_kit.py: the manifest parser never lets a path out of the kit, and a laptop the kit has no wheels for is told so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhlak_tui.kit import verify_kit
from akhlak_tui.kit.verify_kit import KitError, check_python, manifest_text, read_manifest, this_platform

HERE = "%d.%d" % sys.version_info[:2]


def small_kit(tmp_path: Path, targets: list[dict]) -> Path:
    kit = tmp_path / "kit"
    (kit / "wheels").mkdir(parents=True)
    (kit / "wheels" / "a-1.0-py3-none-any.whl").write_bytes(b"wheel")
    (kit / "kit.json").write_text(json.dumps({"targets": targets}))
    entries = {name: verify_kit.file_sha256(kit / name) for name in ("kit.json", "wheels/a-1.0-py3-none-any.whl")}
    (kit / verify_kit.MANIFEST_NAME).write_text(manifest_text(entries))
    return kit


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.lists(st.tuples(st.text("0123456789abcdef", min_size=60, max_size=66), st.text(max_size=30)), max_size=5).map(
    lambda rows: "".join(f"{d}  {n}\n" for d, n in rows).encode("utf-8", "surrogatepass")
))
def test_a_manifest_is_read_or_refused_in_one_line_and_never_names_a_path_outside_the_kit(tmp_path_factory, data):
    kit = tmp_path_factory.mktemp("m")
    (kit / verify_kit.MANIFEST_NAME).write_bytes(data)
    try:
        entries, raw = read_manifest(str(kit))
    except KitError as exc:
        assert "\n" not in str(exc)
        return
    assert raw == data and entries
    for name, digest in entries.items():
        assert len(digest) == 64
        resolved = (kit / name).resolve()
        assert resolved.is_relative_to(kit.resolve()) and resolved != kit.resolve(), name


@pytest.mark.parametrize("line", ["../outside", "/etc/passwd", "wheels/../../x", "C:/x", "wheels\\x", "a//b", "./a"])
def test_a_manifest_naming_a_path_outside_the_kit_is_refused(tmp_path, line):
    (tmp_path / verify_kit.MANIFEST_NAME).write_text("0" * 64 + "  " + line + "\n")
    with pytest.raises(KitError, match="line 1 is malformed"):
        read_manifest(str(tmp_path))


def test_a_kit_without_wheels_for_this_python_says_which_it_has(tmp_path):
    kit = small_kit(tmp_path, [{"platform": "win_amd64", "family": "win_amd64", "python": "3.10"}])
    verify_kit.verify_kit(str(kit))
    with pytest.raises(KitError) as caught:
        check_python(str(kit))
    assert f"this kit has no wheels for {this_platform()} Python {HERE} (it has: win_amd64 Python 3.10)" in str(caught.value)


def test_a_too_old_python_is_told_the_version_it_needs(tmp_path, monkeypatch):
    kit = small_kit(tmp_path, [])
    monkeypatch.setattr(verify_kit, "MIN_PYTHON", (3, 99))
    with pytest.raises(KitError, match=f"Python {HERE} terlalu lama / too old: perlu / needs Python 3.99"):
        check_python(str(kit))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc is Linux's")
def test_a_linux_with_an_older_glibc_than_the_kit_needs_is_told_so(tmp_path, monkeypatch):
    kit = small_kit(tmp_path, [{"platform": "manylinux_2_28_x86_64", "family": this_platform(), "python": HERE}])
    monkeypatch.setattr(verify_kit.platform, "libc_ver", lambda: ("glibc", "2.27"))
    with pytest.raises(KitError, match="glibc 2.27 .* this kit needs glibc 2.28"):
        check_python(str(kit))
    monkeypatch.setattr(verify_kit.platform, "libc_ver", lambda: ("glibc", "2.31"))
    check_python(str(kit))


def test_verify_kit_py_runs_alone_and_exits_1_with_one_line(tmp_path):
    kit = small_kit(tmp_path, [])
    (kit / "wheels" / "a-1.0-py3-none-any.whl").write_bytes(b"WHEEL")
    script = Path(verify_kit.__file__)
    proc = subprocess.run([sys.executable, "-I", str(script), str(kit)], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == "GAGAL / FAILED: wheels/a-1.0-py3-none-any.whl: isinya berubah (SHA-256 tidak cocok) / was changed (SHA-256 mismatch): kit ditolak / kit refused\n"
