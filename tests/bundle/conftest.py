"""Fixtures for bundle tests: `world` (coordinator, survey, laptop, USB dir) and `answer`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bundle_world import World, answer_responses, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


@pytest.fixture
def answer(world: World) -> Callable[..., list[str]]:
    """answer(n, status="submitted"|"abandoned"|"draft"): n responses on the world's laptop."""
    return lambda n, status="submitted": answer_responses(world.laptop, n, status)
