"""Fixtures for receipt tests: a coordinator, a laptop with the survey installed and enrolled, and a stick."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "merge"))

from receipt_world import World, make_world  # noqa: E402


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)
