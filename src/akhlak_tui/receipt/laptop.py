"""The laptop's side: import a receipt (verified with the pinned coordinator key), purge received responses, count.

A receipt marks a response received only if this laptop has it (submitted or abandoned, of the
survey and device the receipt names) and exported it in the very bundle the receipt names
(matched by the bundle's signed identity, or by its file's SHA-256 for bundles merged before
identities were used). Anything else it names is ignored and counted: a receipt never marks a
response that was never exported.

Purging deletes the sealed records of received responses only (the SQL says so, and a trigger
in the store refuses any other), with SQLite's secure delete on, then empties the WAL so no
earlier page holding them remains; the rows stay, without their records, for the tallies.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from akhlak_tui import locations
from akhlak_tui.crypto.device import DEVICE_KEY_FILE, DeviceKeyError, load_or_create_device
from akhlak_tui.files import read_small_file
from akhlak_tui.receipt.document import MAX_RECEIPT_BYTES, RECEIPT_SUFFIX, Receipt, ReceiptError, SigningKeyLookup, verify_receipt
from akhlak_tui.response import utc_now
from akhlak_tui.store import Store
from akhlak_tui.store.errors import store_error
from akhlak_tui.survey.package import SurveyPackageError

CHECKPOINT_WAIT_MS = 10_000
"""How long a purge waits for other readers of the store before it says the WAL could not be emptied."""


@dataclass(frozen=True)
class ImportResult:
    """What importing a receipt did: responses newly marked, already marked, and what was ignored."""

    path: Path
    receipt: Receipt
    marked: int
    already: int
    unknown: int
    """Ids this laptop never had."""
    drafts: int
    """Ids of responses still drafts here (never exported: ignored)."""
    not_exported: int
    """Ids this laptop has but did not export in the bundle the receipt names (or of another survey or device)."""
    foreign_bundles: int
    """Bundles named that this laptop never exported."""

    @property
    def ignored(self) -> int:
        return self.unknown + self.drafts + self.not_exported


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    wal_emptied: bool
    """False when another program was reading the store: old pages stay in the WAL until its next checkpoint."""


@dataclass(frozen=True)
class SurveyProgress:
    """Where a survey's responses stand on this laptop (the enumerator's tally)."""

    survey_id: str
    drafts: int = 0
    unexported: int = 0
    exported_not_received: int = 0
    received: int = 0
    """Received and not purged yet."""
    purged: int = 0

    @property
    def at_risk(self) -> int:
        """Responses that would be lost if the survey were removed now."""
        return self.drafts + self.unexported + self.exported_not_received


def _pinned_key(store: Store, label: str) -> SigningKeyLookup:
    from akhlak_tui.survey.install import installed_package

    def signing_key_for(survey_id: str) -> bytes:
        try:
            return installed_package(store, survey_id).coordinator_public.signing_key
        except SurveyPackageError:
            raise ReceiptError(f"{label}: for survey {survey_id[:40]!r}, which is not installed on this laptop", kind="not_installed") from None

    return signing_key_for


def _device_id(data_dir: Path, label: str) -> str:
    if not (Path(data_dir) / DEVICE_KEY_FILE).exists():
        raise ReceiptError(f"{label}: this laptop has no device key, so it exported nothing; the receipt is for another laptop", kind="other_laptop")
    try:
        return load_or_create_device(data_dir).id
    except DeviceKeyError as exc:
        raise ReceiptError(str(exc)) from None


def read_receipt(data_dir: Path, path: Path, store: Store) -> Receipt:
    """Read and verify a receipt file for this laptop; ReceiptError (one line naming the file) otherwise."""
    label = str(path)
    data = read_small_file(Path(path), MAX_RECEIPT_BYTES, ReceiptError, what="a receipt")
    receipt = verify_receipt(data, label, _pinned_key(store, label))
    device_id = _device_id(data_dir, label)
    if receipt.device_id != device_id:
        raise ReceiptError(f"{label}: for device {receipt.device_id}; this laptop is device {device_id}", kind="other_laptop")
    return receipt


def import_receipt(data_dir: Path, path: Path) -> ImportResult:
    """Verify a receipt and mark the responses it names received (idempotent); ReceiptError if refused,
    StoreError if the store cannot record it."""
    path = Path(path)
    with Store(locations.store_path(Path(data_dir))) as store:
        receipt = read_receipt(data_dir, path, store)
        try:
            return _mark(store, path, receipt)
        except sqlite3.Error as exc:  # not a refusal: the laptop cannot write (a full disk ...); its kind goes with it
            raise store_error(exc, store.path, f"cannot record the receipt {path}") from None


def _mark(store: Store, path: Path, receipt: Receipt) -> ImportResult:
    db = store.db
    with db.atomic():
        db.execute("create temp table if not exists receipt_ids (id text, sequence int)")
        db.execute("delete from temp.receipt_ids")
        foreign = 0
        for bundle in receipt.bundles:
            found = db.execute(
                "select sequence from exports where survey_id = ? and (bundle_identity = ? or bundle_hash = ?)",
                [receipt.survey_id, bundle.identity, bundle.identity],
            ).fetchone()
            foreign += found is None
            db.conn.executemany(
                "insert into temp.receipt_ids (id, sequence) values (?, ?)", [(rid, found and found[0]) for rid in bundle.responses]
            )
        # Driven from the receipt's ids: each is looked up by primary key in export_records and responses.
        eligible = (
            "from temp.receipt_ids t join export_records e on e.sequence = t.sequence and e.response_id = t.id "
            "join responses r on r.id = t.id "
            "where r.survey_id = ? and r.device_id = ? and r.status in ('submitted', 'abandoned')"
        )
        params = [receipt.survey_id, receipt.device_id]
        matched, already = db.execute(
            f"select count(distinct r.id), count(distinct case when r.received_at is not null then r.id end) {eligible}", params
        ).fetchone()
        named, unknown, drafts = db.execute(
            "select count(distinct t.id), count(distinct case when r.id is null then t.id end), "
            "count(distinct case when r.status = 'draft' then t.id end) "
            "from temp.receipt_ids t left join responses r on r.id = t.id"
        ).fetchone()
        db.execute(f"update responses set received_at = ? where id in (select r.id {eligible} and r.received_at is null)", [utc_now(), *params])
        db.execute("drop table temp.receipt_ids")
    return ImportResult(
        path=path,
        receipt=receipt,
        marked=matched - already,
        already=already,
        unknown=unknown,
        drafts=drafts,
        not_exported=named - matched - unknown - drafts,
        foreign_bundles=foreign,
    )


@dataclass(frozen=True)
class Refusal:
    """A receipt in the folder that was refused: its file, why (ReceiptError.kind) and the one-line message."""

    path: Path
    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FolderImport:
    """The receipts for this laptop found in a folder: imported, refused, and what can be purged."""

    imported: tuple[ImportResult, ...] = ()
    refused: tuple[Refusal, ...] = ()
    waiting: dict[str, int] | None = None
    """Survey id -> received responses not yet purged, for every installed survey (whichever receipt marked them)."""

    @property
    def found(self) -> bool:
        return bool(self.imported or self.refused)

    @property
    def purgeable(self) -> int:
        return sum((self.waiting or {}).values())


def receipts_in(folder: Path, device_id: str) -> list[Path]:
    """This laptop's receipts in a folder (a stick shared by laptops holds theirs too), by name."""
    return sorted(Path(folder).glob(f"survey-*_device-{device_id}{RECEIPT_SUFFIX}"))


