"""The merge with day-precision manifest times (and with the exact times older laptops wrote)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from merge_world import Coordinator

from akhlak_tui.bundle.format import MANIFEST_MEMBER, SIGNATURE_CONTEXT, SIGNATURE_MEMBER
from akhlak_tui.crypto.device import Device
from akhlak_tui.merge.database import MergedDatabase

DAY = re.compile(r"\d{4}-\d{2}-\d{2}T00:00:00Z")


def with_exact_times(bundle: Path, device: Device, created_at: str) -> Path:
    """The bundle as a laptop of an earlier version wrote it: exact times in its manifest, signed."""
    with zipfile.ZipFile(bundle) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members[MANIFEST_MEMBER])
    manifest["created_at"] = created_at
    manifest["time_range"] = {"first": "2026-03-02T01:02:03.456Z", "last": created_at}
    members[MANIFEST_MEMBER] = json.dumps(manifest, indent=2).encode()
    members[SIGNATURE_MEMBER] = device.signing_key.sign(SIGNATURE_CONTEXT + members[MANIFEST_MEMBER]).signature
    old = bundle.with_name("old-" + bundle.name)
    with zipfile.ZipFile(old, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    bundle.unlink()
    return old


def test_bundles_with_day_times_merge_and_are_recorded_by_day(coordinator: Coordinator, db: MergedDatabase, device, other_device) -> None:
    files = [
        coordinator.bundle(device, 1, coordinator.responses(device, 4, seed=1)),
        coordinator.bundle(device, 2, coordinator.responses(device, 3, seed=2)),  # same day, same manifest times
        coordinator.bundle(other_device, 1, coordinator.responses(other_device, 2)),
    ]

    result = coordinator.merge(db, files)

    assert result.exit_code == 0 and result.total("accepted") == 9
    recorded = db.db.execute("select device_id, sequence, created_at from bundles order by device_id, sequence").fetchall()
    assert len(recorded) == 3 and all(DAY.fullmatch(created) for _, _, created in recorded)
    times = db.db.execute("select created_at, submitted_at from responses").fetchall()
    assert not any(DAY.fullmatch(t) for row in times for t in row if t)  # responses keep their exact times
    again = coordinator.merge(db, files)
    assert [o.status for o in again.outcomes] == ["already merged"] * 3


def test_a_bundle_with_the_exact_times_of_an_earlier_version_still_merges(coordinator: Coordinator, db: MergedDatabase, device) -> None:
    old = with_exact_times(coordinator.bundle(device, 1, coordinator.responses(device, 3, seed=1)), device, "2026-03-04T05:06:07.890Z")
    new = coordinator.bundle(device, 2, coordinator.responses(device, 2, seed=2))  # the laptop, updated, exports again

    result = coordinator.merge(db, [old, new])

    assert [(o.status, o.accepted) for o in result.outcomes] == [("merged", 3), ("merged", 2)]
    created = dict(db.db.execute("select file_name, created_at from bundles").fetchall())
    assert created[old.name] == "2026-03-04T05:06:07.890Z" and DAY.fullmatch(created[new.name])
