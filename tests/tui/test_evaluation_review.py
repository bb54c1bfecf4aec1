"""The evaluator's review screen in the dashboard: pilot key presses set verified levels, stored with history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from merged_fixtures import build_merged
from textual.widgets import DataTable, Input, Static

from akhlak_tui.evaluation.loading import load_instrument
from akhlak_tui.evaluation.store import Claim, EvaluationStore, UnitReturn
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.tui.dashboard_app import make_dashboard_app
from akhlak_tui.tui.screens.evaluation_review import EvaluationReviewScreen

TOML = (Path(__file__).parents[1] / "scoring" / "worked_example.toml").read_text("utf-8")
MINI = Path(__file__).parents[1] / "data" / "mini-evaluation.toml"
UNITS = [Unit(code="U1", name="Unit Satu", headcount=10), Unit(code="U2", name="Unit Dua", headcount=4)]
PEOPLE = [{"unit": u, "gender": "f", "bp1": 5, "bp2": 1, "ak1": 4, "values_now": ["jujur"]} for u in ("U1", "U2") for _ in range(3)]


def evaluated(db: Path) -> None:
    mdb = build_merged(db, TOML, UNITS, PEOPLE)
    store = EvaluationStore(mdb.db)
    claims = [Claim("rutin", 100, "daftar hadir.pdf"), Claim("pakta", 100), Claim("agen", 50), Claim("inovasi", 0)]
    store.store_returns([UnitReturn("U1", "u1.xlsx", "U1", "0" * 64, claims)], MINI.read_text("utf-8"), load_instrument(MINI))
    mdb.close()


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_review_sets_verified_levels_with_notes_and_history(tmp_path: Path):
    db = tmp_path / "merged.db"
    evaluated(db)
    app = make_dashboard_app(db, "en", poll_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EvaluationReviewScreen)
        table = app.screen.query_one("#review-table", DataTable)
        u1 = [str(c) for c in table.get_row("U1")]
        assert u1[0] == "U1" and u1[1] == "returned" and u1[2] == "-"
        assert str(table.get_row("U2")[1]) == "missing"
        await pilot.press("enter")  # open U1
        await pilot.pause()
        assert table.row_count == 4 and [str(c) for c in table.get_row("rutin")[:4]] == ["T1", "rutin", "100", "-"]
        assert "daftar hadir.pdf" in str(app.screen.query_one("#review-detail", Static).render())
        await pilot.press("2")  # rutin: level 2 of 0/50/100 = 50
        await pilot.pause()
        assert app.screen.query_one("#review-note", Input).has_focus
        await pilot.press(*"hanya 6 bulan")
        await pilot.press("enter")
        await pilot.pause()
        assert rows(db, "select unit, criterion, level, note from evaluation_verified") == [("U1", "rutin", 50, "hanya 6 bulan")]
        assert str(table.get_row("rutin")[3]) == "50"
        # the next criterion: pakta (0/100); level 3 does not exist and stores nothing
        await pilot.press("down", "3")
        await pilot.pause()
        assert not app.screen.query_one("#review-note", Input).display
        await pilot.press("2")
        await pilot.press(*"ada")
        await pilot.press("escape")  # cancels: nothing stored
        await pilot.pause()
        assert rows(db, "select count(*) from evaluation_verified") == [(1,)]
        await pilot.press("2", "enter")  # pakta 100, no note
        await pilot.pause()
        await pilot.press("down", "2", *"SK ada", "enter", "down", "1", "enter")  # agen 50, inovasi 0
        await pilot.pause()
        # change rutin again: history keeps both
        await pilot.press("up", "up", "up", "3", *"bukti lengkap", "enter")
        await pilot.pause()
        verified = dict((c, lv) for c, lv in rows(db, "select criterion, level from evaluation_verified"))
        assert verified == {"rutin": 100, "pakta": 100, "agen": 50, "inovasi": 0}
        history = rows(db, "select criterion, old, new, note from evaluation_history where kind = 'verified' order by id")
        assert history[0] == ("rutin", None, "50", "hanya 6 bulan") and history[-1] == ("rutin", "50", "100", "bukti lengkap")
        assert len(history) == 5
        await pilot.press("escape")  # back to the units: U1 now has its evaluation and stage scores
        await pilot.pause()
        # T1 = (100 + 100) / 2; T2 = (3 x 50 + 0) / 4; evaluation = (100 + 2 x 37.5) / 3 = 58.33...
        assert [str(c) for c in table.get_row("U1")[2:5]] == ["58.3", "100.0", "37.5"]
        await pilot.press("escape")  # back to the dashboard, which scores again
        await settle(app, pilot)
        assert not isinstance(app.screen, EvaluationReviewScreen)


async def test_review_without_evaluation_says_so(tmp_path: Path):
    db = tmp_path / "merged.db"
    build_merged(db, TOML, UNITS, PEOPLE).close()
    app = make_dashboard_app(db, "id", poll_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert "Belum ada evaluasi" in str(app.screen.query_one("#review-title", Static).render())
        await pilot.press("enter", "1")
        await pilot.pause()
        assert rows(db, "select name from sqlite_master where name = 'evaluation_verified'") == []
