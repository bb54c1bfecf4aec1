"""The 95% intervals and the headcount-weighted figures in every report format, run through the CLI."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from click.testing import CliRunner
from merged_fixtures import build_merged

from akhlak_tui.cli import cli
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.report.i18n import number

TOML = (Path(__file__).parents[1] / "scoring" / "worked_example.toml").read_text("utf-8")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), terminal_width=80)


def test_terminal_report_shows_intervals_within_80_columns(survey_db):
    result = run("report", "--db", str(survey_db), "--by", "unit")
    assert result.exit_code == 0, result.output
    data = json.loads(run("report", "--db", str(survey_db), "--format", "json").output)
    o = data["overall"]
    low, high = number(o["index_low"], "id"), number(o["index_high"], "id")
    assert f"Indeks BerAKHLAK: {number(o['index'], 'id')} ({low}-{high})" in result.output
    bp = o["dimensions"][0]
    assert f"{number(bp['score'], 'id')} ({number(bp['low'], 'id')}-{number(bp['high'], 'id')})" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    ranking = result.output.split("Peringkat unit kerja")[1]
    for r in data["ranking"]:
        row = next(line for line in ranking.splitlines() if line.split()[:1] == [str(r["rank"])])
        assert row.split()[-2:] == [f"({number(r['index_low'], 'id')}-{number(r['index_high'], 'id')})", str(r["group"])]
    assert "tidak dapat ditarik batas yang jelas" in " ".join(result.output.split())


def test_english_writes_points(small_db):
    result = run("report", "--db", str(small_db), "--lang", "en")
    assert "BerAKHLAK Index: 61.8 (27.1-87.6)" in result.output
    assert "63.6 (24.9-90.2)" in result.output


def test_html_intervals_are_the_json_numbers(survey_db):
    page = run("report", "--db", str(survey_db), "--format", "html").output
    data = json.loads(run("report", "--db", str(survey_db), "--format", "json").output)
    shown = dict(re.findall(r'data-ci="([^"]+)">([^<]*)<', page))
    assert shown["overall.index"] == f"{number(data['overall']['index_low'], 'id')}-{number(data['overall']['index_high'], 'id')}"
    units = next(b for b in data["breakdowns"] if b["field"] == "unit")
    checked = 0
    for g in units["groups"]:
        for d in g["dimensions"]:
            key = f"breakdown.unit.{g['key']}.dim.{d['id']}"
            if d["low"] is None:
                assert key not in shown
            else:
                assert shown[key] == f"{number(d['low'], 'id')}-{number(d['high'], 'id')}"
                checked += 1
    assert checked >= 20
    assert re.search(r'data-key="ranking\.[^"]+\.group">1<', page)


def test_csv_has_an_intervals_table_and_the_ranking_its_ends(survey_db, tmp_path):
    out = tmp_path / "skor.csv"
    assert run("report", "--db", str(survey_db), "--format", "csv", "-o", str(out)).exit_code == 0
    with open(tmp_path / "skor-intervals.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][-3:] == ["Skor", "Batas bawah 95%", "Batas atas 95%"]
    data = json.loads(run("report", "--db", str(survey_db), "--format", "json").output)
    index = next(r for r in rows if r[3] == "index" and r[1] == "")
    assert [float(x) for x in index[5:]] == [data["overall"][k] for k in ("index", "index_low", "index_high")]
    assert any(r[0].startswith("Indikator") for r in rows)
    with open(tmp_path / "skor-ranking.csv", encoding="utf-8-sig", newline="") as f:
        ranking = list(csv.reader(f))
    assert ranking[0][-1] == "Kelompok" and all(r[-1].isdigit() for r in ranking[1:])


def test_weight_headcount_shows_both_figures(small_db_min2):
    result = run("report", "--db", str(small_db_min2), "--weight", "headcount", "--lang", "en")
    assert result.exit_code == 0, result.output
    table = result.output.split("weighted by unit headcount")[1].splitlines()
    index = next(line for line in table if line.strip().startswith("BerAKHLAK Index"))
    assert index.split()[-3:] == ["61.8", "60.6", "(22.9-88.9)"]  # unweighted, weighted and its interval
    data = json.loads(run("report", "--db", str(small_db_min2), "--weight", "headcount", "--format", "json").output)
    assert data["weighted"]["index"] == 60.6 and data["overall"]["index"] == 61.8
    assert [d["score"] for d in data["weighted"]["dimensions"]] == [65.0, 56.3]
    page = run("report", "--db", str(small_db_min2), "--weight", "headcount", "--format", "html").output
    assert 'data-weighted="index">60,6<' in page


def test_weight_headcount_without_a_headcount_is_one_line(tmp_path):
    db = tmp_path / "m.db"
    people = [{"unit": unit, "gender": "f", "bp1": 4, "bp2": 2, "ak1": 3} for unit in ["U1", "U2"] * 5]
    build_merged(db, TOML, [Unit(code="U1", name="Satu", headcount=40), Unit(code="U2", name="Dua")], people).close()
    result = run("report", "--db", str(db), "--weight", "headcount")
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0 and "Traceback" not in result.output
    assert "--weight headcount" in result.output and "unit U2 has no headcount" in result.output
