"""A bundle is its signed manifest, not its zip container; refused files are logged by file hash, with a count."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from merge_world import Coordinator
from sqlite_utils import Database

from akhlak_tui.bundle.format import MANIFEST_MEMBER, MEMBERS, PAYLOAD_MEMBER, SIGNATURE_MEMBER
from akhlak_tui.bundle.reader import regular_file_sha256
from akhlak_tui.merge import ingest
from akhlak_tui.merge.database import MergedDatabase, migrations
from akhlak_tui.merge.ingest import ALREADY_MERGED, HELD, MERGED, REFUSED, Merger


def rewrap(path: Path, target: Path, *, prefix: bytes = b"", order: tuple[str, ...] = MEMBERS, compression: int = zipfile.ZIP_STORED) -> Path:
    """The same members in another zip: bytes in front, another order, another compression."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in MEMBERS}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name in order:
            archive.writestr(name, members[name])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(prefix + buffer.getvalue())
    return target


WRAPPINGS = {
    "bytes in front": {"prefix": b"MZ" + bytes(510)},
    "members reordered": {"order": (SIGNATURE_MEMBER, MANIFEST_MEMBER, PAYLOAD_MEMBER)},
    "deflated": {"compression": zipfile.ZIP_DEFLATED},
    "all three": {"prefix": b"\x00" * 7, "order": (MANIFEST_MEMBER, PAYLOAD_MEMBER, SIGNATURE_MEMBER), "compression": zipfile.ZIP_DEFLATED},
}


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("wrapping", WRAPPINGS)
def test_the_same_signed_content_rewrapped_is_already_merged(
    coordinator: Coordinator, device, tmp_path: Path, db: MergedDatabase, wrapping: str, workers: int
) -> None:
    genuine = coordinator.bundle(device, 1, coordinator.responses(device, 4))
    [first] = coordinator.merge(db, [genuine]).outcomes
    other = coordinator.bundle(device, 2, coordinator.responses(device, 2, seed=2))
    copy = rewrap(genuine, tmp_path / "copy" / "renamed.akhlak-bundle", **WRAPPINGS[wrapping])

    result = coordinator.merge(db, [copy, other], workers=workers)

    outcome = result.outcomes[0]
    assert (outcome.status, outcome.bundle_hash, outcome.device_id, outcome.sequence) == (ALREADY_MERGED, first.bundle_hash, device.id, 1)
    assert outcome.reason.endswith(f"from {genuine.name}")
    assert outcome.remark is None
    assert result.outcomes[1].status == MERGED
    assert db.db.execute("select count(*) from bundles where device_id = ? and sequence = 1", [device.id]).fetchone()[0] == 1


def test_a_valid_rewrapping_merged_first_makes_the_original_already_merged(coordinator: Coordinator, device, tmp_path: Path, db: MergedDatabase) -> None:
    genuine = coordinator.bundle(device, 1, coordinator.responses(device, 3))
    copy = rewrap(genuine, tmp_path / "copy" / "copy.akhlak-bundle", order=(MANIFEST_MEMBER, SIGNATURE_MEMBER, PAYLOAD_MEMBER))

    outcomes = coordinator.merge(db, [copy, genuine]).outcomes

    assert [(o.status, o.accepted) for o in outcomes] == [(MERGED, 3), (ALREADY_MERGED, 0)]
    assert outcomes[0].bundle_hash == outcomes[1].bundle_hash


def test_a_refused_rewrapping_does_not_stop_the_genuine_bundle(coordinator: Coordinator, device, tmp_path: Path, db: MergedDatabase) -> None:
    genuine = coordinator.bundle(device, 1, coordinator.responses(device, 3))
    copy = rewrap(genuine, tmp_path / "copy" / "copy.akhlak-bundle", compression=zipfile.ZIP_DEFLATED)

    outcomes = coordinator.merge(db, [copy, genuine]).outcomes

    assert [o.status for o in outcomes] == [REFUSED, MERGED]
    assert outcomes[1].accepted == 3


