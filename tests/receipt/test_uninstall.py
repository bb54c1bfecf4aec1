"""`akhlak survey uninstall`: refused while responses would be lost, --force warns and asks, the laptop stays consistent."""

from __future__ import annotations

import pytest
from receipt_world import World

from akhlak_tui.active import active_survey
from akhlak_tui.enrolment.laptop import enrolment_path


def survey_id(world: World) -> str:
    return world.coordinator.survey.survey_id


def test_refused_while_anything_is_not_received(world: World) -> None:
    sid = survey_id(world)
    world.answer(2, drafts=1)
    result = world.on_laptop("survey", "uninstall", sid)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: survey {sid} ({world.coordinator.survey.name}): 3 responses would be lost "
        "(1 unfinished (drafts), 2 not exported); finish or abandon the drafts, export, and import the coordinator's "
        "receipt after the merge first (or --force to lose them)"
    )
    world.export()
    world.merge_with_receipts()
    result = world.on_laptop("survey", "uninstall", sid)
    assert result.exit_code == 1 and "(1 unfinished (drafts), 2 exported but not yet received by the coordinator)" in result.stderr
    assert len(world.rows()) == 3 and active_survey(world.laptop).survey_id == sid


def test_uninstall_after_the_receipt_removes_the_survey_and_goes_back_to_practice(world: World) -> None:
    sid = survey_id(world)
    world.answer(2)
    world.export()
    world.merge_with_receipts()
    assert world.on_laptop("receipt", "import", str(world.receipt_file()), "--purge").exit_code == 0
    assert enrolment_path(world.laptop, sid).exists()

    result = world.on_laptop("survey", "uninstall", sid)

    assert result.exit_code == 0, result.output
    assert f"Removed survey {sid}" in result.output and "now runs practice" in result.output
    assert world.rows() == {}
    assert active_survey(world.laptop).is_practice
    assert not enrolment_path(world.laptop, sid).exists()
    with world.store() as store:
        for table in ("installed_surveys", "exports", "export_records", "answers", "events"):
            assert store.db.execute(f"select count(*) from {table}").fetchone()[0] == 0, table
    assert "No survey installed" in world.on_laptop("survey", "list").output
    assert world.on_laptop("status").exit_code == 0
    # installing it again works and starts afresh
    assert world.on_laptop("survey", "install", str(world.package_file)).exit_code == 0


def test_force_warns_and_asks_and_no_deletes_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = survey_id(world)
    world.answer(1, drafts=1)
    result = world.on_laptop("survey", "uninstall", sid, "--force")  # nobody to ask: refused
    assert result.exit_code == 2 and "give --yes to confirm" in result.stderr
    monkeypatch.setattr("akhlak_tui.cli.passphrase.stdin_is_terminal", lambda: True)
    result = world.on_laptop("survey", "uninstall", sid, "--force", input="n\n")
    assert result.exit_code == 1
    assert "WARNING: 2 responses of survey" in result.stderr and "deletes them for ever" in result.stderr
    assert "not removed: nothing was deleted" in result.stderr
    assert len(world.rows()) == 2

    result = world.on_laptop("survey", "uninstall", sid, "--force", "--yes")
    assert result.exit_code == 0, result.output
    assert "2 responses deleted from this laptop, 2 of them never received by the coordinator" in result.output
    assert world.rows() == {} and active_survey(world.laptop).is_practice


def test_one_response_is_said_as_one(world: World) -> None:
    sid = survey_id(world)
    world.answer(1)
    refused = world.on_laptop("survey", "uninstall", sid)
    assert refused.exit_code == 1 and "1 response would be lost" in refused.output + refused.stderr
    result = world.on_laptop("survey", "uninstall", sid, "--force", "--yes")
    assert result.exit_code == 0, result.output
    assert "WARNING: 1 response of survey" in result.stderr and "has not reached the coordinator" in result.stderr
    assert "1 response deleted from this laptop, never received by the coordinator" in result.output


def test_unknown_survey_is_refused(world: World) -> None:
    result = world.on_laptop("survey", "uninstall", "zzzzzzzzzzzzzzzz")
    assert result.exit_code == 1 and "not installed on this laptop" in result.stderr


