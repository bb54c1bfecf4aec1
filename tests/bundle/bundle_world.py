"""Test helpers for bundles: a coordinator, a signed survey, a laptop with it installed, answers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from akhlak_tui import locations
from akhlak_tui.active import ActiveSurvey, active_survey
from akhlak_tui.crypto.coordinator import CoordinatorKeys, init_coordinator, unlock_coordinator
from akhlak_tui.crypto.device import load_or_create_device
from akhlak_tui.crypto.protect import FAST
from akhlak_tui.questionnaire.builtin import builtin_file, sample_units
from akhlak_tui.store import Store
from akhlak_tui.survey import create_survey_package, install_survey, keep_created_package

PASSPHRASE = "a long enough passphrase"
SECRET_WORD = "RAHASIA"
"""Written into every comment answer, so tests can search for answer text in clear."""


@dataclass
class World:
    coordinator_dir: Path
    keys: CoordinatorKeys
    package_file: Path
    laptop: Path
    survey: ActiveSurvey
    out: Path


def make_world(tmp_path: Path) -> World:
    """A coordinator (cheap key derivation), its survey package, and a laptop with it installed."""
    coordinator_dir = tmp_path / "coordinator"
    init_coordinator(coordinator_dir, PASSPHRASE, cost=FAST)
    keys = unlock_coordinator(coordinator_dir, PASSPHRASE)
    package, data = create_survey_package(
        coordinator=keys,
        name="Survei Kabupaten Tanjung Harapan 2026",
        questionnaire_toml=builtin_file("berakhlak.toml").read_text(encoding="utf-8"),
        units=list(sample_units()),
    )
    keep_created_package(coordinator_dir, package, data)
    package_file = tmp_path / package.file_name()
    package_file.write_bytes(data)
    laptop = tmp_path / "laptop"
    laptop.mkdir()
    install_survey(laptop, package_file)
    out = tmp_path / "usb"
    out.mkdir()
    return World(coordinator_dir, keys, package_file, laptop, active_survey(laptop), out)


def answer_responses(data_dir: Path, n: int, status: str = "submitted") -> list[str]:
    """Make n responses of the active survey through the Store API (submitted, abandoned or draft)."""
    survey = active_survey(data_dir)
    device = load_or_create_device(data_dir)
    ids = []
    with Store(locations.store_path(data_dir)) as store:
        for i in range(n):
            rid = store.start_response(
                survey.questionnaire, device_id=device.id, mode="enumerator", language="id", survey_id=survey.survey_id
            )
            store.save_answer(rid, "unit", survey.units[i % len(survey.units)].code, is_unit=True)
            store.save_answer(rid, "bp1", 4)
            store.save_answer(rid, "comment", f"{SECRET_WORD} jawaban nomor {i}")
            if status == "submitted":
                store.submit(rid, seal=survey.sealer())
            elif status == "abandoned":
                store.abandon(rid, "respondent left", seal=survey.sealer())
            ids.append(rid)
    return ids
