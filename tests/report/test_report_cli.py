"""`akhlak report` in every format, run through the CLI."""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from merged_fixtures import HOSTILE, shown_value, value_at

from akhlak_tui.cli import cli
from akhlak_tui.report.formats import report_json_schema

SCHEMA_DOC = Path(__file__).resolve().parents[2] / "docs" / "report-json-schema.json"


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result


def test_table_shows_index_category_values_and_units(small_db):
    result = run("report", "--db", str(small_db))
    assert result.exit_code == 0, result.output
    assert "Indeks BerAKHLAK: 61,8" in result.output and "B Cukup Sehat" in result.output
    assert "Berorientasi Pelayanan" in result.output and "63,6" in result.output
    unit_two = next(line for line in result.output.splitlines() if line.strip().startswith("Unit Dua"))
    assert unit_two.split()[2:] == ["3", "*", "60,0", "*"]  # AK hidden to protect U1's, so no index
    assert "disembunyikan" not in result.output.split("Rincian")[0]


def test_table_in_english_by_gender_shows_suppressed(small_db):
    result = run("report", "--db", str(small_db), "--lang", "en", "--by", "gender")
    assert result.exit_code == 0, result.output
    assert "BerAKHLAK Index: 61.8" in result.output
    rows = [line.split() for line in result.output.splitlines() if line.strip().startswith(("Female", "Male"))]
    # Both groups have fewer than 5 respondents: shown as "*" (explained below the table), never as 0.
    assert [row[1:3] for row in rows] == [["*", "*"], ["*", "*"]]
    assert "* Groups with fewer than" in result.output


