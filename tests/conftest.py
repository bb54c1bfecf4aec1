"""Shared fixtures: every test runs with its own empty data dir (AKHLAK_HOME), never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """AKHLAK_HOME points at a fresh directory for each test."""
    home = tmp_path / "akhlak-home"
    home.mkdir()
    monkeypatch.setenv("AKHLAK_HOME", str(home))
    monkeypatch.delenv("AKHLAK_PASSPHRASE", raising=False)
    return home


@pytest.fixture
def mini_path() -> Path:
    """A small valid questionnaire using every item type."""
    return DATA / "mini.toml"


@pytest.fixture
def tmpfs(tmp_path: Path):
    """A 512 KiB tmpfs: a disk that fills up, or is remounted read-only (`remount,ro`) even for
    root. Needs root; skipped where one cannot be mounted."""
    import subprocess

    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.fixture
def fill_disk():
    """fill_disk(folder): write a file `filler` there until the disk is full."""

    def fill(folder: Path) -> None:
        try:
            with open(folder / "filler", "wb") as filler:
                while True:
                    filler.write(b"\0" * 4096)
                    filler.flush()
        except OSError:
            pass

    return fill
