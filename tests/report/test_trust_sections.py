"""Reliability, quality flags and the staff profile in every report format: text within 80 columns, html, csv, xlsx, json."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import jsonschema
from click.testing import CliRunner
from openpyxl import load_workbook

from akhlak_tui.cli import cli

sys.path.insert(0, str(Path(__file__).parents[1] / "scoring"))
from test_quality_flags import crowd, world  # noqa: E402


def run(tmp_path: Path, *args: str) -> str:
    db = tmp_path / "merged.db"
    if not db.exists():
        world(db).close()
    result = CliRunner().invoke(cli, ["report", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_terminal_report_shows_the_sections_within_80_columns(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = run(tmp_path, "--lang", "en")
    assert max(len(line) for line in out.splitlines()) <= 80
    for heading in ("Reliability (Cronbach's alpha)", "Quality of responses", "Respondents' profile and staff profile"):
        assert heading in out
    assert "too few complete cases" in out  # 25 respondents: no alpha (rule: 30)
    quality = out[out.index("Quality of responses"):]
    assert "Satu" in quality and "11,8%" not in quality and "11.8%" in quality  # 2 of 17 speeding, in English


def test_json_has_the_figures_and_is_valid_against_the_schema(tmp_path: Path):
    data = json.loads(run(tmp_path, "--format", "json"))
    schema = json.loads((Path(__file__).parents[2] / "docs" / "report-json-schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)
    assert data["quality"]["units"][0]["flagged"] == 5
    assert data["reliability"]["overall"]["measures"][0]["status"] == "too_few"
    assert data["staff_profile"]["items"][0]["shares"][1]["difference"] == -0.6


def test_csv_and_xlsx_carry_the_tables(tmp_path: Path):
    run(tmp_path, "--format", "csv", "-o", str(tmp_path / "r.csv"), "--lang", "en")
    with (tmp_path / "r-quality.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    satu = next(r for r in rows if r[0] == "U1")
    assert satu[header.index("Responses")] == "17" and satu[header.index("Flagged")] == "5"
    assert satu[header.index("Speeding")] == "2" and satu[header.index("Speeding %")] == "11.8"
    assert (tmp_path / "r-reliability.csv").exists() and (tmp_path / "r-staff-profile.csv").exists()
    run(tmp_path, "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"), "--lang", "en")
    sheets = load_workbook(tmp_path / "r.xlsx").sheetnames
    assert {"Reliability (Cronbach's alpha)", "Quality of responses"} <= set(sheets)


def test_html_has_the_sections_and_the_exclusion_note(tmp_path: Path):
    crowd(tmp_path / "merged.db").close()
    html = run(tmp_path, "--format", "html", "--exclude-flagged", "speeding", "--lang", "en")
    for section in ('id="reliability"', 'id="quality"', 'id="profile"'):
        assert section in html
    assert "5 responses flagged speeding are left out of every score" in html


def test_unit_names_are_escaped_in_the_html_sections(tmp_path: Path):
    from merged_fixtures import HOSTILE
    from test_quality_flags import TOML_P, build, response

    from akhlak_tui.questionnaire.loading import parse_questionnaire
    from akhlak_tui.questionnaire.units import Unit
    from akhlak_tui.report.html import render_html
    from akhlak_tui.scoring import score_merged

    q = parse_questionnaire(TOML_P, "t")
    rs = [response(q, i + 1, "U1", (4, 3, 2, 5), device=f"d{i}") for i in range(6)]
    html = render_html(score_merged(build(None, rs, [Unit(code="U1", name=HOSTILE, staff={"employment": {"pns": 5, "pppk": 5}})]), lang="en"), "en")
    quality = html[html.index('id="quality"'):]
    assert "<script>" not in quality and "&lt;script&gt;" in quality


def test_the_flagged_share_is_rounded_as_each_flags_share():
    """1 of 16 is 6.25%: half up, 6.3, in the flagged column as in the speeding one (Python's round gives 6.2)."""
    from test_quality_flags import TOML_P, UNITS, build, response

    from akhlak_tui.questionnaire.loading import parse_questionnaire
    from akhlak_tui.report.trust import quality_tables
    from akhlak_tui.scoring import score_merged

    q = parse_questionnaire(TOML_P, "t")
    rs = [response(q, i + 1, "U1", (4, 3, 2, 5), device=f"d{i}") for i in range(15)] + [response(q, 99, "U1", (5, 4, 1, 4), seconds=0.1)]
    report = score_merged(build(None, rs, UNITS), lang="en")
    [table] = quality_tables(report, "en")
    u1 = next(row for row in table.rows if row[0] == "U1")
    flagged, flagged_share, speeding, speeding_share = u1[3:7]
    assert (flagged, speeding, speeding_share) == (1, 1, 6.3)
    assert flagged_share == 6.3


def test_indonesian_terminal_report_with_long_unit_names_stays_within_80_columns(monkeypatch):
    import io

    import test_quality_flags
    from rich.console import Console

    from akhlak_tui.questionnaire.units import Unit
    from akhlak_tui.report.text import print_report
    from akhlak_tui.scoring import score_merged

    long_names = [Unit(code="U1", name="Kecamatan Sukamaju Hilir Utara", staff={"employment": {"pns": 70, "pppk": 30}}), Unit(code="U2", name="Kecamatan Sukamaju Hulu Selatan")]
    monkeypatch.setattr(test_quality_flags, "UNITS", long_names)
    out = io.StringIO()
    print_report(score_merged(test_quality_flags.world(), lang="id"), "id", console=Console(file=out, width=80, color_system=None))
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    quality = "\n".join(lines[next(i for i, line in enumerate(lines) if "Kualitas jawaban" in line):])
    assert "Ditandai" in quality and "Utara" in quality and "Selatan" in quality  # the header whole, the units told apart
