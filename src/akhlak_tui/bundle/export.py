"""`export_bundle`: write this laptop's unexported responses of the active survey as one bundle.

Opens its own Store (safe to call from a worker thread). Responses are marked exported only
after the bundle file is durable under its final name, in one transaction with the export's
sequence number; a crash before that leaves them unmarked, to go in the next bundle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from akhlak_tui import locations
from akhlak_tui.active import active_survey
from akhlak_tui.bundle.format import PARTIAL_SUFFIX, SUFFIX
from akhlak_tui.bundle.writer import BundleWriteError, Progress, SealedRecord, fitting_count, write_bundle
from akhlak_tui.crypto.device import Device, DeviceKeyError, load_or_create_device
from akhlak_tui.enrolment.documents import EnrolmentError
from akhlak_tui.enrolment.laptop import find_enrolment, install_enrolment, laptop_enrolment
from akhlak_tui.response import utc_now
from akhlak_tui.store import Store, StoreError
from akhlak_tui.survey.package import SurveyPackageError


SEQUENCE_SETTING = "last_export_sequence"
"""The highest bundle number used by exports since removed (`akhlak survey uninstall`): numbers are never reused,
since the coordinator takes one device's bundle number used again with other responses for a copied laptop."""


def next_sequence(store: Store) -> int:
    """The next bundle number of this laptop: above every one used, by any survey, installed or removed."""
    used = store.db.execute("select coalesce(max(sequence), 0) from exports").fetchone()[0]
    return max(used, int(store.get_setting(SEQUENCE_SETTING) or 0)) + 1


class ExportError(Exception):
    """An export that cannot be done; the message is one line saying why. `reason` (with `values`)
    names the case for the app, which says it in the user's language; `cause` is the file error
    behind a bundle that could not be written."""

    def __init__(self, message: str, reason: str | None = None, cause: Exception | None = None, **values: object) -> None:
        super().__init__(message)
        self.reason, self.cause, self.values = reason, cause, values


class NothingToExport(ExportError):
    """No response to export: `exported` were exported before and can be again (include_all),
    `purged` were received by the coordinator and deleted here (they cannot be)."""

    def __init__(self, survey_name: str, exported: int, purged: int) -> None:
        self.survey_name, self.exported, self.purged = survey_name, exported, purged
        if exported:
            detail = f"all {exported} are already exported (--all exports them again)"
        elif purged:
            detail = f"all {purged} were received by the coordinator and deleted from this laptop"
        else:
            detail = "none submitted yet"
        super().__init__(f"nothing to export for survey {survey_name!r}: {detail}")


def nothing_to_export(store: Store, survey_id: str, survey_name: str) -> NothingToExport:
    """Why nothing is left to export: how many could be exported again, how many were purged."""
    exported, purged = store.db.execute(
        "select count(case when purged_at is null then 1 end), count(purged_at) from responses "
        "where survey_id = ? and exported_seq is not null",
        [survey_id],
    ).fetchone()
    return NothingToExport(survey_name, exported, purged)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sequence: int
    count: int
    abandoned: int
    survey_id: str
    bundle_hash: str
    identity: str
    """The bundle's signed identity (the SHA-256 of its signed manifest), which receipts name."""
    remaining: int = 0
    """Responses left for the next export because this bundle reached a size limit."""
    enrolled: bool = True
    """The bundle carries this laptop's enrolment (False: the coordinator's record must have it)."""


def _selection(survey_id: str, include_all: bool) -> tuple[str, list[str]]:
    """The SQL condition (and its parameters) picking the responses this export carries."""
    where = "survey_id = ? and status in ('submitted', 'abandoned') and purged_at is null"
    return (where if include_all else where + " and exported_seq is null"), [survey_id]


def _records(store: Store, where: str, params: list[str], seal: Callable[[bytes], bytes]) -> list[SealedRecord]:
    records = []
    sql = f"select id, status, created_at, updated_at, sealed from responses where {where} order by created_at, id"
    for response_id, status, created_at, updated_at, sealed in store.db.execute(sql, params):
        if sealed is None:  # kept in clear (e.g. abandoned without sealing): seal it for the bundle
            sealed = seal(store.load(response_id).canonical_json().encode("utf-8"))
        records.append(SealedRecord(response_id, status, created_at, updated_at, bytes(sealed)))
    return records


