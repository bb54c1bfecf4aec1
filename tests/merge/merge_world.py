"""Helpers for merge tests: a coordinator with its demo survey, real bundles of simulated devices, snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from akhlak_tui.bundle.writer import SealedRecord, seal_responses, write_bundle
from akhlak_tui.crypto.coordinator import CoordinatorKeys, init_coordinator, unlock_coordinator
from akhlak_tui.crypto.device import Device
from akhlak_tui.crypto.protect import FAST
from akhlak_tui.demo.generate import demo_survey
from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.run import MergeResult, merge_bundles
from akhlak_tui.response import Response
from akhlak_tui.survey.package import SurveyPackage

PASSPHRASE = "correct horse battery"
MERGED_TABLES = ("survey", "devices", "responses", "answers", "quarantine", "conflicts")


@dataclass
class Coordinator:
    """A coordinator data dir with its unlocked keys and its demo survey."""

    home: Path
    keys: CoordinatorKeys
    survey: SurveyPackage
    out: Path

    @property
    def surveys(self) -> dict[str, SurveyPackage]:
        return {self.survey.survey_id: self.survey}

    def responses(self, device: Device, n: int, seed: int = 7) -> list[Response]:
        q = self.survey.questionnaire
        return list(simulate_responses(q, self.survey.units, n, seed, device.id, self.survey.survey_id))

    def bundle(
        self,
        device: Device,
        sequence: int,
        responses: Sequence[Response] | None = None,
        *,
        records: Sequence[SealedRecord] | None = None,
        out: Path | None = None,
    ) -> Path:
        """Write a real bundle of `device` (its responses, or ready-made sealed `records`)."""
        if records is None:
            records = seal_responses(responses or [], self.survey.active())
        target = out or self.out
        target.mkdir(parents=True, exist_ok=True)
        return write_bundle(target, device=device, survey=self.survey.active(), sequence=sequence, records=records).path

    def merge(self, db: MergedDatabase, files: Sequence[Path], **options: object) -> MergeResult:
        return merge_bundles(db, list(files), box_key=self.keys.box_key, surveys=self.surveys, **options)  # type: ignore[arg-type]


def make_coordinator(home: Path, out: Path, seed: int = 1) -> Coordinator:
    home.mkdir(parents=True, exist_ok=True)
    init_coordinator(home, PASSPHRASE, cost=FAST)
    keys = unlock_coordinator(home, PASSPHRASE)
    return Coordinator(home, keys, demo_survey(home, keys, seed), out)


def snapshot(db: MergedDatabase, tables: Sequence[str] = MERGED_TABLES) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the merged data, to compare before and after."""
    out = {}
    for table in tables:
        if db.db[table].exists():
            out[table] = sorted(db.db.execute(f"select * from {table}").fetchall(), key=repr)
    return out

