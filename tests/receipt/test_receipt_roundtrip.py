"""The round trip by the CLI: export -> merge -> receipt -> import -> purge, and what status says at each step."""

from __future__ import annotations

from receipt_world import World

from akhlak_tui.receipt.laptop import progress_of


def test_export_merge_receipt_import_purge(world: World) -> None:
    sent = world.answer(4, drafts=1)
    submitted, draft = sent[:4], sent[4]
    world.export()
    late = world.answer(2, seed=5)  # answered after the export: unexported when the receipt comes
    report = world.merge_with_receipts()
    assert report["totals"]["accepted"] == 4

    status = world.on_laptop("status").output
    assert "unexported 2  exported-not-received 4  received 0  purged 0" in status

    result = world.on_laptop("receipt", "import", str(world.receipt_file()), "--keep")
    assert result.exit_code == 0, result.output
    assert "received: 4 newly marked, 0 marked before" in result.output
    assert "kept: 4 received responses stay on this laptop" in result.output
    rows = world.rows()
    assert all(rows[rid][2] and not rows[rid][3] and rows[rid][4] for rid in submitted)
    assert not rows[draft][2] and not any(rows[rid][2] for rid in late)

    with world.store() as store:
        tally = store.counts_by_unit()  # what the home screen counts
    again = world.on_laptop("receipt", "import", str(world.receipt_file()), "--purge")
    assert again.exit_code == 0, again.output
    assert "received: 0 newly marked, 4 marked before" in again.output
    assert "purged: 4 received responses deleted" in again.output
    rows = world.rows()
    assert [rows[rid] for rid in submitted] == [("submitted", 1, True, True, False)] * 4
    assert rows[draft] == ("draft", None, False, False, False)
    with world.store() as store:
        assert store.counts_by_unit() == tally  # the enumerator's tally keeps the purged responses
    assert all(rows[rid][4] and not rows[rid][3] for rid in late)  # no receipt: sealed records kept
    with world.store() as store:
        p = progress_of(store, world.coordinator.survey.survey_id)
    assert (p.drafts, p.unexported, p.exported_not_received, p.received, p.purged) == (1, 2, 0, 0, 4)
    assert "drafts 1  unexported 2  exported-not-received 0  received 0  purged 4" in world.on_laptop("status").output

    # the next export carries only the late two; `--all` never carries a purged response
    world.export("--all")
    with world.store() as store:
        carried = {r for (r,) in store.db.execute("select response_id from export_records where sequence = 2")}
    assert carried == set(late)


def test_receipt_names_only_responses_stored_in_the_merged_database(world: World) -> None:
    good = world.answer(3)
    # a response with only its unit answered: quarantined by the merge (required answers missing)
    from akhlak_tui import locations
    from akhlak_tui.active import active_survey
    from akhlak_tui.crypto.device import load_or_create_device
    from akhlak_tui.store import Store

    survey = active_survey(world.laptop)
    with Store(locations.store_path(world.laptop)) as store:
        bad = store.start_response(survey.questionnaire, device_id=load_or_create_device(world.laptop).id, mode="kiosk", language="id", survey_id=survey.survey_id)
        store.save_answer(bad, "unit", survey.units[0].code, is_unit=True)
        store.submit(bad, seal=survey.sealer())
    world.export()
    report = world.merge_with_receipts()
    assert report["totals"]["quarantined"] == 1

    result = world.on_laptop("receipt", "import", str(world.receipt_file()), "--purge")
    assert result.exit_code == 0, result.output
    rows = world.rows()
    assert all(rows[rid][3] for rid in good)
    assert rows[bad] == ("submitted", 1, False, False, True)  # quarantined at the centre: kept here
    assert "exported-not-received 1  received 0  purged 3" in world.on_laptop("status").output


def test_receipt_write_command_and_no_receipt_for_a_device_that_merged_nothing(world: World) -> None:
    world.answer(2)
    world.export()
    world.merge_with_receipts()
    out = world.stick / "again"
    out.mkdir()
    result = world.on_coordinator("receipt", "write", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*.akhlak-receipt"))) == 1
    assert (out / world.receipt_file().name).read_bytes() != b""
    empty = world.stick / "none"
    empty.mkdir()
    result = world.on_coordinator("receipt", "write", "--out", str(empty), "--device", "AAAAAAAA")
    assert result.exit_code == 0, result.output
    assert "No receipt written" in result.output and not list(empty.iterdir())


def test_receipts_are_not_silently_skipped_with_list_or_accept_copied(world: World) -> None:
    for option in (["--list"], ["--accept-copied", "AAAAAAAA"]):
        result = world.on_coordinator("merge", *option, "--receipts", str(world.stick))
        assert result.exit_code == 2, result.output
        assert f"--receipts goes with bundles to merge, not {option[0]}" in result.stderr
        assert "akhlak receipt write" in result.stderr and len(result.stderr.splitlines()) == 1