def test_a_survey_installed_again_exports_under_new_bundle_numbers(world: World) -> None:
    """The coordinator knows the device's bundle numbers: one used again with other responses looks like
    a copied laptop, and its bundle would be held. Uninstalling must not make the laptop reuse them."""
    sid = survey_id(world)
    world.answer(2)
    world.export()
    world.merge_with_receipts()
    assert world.on_laptop("receipt", "import", str(world.receipt_file()), "--purge").exit_code == 0
    assert world.on_laptop("survey", "uninstall", sid).exit_code == 0
    assert world.on_laptop("survey", "install", str(world.package_file)).exit_code == 0
    again = world.answer(2, seed=6)
    world.export()
    with world.store() as store:
        assert [row[0] for row in store.db.execute("select sequence from exports")] == [2]
    report = world.merge_with_receipts()
    assert report["exit_code"] == 0 and report["totals"]["accepted"] == 2, report
    assert {b["status"] for b in report["bundles"]} <= {"merged", "already merged"}, report["bundles"]
    assert world.on_laptop("receipt", "import", str(world.receipt_file()), "--purge").exit_code == 0
    assert [world.rows()[r][2:4] for r in again] == [(True, True)] * 2


def test_a_response_saved_by_another_program_during_the_check_is_never_removed(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app may run beside the command: a response it commits between uninstall's count and its
    delete must not go unnoticed. Either it waits for the uninstall, or the uninstall sees it."""
    import sqlite3

    import akhlak_tui.survey.uninstall as uninstall
    from akhlak_tui import locations

    sid = survey_id(world)
    world.answer(2)
    world.export()
    world.merge_with_receipts()
    assert world.on_laptop("receipt", "import", str(world.receipt_file()), "--purge").exit_code == 0
    counted = uninstall.progress_of
    saved: list[str] = []

    def count_then_the_app_saves(store, survey):  # type: ignore[no-untyped-def]
        progress = counted(store, survey)
        other = sqlite3.connect(locations.store_path(world.laptop), timeout=0.2)
        try:
            other.execute(
                "insert into responses (id, survey_id, questionnaire_id, questionnaire_hash, device_id, mode, status, created_at, updated_at) "
                "select 'aaaaaaaa-0000-4000-8000-000000000000', survey_id, questionnaire_id, questionnaire_hash, device_id, mode, 'draft', "
                "created_at, updated_at from responses limit 1"
            )
            other.commit()
            saved.append("aaaaaaaa-0000-4000-8000-000000000000")
        except sqlite3.OperationalError:  # locked: it waits for the uninstall
            pass
        finally:
            other.close()
        return progress

    monkeypatch.setattr(uninstall, "progress_of", count_then_the_app_saves)
    world.on_laptop("survey", "uninstall", sid)
    rows = world.rows()
    assert all(rid in rows for rid in saved), "a response saved during the uninstall was removed without --force"


def test_force_leaves_no_copy_of_the_sealed_records(world: World) -> None:
    from test_purge import sealed_of, store_bytes

    sid = survey_id(world)
    world.answer(2)
    pieces = [blob[8:40] for blob in sealed_of(world).values()] + [blob[-32:] for blob in sealed_of(world).values()]
    assert all(piece in store_bytes(world.laptop) for piece in pieces)  # the check can fail
    assert world.on_laptop("survey", "uninstall", sid, "--force", "--yes").exit_code == 0
    everything = store_bytes(world.laptop)
    assert not any(piece in everything for piece in pieces)


def test_uninstall_says_when_a_reader_keeps_old_copies_in_the_wal(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from akhlak_tui import locations

    sid = survey_id(world)
    world.answer(1)
    monkeypatch.setattr("akhlak_tui.receipt.laptop.CHECKPOINT_WAIT_MS", 100)
    reader = sqlite3.connect(locations.store_path(world.laptop))
    reader.execute("begin")
    reader.execute("select count(*) from responses").fetchone()  # the app, reading just now
    try:
        result = world.on_laptop("survey", "uninstall", sid, "--force", "--yes")
    finally:
        reader.close()
    assert result.exit_code == 0, result.output
    assert "another program has the store open" in result.output


def test_no_response_starts_under_a_survey_uninstalled_meanwhile(world: World) -> None:
    """The store refuses a new draft of a survey no longer installed (the app had it open), in the
    write transaction that would have made it: nothing of it is left."""
    from akhlak_tui.crypto.device import load_or_create_device
    from akhlak_tui.store import StoreError

    sid = survey_id(world)
    survey = active_survey(world.laptop)
    assert world.on_laptop("survey", "uninstall", sid).exit_code == 0
    with world.store() as store:
        with pytest.raises(StoreError) as refused:
            store.start_response(survey.questionnaire, device_id=load_or_create_device(world.laptop).id, mode="kiosk", language="id", survey_id=sid)
        assert refused.value.kind == "survey_removed" and "not installed on this laptop" in str(refused.value)
        assert store.db.execute("select count(*) from responses").fetchone()[0] == 0
        assert store.db.execute("select count(*) from events").fetchone()[0] == 0
