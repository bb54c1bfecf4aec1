"""Fixtures for survey tests: coordinators with cheap key derivation, and a package maker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from akhlak_tui.crypto.coordinator import CoordinatorKeys, init_coordinator, unlock_coordinator
from akhlak_tui.crypto.protect import FAST
from akhlak_tui.questionnaire.builtin import builtin_file, sample_units
from akhlak_tui.survey import create_survey_package

PASSPHRASE = "a long enough passphrase"


@pytest.fixture
def make_coordinator(tmp_path: Path) -> Callable[[str], tuple[Path, CoordinatorKeys]]:
    """make_coordinator(name) -> (its data dir, its unlocked keys)."""

    def make(name: str) -> tuple[Path, CoordinatorKeys]:
        data_dir = tmp_path / name
        init_coordinator(data_dir, PASSPHRASE, cost=FAST)
        return data_dir, unlock_coordinator(data_dir, PASSPHRASE)

    return make


@pytest.fixture
def make_package(tmp_path: Path) -> Callable[..., Path]:
    """make_package(keys, name="...") -> the path of a signed package of the built-in questionnaire."""

    def make(keys: CoordinatorKeys, name: str = "Survei Uji") -> Path:
        package, data = create_survey_package(
            coordinator=keys,
            name=name,
            questionnaire_toml=builtin_file("berakhlak.toml").read_text(encoding="utf-8"),
            units=list(sample_units()),
        )
        path = tmp_path / f"{name.replace(' ', '-')}-{package.file_name()}"
        path.write_bytes(data)
        return path

    return make
