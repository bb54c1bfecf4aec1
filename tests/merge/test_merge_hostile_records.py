"""Well-formed, correctly signed bundles whose records are hostile: each bad record is quarantined
with its reason, the good ones merge, and the merged data stays readable; odd files on the stick are
refused with a reason, never skipped in silence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from merge_world import PASSPHRASE, Coordinator

from akhlak_tui.bundle.writer import SealedRecord
from akhlak_tui.cli import cli
from akhlak_tui.crypto.records import record_sealer
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.run import bundle_files
from akhlak_tui.response import Response

EVENTS = '"events":['


def sealed(coordinator: Coordinator, like: Response, plain: bytes) -> SealedRecord:
    """`plain` sealed to the coordinator as a record, with `like`'s clear fields."""
    seal = record_sealer(coordinator.survey.coordinator_public.box_key)
    return SealedRecord(like.id, like.status, like.created_at, like.updated_at, seal(plain))


def with_event(response: Response, event_json: str) -> bytes:
    """The response's canonical JSON with one more (raw) event written first."""
    text = response.canonical_json()
    assert EVENTS in text
    return text.replace(EVENTS, EVENTS + event_json + ("," if response.events else ""), 1).encode("utf-8")


def merge_one_hostile(coordinator: Coordinator, device, db: MergedDatabase, hostile: bytes) -> tuple[Response, str]:
    """Merge a bundle of one good response and one hostile record; the good one's id and the hostile one's reason."""
    good, victim = coordinator.responses(device, 2)
    records = [sealed(coordinator, good, good.canonical_json().encode("utf-8")), sealed(coordinator, victim, hostile)]
    result = coordinator.merge(db, [coordinator.bundle(device, 1, records=records)])
    [outcome] = result.outcomes
    assert (outcome.status, outcome.accepted, outcome.quarantined) == ("merged", 1, 1), outcome
    [problem] = outcome.problems
    return good, problem.reason


def test_nan_in_a_record_is_quarantined_and_the_paradata_view_stays_readable(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    _, victim = coordinator.responses(device, 2)
    hostile = with_event(victim, '{"at":"2026-09-01T08:00:00.000Z","kind":"changed","old":NaN,"new":Infinity}')

    good, reason = merge_one_hostile(coordinator, device, db, hostile)

    assert "NaN or Infinity" in reason
    assert [r[0] for r in db.db.execute("select id from responses")] == [good.id]
    assert db.db.execute("select count(*) from paradata").fetchone()[0] == len(good.events)


def test_deeply_nested_json_is_one_quarantined_record_not_a_refused_bundle(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    _, victim = coordinator.responses(device, 2)
    depth = 50_000
    hostile = with_event(victim, '{"at":"2026-09-01T08:00:00.000Z","kind":"changed","old":' + "[" * depth + "]" * depth + "}")

    good, reason = merge_one_hostile(coordinator, device, db, hostile)

    assert "recursion limit" in reason
    assert [r[0] for r in db.db.execute("select id from responses")] == [good.id]


def test_times_that_are_not_iso_8601_are_quarantined(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    _, victim = coordinator.responses(device, 2)
    document = json.loads(victim.canonical_json())
    document.update(created_at="yesterday", submitted_at=None)
    hostile = json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")

    good, reason = merge_one_hostile(coordinator, device, db, hostile)

    assert "created_at is not an ISO 8601 time (got 'yesterday')" in reason
    assert "submitted_at is not an ISO 8601 time (got None)" in reason
    assert [r[0] for r in db.db.execute("select id from responses")] == [good.id]


def test_merge_into_a_db_path_that_cannot_be_opened_is_one_line_exit_2(coordinator: Coordinator, device, tmp_path: Path) -> None:
    bundle = coordinator.bundle(device, 1, coordinator.responses(device, 1))
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    target = blocker / "merged.db"

    result = CliRunner().invoke(cli, ["merge", str(bundle), "--db", str(target)], env={"AKHLAK_PASSPHRASE": PASSPHRASE})

    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"error: {target}: cannot create: ")  # "Not a directory" on POSIX


def test_a_broken_link_named_as_a_bundle_is_refused_not_skipped(coordinator: Coordinator, device, db: MergedDatabase, tmp_path: Path) -> None:
    stick = tmp_path / "stick-with-link"
    bundle = coordinator.bundle(device, 1, coordinator.responses(device, 2), out=stick)
    broken = stick / "lost.akhlak-bundle"
    try:
        broken.symlink_to(stick / "gone")
    except OSError:
        pytest.skip("cannot make a symbolic link here")

    result = coordinator.merge(db, bundle_files([stick]))

    outcomes = {Path(o.file).name: (o.status, o.reason) for o in result.outcomes}
    assert outcomes == {bundle.name: ("merged", None), broken.name: ("refused", "a symbolic link to nothing")}


def test_control_characters_in_a_file_name_are_shown_escaped(coordinator: Coordinator, tmp_path: Path) -> None:
    stick = tmp_path / "stick-with-odd-name"
    stick.mkdir()
    try:
        (stick / "evil\x1b[2J\nline.akhlak-bundle").write_bytes(b"junk")
    except OSError:
        pytest.skip("this file system refuses control characters in names")

    result = CliRunner().invoke(cli, ["merge", str(stick), "--db", str(tmp_path / "m.db")], env={"AKHLAK_PASSPHRASE": PASSPHRASE})

    assert result.exit_code == 1
    assert "    not a bundle (not a zip archive); file: evil\\x1b[2J\\nline.akhlak-bundle" in result.output.splitlines()
