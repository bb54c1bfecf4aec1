"""Incremental export: sequence numbers increase, nothing goes twice without --all, clear refusals."""

from __future__ import annotations

import pytest

from akhlak_tui import locations
from akhlak_tui.bundle.export import ExportError, export_bundle
from akhlak_tui.bundle.reader import read_bundle
from akhlak_tui.store import Store
from akhlak_tui.survey import activate_survey


def ids_in(path, keys) -> set[str]:
    return {r.id for r in read_bundle(path, coordinator=keys)}


def test_sequence_increases_and_nothing_is_exported_twice(world, answer):
    first_ids = answer(3)
    first = export_bundle(world.laptop, world.out)
    with pytest.raises(ExportError, match=r"nothing to export .*all 3 are already exported \(--all"):
        export_bundle(world.laptop, world.out)

    second_ids = answer(2)
    second = export_bundle(world.laptop, world.out)
    assert (first.sequence, second.sequence) == (1, 2)
    assert ids_in(first.path, world.keys) == set(first_ids)
    assert ids_in(second.path, world.keys) == set(second_ids)
    assert read_bundle(second.path, coordinator=world.keys).manifest.sequence == 2

    everything = export_bundle(world.laptop, world.out, include_all=True)
    assert everything.sequence == 3
    assert ids_in(everything.path, world.keys) == set(first_ids) | set(second_ids)
    assert read_bundle(everything.path, coordinator=world.keys).manifest.include_all is True
    assert len({first.path, second.path, everything.path}) == 3 and all(p.exists() for p in (first.path, second.path))

    with Store(locations.store_path(world.laptop)) as store:
        marks = dict(store.db.execute("select id, exported_seq from responses").fetchall())
    assert {marks[i] for i in first_ids} == {1} and {marks[i] for i in second_ids} == {2}


def test_practice_responses_are_never_exported(world, answer):
    answer(2)
    activate_survey(world.laptop, None)
    with pytest.raises(ExportError, match="practice is active, not a survey: practice responses are never exported"):
        export_bundle(world.laptop, world.out)


def test_practice_responses_stay_out_of_a_real_survey_bundle(world, answer):
    activate_survey(world.laptop, None)
    practice = answer(2)  # the practice questionnaire, kept in clear
    activate_survey(world.laptop, world.survey.survey_id)
    real = answer(1)
    result = export_bundle(world.laptop, world.out)
    assert ids_in(result.path, world.keys) == set(real)
    with Store(locations.store_path(world.laptop)) as store:
        assert store.load(practice[0]).answer_map["bp1"] == 4  # readable: practice is never sealed


def test_only_drafts_means_nothing_to_export(world, answer):
    answer(1, status="draft")
    with pytest.raises(ExportError, match="nothing to export .*none submitted yet"):
        export_bundle(world.laptop, world.out)


def test_missing_out_dir_is_a_one_line_error(world, answer):
    answer(1)
    with pytest.raises(ExportError, match=r"no such directory \(is the USB stick mounted\?\)"):
        export_bundle(world.laptop, world.out / "not-there")


def test_export_runs_in_a_worker_thread(world, answer):
    """The TUI calls export_bundle from a thread: it must open its own database connection."""
    import threading

    answer(2)
    results = []
    thread = threading.Thread(target=lambda: results.append(export_bundle(world.laptop, world.out)))
    thread.start()
    thread.join()
    assert results and results[0].count == 2


def test_responses_of_a_replaced_device_key_are_not_exported_under_the_new_key(world, answer):
    answer(2)
    key = world.laptop / "device.key"
    original = key.read_bytes()
    key.unlink()
    with pytest.raises(ExportError, match=r"made under another device key \(2 of device .*device.key was replaced"):
        export_bundle(world.laptop, world.out)
    key.write_bytes(original)
    assert export_bundle(world.laptop, world.out).count == 2
