"""Only enrolled laptops count: unenrolled and revoked devices, copied devices, and which version of a response wins."""

from __future__ import annotations

import pytest
from merge_world import Coordinator, make_coordinator, snapshot

from akhlak_tui.demo.generate import demo_device
from akhlak_tui.enrolment.record import DeviceRecord, record_path
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.ingest import HELD, MERGED, REFUSED
from akhlak_tui.merge.report import listing_json, listing_lines, result_json, result_lines
from akhlak_tui.response import Answer, Response


def altered(response: Response) -> Response:
    """The same response id with other content (one answer changed)."""
    return response.model_copy(update={"answers": [
        a if a.item_id != "bp1" else Answer(item_id="bp1", value=1 if a.value != 1 else 2, answered_at=a.answered_at)
        for a in response.answers
    ]})


def stored(db: MergedDatabase, response_id: str) -> str:
    return db.db.execute("select content_hash from responses where id = ?", [response_id]).fetchone()[0]


def count(db: MergedDatabase, table: str) -> int:
    return db.db.execute(f"select count(*) from {table}").fetchone()[0]


def test_a_bundle_from_a_new_never_enrolled_key_is_refused_by_default(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    path = coordinator.bundle(device, 1, coordinator.responses(device, 5), enrolled=False)

    result = coordinator.merge(db, [path])

    [outcome] = result.outcomes
    assert outcome.status == REFUSED and result.exit_code == 1
    assert f"device {device.id} (fingerprint {device.fingerprint}) is not enrolled for survey {coordinator.survey.survey_id}" in outcome.reason
    assert "akhlak survey install PACKAGE" in outcome.reason and "akhlak device approve DIR" in outcome.reason
    assert count(db, "responses") == 0



def test_refusals_for_enrolment_go_to_the_refusal_log_and_the_bundle_merges_once_enrolled(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    merged = coordinator.bundle(device, 1, coordinator.responses(device, 2))
    coordinator.merge(db, [merged])
    with coordinator.record() as record:
        record.revoke(device.id)
    revoked = coordinator.bundle(device, 2, coordinator.responses(device, 1, seed=8), enrolled=False)
    stranger = demo_device(99, 7)
    unenrolled = coordinator.bundle(stranger, 1, coordinator.responses(stranger, 3), enrolled=False)

    result = coordinator.merge(db, [revoked, unenrolled, revoked])

    assert [o.status for o in result.outcomes] == [REFUSED] * 3
    assert db.db.execute("select device_id, sequence, times from refusals order by device_id").fetchall() == sorted(
        [(device.id, 2, 2), (stranger.id, 1, 1)]
    )
    assert db.db.execute("select count(*) from bundles where status != ?", [MERGED]).fetchone()[0] == 0
    assert "    1 bundle(s) refused" in listing_lines(db)  # under the revoked device, which merged before
    assert listing_json(db)["totals"]["bundles_refused"] == 2

    coordinator.enrol(stranger)
    [outcome] = coordinator.merge(db, [unenrolled]).outcomes
    assert (outcome.status, outcome.accepted) == (MERGED, 3)

def test_an_enrolment_signed_by_another_coordinator_does_not_count(coordinator: Coordinator, device, db: MergedDatabase, tmp_path) -> None:
    stranger = make_coordinator(tmp_path / "stranger", tmp_path / "stranger-stick")
    forged = stranger.enrol(device)
    from akhlak_tui.bundle.writer import seal_responses, write_bundle

    records = seal_responses(coordinator.responses(device, 2), coordinator.survey.active())
    path = write_bundle(tmp_path, device=device, survey=coordinator.survey.active(), sequence=1, records=records, enrolment=forged).path

    [outcome] = coordinator.merge(db, [path]).outcomes

    assert outcome.status == REFUSED and "manifest: enrolment: signed by coordinator key" in outcome.reason
    assert count(db, "responses") == 0


def test_an_enrolled_laptop_merges_with_its_enrolment_or_by_the_coordinators_record(coordinator: Coordinator, device, other_device, db: MergedDatabase) -> None:
    carried = coordinator.bundle(device, 1, coordinator.responses(device, 3))
    coordinator.enrol(other_device)  # approved, but the laptop has not picked up its enrolment yet
    recorded_only = coordinator.bundle(other_device, 1, coordinator.responses(other_device, 2), enrolled=False)

    result = coordinator.merge(db, [carried, recorded_only])

    assert [(o.status, o.accepted) for o in result.outcomes] == [(MERGED, 3), (MERGED, 2)]
    assert result.exit_code == 0


def test_a_coordinator_that_lost_its_record_takes_the_enrolments_back_from_the_bundles(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    path = coordinator.bundle(device, 1, coordinator.responses(device, 3))
    record_path(coordinator.home).unlink()  # the record is gone; the bundle still carries its signed enrolment

    [outcome] = coordinator.merge(db, [path]).outcomes

    assert outcome.status == MERGED
    with coordinator.record() as record:
        [back] = record.devices()
    assert (back.device_id, back.name, back.revoked_at) == (device.id, "test laptop", None)


def test_a_revoked_devices_later_bundles_are_refused_and_what_was_merged_before_stays(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    first = coordinator.responses(device, 3)
    coordinator.merge(db, [coordinator.bundle(device, 1, first)])
    later = coordinator.bundle(device, 2, coordinator.responses(device, 2, seed=8))  # exported before the revocation, merged after
    with coordinator.record() as record:
        [revoked] = record.revoke(device.id, now="2026-11-26T10:00:00.000Z")
    assert revoked.revoked_at == "2026-11-26T10:00:00.000Z"
    before = snapshot(db)

    [outcome] = coordinator.merge(db, [later]).outcomes

    assert outcome.status == REFUSED
    assert outcome.reason == f"device {device.id} was revoked on 2026-11-26T10:00:00.000Z: its bundles merged since are refused (those merged before stay)"
    assert snapshot(db)["responses"] == before["responses"]
    assert {row[0] for row in db.db.execute("select id from responses")} == {r.id for r in first}
    with coordinator.record() as record, pytest.raises(Exception, match="revoked"):
        record.approve(coordinator.survey.survey_id, device.id, device.public_key.hex(), "again", coordinator.keys)


def test_a_revoked_device_stays_revoked_when_its_bundle_carries_its_enrolment(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    path = coordinator.bundle(device, 1, coordinator.responses(device, 2))
    with coordinator.record() as record:
        record.revoke(device.id)

    [outcome] = coordinator.merge(db, [path]).outcomes

    assert outcome.status == REFUSED and "was revoked" in outcome.reason


def test_one_device_key_on_two_machines_is_flagged_and_both_sets_are_held_apart(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    common, a1, a2, b1, a3 = coordinator.responses(device, 5)
    coordinator.merge(db, [coordinator.bundle(device, 1, [common])])
    machine_a = coordinator.bundle(device, 2, [a1, a2], out=coordinator.out / "a")
    machine_b = coordinator.bundle(device, 2, [b1], out=coordinator.out / "b")  # the copy numbers its next export 2 as well

    result = coordinator.merge(db, [machine_a, machine_b])

    assert [o.status for o in result.outcomes] == [MERGED, HELD]
    assert "POSSIBLE COPIED DEVICE" in (result.outcomes[1].remark or "")
    [copied] = result.copied
    assert (copied.device_id, copied.held_bundles, copied.held_responses) == (device.id, 2, 3)
    assert result.exit_code == 1
    assert any(line.startswith(f"!! POSSIBLE COPIED DEVICE {device.id}") for line in result_lines(result))
    assert result_json(result)["possible_copied_devices"][0]["device_id"] == device.id
    # neither machine's new responses are scored; what came before the copy stays
    assert {row[0] for row in db.db.execute("select id from responses")} == {common.id}
    assert count(db, "answers") == 1
    assert count(db, "response_paradata") == 1  # held responses' paradata summaries leave with them
    assert {row[0] for row in db.db.execute("select status from bundles where sequence = 2")} == {HELD}
    assert any("possible copied device" in line for line in listing_lines(db))
    assert listing_json(db)["possible_copied_devices"][0]["held_bundles"] == 2

    # while undecided, a further bundle of the device is held too, and the same files change nothing
    again = coordinator.merge(db, [coordinator.bundle(device, 3, [a3], out=coordinator.out / "a"), machine_a])
    assert [o.status for o in again.outcomes] == [HELD, HELD]
    assert count(db, "responses") == 1

    with coordinator.record() as record:
        accepted = coordinator.merger(db).accept_copied(device.id)
    assert [(o.sequence, o.accepted) for o in accepted] == [(2, 2), (2, 1), (3, 1)]
    assert {row[0] for row in db.db.execute("select id from responses")} == {r.id for r in (common, a1, a2, b1, a3)}
    assert count(db, "answers") == 5 and count(db, "held") == 0
    assert {row[0] for row in db.db.execute("select response_id from response_paradata")} == {r.id for r in (common, a1, a2, b1, a3)}
    assert coordinator.merge(db, [machine_b]).copied == []


def test_the_bundles_merged_since_the_colliding_number_are_held_too(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    a2, a3, b2 = coordinator.responses(device, 3)
    first = [coordinator.bundle(device, 2, [a2], out=coordinator.out / "a"), coordinator.bundle(device, 3, [a3], out=coordinator.out / "a")]
    coordinator.merge(db, first)

    result = coordinator.merge(db, [coordinator.bundle(device, 2, [b2], out=coordinator.out / "b")])

    assert result.copied[0].held_bundles == 3
    assert count(db, "responses") == 0 and count(db, "held") == 3


@pytest.mark.parametrize("order", ["earliest first", "latest first"])
def test_the_version_from_the_earliest_bundle_of_the_device_wins_whatever_the_merge_order(coordinator: Coordinator, device, tmp_path, order: str) -> None:
    original = coordinator.responses(device, 3)
    changed = altered(original[1])
    early = coordinator.bundle(device, 1, original)
    late = coordinator.bundle(device, 2, [changed])
    files = [early, late] if order == "earliest first" else [late, early]

    with MergedDatabase(tmp_path / "merged.db") as db:
        result = coordinator.merge(db, files)

        assert stored(db, changed.id) == original[1].content_hash()
        conflicts = db.db.execute("select existing_content_hash, incoming_content_hash, incoming_document from conflicts").fetchall()
        assert conflicts == [(original[1].content_hash(), changed.content_hash(), changed.canonical_json())]
        assert count(db, "responses") == 3 and count(db, "answers") == 3 and count(db, "response_paradata") == 3
        answer = db.db.execute("select bp1 from answers where response_id = ?", [changed.id]).fetchone()[0]
        assert answer == next(a.value for a in original[1].answers if a.item_id == "bp1")
        assert sum(o.conflicts for o in result.outcomes) == 1


def test_many_approvals_in_one_record(coordinator: Coordinator) -> None:
    from akhlak_tui.demo.generate import demo_device

    with DeviceRecord(coordinator.home, coordinator.keys.public.signing_key) as record, record.transaction():
        for number in range(1, 41):
            d = demo_device(5, number)
            record.approve(coordinator.survey.survey_id, d.id, d.public_key.hex(), f"laptop {number}", coordinator.keys)
    with coordinator.record() as record:
        assert len(record.devices()) == 40
