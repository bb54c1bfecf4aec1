"""Round trip: coordinator, package, install, answer through the Store, export, open with the coordinator key."""

from __future__ import annotations

import hashlib
import json
import zipfile

from bundle_world import SECRET_WORD

from akhlak_tui.active import active_survey
from akhlak_tui.bundle.export import export_bundle
from akhlak_tui.bundle.format import MANIFEST_MEMBER, PAYLOAD_MEMBER, bundle_file_name
from akhlak_tui.bundle.reader import read_bundle
from akhlak_tui.bundle.writer import seal_responses, write_bundle
from akhlak_tui.crypto.device import load_or_create_device
from akhlak_tui.response import Response


def test_round_trip_decodes_every_response_with_the_coordinator_key(world, answer):
    submitted = answer(3)
    abandoned = answer(1, status="abandoned")
    answer(1, status="draft")  # drafts stay on the laptop

    seen = []
    result = export_bundle(world.laptop, world.out, progress=lambda done, total: seen.append((done, total)))

    device = load_or_create_device(world.laptop)
    assert result.path.name == bundle_file_name(world.survey.survey_id, device.id, 1)
    assert (result.count, result.abandoned, result.sequence) == (4, 1, 1)
    assert seen[-1] == (4, 4) and len(seen) == 4

    opened = read_bundle(result.path, coordinator=world.keys)
    manifest = opened.manifest
    assert manifest.survey_id == world.survey.survey_id
    assert manifest.device_id == device.id and manifest.device_public_key == device.public_key.hex()
    assert manifest.questionnaire_hash == world.survey.questionnaire.content_hash
    assert (manifest.counts.records, manifest.counts.submitted, manifest.counts.abandoned) == (4, 3, 1)
    with zipfile.ZipFile(result.path) as archive:  # a bundle is known by its signed manifest, not by its zip container
        assert opened.bundle_hash == hashlib.sha256(archive.read(MANIFEST_MEMBER)).hexdigest() != result.bundle_hash

    records = list(opened)
    assert all(isinstance(r, Response) for r in records)
    by_id = {r.id: r for r in records}
    assert set(by_id) == set(submitted) | set(abandoned)
    assert by_id[abandoned[0]].status == "abandoned" and by_id[abandoned[0]].abandon_reason == "respondent left"
    first = by_id[submitted[0]]
    assert first.answer_map["comment"] == f"{SECRET_WORD} jawaban nomor 0"
    assert [e.kind for e in first.events][-1] == "submitted"  # paradata travels too


def test_payload_and_manifest_hold_no_answer_text_in_clear(world, answer):
    answer(5)
    result = export_bundle(world.laptop, world.out)
    raw = result.path.read_bytes()
    assert SECRET_WORD.encode() not in raw
    with zipfile.ZipFile(result.path) as archive:
        payload = archive.read(PAYLOAD_MEMBER)
        manifest = json.loads(archive.read(MANIFEST_MEMBER))
    assert SECRET_WORD.encode() not in payload
    assert "jawaban" not in json.dumps(manifest)


def test_write_bundle_from_response_objects_without_a_store(world, answer, tmp_path):
    """The demo/bench path: seal Response objects directly and write them with the same writer."""
    from akhlak_tui import locations
    from akhlak_tui.store import Store

    ids = answer(2, status="draft")
    with Store(locations.store_path(world.laptop)) as store:
        responses = [store.load(i).model_copy(update={"status": "submitted", "submitted_at": "2026-01-01T00:00:00.000Z"}) for i in ids]
    device = load_or_create_device(world.laptop)
    survey = active_survey(world.laptop)
    written = write_bundle(tmp_path, device=device, survey=survey, sequence=7, records=seal_responses(responses, survey))
    assert written.path.name.endswith("_seq-000007.akhlak-bundle")
    opened = read_bundle(written.path, coordinator=world.keys.box_key)
    assert [r.canonical_json() for r in opened.records()] == [r.canonical_json() for r in responses]


def test_bundles_of_version_0_1_laptops_are_still_read(world, answer, tmp_path, monkeypatch):
    """A `sealed-records-v1` payload (bare crypto_box_seal records, no kind byte) opens as before."""
    from nacl.public import SealedBox

    from akhlak_tui import locations
    from akhlak_tui.bundle import writer
    from akhlak_tui.bundle.format import UNTAGGED_PAYLOAD_ENCODING
    from akhlak_tui.bundle.writer import SealedRecord
    from akhlak_tui.store import Store

    ids = answer(2, status="draft")
    with Store(locations.store_path(world.laptop)) as store:
        responses = [store.load(i).model_copy(update={"status": "submitted", "submitted_at": "2026-01-01T00:00:00.000Z"}) for i in ids]
    box = SealedBox(world.keys.box_key.public_key)
    records = [SealedRecord(r.id, r.status, r.created_at, r.updated_at, box.encrypt(r.canonical_json().encode())) for r in responses]
    monkeypatch.setattr(writer, "PAYLOAD_ENCODING", UNTAGGED_PAYLOAD_ENCODING)  # what version 0.1 wrote
    written = write_bundle(tmp_path, device=load_or_create_device(world.laptop), survey=active_survey(world.laptop), sequence=1, records=records)
    opened = read_bundle(written.path, coordinator=world.keys)
    assert opened.manifest.payload.encoding == "sealed-records-v1"
    assert [r.canonical_json() for r in opened.records()] == [r.canonical_json() for r in responses]
