"""Remove a finished survey from a laptop: refused while any of its responses would be lost, unless forced."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from akhlak_tui import locations
from akhlak_tui.bundle.export import SEQUENCE_SETTING, next_sequence
from akhlak_tui.enrolment.laptop import enrolment_path
from akhlak_tui.receipt.laptop import SurveyProgress, empty_wal, progress_of
from akhlak_tui.store import Store
from akhlak_tui.survey.install import ACTIVE_SETTING, remember_coordinator
from akhlak_tui.survey.package import SurveyPackageError
from akhlak_tui.plural import count


class SurveyAtRisk(SurveyPackageError):
    """Uninstalling would lose responses not yet received by the coordinator; `progress` says how many."""

    def __init__(self, message: str, progress: SurveyProgress) -> None:
        super().__init__(message)
        self.progress = progress


@dataclass(frozen=True)
class UninstallResult:
    survey_id: str
    name: str
    removed: int
    """Responses removed (of any status)."""
    lost: int
    """Of them, responses the coordinator had not received (drafts, unexported, exported but not received)."""
    was_active: bool
    wal_emptied: bool


def at_risk_text(progress: SurveyProgress) -> str:
    """`3 unfinished (drafts), 2 not exported, ...` (the parts that are not zero)."""
    parts = [
        (progress.drafts, "unfinished (drafts)"),
        (progress.unexported, "not exported"),
        (progress.exported_not_received, "exported but not yet received by the coordinator"),
    ]
    return ", ".join(f"{n} {what}" for n, what in parts if n)


def uninstall_survey(data_dir: Path, survey_id: str, *, force: bool = False) -> UninstallResult:
    """Remove an installed survey, its responses, exports and enrolment from this laptop.

    Refused (SurveyAtRisk) while any of its responses is a draft, unexported, or exported but
    not received, unless `force`. If it was the active survey, the app goes back to practice.
    """
    with Store(locations.store_path(Path(data_dir))) as store:
        row = store.db.execute("select name from installed_surveys where id = ?", [survey_id]).fetchone()
        if row is None:
            raise SurveyPackageError(f"survey {survey_id}: not installed on this laptop (see `akhlak survey list`)")
        db = store.db
        # One write transaction from the count to the delete: a response the app commits meanwhile
        # waits for it (or, once it is done, belongs to a survey no longer installed), never goes unseen.
        db.execute("BEGIN IMMEDIATE")
        try:
            progress = progress_of(store, survey_id)
            if progress.at_risk and not force:
                raise SurveyAtRisk(
                    f"survey {survey_id} ({row[0]}): {count(progress.at_risk, 'response')} would be lost ({at_risk_text(progress)}); "
                    "finish or abandon the drafts, export, and import the coordinator's receipt after the merge first "
                    "(or --force to lose them)",
                    progress,
                )
            active = store.get_setting(ACTIVE_SETTING) == survey_id
            removed = _remove(store, survey_id, active)
            db.execute("COMMIT")
        except BaseException:
            db.rollback()
            raise
        emptied = empty_wal(store)
    enrolment_path(data_dir, survey_id).unlink(missing_ok=True)
    return UninstallResult(survey_id, row[0], removed, progress.at_risk, active, emptied)


def _remove(store: Store, survey_id: str, active: bool) -> int:
    """Delete the survey's rows in the transaction the caller holds; the number of responses removed."""
    db = store.db
    ids = "select id from responses where survey_id = ?"
    for table in ("answers", "events"):
        db.execute(f"delete from {table} where response_id in ({ids})", [survey_id])
    db.execute(f"delete from export_records where response_id in ({ids})", [survey_id])
    removed = db.execute("delete from responses where survey_id = ?", [survey_id]).rowcount
    db.execute("insert or replace into settings (key, value) values (?, ?)", [SEQUENCE_SETTING, str(next_sequence(store) - 1)])
    db.execute("delete from exports where survey_id = ?", [survey_id])
    for (fingerprint,) in db.execute("select coordinator_fingerprint from installed_surveys where id = ?", [survey_id]).fetchall():
        remember_coordinator(store, fingerprint)
    db.execute("delete from installed_surveys where id = ?", [survey_id])
    if active:
        db.execute("delete from settings where key = ?", [ACTIVE_SETTING])
    return removed