def test_default_database_is_merged_db_in_the_data_dir(small_db, isolated_home):
    assert run("report").exit_code == 1
    missing = run("report")
    assert "merged.db: no merged database here" in missing.output and "Traceback" not in missing.output
    shutil.copy(small_db, isolated_home / "merged.db")
    result = run("report", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["overall"]["index"] == 61.8


def test_bad_breakdown_field_is_one_line(small_db):
    result = run("report", "--db", str(small_db), "--by", "bp1")
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "--by: cannot break down by 'bp1'" in result.output


def test_json_is_valid_against_the_documented_schema(survey_db):
    jsonschema = pytest.importorskip("jsonschema")
    result = run("report", "--db", str(survey_db), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, json.loads(SCHEMA_DOC.read_text("utf-8")))
    assert data["respondents"] > 300 and len(data["overall"]["dimensions"]) == 7
    assert {b["field"] for b in data["breakdowns"]} == {"unit", "gender", "employment", "age_band", "service_years", "position"}


def test_schema_doc_is_up_to_date():
    text = report_json_schema()
    if os.environ.get("AKHLAK_UPDATE_DOCS"):
        SCHEMA_DOC.write_text(text, encoding="utf-8")
    assert SCHEMA_DOC.read_text("utf-8") == text, "regenerate: AKHLAK_UPDATE_DOCS=1 python -m pytest tests/report/test_report_cli.py"
    assert run("report", "--json-schema").output == text


def test_html_is_self_contained_and_escaped(small_db, tmp_path):
    out = tmp_path / "laporan.html"
    result = run("report", "--db", str(small_db), "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert HOSTILE not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in page
    assert "Survei uji &lt;b&gt;&amp;&lt;/b&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?https?:""", page)
    assert "<script" not in page
    assert page.count("<svg") >= 4 and "@page { size: A4" in page
    assert '<html lang="id">' in page and "Laporan Survei Budaya Kerja BerAKHLAK" in page
    assert 'data-key="overall.index">61,8<' in page
    assert "disembunyikan (n &lt; 3)" in page and "disembunyikan agar kelompok kecil lain tidak dapat dihitung" in page


def test_html_in_english(small_db):
    result = run("report", "--db", str(small_db), "--format", "html", "--lang", "en")
    assert result.exit_code == 0
    assert '<html lang="en">' in result.output and "BerAKHLAK Work Culture Survey Report" in result.output
    assert 'data-key="overall.index">61.8<' in result.output


def test_every_number_on_the_html_page_is_the_json_number(survey_db):
    page = run("report", "--db", str(survey_db), "--format", "html").output
    data = json.loads(run("report", "--db", str(survey_db), "--format", "json").output)
    pairs = re.findall(r'data-key="([^"]+)">([^<]*)<', page)
    assert len(pairs) > 100
    for key, shown in pairs:
        assert shown == shown_value(value_at(data, key), "id", key), key


def test_xlsx_has_one_sheet_per_table(survey_db, tmp_path):
    out = tmp_path / "hasil.xlsx"
    result = run("report", "--db", str(survey_db), "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as book:
        workbook = book.read("xl/workbook.xml").decode("utf-8")
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    sheets = re.findall(r'<sheet name="([^"]+)"', workbook)
    assert sheets[:2] == ["Skor", "Ringkasan"] and "Peringkat unit kerja" in sheets and "Partisipasi per unit kerja" in sheets
    assert len(sheets) >= 12
    texts = {html.unescape(t) for t in re.findall(r"<t[^>]*>([^<]*)</t>", strings)}
    assert "Sampel minimum (Slovin)" in texts and 'RSUD <Harapan> & "Sehat"' in texts


def test_xlsx_needs_an_output_file(survey_db):
    result = run("report", "--db", str(survey_db), "--format", "xlsx")
    assert result.exit_code == 1 and "needs -o" in result.output


def test_csv_files_are_utf8_with_headers(small_db, tmp_path):
    out = tmp_path / "skor.csv"
    result = run("report", "--db", str(small_db), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:6] == ["Rincian", "Kode", "Kelompok", "Status", "Responden", "Indeks BerAKHLAK"]
    assert rows[1][3:8] == ["ditampilkan", "6", "61.8", "B", "Cukup Sehat"]
    assert any(r[2] == HOSTILE for r in rows)
    gender = {r[1]: r for r in rows if r[0] == "Jenis kelamin"}
    # m (2) is too small; f (4) is hidden so that m cannot be worked out: each says so, no number.
    assert gender["m"][3] == "disembunyikan (n < 3)"
    assert gender["f"][3] == "disembunyikan agar kelompok kecil lain tidak dapat dihitung"
    assert all(cell == "" for r in gender.values() for cell in r[4:])
    participation = list(csv.reader((tmp_path / "skor-participation.csv").read_text("utf-8-sig").splitlines()))
    assert participation[1][:8] == ["U1", HOSTILE, "10", "3", "30.0", "10", "belum", ""]


def test_csv_to_standard_output(small_db):
    result = run("report", "--db", str(small_db), "--format", "csv", "--lang", "en")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("Breakdown,Code,Group,Status,Respondents,BerAKHLAK Index")


def test_a_file_that_is_not_a_merged_database_is_refused_untouched(tmp_path):
    import sqlite3

    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just some notes\n" * 200)
    store = tmp_path / "responses.db"
    with sqlite3.connect(store) as conn:
        conn.execute("create table responses (id text)")
    before = store.read_bytes()
    for path, message in ((text, "notes.db: not a merged database"), (store, "responses.db: not a merged database with a survey")):
        result = run("report", "--db", str(path))
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert store.read_bytes() == before


@pytest.mark.parametrize(
    "name, check",
    [
        ("laporan.html", lambda raw: raw.lstrip().lower().startswith(b"<!doctype html")),
        ("laporan.HTM", lambda raw: raw.lstrip().lower().startswith(b"<!doctype html")),
        ("hasil.xlsx", lambda raw: raw.startswith(b"PK")),
        ("skor.json", lambda raw: json.loads(raw)["overall"]["index"] == 61.8),
        ("skor.csv", lambda raw: raw.decode("utf-8-sig").startswith("Rincian,")),
        ("laporan.txt", lambda raw: b"Indeks BerAKHLAK: 61,8" in raw),
        ("laporan", lambda raw: b"Indeks BerAKHLAK: 61,8" in raw),
    ],
)
def test_without_format_the_output_extension_chooses_it(small_db, tmp_path, name, check):
    out = tmp_path / name
    result = run("report", "--db", str(small_db), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert check(out.read_bytes()), out.read_bytes()[:80]


@pytest.mark.parametrize(
    "args, name",
    [
        (("--format", "html"), "r.xlsx"),
        (("--format", "xlsx"), "r.html"),
        (("--format", "json"), "r.csv"),
        (("--format", "table"), "r.json"),
        (("--format", "csv"), "r.txt"),
        ((), "r.pdf"),
    ],
)
def test_a_format_the_output_extension_contradicts_is_refused(small_db, tmp_path, args, name):
    out = tmp_path / name
    result = run("report", "--db", str(small_db), *args, "-o", str(out))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {out}: ") and "Traceback" not in result.output
    assert not out.exists()


def test_a_format_with_an_unknown_extension_is_written_as_asked(small_db, tmp_path):
    out = tmp_path / "skor.data"
    result = run("report", "--db", str(small_db), "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text("utf-8"))["overall"]["index"] == 61.8


def test_exclude_flagged_repeated_is_the_union(small_db):
    """Repeated, the option means all its flags: as `speeding,changes`, which here leaves out too
    few to report safely, and not as the last one alone (`changes` flags nobody: a report)."""
    repeated = run("report", "--db", str(small_db), "--format", "json", "--exclude-flagged", "speeding", "--exclude-flagged", "changes")
    joined = run("report", "--db", str(small_db), "--format", "json", "--exclude-flagged", "speeding,changes")
    last_alone = run("report", "--db", str(small_db), "--format", "json", "--exclude-flagged", "changes")
    assert (repeated.exit_code, repeated.stdout, repeated.stderr) == (joined.exit_code, joined.stdout, joined.stderr)
    assert repeated.exit_code == 1 and "terlalu sedikit respons dikeluarkan" in repeated.stderr
    assert last_alone.exit_code == 0 and sorted(_excluded(json.loads(last_alone.output))) == ["changes"]


def _excluded(report):
    """The `excluded` list of the report's quality block, wherever it sits."""
    if isinstance(report, dict):
        if isinstance(report.get("excluded"), list):
            return report["excluded"]
        found = [_excluded(v) for v in report.values()]
    elif isinstance(report, list):
        found = [_excluded(v) for v in report]
    else:
        return None
    return next((f for f in found if f is not None), None)


@pytest.mark.parametrize("value", ["", " , "])
def test_exclude_flagged_with_nothing_asks_for_a_flag(small_db, value):
    result = run("report", "--db", str(small_db), "--exclude-flagged", value)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: --exclude-flagged: give at least one flag: speeding, straightlining, changes, off_hours, duplicate"
    ]
