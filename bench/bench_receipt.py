"""Benchmark: importing a receipt on a laptop (marking its responses received) and purging them, at two sizes.

Usage: python bench/bench_receipt.py [-n N] [--per P]
  -n N     responses in the larger store and receipt (default 40000; the smaller has N/4)
  --per P  responses per bundle (default 1000)

Builds laptop stores directly (responses with 1.6 KB random sealed records, exported in bundles
of P), then times verify, mark, a second import of the same receipt, and the purge, for N/4
and N responses. The ratio of the two marks is the point: it stays near 4 when marking is linear
in the receipt's size; a per-response scan of the receipt made it about 16 (76 s for 50,000).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

from nacl.signing import SigningKey

from akhlak_tui.receipt.document import Receipt, ReceivedBundle, sign_receipt, verify_receipt
from akhlak_tui.receipt.laptop import _mark, empty_wal
from akhlak_tui.store import Store

SURVEY, DEVICE = "benchsurveyaaaaa", "7KQ2MX4A"
KEY = SigningKey(b"\x05" * 32)


def build(path: Path, n: int, per: int) -> bytes:
    """A laptop store with n exported responses, and the receipt (bytes) naming them all."""
    ids = [str(uuid.uuid4()) for _ in range(n)]
    with Store(path) as store, store.db.atomic():
        db = store.db
        db.conn.executemany(
            "insert into responses (id, survey_id, questionnaire_id, questionnaire_hash, device_id, mode, status, created_at, "
            "updated_at, sealed, exported_seq) values (?, ?, 'q', 'h', ?, 'kiosk', 'submitted', ?, ?, ?, ?)",
            [(rid, SURVEY, DEVICE, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", os.urandom(1600), i // per + 1) for i, rid in enumerate(ids)],
        )
        db.conn.executemany(
            "insert into exports (sequence, survey_id, file_name, bundle_hash, bundle_identity, records, created_at) values (?, ?, 'f', ?, ?, ?, ?)",
            [(s + 1, SURVEY, os.urandom(32).hex(), f"{s:064x}", per, "2026-01-01T00:00:00Z") for s in range(-(-n // per))],
        )
        db.conn.executemany("insert into export_records (sequence, response_id) values (?, ?)", [(i // per + 1, rid) for i, rid in enumerate(ids)])
    bundles = tuple(
        ReceivedBundle(identity=f"{s:064x}", sequence=s + 1, merged_at="2026-01-02T00:00:00Z", responses=tuple(sorted(ids[s * per : (s + 1) * per])))
        for s in range(-(-n // per))
    )
    return sign_receipt(Receipt(survey_id=SURVEY, device_id=DEVICE, issued_at="2026-02-01T00:00:00Z", bundles=bundles), KEY)


def timed(n: int, per: int, folder: Path) -> dict[str, float]:
    path = folder / f"store-{n}.db"
    data = build(path, n, per)
    times = {}
    start = time.perf_counter()
    receipt = verify_receipt(data, "bench", lambda _: bytes(KEY.verify_key))
    times["verify"] = time.perf_counter() - start
    with Store(path) as store:
        for name in ("mark", "again"):
            start = time.perf_counter()
            result = _mark(store, path, receipt)
            times[name] = time.perf_counter() - start
        assert result.already == n
        start = time.perf_counter()
        with store.db.atomic():
            store.db.execute("update responses set sealed = null, purged_at = 'now' where received_at is not null")
        empty_wal(store)
        times["purge"] = time.perf_counter() - start
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40_000)
    parser.add_argument("--per", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small, large = timed(args.n // 4, args.per, Path(folder)), timed(args.n, args.per, Path(folder))
    for name in small:
        print(f"{name:<7} {args.n // 4:>7}: {small[name]:7.3f} s   {args.n:>7}: {large[name]:7.3f} s   ratio {large[name] / small[name]:5.1f}")


if __name__ == "__main__":
    main()
