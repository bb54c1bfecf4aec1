"""Surveys on a laptop: install a verified package, list installed surveys, choose the active one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from akhlak_tui import locations
from akhlak_tui.response import utc_now
from akhlak_tui.store import Store
from akhlak_tui.survey.package import SurveyPackage, SurveyPackageError, read_package_file, read_survey_package

ACTIVE_SETTING = "active_survey_id"
# Fingerprints of coordinators whose surveys were installed and later removed (a JSON list): an
# uninstall must not turn the laptop back into one that trusts whoever signs the next package.
FORMER_COORDINATORS_SETTING = "former_coordinators"


@dataclass(frozen=True)
class InstalledSurvey:
    """A row of `survey list`: id, name, coordinator fingerprint, install time, and whether active."""

    id: str
    name: str
    coordinator_fingerprint: str
    installed_at: str
    active: bool


@dataclass(frozen=True)
class InstallResult:
    package: SurveyPackage
    already_installed: bool


def _store(data_dir: Path) -> Store:
    return Store(locations.store_path(Path(data_dir)))


def trusted_coordinators(store: Store) -> set[str]:
    """Fingerprints of the coordinators whose surveys this laptop has installed, now or before."""
    installed = {row[0] for row in store.db.execute("select distinct coordinator_fingerprint from installed_surveys")}
    return installed | former_coordinators(store)


def former_coordinators(store: Store) -> set[str]:
    """Fingerprints of coordinators whose surveys were uninstalled (kept as trusted)."""
    row = store.db.execute("select value from settings where key = ?", [FORMER_COORDINATORS_SETTING]).fetchone()
    try:
        kept = json.loads(row[0]) if row else []
    except ValueError:
        kept = []
    return {f for f in kept if isinstance(f, str)} if isinstance(kept, list) else set()


def remember_coordinator(store: Store, fingerprint: str) -> None:
    """Keep `fingerprint` trusted after its survey is removed (in the caller's transaction)."""
    kept = sorted(former_coordinators(store) | {fingerprint})
    store.db.execute(
        "insert or replace into settings (key, value) values (?, ?)", [FORMER_COORDINATORS_SETTING, json.dumps(kept)]
    )


def install_survey(data_dir: Path, source: str | Path | bytes, *, allow_new_coordinator: bool = False) -> InstallResult:
    """Verify a package and install it as the active survey.

    Refused: a bad signature; a package from a coordinator other than the one(s) this laptop
    already trusts, unless `allow_new_coordinator`; a different package under an installed
    survey's id. Installing the same package again only makes it active.
    """
    label = "<package>" if isinstance(source, bytes) else str(source)
    data = source if isinstance(source, bytes) else read_package_file(source)
    package = read_survey_package(data, name=label)  # the very bytes that are stored
    with _store(data_dir) as store:
        trusted = trusted_coordinators(store)
        fingerprint = package.coordinator_public.fingerprint
        if trusted and fingerprint not in trusted and not allow_new_coordinator:
            raise SurveyPackageError(
                f"{label}: signed by coordinator {fingerprint}, but this laptop's surveys come from "
                f"{', '.join(sorted(trusted))}; refused (if the new coordinator is expected, install with --new-coordinator)"
            )
        existing = store.db.execute("select package from installed_surveys where id = ?", [package.survey_id]).fetchone()
        if existing is not None and read_survey_package(bytes(existing[0])) != package:
            raise SurveyPackageError(f"{label}: survey {package.survey_id} is already installed with different content; refused")
        with store.db.atomic():
            if existing is None:
                store.db["installed_surveys"].insert(
                    {
                        "id": package.survey_id,
                        "name": package.name,
                        "coordinator_fingerprint": fingerprint,
                        "package": data,
                        "installed_at": utc_now(),
                    }
                )
        store.set_setting(ACTIVE_SETTING, package.survey_id)
    return InstallResult(package=package, already_installed=existing is not None)


def installed_surveys(data_dir: Path) -> list[InstalledSurvey]:
    """Installed surveys, oldest first."""
    with _store(data_dir) as store:
        active = store.get_setting(ACTIVE_SETTING)
        rows = store.db.execute(
            "select id, name, coordinator_fingerprint, installed_at from installed_surveys order by installed_at, id"
        ).fetchall()
    return [InstalledSurvey(*row, active=row[0] == active) for row in rows]


@lru_cache(maxsize=8)
def _verified(data: bytes, label: str) -> SurveyPackage:
    """Verify and parse a stored package once per process (the TUI asks for it often)."""
    return read_survey_package(data, name=label)


def installed_package(store: Store, survey_id: str) -> SurveyPackage:
    """The installed package of `survey_id`, verified again (its signature and fingerprint)."""
    row = store.db.execute(
        "select package, coordinator_fingerprint from installed_surveys where id = ?", [survey_id]
    ).fetchone()
    if row is None:
        raise SurveyPackageError(f"survey {survey_id}: not installed on this laptop (see `akhlak survey list`)")
    package = _verified(bytes(row[0]), f"installed survey {survey_id}")
    if package.coordinator_public.fingerprint != row[1]:
        raise SurveyPackageError(f"installed survey {survey_id}: coordinator changed since install; refused")
    return package


def active_package(data_dir: Path) -> SurveyPackage | None:
    """The active installed survey's package, or None (practice)."""
    with _store(data_dir) as store:
        return active_package_in(store)


def active_package_in(store: Store) -> SurveyPackage | None:
    """The active installed survey's package in an open store, or None (practice)."""
    survey_id = store.get_setting(ACTIVE_SETTING)
    return None if survey_id is None else installed_package(store, survey_id)


def activate_survey(data_dir: Path, survey_id: str | None) -> SurveyPackage | None:
    """Make an installed survey active (None: back to practice); returns its package."""
    with _store(data_dir) as store:
        package = None if survey_id is None else installed_package(store, survey_id)
        store.set_setting(ACTIVE_SETTING, survey_id)
    return package
