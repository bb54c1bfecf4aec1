"""The coordinator's side: receipts for every device, from what its merged database holds.

A receipt names, per bundle merged from the device (by its signed identity), the response ids
stored in `responses` from that bundle: a response quarantined, set aside as a conflict, or held
with a possibly copied device is not stored there, so it is not named, and its laptop keeps it.
Receipts are cumulative: each one names everything received from the device so far, so the
newest replaces the ones before and importing an old one again does no harm.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from nacl.signing import SigningKey

from akhlak_tui.files import write_file_atomically
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.receipt.document import Receipt, ReceiptError, ReceivedBundle, sign_receipt
from akhlak_tui.response import utc_now

_RECEIVED_SQL = (
    "select b.device_id, b.hash, b.sequence, b.merged_at, r.id from bundles b join responses r on r.bundle_hash = b.hash "
    "where b.status = 'merged' and r.device_id = b.device_id {only} order by b.device_id, b.sequence, b.hash, r.id"
)


@dataclass(frozen=True)
class WrittenReceipt:
    path: Path
    receipt: Receipt


def build_receipts(db: MergedDatabase, devices: Sequence[str] | None = None, issued_at: str | None = None) -> list[Receipt]:
    """One receipt per device with at least one stored response (only `devices`, if given)."""
    survey_id = db.require_survey()["id"]
    issued_at = issued_at or utc_now()
    only, params = "", []
    if devices is not None:
        only = f"and b.device_id in ({', '.join('?' * len(devices))})"
        params = list(devices)
    rows = db.db.execute(_RECEIVED_SQL.format(only=only), params)
    receipts = []
    for device_id, device_rows in groupby(rows, key=lambda row: row[0]):
        bundles = [
            ReceivedBundle(identity=identity, sequence=sequence, merged_at=merged_at or issued_at, responses=tuple(row[4] for row in bundle_rows))
            for (identity, sequence, merged_at), bundle_rows in groupby(device_rows, key=lambda row: (row[1], row[2], row[3]))
        ]
        receipts.append(Receipt(survey_id=survey_id, device_id=device_id, issued_at=issued_at, bundles=tuple(bundles)))
    return receipts


def make_durable(db: MergedDatabase) -> None:
    """Checkpoint the merged database's WAL into its file, synced, before any receipt names what it holds.

    It commits without syncing the WAL (synchronous=NORMAL): a power cut may roll back its last
    transactions, and a laptop holding a receipt for them would purge responses the coordinator
    no longer has. A checkpoint syncs the WAL, then the database file; it must take in every frame.
    """
    try:
        busy, frames, done = db.db.execute("PRAGMA wal_checkpoint(FULL)").fetchone()
    except sqlite3.OperationalError as exc:
        raise ReceiptError(f"{db.path}: cannot make the merge durable before writing receipts ({exc})") from None
    if busy or done < frames:
        raise ReceiptError(
            f"{db.path}: another program is using the merged database, so the merge cannot be made durable yet; "
            "no receipt written (close it, then run `akhlak receipt write`)"
        )


def write_receipts(
    db: MergedDatabase, signing_key: SigningKey, out_dir: Path, devices: Sequence[str] | None = None
) -> list[WrittenReceipt]:
    """Sign and write the receipts into `out_dir` (each atomically, replacing an older one of the device)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ReceiptError(f"{out_dir}: no such directory")
    make_durable(db)
    written = []
    for receipt in build_receipts(db, devices):
        path = out_dir / receipt.file_name()
        try:
            write_file_atomically(path, sign_receipt(receipt, signing_key))
        except OSError as exc:
            raise ReceiptError(f"{path}: cannot write: {exc.strerror or exc}") from None
        written.append(WrittenReceipt(path, receipt))
    return written
