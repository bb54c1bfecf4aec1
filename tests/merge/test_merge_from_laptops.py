"""End to end: laptops answer through their Store, export to a stick, and the coordinator merges."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from merge_world import PASSPHRASE, make_coordinator

from akhlak_tui import locations
from akhlak_tui.active import active_survey
from akhlak_tui.bundle.export import export_bundle
from akhlak_tui.cli import cli
from akhlak_tui.crypto.device import load_or_create_device
from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.store import Store
from akhlak_tui.survey import install_survey


def answer_on_laptop(laptop: Path, n: int, seed: int, *, incomplete: int = 0) -> list[str]:
    """n responses answered item by item through the Store and submitted (sealed), the last
    `incomplete` of them with only the unit answered."""
    survey = active_survey(laptop)
    device = load_or_create_device(laptop)
    # the simulator abandons a few part way (depending on the random device id): submit only whole ones
    whole = (r for r in simulate_responses(survey.questionnaire, survey.units, 10 * n, seed, device.id, survey.survey_id) if r.status == "submitted")
    simulated = [next(whole) for _ in range(n)]
    ids = []
    with Store(locations.store_path(laptop)) as store:
        for number, response in enumerate(simulated):
            rid = store.start_response(survey.questionnaire, device_id=device.id, mode="kiosk", language="id", survey_id=survey.survey_id)
            answers = response.answer_map if number < n - incomplete else {"unit": survey.units[0].code}
            for item_id, value in answers.items():
                store.save_answer(rid, item_id, value, is_unit=item_id == "unit")
            store.submit(rid, seal=survey.sealer())
            ids.append(rid)
    return ids


def merge(home: Path, stick: Path) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["merge", str(stick), "--json"], env={"AKHLAK_HOME": str(home), "AKHLAK_PASSPHRASE": PASSPHRASE})
    return result.exit_code, json.loads(result.output)


def test_laptop_exports_merge_once_and_incomplete_responses_are_quarantined(tmp_path: Path) -> None:
    coordinator = make_coordinator(tmp_path / "coordinator", tmp_path / "unused")
    package_file = tmp_path / coordinator.survey.file_name()
    package_file.write_bytes((coordinator.home / "coordinator" / "surveys" / coordinator.survey.file_name()).read_bytes())
    laptops = [tmp_path / "laptop-a", tmp_path / "laptop-b"]
    stick = tmp_path / "stick"
    stick.mkdir()
    for number, laptop in enumerate(laptops):
        laptop.mkdir()
        install_survey(laptop, package_file)
        coordinator.enrol_laptop(laptop, stick)
        answer_on_laptop(laptop, 5, seed=number, incomplete=1 if number == 0 else 0)
        export_bundle(laptop, stick)

    code, report = merge(coordinator.home, stick)

    assert code == 1  # one response was submitted without its required answers
    assert report["totals"] == {
        "bundles": 2, "merged": 2, "already_merged": 0, "held": 0, "refused": 0,
        "accepted": 9, "duplicates": 0, "conflicts": 0, "quarantined": 1,
    }
    [problem] = [p for b in report["bundles"] for p in b["problems"]]
    assert problem["kind"] == "quarantined" and "required but not answered" in problem["reason"]

    answer_on_laptop(laptops[1], 2, seed=9)
    export_bundle(laptops[1], stick, include_all=True)  # sequence 2 holds all 7 again
    code, report = merge(coordinator.home, stick)

    statuses = sorted((b["status"], b["sequence"], b["accepted"], b["duplicates"]) for b in report["bundles"])
    assert statuses == [("already merged", 1, 0, 0), ("already merged", 1, 0, 0), ("merged", 2, 2, 5)]
    assert code == 0
    # the merge left the report's sums up to date, over every merged row (scoring/cell_cache.py)
    import sqlite3

    conn = sqlite3.connect(locations.merged_path(coordinator.home))
    try:
        covered = conn.execute("SELECT rows_max FROM score_cache").fetchone()
        assert covered is not None and covered[0] == conn.execute("SELECT max(rowid) FROM answers").fetchone()[0]
        assert conn.execute("SELECT sum(n) FROM score_cache_cells").fetchone()[0] == 9 + 2  # accepted by both merges
    finally:
        conn.close()