def import_folder(data_dir: Path, folder: Path) -> FolderImport:
    """Import every receipt of this laptop found in `folder` (the export's stick); a refused one does not stop
    the rest, a store that cannot record them (StoreError) does.

    What waits to be purged is counted over every installed survey, not only those of the receipts
    accepted now: responses marked by an earlier receipt (`akhlak receipt import --keep`) are offered too.
    """
    if not (Path(data_dir) / DEVICE_KEY_FILE).exists():
        return FolderImport()
    imported, refused = [], []
    for path in receipts_in(folder, load_or_create_device(data_dir).id):
        try:
            imported.append(import_receipt(data_dir, path))
        except ReceiptError as exc:
            refused.append(Refusal(path, exc.kind, str(exc)))
    with Store(locations.store_path(Path(data_dir))) as store:
        installed = {row[0] for row in store.db.execute("select id from installed_surveys")}
        waiting = {p.survey_id: p.received for p in survey_progress(store) if p.survey_id in installed and p.received}
    return FolderImport(tuple(imported), tuple(refused), waiting)


_RECEIVED = "survey_id = ? and received_at is not null and purged_at is null"


def purge_received(data_dir: Path, survey_id: str) -> PurgeResult:
    """Delete the sealed records (and any clear answers and events) of the survey's received responses.

    Only rows with a receipt are touched: the statements select them, and the store's trigger
    refuses to purge any other. The WAL is emptied afterwards, so no copy of a record remains.
    """
    with Store(locations.store_path(Path(data_dir))) as store:
        db = store.db
        try:
            with db.atomic():
                for table in ("answers", "events"):
                    db.execute(f"delete from {table} where response_id in (select id from responses where {_RECEIVED})", [survey_id])
                purged = db.execute(
                    f"update responses set sealed = null, position = null, purged_at = ? where {_RECEIVED}", [utc_now(), survey_id]
                ).rowcount
            return PurgeResult(purged=purged, wal_emptied=empty_wal(store))
        except sqlite3.Error as exc:  # its kind (a full disk ...) goes with it, for a message in the user's language
            raise store_error(exc, store.path, "cannot purge") from None


def empty_wal(store: Store) -> bool:
    """Checkpoint the WAL into the database and truncate it to nothing, waiting a while for readers; True if done."""
    timeout = store.db.execute("PRAGMA busy_timeout").fetchone()[0]
    store.db.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
    try:
        busy = store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.OperationalError:
        busy = 1
    finally:
        store.db.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    return busy == 0


def survey_progress(store: Store) -> list[SurveyProgress]:
    """Per survey with responses on this laptop (practice excluded): drafts, unexported, exported-not-received, received, purged."""
    rows = store.db.execute(
        "select survey_id, "
        "sum(status = 'draft'), "
        "sum(status != 'draft' and exported_seq is null and purged_at is null), "
        "sum(exported_seq is not null and received_at is null), "
        "sum(received_at is not null and purged_at is null), "
        "sum(purged_at is not null) "
        "from responses where survey_id is not null group by survey_id order by survey_id"
    ).fetchall()
    return [SurveyProgress(*row) for row in rows]


def progress_of(store: Store, survey_id: str) -> SurveyProgress:
    return next((p for p in survey_progress(store) if p.survey_id == survey_id), SurveyProgress(survey_id))
