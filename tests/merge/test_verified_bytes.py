"""Only the bytes that were verified reach the merged database: a file rewritten after its verification is refused whole."""

from __future__ import annotations

import os
import struct
import zipfile
from pathlib import Path

import pytest
from merge_world import Coordinator

from akhlak_tui.bundle.format import PAYLOAD_MEMBER
from akhlak_tui.merge import prepare
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.ingest import MERGED, REFUSED

LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def payload_of(path: Path) -> tuple[int, bytes]:
    """Where payload.bin's bytes start in the file, and the bytes."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(PAYLOAD_MEMBER)
        payload = archive.read(info)
    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        fields = LOCAL_HEADER.unpack(handle.read(LOCAL_HEADER.size))
    return info.header_offset + LOCAL_HEADER.size + fields[-2] + fields[-1], payload


@pytest.fixture
def rewrite_after_verification(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Make the `at`-th verification of `victim` followed by an in-place rewrite of its payload with `forged` (a USB
    device or shared folder that serves other bytes the next time); returns a function to arm it, and one that counts
    the rewrites done (in this process or a worker)."""
    armed: dict[str, object] = {}
    calls, rewrites = tmp_path / "verifications", tmp_path / "rewrites"
    real = prepare.read_bundle

    def read_then_rewrite(path, **kwargs):
        opened = real(path, **kwargs)
        if Path(path) == armed.get("victim"):
            with calls.open("ab") as counter:
                counter.write(b".")
            if calls.stat().st_size == armed["at"]:
                before = os.stat(path)
                with open(path, "r+b") as handle:  # the same file, not a new one under its name
                    handle.seek(armed["offset"])  # type: ignore[arg-type]
                    handle.write(armed["forged"])  # type: ignore[arg-type]
                os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a device that serves other bytes would
                with rewrites.open("ab") as counter:
                    counter.write(b".")
        return opened

    monkeypatch.setattr(prepare, "read_bundle", read_then_rewrite)

    def arm(victim: Path, forged: bytes, at: int = 1) -> None:
        armed.update(victim=victim, offset=payload_of(victim)[0], forged=forged, at=at)

    def disarm() -> int:
        armed.clear()
        return rewrites.stat().st_size if rewrites.exists() else 0

    return arm, disarm


def forged_payload(coordinator: Coordinator, device, tmp_path: Path, n: int) -> bytes:
    """The payload of a bundle of made-up responses under the genuine device (sealed to the coordinator, as anyone can)."""
    forged = coordinator.bundle(device, 9, coordinator.responses(device, n, seed=666), out=tmp_path / "forger")
    return payload_of(forged)[1]


@pytest.mark.parametrize(
    ("workers", "chunk_records", "forged_records", "at"),
    [
        (1, 2000, 4, 1),  # in this process; a shorter forged payload
        (1, 2, 9, 1),  # streamed in chunks; a longer one
        (2, 2, 4, 2),  # verified by a worker, then verified again and streamed here: rewritten after the second
        (2, 2000, 9, 1),  # verified and read by a worker, handed over whole
    ],
)
def test_a_bundle_rewritten_after_verification_is_refused_and_nothing_merged(
    coordinator: Coordinator, device, other_device, tmp_path: Path, db: MergedDatabase, rewrite_after_verification,
    workers: int, chunk_records: int, forged_records: int, at: int,
) -> None:
    genuine = coordinator.responses(device, 6)
    victim = coordinator.bundle(device, 1, genuine)
    original = victim.read_bytes()
    bystander = coordinator.bundle(other_device, 1, coordinator.responses(other_device, 3))
    arm, disarm = rewrite_after_verification
    arm(victim, forged_payload(coordinator, device, tmp_path, forged_records), at)

    result = coordinator.merge(db, [victim, bystander], workers=workers, chunk_records=chunk_records)

    assert disarm() == 1
    outcome = result.outcomes[0]
    assert outcome.status == REFUSED, outcome
    assert outcome.reason.startswith(("the file changed after it was verified", "payload is damaged")), outcome.reason
    assert result.outcomes[1].status == MERGED
    assert db.db.execute("select count(*) from responses where device_id = ?", [device.id]).fetchone()[0] == 0
    assert db.db.execute("select count(*) from bundles where device_id = ?", [device.id]).fetchone()[0] == 0
    assert db.db.execute("select count(*) from quarantine").fetchone()[0] == 0

    victim.write_bytes(original)  # the genuine file, brought in again
    again = coordinator.merge(db, [victim], workers=workers, chunk_records=chunk_records)

    assert [(o.status, o.accepted) for o in again.outcomes] == [(MERGED, 6)]
    stored = dict(db.db.execute("select id, content_hash from responses where device_id = ?", [device.id]).fetchall())
    assert stored == {r.id: r.content_hash() for r in genuine}


def test_a_file_replaced_under_its_name_after_verification_merges_the_verified_bytes(
    coordinator: Coordinator, device, tmp_path: Path, db: MergedDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    genuine = coordinator.responses(device, 5)
    victim = coordinator.bundle(device, 1, genuine)
    other = coordinator.bundle(device, 1, coordinator.responses(device, 5, seed=666), out=tmp_path / "forger")
    real = prepare.read_bundle

    def read_then_replace(path, **kwargs):
        opened = real(path, **kwargs)
        other.replace(path)  # a new file under the verified one's name
        return opened

    monkeypatch.setattr(prepare, "read_bundle", read_then_replace)

    [outcome] = coordinator.merge(db, [victim], chunk_records=2).outcomes

    assert (outcome.status, outcome.accepted) == (MERGED, 5)
    stored = dict(db.db.execute("select id, content_hash from responses").fetchall())
    assert stored == {r.id: r.content_hash() for r in genuine}
