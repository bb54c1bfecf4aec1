"""The coordinator's dashboard: shows the index, category, values and units; follows merges."""

from __future__ import annotations

import shutil
from pathlib import Path

from merged_fixtures import build_merged, make_response
from textual.widgets import DataTable, Static

from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.tui.dashboard_app import make_dashboard_app

TOML = (Path(__file__).parents[1] / "scoring" / "worked_example.toml").read_text("utf-8")
UNITS = [Unit(code="U1", name="Unit Satu", headcount=10), Unit(code="U2", name="Unit Dua", headcount=4)]


def person(unit: str, ak1: int) -> dict:
    return {"unit": unit, "gender": "f", "bp1": 5, "bp2": 1, "ak1": ak1, "values_now": ["jujur"]}


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_shows_index_category_values_and_units(tmp_path):
    db = tmp_path / "merged.db"
    build_merged(db, TOML, UNITS, [person("U1", 4)] * 3 + [person("U2", 2)] * 3).close()
    app = make_dashboard_app(db, "id", poll_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        headline = text_of(app, "#dashboard-headline")
        assert "75,0" in headline and "A Sehat" in headline and "Responden: 6" in headline
        screen = app.export_screenshot()
        assert "Akuntabel" in screen and "Kolaboratif" not in screen  # the example has two values
        table = app.screen.query_one("#dashboard-units", DataTable)
        assert table.row_count == 2
        assert [str(c) for c in table.get_row("U2")[:4]] == ["Unit Dua", "3", "4", "50,0"]


async def test_refreshes_by_itself_after_a_merge_and_on_r(tmp_path):
    db = tmp_path / "merged.db"
    build_merged(db, TOML, UNITS, [person("U1", 4)] * 3 + [person("U2", 4)] * 3).close()
    app = make_dashboard_app(db, "en", poll_seconds=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "100.0" in text_of(app, "#dashboard-headline")
        mdb = MergedDatabase(db)
        with mdb.db.atomic():
            mdb.insert_responses([(make_response(mdb.questionnaire, person("U2", 1), 500 + i), "b2") for i in range(6)])
        mdb.close()
        for _ in range(30):
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            if "Respondents: 12" in text_of(app, "#dashboard-headline"):
                break
        assert "Respondents: 12" in text_of(app, "#dashboard-headline")
        assert "75.0" in text_of(app, "#dashboard-headline")  # AK now 50.0, BP 100.0
        # a replaced file (a merge elsewhere) shows on `r` at once
        other = tmp_path / "other.db"
        build_merged(other, TOML, UNITS, [person("U1", 2)] * 5).close()
        shutil.copy(other, db)
        await pilot.press("r")
        await settle(app, pilot)
        assert "Respondents: 5" in text_of(app, "#dashboard-headline")


def test_dashboard_command_refuses_a_missing_database(tmp_path):
    from click.testing import CliRunner

    from akhlak_tui.cli import cli

    result = CliRunner().invoke(cli, ["dashboard", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "none.db: no merged database here" in result.output


async def test_a_value_without_data_is_named_and_hidden_cells_are_marked(tmp_path):
    db = tmp_path / "merged.db"
    build_merged(db, TOML, UNITS, [person("U1", 9)] * 3 + [person("U2", 9)] * 3).close()
    app = make_dashboard_app(db, "id", poll_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        headline = text_of(app, "#dashboard-headline")
        assert "tidak ada indeks" in headline and "Akuntabel" in headline and "tidak ada responden" not in headline
        table = app.screen.query_one("#dashboard-units", DataTable)
        row = [str(c) for c in table.get_row("U1")]
        assert row[-1] == "-" and row[3] == "-"  # AK without data, so no index: marked, not blank