def _check_device(store: Store, where: str, params: list[str], device_id: str) -> None:
    """Refuse to export responses made under another device key (device.key was replaced)."""
    others = store.db.execute(
        f"select device_id, count(*) from responses where {where} and device_id != ? group by device_id", [*params, device_id]
    ).fetchall()
    if others:
        listed = ", ".join(f"{n} of device {other}" for other, n in others)
        raise ExportError(
            f"responses were made under another device key ({listed}) than this laptop's ({device_id}): "
            "device.key was replaced; put the original device.key back in the data dir, then export",
            "device_key",
            count=sum(n for _, n in others),
            others=", ".join(str(other) for other, _ in others),
            device=device_id,
        )


def _remove_partials(out_dir: Path, device_id: str) -> None:
    """Remove this device's partial files left by an export that was killed."""
    for leftover in out_dir.glob(f".survey-*_device-{device_id}_seq-*{SUFFIX}{PARTIAL_SUFFIX}"):
        leftover.unlink(missing_ok=True)


def export_bundle(
    data_dir: Path, out_dir: Path, *, include_all: bool = False, progress: Progress | None = None
) -> ExportResult:
    """Export the active survey's submitted (and abandoned) responses not yet exported into `out_dir`.

    `include_all` exports every one again (the merge de-duplicates). `progress(done, total)` is
    called as records are written. Raises ExportError (one line) when there is nothing to do or
    it cannot be done.
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    try:
        survey = active_survey(data_dir)
        device = load_or_create_device(data_dir)
    except StoreError as exc:
        raise ExportError(str(exc), "store", exc) from None
    except (SurveyPackageError, DeviceKeyError) as exc:
        raise ExportError(str(exc), "setup", detail=str(exc)) from None
    seal = survey.sealer()
    if survey.survey_id is None or seal is None:
        raise ExportError(
            "practice is active, not a survey: practice responses are never exported "
            "(install a survey with `akhlak survey install FILE`, or choose one with `akhlak survey activate ID`)",
            "practice",
        )
    if not out_dir.is_dir():
        raise ExportError(f"{out_dir}: no such directory (is the USB stick mounted?)", "not_a_folder", path=out_dir)
    enrolment = _enrolment(data_dir, out_dir, survey.survey_id, device)
    with Store(locations.store_path(data_dir)) as store:
        where, params = _selection(survey.survey_id, include_all)
        _check_device(store, where, params, device.id)
        all_records = _records(store, where, params, seal)
        if not all_records:
            raise nothing_to_export(store, survey.survey_id, survey.name)
        try:
            records = all_records[: fitting_count(all_records)]
        except BundleWriteError as exc:
            raise ExportError(str(exc), "record_too_large") from None
        sequence = next_sequence(store)
        try:
            _remove_partials(out_dir, device.id)
            written = write_bundle(
                out_dir,
                device=device,
                survey=survey,
                sequence=sequence,
                records=records,
                include_all=include_all,
                progress=progress,
                enrolment=enrolment,
            )
        except BundleWriteError as exc:
            raise ExportError(str(exc)) from None
        except OSError as exc:
            raise ExportError(f"{out_dir}: cannot write the bundle: {exc.strerror or exc}", "write", exc, path=out_dir) from None
        abandoned = written.manifest.counts.abandoned
        with store.db.atomic():
            store.db["exports"].insert(
                {
                    "sequence": sequence,
                    "survey_id": survey.survey_id,
                    "file_name": written.path.name,
                    "bundle_hash": written.bundle_hash,
                    "bundle_identity": written.identity,
                    "records": len(records),
                    "abandoned": abandoned,
                    "include_all": int(include_all),
                    "created_at": utc_now(),
                }
            )
            store.db.conn.executemany(
                "update responses set exported_seq = ? where id = ? and exported_seq is null",
                [(sequence, r.response_id) for r in records],
            )
            store.db.conn.executemany(
                "insert into export_records (sequence, response_id) values (?, ?)", [(sequence, r.response_id) for r in records]
            )
    return ExportResult(
        path=written.path,
        sequence=sequence,
        count=len(records),
        abandoned=abandoned,
        survey_id=survey.survey_id,
        bundle_hash=written.bundle_hash,
        identity=written.identity,
        remaining=len(all_records) - len(records),
        enrolled=enrolment is not None,
    )


def _enrolment(data_dir: Path, out_dir: Path, survey_id: str, device: Device) -> str | None:
    """The enrolment the bundle carries: the laptop's, or the one the coordinator left for it on the stick (then kept)."""
    kept = laptop_enrolment(data_dir, survey_id)
    if kept is None and (found := find_enrolment(out_dir, survey_id, device.id)) is not None:
        try:
            kept = install_enrolment(data_dir, device, found).enrolment.text
        except EnrolmentError:
            return None  # not a valid one: the export goes on, and the merge says what is missing
    return kept
