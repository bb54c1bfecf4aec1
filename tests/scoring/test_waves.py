"""Comparing with an earlier wave: docs/scoring.md's worked example by hand, new and gone units,
statements refused when the questionnaires differ (values still compared), and baseline files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from merged_fixtures import build_merged, value_at
from test_worked_example import DATA, answers, doc_block

from akhlak_tui.cli import cli
from akhlak_tui.questionnaire.units import Unit

TOML = (Path(__file__).parent / "worked_example.toml").read_text("utf-8")
UNITS = [Unit(code="U1", name="Unit Satu", headcount=10), Unit(code="U2", name="Unit Dua", headcount=4), Unit(code="U3", name="Unit Tiga", headcount=8)]


def waves(tmp_path: Path, earlier_toml: str = TOML) -> tuple[Path, Path]:
    now = tmp_path / "now.db"
    build_merged(now, TOML, UNITS, [answers(r) for r in DATA if r[0] == "submitted"]).close()
    rows = doc_block("waves-example-data")
    people = [{"unit": u, "gender": g, "bp1": int(a), "bp2": int(b), "ak1": int(c), "values_now": ["jujur"]} for _, u, g, a, b, c in rows]
    before = tmp_path / "before.db"
    build_merged(before, earlier_toml, UNITS, people).close()
    return now, before


def report(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["report", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_doc_waves_example_is_recomputed(tmp_path):
    now, before = waves(tmp_path)
    data = report("--db", str(now), "--compare", str(before))
    assert data["comparison"]["items_refused"] is None
    for key, value in doc_block("waves-example-results"):
        assert str(value_at(data, key)) == value, key


def test_different_questionnaires_compare_values_but_not_statements(tmp_path):
    reworded = TOML.replace("Pelayanan di unit saya lambat.", "Pelayanan di unit saya sering lambat.")
    now, before = waves(tmp_path, reworded)
    c = report("--db", str(now), "--compare", str(before))["comparison"]
    assert c["items"] == [] and "kuesionernya berbeda" in c["items_refused"] and "bp2" in c["items_refused"]
    assert {v["code"]: v["change"] for v in c["values"]} == {"BP": 13.6, "AK": -6.7}
    table = CliRunner().invoke(cli, ["report", "--db", str(now), "--compare", str(before)], env={"COLUMNS": "120"}).output
    assert "Pernyataan tidak dibandingkan satu per satu" in table and "+13,6" in table and "unit baru" in table


def test_baseline_file_of_published_figures(tmp_path):
    now, _ = waves(tmp_path)
    base = tmp_path / "hasil-2023.toml"
    base.write_text('year = 2023\nsource = "KemenPAN-RB"\nindex = 62.3\n[values]\nBP = 60.0\n[units.U2]\nindex = 70.0\n', "utf-8")
    c = report("--db", str(now), "--baseline", str(base))["comparison"]
    assert c["previous"] == {"kind": "baseline", "label": "2023", "year": 2023, "source": "KemenPAN-RB"}
    assert c["index"] == {"code": "index", "label": "index", "previous": 62.3, "current": 61.8, "change": -0.5}
    assert {v["code"]: v["change"] for v in c["values"]} == {"BP": 3.6, "AK": None}
    units = {u["code"]: u for u in c["units"]}
    # U2 has no index now (its AK is hidden so that U1's cannot be worked out): no change.
    assert (units["U2"]["previous"], units["U2"]["change"]) == (70.0, None) and units["U1"]["status"] == "no_figure" and "U3" not in units
    page = CliRunner().invoke(cli, ["report", "--db", str(now), "--baseline", str(base), "--format", "html"]).output
    assert 'data-key="comparison.index.change">-0,5<' in page and "<title>Perubahan per nilai</title>" in page


def test_bad_baseline_files_are_one_line_errors(tmp_path):
    now, _ = waves(tmp_path)
    cases = {
        'source = "x"\nindex = 60': "year: expected the year",
        'year = 2023\nindex = 60': "source: say where",
        'year = 2023\nsource = "x"\n[values]\nXX = 50': "values.XX: unknown value code",
        'year = 2023\nsource = "x"\nindex = 160': "index: expected a score from 0 to 100",
        'year = 2023\nsource = "x"\nindeks = 60': "indeks: unknown key",
        "year = ": "not valid TOML",
        'year = 2023\nsource = "x"': "no figures",
    }
    for i, (text, message) in enumerate(cases.items()):
        path = tmp_path / f"b{i}.toml"
        path.write_text(text, "utf-8")
        result = CliRunner().invoke(cli, ["report", "--db", str(now), "--baseline", str(path)])
        assert result.exit_code == 1 and message in result.output and str(path) in result.output, (text, result.output)
        assert "Traceback" not in result.output
    both = CliRunner().invoke(cli, ["report", "--db", str(now), "--baseline", "x", "--compare", "y"])
    assert both.exit_code == 1 and "not both" in both.output


def test_compare_with_a_missing_or_foreign_file_is_a_one_line_error(tmp_path):
    now, _ = waves(tmp_path)
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n" * 100)
    for path, message in ((tmp_path / "nowhere.db", "no merged database here"), (notes, "not a merged database")):
        result = CliRunner().invoke(cli, ["report", "--db", str(now), "--compare", str(path)])
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output, result.output


def test_compared_report_is_valid_json_and_html_numbers_are_its_numbers(tmp_path):
    import re

    import pytest

    from merged_fixtures import shown_value

    jsonschema = pytest.importorskip("jsonschema")
    now, before = waves(tmp_path)
    data = report("--db", str(now), "--compare", str(before))
    schema = json.loads((Path(__file__).parents[2] / "docs" / "report-json-schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)
    page = CliRunner().invoke(cli, ["report", "--db", str(now), "--compare", str(before), "--format", "html"]).output
    pairs = re.findall(r'data-key="([^"]+)">([^<]*)<', page)
    assert sum(k.startswith("comparison.") for k, _ in pairs) >= 5
    for key, shown in pairs:
        if key.endswith(".suppressed"):  # a label saying why, checked in tests/report
            assert value_at(data, key) == "suppressed" and shown.startswith("disembunyikan"), key
            continue
        assert shown == shown_value(value_at(data, key), "id", key), key


def test_units_are_compared_when_the_report_is_broken_down_by_something_else(tmp_path):
    now, before = waves(tmp_path)
    units = {u["code"]: u for u in report("--db", str(now), "--compare", str(before), "--by", "gender")["comparison"]["units"]}
    assert units["U2"]["status"] == "new" and units["U3"]["status"] == "gone" and units["U1"]["previous"] == 50.0
