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
