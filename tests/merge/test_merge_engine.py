"""The merge engine: provenance, exactly once, conflicts, quarantine, key pinning, gaps, atomic bundles."""

from __future__ import annotations

import json
from pathlib import Path

from merge_world import Coordinator, snapshot
from nacl.public import PrivateKey

from akhlak_tui.bundle.reader import BundleRefused
from akhlak_tui.bundle.writer import SealedRecord, seal_responses
from akhlak_tui.crypto.fingerprint import fingerprint
from akhlak_tui.crypto.records import record_sealer
from akhlak_tui.demo.generate import demo_survey
from akhlak_tui.merge import prepare
from akhlak_tui.merge.checks import ResponseChecker
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.ingest import ALREADY_MERGED, MERGED, REFUSED, Merger, missing_sequences
from akhlak_tui.merge.prepare import BundlePreparer
from akhlak_tui.merge.report import result_json, result_lines
from akhlak_tui.merge.run import merge_bundles
from akhlak_tui.response import Answer


def test_merge_keeps_every_response_with_its_provenance(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    responses = coordinator.responses(device, 30)
    path = coordinator.bundle(device, 1, responses)

    result = coordinator.merge(db, [path])

    [outcome] = result.outcomes
    assert (outcome.status, outcome.accepted, outcome.device_id, outcome.sequence) == (MERGED, 30, device.id, 1)
    assert result.exit_code == 0
    rows = dict(db.db.execute("select id, bundle_hash from responses").fetchall())
    assert set(rows) == {r.id for r in responses}
    assert set(rows.values()) == {outcome.bundle_hash}
    bundle = db.db.execute("select device_id, sequence, status, accepted from bundles where hash = ?", [outcome.bundle_hash]).fetchone()
    assert bundle == (device.id, 1, MERGED, 30)
    assert db.db.execute("select public_key from devices where device_id = ?", [device.id]).fetchone()[0] == device.public_key.hex()
    first = responses[0]
    stored = db.db.execute(
        "select content_hash, sqlar_uncompress(document, document_size), status, unit from responses where id = ?", [first.id]
    ).fetchone()
    assert stored == (first.content_hash(), first.canonical_json(), first.status, first.unit)
    assert db.db.execute("select bp1, values_self from answers where response_id = ?", [first.id]).fetchone() == (
        first.answer_map["bp1"],
        json.dumps(first.answer_map["values_self"], separators=(",", ":"), ensure_ascii=False),
    )


def test_paradata_view_is_one_table_of_every_event(coordinator: Coordinator, device, other_device, db: MergedDatabase) -> None:
    a = coordinator.responses(device, 5)
    b = coordinator.responses(other_device, 4)
    coordinator.merge(db, [coordinator.bundle(device, 1, a), coordinator.bundle(other_device, 1, b)])

    assert db.db.execute("select count(*) from paradata").fetchone()[0] == sum(len(r.events) for r in a + b)
    assert {row[0] for row in db.db.execute("select distinct device_id from paradata")} == {device.id, other_device.id}
    event = a[0].events[2]
    row = db.db.execute(
        "select kind, item_id, new from paradata where response_id = ? and seq = 2", [a[0].id]
    ).fetchone()
    assert row == (event.kind, event.item_id, json.dumps(event.new, separators=(",", ":")) if event.new is not None else None)


def test_the_same_bundle_twice_changes_nothing(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    path = coordinator.bundle(device, 1, coordinator.responses(device, 10))
    coordinator.merge(db, [path])
    before = snapshot(db, (*snapshot(db).keys(), "bundles"))

    again = coordinator.merge(db, [path])

    assert [o.status for o in again.outcomes] == [ALREADY_MERGED]
    assert again.exit_code == 0
    assert snapshot(db, tuple(before)) == before


def test_the_same_bundle_twice_in_one_run_merges_once(coordinator: Coordinator, device, db: MergedDatabase, tmp_path: Path) -> None:
    path = coordinator.bundle(device, 1, coordinator.responses(device, 10))
    copy = tmp_path / "copy" / path.name
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())

    result = coordinator.merge(db, [path, copy])

    assert [o.status for o in result.outcomes] == [MERGED, ALREADY_MERGED]
    assert db.db.execute("select count(*) from responses").fetchone()[0] == 10


def test_a_response_in_two_bundles_is_counted_once(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    responses = coordinator.responses(device, 12)
    first = coordinator.bundle(device, 1, responses[:8])
    everything = coordinator.bundle(device, 2, responses)  # a re-export with --all

    result = coordinator.merge(db, [first, everything])

    assert [(o.accepted, o.duplicates) for o in result.outcomes] == [(8, 0), (4, 8)]
    assert result.exit_code == 0
    assert db.db.execute("select count(*) from responses").fetchone()[0] == 12
    assert db.db.execute("select count(*) from answers").fetchone()[0] == 12


def test_same_id_with_other_content_is_a_conflict_kept_aside(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    original = coordinator.responses(device, 3)
    altered = original[1].model_copy(update={"answers": [
        a if a.item_id != "bp1" else Answer(item_id="bp1", value=1 if a.value != 1 else 2, answered_at=a.answered_at)
        for a in original[1].answers
    ]})
    coordinator.merge(db, [coordinator.bundle(device, 1, original)])

    result = coordinator.merge(db, [coordinator.bundle(device, 2, [altered])])

    [outcome] = result.outcomes
    assert (outcome.status, outcome.accepted, outcome.conflicts) == (MERGED, 0, 1)
    assert outcome.problems[0].kind == "conflict" and outcome.problems[0].response_id == altered.id
    assert result.exit_code == 1
    kept = db.db.execute("select sqlar_uncompress(document, document_size) from responses where id = ?", [altered.id]).fetchone()[0]
    assert kept == original[1].canonical_json()
    conflict = db.db.execute(
        "select existing_content_hash, incoming_content_hash, incoming_document, typeof(incoming_document) from conflicts where response_id = ?",
        [altered.id],
    ).fetchall()
    # the incoming version stays readable JSON text, not a compressed document
    assert conflict == [(original[1].content_hash(), altered.content_hash(), altered.canonical_json(), "text")]


def test_a_bad_response_is_quarantined_and_the_rest_of_the_bundle_merges(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    good, out_of_range, unknown_item, draft = coordinator.responses(device, 4)
    out_of_range = out_of_range.model_copy(update={"answers": [
        a if a.item_id != "bp2" else Answer(item_id="bp2", value=7, answered_at=a.answered_at) for a in out_of_range.answers
    ]})
    unknown_item = unknown_item.model_copy(update={"answers": [*unknown_item.answers, Answer(item_id="bogus", value=1, answered_at="2026-09-01T08:00:00.000Z")]})
    draft = draft.model_copy(update={"status": "draft"})
    records = seal_responses([good, out_of_range, unknown_item], coordinator.survey.active())
    seal = record_sealer(coordinator.survey.coordinator_public.box_key)
    records.append(SealedRecord(draft.id, "submitted", draft.created_at, draft.updated_at, seal(draft.canonical_json().encode())))

    result = coordinator.merge(db, [coordinator.bundle(device, 1, records=records)])

    [outcome] = result.outcomes
    assert (outcome.status, outcome.accepted, outcome.quarantined) == (MERGED, 1, 3)
    assert result.exit_code == 1
    reasons = dict(db.db.execute("select response_id, reason from quarantine").fetchall())
    assert "bp2" in reasons[out_of_range.id] and "7" in reasons[out_of_range.id]
    assert "bogus: unknown item" in reasons[unknown_item.id]
    assert "draft" in reasons[draft.id]
    assert [row[0] for row in db.db.execute("select id from responses")] == [good.id]


def test_a_pinned_device_key_refuses_an_impersonator(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    coordinator.merge(db, [coordinator.bundle(device, 1, coordinator.responses(device, 2))])
    impostor_key = "ab" * 32
    db.db.execute("update devices set public_key = ? where device_id = ?", [impostor_key, device.id])  # pinned earlier to another key
    db.db.conn.commit()
    before = snapshot(db)

    result = coordinator.merge(db, [coordinator.bundle(device, 2, coordinator.responses(device, 4, seed=8))])

    [outcome] = result.outcomes
    assert outcome.status == REFUSED and outcome.reason.startswith("impersonation")
    assert fingerprint(bytes.fromhex(impostor_key)) in outcome.reason
    assert result.exit_code == 1
    assert snapshot(db) == before
    assert db.db.execute("select count(*) from bundles where hash = ?", [outcome.bundle_hash]).fetchone() == (0,)
    assert db.db.execute("select device_id, reason, times from refusals where bundle_hash = ?", [outcome.bundle_hash]).fetchone() == (
        device.id, outcome.reason, 1
    )


def test_a_sequence_number_exported_twice_merges_once_with_a_note(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    """After an interrupted export the laptop reuses the number with a superset: both files are genuine."""
    first, second = coordinator.responses(device, 2)
    files = [coordinator.bundle(device, 3, [first]), coordinator.bundle(device, 3, [first, second], out=coordinator.out / "again")]

    result = coordinator.merge(db, files)

    assert [(o.status, o.accepted, o.duplicates) for o in result.outcomes] == [(MERGED, 1, 0), (MERGED, 1, 1)]
    assert result.outcomes[0].remark is None
    assert result.outcomes[1].remark is not None and f"another bundle 3 of device {device.id} was merged" in result.outcomes[1].remark
    assert any("note: another bundle 3" in line for line in result_lines(result))
    assert result_json(result)["bundles"][1]["remark"] == result.outcomes[1].remark
    assert result.exit_code == 0


def test_sequence_gaps_are_reported_per_device(coordinator: Coordinator, device, other_device, db: MergedDatabase) -> None:
    files = [
        coordinator.bundle(device, 1, coordinator.responses(device, 1, seed=1)),
        coordinator.bundle(device, 3, coordinator.responses(device, 1, seed=3)),
        coordinator.bundle(device, 6, coordinator.responses(device, 1, seed=6)),
        coordinator.bundle(other_device, 1, coordinator.responses(other_device, 1)),
    ]

    result = coordinator.merge(db, files)

    assert result.missing == {device.id: [(2, 2), (4, 5)]}
    assert f"Missing: device {device.id}: bundle 2 missing, bundles 4-5 missing" in result_lines(result)
    assert result_json(result)["missing"] == [
        {"device_id": device.id, "first": 2, "last": 2},
        {"device_id": device.id, "first": 4, "last": 5},
    ]
    assert result.exit_code == 0


def test_a_bundle_is_merged_whole_or_not_at_all(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    path = coordinator.bundle(device, 1, coordinator.responses(device, 6))
    preparer = BundlePreparer(coordinator.keys.box_key, coordinator.surveys, chunk_records=2)
    header, chunks = preparer.open(path)
    merger = coordinator.merger(db)

    def failing_midway():
        yield next(chunks)
        raise BundleRefused("the file changed after it was verified")

    outcome = merger.apply(str(path), header, failing_midway())

    assert outcome.status == REFUSED and outcome.reason == "the file changed after it was verified"
    assert db.db.execute("select count(*) from responses").fetchone()[0] == 0
    assert db.db.execute("select count(*) from answers").fetchone()[0] == 0
    assert db.db.execute("select count(*) from devices").fetchone()[0] == 0


def test_bundles_of_another_survey_are_refused(coordinator: Coordinator, device, db: MergedDatabase, tmp_path: Path) -> None:
    other = demo_survey(coordinator.home, coordinator.keys, seed=2)
    coordinator.merge(db, [coordinator.bundle(device, 1, coordinator.responses(device, 2))])
    second = Coordinator(coordinator.home, coordinator.keys, other, tmp_path / "other")
    path = second.bundle(device, 2, second.responses(device, 2))

    with coordinator.record() as enrolments:
        result = merge_bundles(db, [path], box_key=coordinator.keys.box_key, surveys={**coordinator.surveys, **second.surveys}, enrolments=enrolments)

    assert result.outcomes[0].status == REFUSED
    assert f"bundle is for survey {other.survey_id}" in result.outcomes[0].reason
    unknown = coordinator.merge(db, [path])
    assert unknown.outcomes[0].reason == f"survey {other.survey_id} was not created by this coordinator"


def test_workers_stream_and_in_process_merges_give_the_same_database(coordinator: Coordinator, device, other_device, tmp_path: Path) -> None:
    files = [
        coordinator.bundle(device, 1, coordinator.responses(device, 15)),
        coordinator.bundle(other_device, 1, coordinator.responses(other_device, 9)),
        coordinator.bundle(other_device, 2, coordinator.responses(other_device, 3, seed=2)),
    ]
    results = {}
    for name, options in {"here": {"workers": 1}, "workers": {"workers": 2}, "streamed": {"workers": 2, "chunk_records": 4}}.items():
        with MergedDatabase(tmp_path / f"{name}.db") as db:
            result = coordinator.merge(db, files, **options)
            assert [o.accepted for o in result.outcomes] == [15, 9, 3]
            results[name] = snapshot(db, ("responses", "answers"))
    assert results["here"] == results["workers"] == results["streamed"]


def test_a_response_that_breaks_the_checks_is_quarantined_not_a_crash(coordinator: Coordinator, device, db: MergedDatabase, monkeypatch) -> None:
    responses = coordinator.responses(device, 3)
    original = ResponseChecker.problems

    def breaks_on_second(self, response):
        if response.fields["id"] == responses[1].id:
            raise TypeError("'<' not supported between instances of 'dict' and 'int'")
        return original(self, response)

    monkeypatch.setattr(ResponseChecker, "problems", breaks_on_second)

    [outcome] = coordinator.merge(db, [coordinator.bundle(device, 1, responses)]).outcomes

    assert (outcome.status, outcome.accepted, outcome.quarantined) == (MERGED, 2, 1)
    assert outcome.problems[0].reason == "cannot be checked (TypeError: '<' not supported between instances of 'dict' and 'int')"


def test_a_file_that_breaks_the_reader_is_refused_not_a_crash(coordinator: Coordinator, device, db: MergedDatabase, monkeypatch) -> None:
    path = coordinator.bundle(device, 1, coordinator.responses(device, 2))

    def broken_reader(*args, **kwargs):
        raise ValueError("unexpected structure")

    monkeypatch.setattr(prepare, "read_bundle", broken_reader)

    [outcome] = coordinator.merge(db, [path]).outcomes

    assert (outcome.status, outcome.reason) == (REFUSED, "cannot be read (ValueError: unexpected structure)")
    assert db.db.execute("select count(*) from responses").fetchone()[0] == 0


def test_a_huge_sequence_number_is_reported_as_one_gap_without_listing_it(db: MergedDatabase) -> None:
    huge = 2**53
    for number, sequence in enumerate((1, huge)):
        db.db.execute(
            "insert into bundles (hash, device_id, sequence, status) values (?, 'ABCDEFGH', ?, 'merged')", [f"h{number}", sequence]
        )

    assert missing_sequences(db.db.conn) == {"ABCDEFGH": [(2, huge - 1)]}


def test_records_sealed_to_another_key_are_quarantined_with_the_reason(coordinator: Coordinator, device, db: MergedDatabase) -> None:
    good, stray = coordinator.responses(device, 2)
    records = seal_responses([good], coordinator.survey.active())
    other = record_sealer(bytes(PrivateKey.generate().public_key))
    records.append(SealedRecord(stray.id, "submitted", stray.created_at, stray.updated_at, other(stray.canonical_json().encode())))

    result = coordinator.merge(db, [coordinator.bundle(device, 1, records=records)])

    [outcome] = result.outcomes
    assert (outcome.status, outcome.accepted, outcome.quarantined) == (MERGED, 1, 1)
    assert db.db.execute("select response_id, reason, document from quarantine").fetchall() == [
        (None, "record 2: cannot be opened with the coordinator key (damaged, or sealed to another key)", None)
    ]
    assert result.exit_code == 1
