"""Make a demo coordinator, a demo survey, and the signed, sealed bundles of simulated laptops.

Everything is real: the coordinator keys protect themselves with the passphrase, the survey
package is signed, every device has its own Ed25519 key, and every response is sealed to the
coordinator and bundled by the same writer laptops use; the coordinator enrols every simulated laptop, as it would
approve their requests. Only the respondents are simulated.
Answers, response ids and device keys follow from the seed; sealing is randomised, so the
bundle files differ byte for byte between runs while their content does not.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from nacl.signing import SigningKey

from akhlak_tui.bundle.writer import WrittenBundle, seal_responses, write_bundle
from akhlak_tui.crypto.coordinator import CoordinatorKeys, has_coordinator, init_coordinator, unlock_coordinator
from akhlak_tui.crypto.device import Device
from akhlak_tui.crypto.protect import MODERATE, KdfCost
from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.enrolment.record import DeviceRecord
from akhlak_tui.demo.units import REGENCY, demo_units
from akhlak_tui.files import write_private_file
from akhlak_tui.questionnaire.builtin import BUILTIN_QUESTIONNAIRE, builtin_file
from akhlak_tui.survey.library import coordinator_surveys, keep_created_package
from akhlak_tui.survey.package import SurveyPackage, create_survey_package

RECOVERY_FILE = "demo-recovery.json"


@dataclass(frozen=True)
class DemoCoordinator:
    """The unlocked coordinator of a data dir; `recovery_code` only when it was made just now."""

    keys: CoordinatorKeys
    recovery_code: str | None = None
    recovery_file: Path | None = None


def demo_coordinator(data_dir: Path, passphrase: str, *, cost: KdfCost = MODERATE) -> DemoCoordinator:
    """The data dir's coordinator, unlocked; made first (with a recovery file) if there is none."""
    if has_coordinator(data_dir):
        return DemoCoordinator(unlock_coordinator(data_dir, passphrase))
    made = init_coordinator(data_dir, passphrase, cost=cost)
    recovery = made.key_file.parent / RECOVERY_FILE
    write_private_file(recovery, made.recovery_text.encode("utf-8"))
    return DemoCoordinator(unlock_coordinator(data_dir, passphrase), made.recovery_code, recovery)


def demo_survey_id(seed: int) -> str:
    """The demo survey's id: the same for a seed, so running the demo again adds to one survey."""
    digest = hashlib.sha256(f"akhlak demo survey {seed}".encode()).digest()
    return base64.b32encode(digest[:10]).decode("ascii").lower()


def demo_survey(data_dir: Path, keys: CoordinatorKeys, seed: int, respondents: int | None = None) -> SurveyPackage:
    """The demo survey over the built-in questionnaire, created (and kept) once per seed, with
    headcounts large enough for the `respondents` of that first run."""
    survey_id = demo_survey_id(seed)
    existing = coordinator_surveys(data_dir).get(survey_id)
    if existing is not None:
        return existing
    package, data = create_survey_package(
        coordinator=keys,
        name=f"Demo: Survei Budaya Kerja BerAKHLAK, {REGENCY}",
        questionnaire_toml=builtin_file(BUILTIN_QUESTIONNAIRE).read_text(encoding="utf-8"),
        units=demo_units(respondents),
        survey_id=survey_id,
    )
    keep_created_package(data_dir, package, data)
    return package


def demo_device(seed: int, number: int) -> Device:
    """Simulated laptop `number`: its key follows from the seed."""
    return Device(SigningKey(hashlib.sha256(f"akhlak demo device {seed} {number}".encode()).digest()))


@dataclass(frozen=True)
class DeviceJob:
    """One simulated laptop's work: answer `responses` times, export in `bundles` bundles."""

    package: SurveyPackage
    out_dir: Path
    seed: int
    number: int
    responses: int
    bundles: int
    enrolment: str | None = None
    """The laptop's enrolment (the coordinator-signed text), carried by each of its bundles."""


def split_sizes(total: int, parts: int) -> list[int]:
    """`total` split into `parts` near-equal positive sizes (fewer parts if total is small)."""
    parts = max(1, min(parts, total))
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def write_device_bundles(job: DeviceJob) -> list[WrittenBundle]:
    """Simulate one laptop and write its bundles, sequence 1, 2, ..."""
    device = demo_device(job.seed, job.number)
    survey = job.package.active()
    responses = simulate_responses(
        survey.questionnaire, survey.units, job.responses, job.seed, device.id, job.package.survey_id
    )
    written = []
    for sequence, size in enumerate(split_sizes(job.responses, job.bundles), start=1):
        batch = list(islice(responses, size))
        records = seal_responses(batch, survey)
        created_at = max(r.updated_at for r in batch)
        written.append(
            write_bundle(
                job.out_dir, device=device, survey=survey, sequence=sequence, records=records, created_at=created_at, enrolment=job.enrolment
            )
        )
    return written


def write_demo_bundles(
    package: SurveyPackage,
    out_dir: Path,
    *,
    devices: int,
    responses: int,
    bundles: int = 1,
    seed: int = 1,
    workers: int = 1,
    progress: Callable[[list[WrittenBundle]], None] | None = None,
    enrolments: Mapping[int, str] | None = None,
) -> list[WrittenBundle]:
    """Write the bundles of `devices` simulated laptops of `responses` responses each, in `workers` processes.

    `enrolments` (laptop number -> enrolment text, see `enrol_demo_devices`) go into their bundles.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    enrolments = enrolments or {}
    jobs = [DeviceJob(package, out_dir, seed, number, responses, bundles, enrolments.get(number)) for number in range(1, devices + 1)]
    written: list[WrittenBundle] = []
    for done in _run_jobs(jobs, workers):
        written.extend(done)
        if progress is not None:
            progress(done)
    return written


def enrol_demo_devices(data_dir: Path, keys: CoordinatorKeys, package: SurveyPackage, devices: int, seed: int) -> dict[int, str]:
    """Approve simulated laptops 1..`devices` as the coordinator would their requests; number -> enrolment text."""
    out: dict[int, str] = {}
    with DeviceRecord(data_dir, keys.public.signing_key) as record, record.transaction():
        for number in range(1, devices + 1):
            device = demo_device(seed, number)
            signed = record.approve(package.survey_id, device.id, device.public_key.hex(), f"Demo laptop {number}", keys)
            out[number] = signed.text
    return out


def _run_jobs(jobs: list[DeviceJob], workers: int) -> Iterator[list[WrittenBundle]]:
    if workers <= 1 or len(jobs) <= 1:
        yield from map(write_device_bundles, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(write_device_bundles, jobs)
