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
from akhlak_tui.crypto.device import load_or_create_device
from akhlak_tui.enrolment.documents import ENROLMENT_SUFFIX, REQUEST_SUFFIX, document_name, read_document_file, read_request
from akhlak_tui.enrolment.laptop import install_enrolment, write_request
from akhlak_tui.enrolment.record import DeviceRecord
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.ingest import Merger
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

    def record(self) -> DeviceRecord:
        """The coordinator's record of enrolled devices (open it in a `with`)."""
        return DeviceRecord(self.home, self.keys.public.signing_key)

    def enrol(self, device: Device, name: str = "test laptop") -> str:
        """Approve `device` for the survey, as `akhlak device approve` does; the enrolment's text."""
        with self.record() as record:
            return record.approve(self.survey.survey_id, device.id, device.public_key.hex(), name, self.keys).text

    def bundle(
        self,
        device: Device,
        sequence: int,
        responses: Sequence[Response] | None = None,
        *,
        records: Sequence[SealedRecord] | None = None,
        out: Path | None = None,
        enrolled: bool = True,
    ) -> Path:
        """Write a real bundle of `device` (its responses, or ready-made sealed `records`).

        The device is enrolled first and the bundle carries its enrolment, unless `enrolled` is False.
        """
        if records is None:
            records = seal_responses(responses or [], self.survey.active())
        target = out or self.out
        target.mkdir(parents=True, exist_ok=True)
        enrolment = self.enrol(device) if enrolled else None
        return write_bundle(target, device=device, survey=self.survey.active(), sequence=sequence, records=records, enrolment=enrolment).path

    def enrol_laptop(self, laptop: Path, stick: Path, name: str = "test laptop") -> None:
        """The round trip of a laptop with its survey installed: its request on the stick, approved, its enrolment installed."""
        device = load_or_create_device(laptop)
        write_request(laptop, device, self.survey, stick, name)
        request = read_request(read_document_file(stick / document_name(self.survey.survey_id, device.id, REQUEST_SUFFIX)), "request")
        body = request.body
        with self.record() as record:
            enrolment = record.approve(body.survey_id, body.device_id, body.device_public_key, body.name, self.keys)
        (stick / document_name(body.survey_id, body.device_id, ENROLMENT_SUFFIX)).write_bytes(enrolment.data)
        install_enrolment(laptop, device, stick)

    def merger(self, db: MergedDatabase) -> Merger:
        """A Merger over `db` that counts this coordinator's enrolled devices."""
        return Merger(db, self.surveys, enrolments=self.record())

    def merge(self, db: MergedDatabase, files: Sequence[Path], **options: object) -> MergeResult:
        with self.record() as record:
            return merge_bundles(db, list(files), box_key=self.keys.box_key, surveys=self.surveys, enrolments=record, **options)  # type: ignore[arg-type]


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

