"""Fixtures for merge tests: a coordinator with a demo survey, simulated devices, and a merged database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from merge_world import Coordinator, make_coordinator

from akhlak_tui.crypto.device import Device
from akhlak_tui.demo.generate import demo_device
from akhlak_tui.merge.database import MergedDatabase


@pytest.fixture
def coordinator(isolated_home: Path, tmp_path: Path) -> Coordinator:
    return make_coordinator(isolated_home, tmp_path / "stick")


@pytest.fixture
def device() -> Device:
    return demo_device(99, 1)


@pytest.fixture
def other_device() -> Device:
    return demo_device(99, 2)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[MergedDatabase]:
    with MergedDatabase(tmp_path / "merged.db") as database:
        yield database
