"""The coordinator's own copies of the survey packages it created, looked up by survey id (for merge); import after recovery."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from akhlak_tui.crypto.coordinator import coordinator_dir, load_coordinator_public
from akhlak_tui.files import write_file_atomically
from akhlak_tui.survey.package import PACKAGE_SUFFIX, SurveyPackage, SurveyPackageError, read_package_file, read_survey_package


@dataclass(frozen=True)
class ImportedSurvey:
    """A package `import_created_package` verified and keeps."""

    package: SurveyPackage
    path: Path
    """The coordinator's copy."""
    already: bool
    """The same package was kept here already."""


def surveys_dir(data_dir: Path) -> Path:
    return coordinator_dir(data_dir) / "surveys"


def keep_created_package(data_dir: Path, package: SurveyPackage, data: bytes) -> Path:
    """Store a copy of a package the coordinator just created (atomically)."""
    directory = surveys_dir(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / package.file_name()
    write_file_atomically(path, data)
    return path


def coordinator_surveys(data_dir: Path) -> dict[str, SurveyPackage]:
    """Survey id -> package, for every survey this coordinator created (each verified with its key)."""
    public = load_coordinator_public(data_dir)
    directory = surveys_dir(data_dir)
    out: dict[str, SurveyPackage] = {}
    if directory.is_dir():
        for path in sorted(directory.glob(f"*{PACKAGE_SUFFIX}")):
            package = read_survey_package(path, expected_coordinator=public)
            out[package.survey_id] = package
    return out


def coordinator_survey(data_dir: Path, survey_id: str) -> SurveyPackage:
    """The package of one survey this coordinator created; SurveyPackageError if there is none."""
    public = load_coordinator_public(data_dir)
    path = surveys_dir(data_dir) / f"{survey_id}{PACKAGE_SUFFIX}"
    if not path.is_file():
        raise SurveyPackageError(f"survey {survey_id}: not created by this coordinator (no {path})")
    package = read_survey_package(path, expected_coordinator=public)
    if package.survey_id != survey_id:
        raise SurveyPackageError(f"{path}: holds survey {package.survey_id}, not {survey_id}")
    return package


def import_created_package(data_dir: Path, source: Path) -> ImportedSurvey:
    """Keep a copy of a package this coordinator created, from its file (after recovery on a new computer).

    The package must verify and be signed by this data dir's coordinator keys; SurveyPackageError
    (one line) otherwise, or when another package of the same survey id is kept here already.
    """
    public = load_coordinator_public(data_dir)
    data = read_package_file(source)
    package = read_survey_package(data, name=str(source))
    if package.coordinator_public != public:
        raise SurveyPackageError(
            f"{source}: signed by coordinator {package.coordinator_public.fingerprint}, not by this coordinator "
            f"({public.fingerprint}); only a package this coordinator made can be imported"
        )
    path = surveys_dir(data_dir) / package.file_name()
    if path.is_file():
        if path.read_bytes() == data:
            return ImportedSurvey(package, path, already=True)
        raise SurveyPackageError(f"{source}: survey {package.survey_id} is kept here already with other content ({path}); not replaced")
    return ImportedSurvey(package, keep_created_package(data_dir, package, data), already=False)