def test_a_bundle_merged_by_an_earlier_version_is_still_known_by_its_file(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    genuine = coordinator.bundle(device, 1, coordinator.responses(device, 3))
    coordinator.merge(db, [genuine])
    # as an earlier version left it: known by the file's SHA-256
    db.db.execute("update bundles set hash = ?, identified_by_file = 1", [regular_file_sha256(genuine)])
    db.db.conn.commit()

    for workers in (1, 2):
        other = coordinator.bundle(device, 1 + workers, coordinator.responses(device, 1, seed=workers))
        outcomes = coordinator.merge(db, [genuine, other], workers=workers).outcomes
        assert [o.status for o in outcomes] == [ALREADY_MERGED, MERGED]



@pytest.mark.parametrize("workers", [1, 2])
def test_a_rewrapped_copy_of_a_held_bundle_is_held_not_merged(coordinator: Coordinator, device, tmp_path: Path, db: MergedDatabase, workers: int) -> None:
    a1, b1, other = coordinator.responses(device, 3)
    machine_a = coordinator.bundle(device, 1, [a1], out=coordinator.out / "a")
    machine_b = coordinator.bundle(device, 1, [b1], out=coordinator.out / "b")  # one device key on two machines
    assert [o.status for o in coordinator.merge(db, [machine_a, machine_b]).outcomes] == [MERGED, HELD]
    held_before = db.db.execute("select * from held order by id").fetchall()
    copy = rewrap(machine_b, tmp_path / "copy" / "renamed.akhlak-bundle", prefix=b"\x00" * 3, compression=zipfile.ZIP_DEFLATED)
    more = coordinator.bundle(device, 2, [other], out=coordinator.out / "a")

    result = coordinator.merge(db, [copy, more], workers=workers)

    outcome = result.outcomes[0]
    assert (outcome.status, outcome.device_id, outcome.sequence) == (HELD, device.id, 1)
    assert "possible copied device" in (outcome.reason or "")
    assert db.db.execute("select count(*) from responses").fetchone()[0] == 0  # neither machine scored
    assert db.db.execute("select * from held where bundle_hash != ? order by id", [result.outcomes[1].bundle_hash]).fetchall() == held_before
    assert db.db.execute("select count(*) from bundles where device_id = ? and sequence = 1", [device.id]).fetchone()[0] == 2
    assert db.db.execute("select count(*) from refusals").fetchone()[0] == 0

def junk(directory: Path, name: str, content: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_refusals_are_logged_once_per_file_hash_with_a_count(tmp_path: Path, coordinator: Coordinator, db: MergedDatabase, workers: int) -> None:
    same = [junk(tmp_path / "a", "one.akhlak-bundle", b"not a bundle"), junk(tmp_path / "b", "again.akhlak-bundle", b"not a bundle")]
    different = junk(tmp_path / "c", "two.akhlak-bundle", b"not a bundle either")

    for _ in range(3):
        coordinator.merge(db, [*same, different], workers=workers)

    rows = db.db.execute("select file_hash, file_name, reason, times from refusals order by times").fetchall()
    assert rows == [
        (regular_file_sha256(different), "two.akhlak-bundle", "not a bundle (not a zip archive)", 3),
        (regular_file_sha256(same[0]), "again.akhlak-bundle", "not a bundle (not a zip archive)", 6),
    ]
    assert db.db.execute("select count(*) from bundles").fetchone()[0] == 0


def test_the_refusal_log_has_a_limit(tmp_path: Path, coordinator: Coordinator, db: MergedDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_LOGGED_REFUSALS", 3)
    files = [junk(tmp_path, f"{n}.akhlak-bundle", b"junk %d" % n) for n in range(10)]

    result = coordinator.merge(db, files)

    assert [o.status for o in result.outcomes] == [REFUSED] * 10
    assert db.db.execute("select count(*) from refusals").fetchone()[0] == 4
    assert db.db.execute("select file_name, times from refusals where file_hash = ''").fetchone() == (
        "(files beyond the first 3; the last: 9.akhlak-bundle)", 7
    )


def test_m005_moves_refused_rows_to_the_log_and_marks_bundles_known_by_their_file(tmp_path: Path) -> None:
    old = Database(tmp_path / "old.db")
    migrations.apply(old, stop_before="m005_bundle_identity")
    old["bundles"].insert_all([
        {"hash": "f" * 64, "file_name": "a.akhlak-bundle", "device_id": "ABCDEFGH", "sequence": 1, "status": "merged", "merged_at": "t1"},
        {"hash": "e" * 64, "file_name": "b.akhlak-bundle", "device_id": "ABCDEFGH", "sequence": 2, "status": "refused",
         "reason": "payload hash mismatch", "merged_at": "t2"},
    ])
    old.close()

    with MergedDatabase(tmp_path / "old.db") as db:
        assert db.db.execute("select hash, identified_by_file from bundles").fetchall() == [("f" * 64, 1)]
        assert db.db.execute("select file_hash, file_name, device_id, sequence, reason, first_at, last_at, times from refusals").fetchall() == [
            ("e" * 64, "b.akhlak-bundle", "ABCDEFGH", 2, "payload hash mismatch", "t2", "t2", 1)
        ]
        assert Merger(db, {}, enrolments=None).file_identities()
    with MergedDatabase(tmp_path / "new.db") as db:
        assert not Merger(db, {}, enrolments=None).file_identities()
