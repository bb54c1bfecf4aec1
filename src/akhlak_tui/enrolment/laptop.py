"""The laptop's side of enrolment: write a request next to the survey package, keep the enrolment that comes back.

The enrolment of survey S is kept as `enrolments/S.akhlak-enrolment` in the data dir, exactly as
the coordinator signed it, and every bundle of S carries it (the manifest's `enrolment`).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

from akhlak_tui import locations
from akhlak_tui.crypto.device import Device
from akhlak_tui.enrolment.documents import (
    ENROLMENT_SUFFIX,
    MAX_NAME,
    REQUEST_SUFFIX,
    EnrolmentError,
    RequestBody,
    Signed,
    document_name,
    read_document_file,
    read_enrolment,
    sign_request,
)
from akhlak_tui.files import write_file_atomically
from akhlak_tui.response import utc_now
from akhlak_tui.store import Store
from akhlak_tui.survey.install import installed_package
from akhlak_tui.survey.package import SurveyPackage, SurveyPackageError

NAME_SETTING = "laptop_name"
ENROLMENTS_DIR = "enrolments"


@dataclass(frozen=True)
class InstalledEnrolment:
    """An enrolment kept on this laptop, and whether it was new."""

    enrolment: Signed
    path: Path
    new: bool


def remembered_name(data_dir: Path) -> str | None:
    """The laptop name typed at the last request, if any."""
    with Store(locations.store_path(Path(data_dir))) as store:
        return store.get_setting(NAME_SETTING)


def default_name() -> str:
    """The computer's own name, when the enumerator gave none (and none was given before)."""
    return (platform.node() or "laptop")[:MAX_NAME]


def enrolment_path(data_dir: Path, survey_id: str) -> Path:
    return Path(data_dir) / ENROLMENTS_DIR / f"{survey_id}{ENROLMENT_SUFFIX}"


def write_request(data_dir: Path, device: Device, package: SurveyPackage, directory: Path, name: str) -> Path:
    """Write this laptop's signed enrolment request for `package` into `directory`; its path.

    ValueError (pydantic's) for a name that is empty, too long or has control characters.
    """
    body = RequestBody(
        survey_id=package.survey_id,
        device_id=device.id,
        device_public_key=device.public_key.hex(),
        name=name.strip(),
        requested_at=utc_now(),
        coordinator_fingerprint=package.coordinator_public.fingerprint,
    )
    signed = sign_request(body, device.signing_key)
    path = Path(directory) / document_name(package.survey_id, device.id, REQUEST_SUFFIX)
    write_file_atomically(path, signed.data)
    with Store(locations.store_path(Path(data_dir))) as store:
        store.set_setting(NAME_SETTING, body.name)
    return path


def laptop_enrolment(data_dir: Path, survey_id: str) -> str | None:
    """The enrolment this laptop keeps for a survey (the signed file's text), or None."""
    path = enrolment_path(data_dir, survey_id)
    try:
        return read_document_file(path).decode("utf-8")
    except (EnrolmentError, UnicodeDecodeError):
        return None


def install_enrolment(data_dir: Path, device: Device, path: Path) -> InstalledEnrolment:
    """Check an enrolment file (this laptop's key, an installed survey, signed by its coordinator) and keep it.

    `path` may be the file or a directory holding it (found by its name). EnrolmentError (one line
    naming the file) if it is not this laptop's or does not verify.
    """
    path = Path(path)
    if path.is_dir():
        found = sorted(path.glob(f"survey-*_device-{device.id}{ENROLMENT_SUFFIX}"))
        if not found:
            raise EnrolmentError(f"{path}: no enrolment of this laptop (device {device.id}) here; has the coordinator approved its request?")
        results = [install_enrolment(data_dir, device, file) for file in found]
        return next((r for r in results if r.new), results[0])
    data = read_document_file(path)
    label = str(path)
    unverified = read_enrolment(data, label)  # its shape and its own signature; then whose it is
    body = unverified.body
    if body.device_id != device.id or body.device_public_key != device.public_key.hex():
        raise EnrolmentError(f"{label}: enrols device {body.device_id}, not this laptop ({device.id})")
    with Store(locations.store_path(Path(data_dir))) as store:
        try:
            package = installed_package(store, body.survey_id)
        except SurveyPackageError:
            raise EnrolmentError(f"{label}: survey {body.survey_id} is not installed on this laptop (install its package first)") from None
    enrolment = read_enrolment(data, label, coordinator_signing_key=package.coordinator_public.signing_key)
    target = enrolment_path(data_dir, body.survey_id)
    new = laptop_enrolment(data_dir, body.survey_id) != enrolment.text
    if new:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_file_atomically(target, data)
    return InstalledEnrolment(enrolment, target, new)


def find_enrolment(directory: Path, survey_id: str, device_id: str) -> Path | None:
    """This laptop's enrolment file for a survey in `directory` (a USB stick), if the coordinator put it there."""
    path = Path(directory) / document_name(survey_id, device_id, ENROLMENT_SUFFIX)
    return path if path.is_file() else None
