"""Verified bundles committed in groups: outcomes only once committed, all or nothing per group, and a killed merge."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from merge_world import PASSPHRASE, Coordinator, make_coordinator

from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.ingest import ALREADY_MERGED, MERGED, CommitGroup, Merger
from akhlak_tui.merge.prepare import BundlePreparer, PreparedBundle


def prepared(coordinator: Coordinator, device, sequences: range, per_bundle: int = 4) -> list[PreparedBundle]:
    preparer = BundlePreparer(coordinator.keys.box_key, coordinator.surveys)
    files = [coordinator.bundle(device, n, coordinator.responses(device, per_bundle, seed=n)) for n in sequences]
    return [preparer.prepare(str(path)) for path in files]


def committed_responses(path: Path) -> int:
    """What another connection sees: only committed rows."""
    with sqlite3.connect(path) as other:
        tables = {row[0] for row in other.execute("select name from sqlite_master")}
        return other.execute("select count(*) from responses").fetchone()[0] if "responses" in tables else 0


def test_outcomes_are_handed_out_only_once_their_group_is_committed(coordinator: Coordinator, device, tmp_path: Path) -> None:
    path = tmp_path / "merged.db"
    with MergedDatabase(path) as db:
        merger = coordinator.merger(db)
        group = CommitGroup(merger, max_records=1000, max_seconds=3600)
        bundles = prepared(coordinator, device, range(1, 4))

        released = [group.apply(b.path, b.header, b.chunks) for b in bundles]

        assert released == [[], [], []]
        assert committed_responses(path) == 0  # written, not yet committed
        outcomes = group.commit()
        assert [(o.file, o.status, o.accepted) for o in outcomes] == [(b.path, MERGED, 4) for b in bundles]
        assert committed_responses(path) == 12


def test_a_group_commits_once_it_holds_enough_records_or_is_old_enough(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    now = [0.0]
    merger = coordinator.merger(db)
    group = CommitGroup(merger, max_records=8, max_seconds=5, clock=lambda: now[0])
    first, second, third, fourth = prepared(coordinator, device, range(1, 5))

    assert group.apply(first.path, first.header, first.chunks) == []
    assert [o.file for o in group.apply(second.path, second.header, second.chunks)] == [first.path, second.path]
    assert group.apply(third.path, third.header, third.chunks) == []
    now[0] = 5.0
    assert [o.file for o in group.apply(fourth.path, fourth.header, fourth.chunks)] == [third.path, fourth.path]
    assert not db.db.conn.in_transaction


def test_outcomes_decided_otherwise_wait_for_the_group_in_file_order(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    merger = coordinator.merger(db)
    first, second = prepared(coordinator, device, range(1, 3))
    coordinator.merge(db, [first.path])
    group = CommitGroup(merger, max_records=1000, max_seconds=3600)

    alone = group.hold(merger.already_merged("again", first.header.bundle_hash))
    assert [(o.file, o.status) for o in alone] == [("again", ALREADY_MERGED)]  # nothing pending: at once
    assert group.apply(second.path, second.header, second.chunks) == []
    assert group.hold(merger.already_merged("again", first.header.bundle_hash)) == []
    assert [(o.file, o.status) for o in group.commit()] == [(second.path, MERGED), ("again", ALREADY_MERGED)]


def test_a_failure_in_a_group_undoes_every_bundle_of_it(coordinator: Coordinator, device, db: MergedDatabase, monkeypatch) -> None:
    merger = coordinator.merger(db)
    group = CommitGroup(merger, max_records=1000, max_seconds=3600)
    first, second = prepared(coordinator, device, range(1, 3))
    assert group.apply(first.path, first.header, first.chunks) == []
    original = db.insert_rows

    def disk_full(*args):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(db, "insert_rows", disk_full)
    with pytest.raises(sqlite3.OperationalError):
        group.apply(second.path, second.header, second.chunks)

    assert db.db.execute("select count(*) from responses").fetchone()[0] == 0
    assert db.db.execute("select count(*) from bundles").fetchone()[0] == 0
    assert group.commit() == []  # nothing of the failed group is handed out
    monkeypatch.setattr(db, "insert_rows", original)
    result = coordinator.merge(db, [first.path, second.path])
    assert [o.accepted for o in result.outcomes] == [4, 4]


MERGE_IN_GROUPS = """
import sys
from pathlib import Path
from akhlak_tui.crypto.coordinator import unlock_coordinator
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.enrolment.record import DeviceRecord
from akhlak_tui.merge.run import bundle_files, merge_bundles
from akhlak_tui.survey import coordinator_surveys
home, stick, merged, group_records = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
keys = unlock_coordinator(home, sys.argv[5])
with MergedDatabase(merged) as db, DeviceRecord(home, keys.public.signing_key) as enrolments:
    merge_bundles(db, bundle_files([stick]), box_key=keys.box_key, surveys=coordinator_surveys(home), enrolments=enrolments, workers=2, group_records=group_records)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_merge_killed_at_any_moment_keeps_whole_bundles_and_merging_again_completes_it(tmp_path: Path) -> None:
    home, stick = tmp_path / "home", tmp_path / "stick"
    make_coordinator(home, tmp_path / "unused")
    env = {**os.environ, "AKHLAK_HOME": str(home), "AKHLAK_PASSPHRASE": PASSPHRASE}
    demo = ["demo", "--devices", "30", "--responses", "100", "--bundles", "2", "--out", str(stick), "--workers", "2"]
    subprocess.run([sys.executable, "-m", "akhlak_tui", *demo], env=env, check=True, capture_output=True)
    bundles = len(list(stick.iterdir()))
    killed_mid_run = 0
    for attempt in range(4):
        merged = tmp_path / f"merged-{attempt}.db"
        # groups of about two bundles, so that a kill lands between commits or inside a group
        child = [sys.executable, "-c", MERGE_IN_GROUPS, str(home), str(stick), str(merged), "100", PASSPHRASE]
        merge = subprocess.Popen(child, env=env, start_new_session=True)
        deadline = time.monotonic() + 120
        while committed_bundles(merged) == 0 and merge.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(random.uniform(0, 0.1))
        os.killpg(merge.pid, signal.SIGKILL)  # the merge and its workers, as a power cut would
        merge.wait()

        with sqlite3.connect(merged) as db:
            merged_bundles, accepted = db.execute("select count(*), coalesce(sum(accepted), 0) from bundles where status = 'merged'").fetchone()
            assert db.execute("select count(*) from responses").fetchone()[0] == accepted
            assert db.execute("select count(*) from answers").fetchone()[0] == accepted
            assert db.execute("select count(*) from responses where bundle_hash not in (select hash from bundles)").fetchone()[0] == 0
        killed_mid_run += 0 < merged_bundles < bundles
        again = subprocess.run([sys.executable, "-c", MERGE_IN_GROUPS, str(home), str(stick), str(merged), "100", PASSPHRASE], env=env)
        assert again.returncode == 0
        with sqlite3.connect(merged) as db:
            assert db.execute("select count(*) from bundles where status = 'merged'").fetchone()[0] == bundles
            assert db.execute("select count(*) from responses").fetchone()[0] == 30 * 100
        if killed_mid_run >= 2:
            break
    assert killed_mid_run >= 1, "every kill came before the first commit or after the last: nothing was tested"


def committed_bundles(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute("select count(*) from bundles").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0
