"""What the reports got wrong and now say plainly: a value without data named, hidden groups labelled
truthfully, more respondents than the headcount flagged, the terminal at 80 columns, xlsx sheets and
cells, csv for Excel in Indonesian, and the whole organisation hidden (with its count)."""

from __future__ import annotations

import csv
import html
import json
import re
import zipfile
from pathlib import Path

from click.testing import CliRunner
from merged_fixtures import build_merged

from akhlak_tui.cli import cli
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.report.formats import sheet_name

TOML = (Path(__file__).parents[1] / "scoring" / "worked_example.toml").read_text("utf-8")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def person(unit="U1", gender="f", bp1=4, bp2=2, ak1=4, now=("jujur",)):
    return {"unit": unit, "gender": gender, "bp1": bp1, "bp2": bp2, "ak1": ak1, "values_now": list(now)}


def make_db(tmp_path: Path, people, units) -> Path:
    path = tmp_path / "merged.db"
    build_merged(path, TOML, units, people).close()
    return path


def test_a_value_with_only_not_applicable_is_named_in_html_and_the_radar_still_draws(tmp_path):
    db = make_db(tmp_path, [person(ak1=9)] * 6, [Unit(code="U1", name="Unit Satu", headcount=10)])
    page = run("report", "--db", str(db), "--format", "html").output
    headline = page.split('class="headline"')[1].split("</section>")[0]
    assert "tidak ada indeks" in headline and "tidak ada data untuk nilai: Akuntabel" in headline
    assert "tidak ada responden" not in headline and 'data-key="respondents">6<' in headline
    radar = page.split("<title>Profil tujuh nilai</title>")[1].split("</svg>")[0]
    assert "stroke-dasharray" in radar and "<circle" in radar and "Akuntabel tidak ada data" in radar
    table = run("report", "--db", str(db)).output
    assert "tidak ada indeks" in table and "tidak ada data untuk nilai: Akuntabel" in table


def test_a_value_answered_by_too_few_is_hidden_in_every_format(tmp_path):
    db = make_db(tmp_path, [person(ak1=9)] * 9 + [person(ak1=5)], [Unit(code="U1", name="Unit Satu", headcount=12)])
    data = json.loads(run("report", "--db", str(db), "--format", "json").output)
    ak = data["overall"]["dimensions"][1]
    assert (ak["status"], ak["score"], ak["answers"]) == ("suppressed", None, None) and data["overall"]["index"] is None
    page = run("report", "--db", str(db), "--format", "html").output
    assert 'data-key="overall.dim.AK"' not in page and "disembunyikan karena kurang dari 3 responden menjawab nilai: Akuntabel" in page
    rows = list(csv.reader(run("report", "--db", str(db), "--format", "csv").output.splitlines()))
    everyone = rows[1]
    header = rows[0]
    assert everyone[header.index("Akuntabel (AK)")] == "" and everyone[header.index("Indeks BerAKHLAK")] == ""
    assert "Akuntabel" in everyone[header.index("Catatan")]
    assert "100" not in " ".join(everyone[header.index("Akuntabel (AK)") :])


def _implausible_db(tmp_path: Path) -> Path:
    units = [Unit(code="U1", name="Unit Satu", headcount=4), Unit(code="U2", name="Unit Dua", headcount=20)]
    return make_db(tmp_path, [person(unit="U1")] * 6 + [person(unit="U2")] * 5, units)


def test_more_respondents_than_headcount_is_flagged_in_every_format(tmp_path):
    db = _implausible_db(tmp_path)
    data = json.loads(run("report", "--db", str(db), "--format", "json").output)
    u1 = data["participation"]["units"][0]
    assert u1["implausible"] is True and u1["meets_minimum"] is None and data["participation"]["implausible_units"] == ["U1"]
    page = run("report", "--db", str(db), "--format", "html").output
    assert 'data-key="participation.U1.implausible">tidak wajar: responden melebihi jumlah pegawai' in page
    chart = page.split("<title>Partisipasi per unit kerja</title>")[1].split("</svg>")[0]
    assert 'fill="url(#implausible)"' in chart and "!! tidak wajar: 6 / 4" in chart and 'fill="#2e7d32"' not in chart
    table = run("report", "--db", str(db)).output
    line = table.split("Partisipasi per unit kerja")[1].splitlines()[4]
    assert "tidak wajar" in line and " ya" not in line
    assert run("report", "--db", str(db), "--format", "csv", "-o", str(tmp_path / "s.csv")).exit_code == 0
    rows = list(csv.reader((tmp_path / "s-participation.csv").read_text("utf-8-sig").splitlines()))
    assert rows[1][6] == "tidak wajar" and "jumlah pegawai salah?" in rows[1][7]
    out = tmp_path / "s.xlsx"
    assert run("report", "--db", str(db), "--format", "xlsx", "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as book:
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert "tidak wajar" in html.unescape(strings)


def test_terminal_at_80_columns_tells_units_apart_and_hides_with_a_mark(tmp_path):
    units = [
        Unit(code="H1", name="Kecamatan Harapan Hilir", headcount=30),
        Unit(code="H2", name="Kecamatan Harapan Hulu", headcount=30),
        Unit(code="S", name="Kecil", headcount=30),
    ]
    people = [person(unit="H1")] * 5 + [person(unit="H2", bp1=2)] * 6 + [person(unit="S")] * 2
    db = make_db(tmp_path, people, units)
    result = CliRunner().invoke(cli, ["report", "--db", str(db)], env={"COLUMNS": "80"}, terminal_width=80)
    lines = result.output.splitlines()
    assert max(len(x) for x in lines) <= 80
    h1 = next(x for x in lines if "Hilir" in x and "…" in x)
    h2 = next(x for x in lines if "Hulu" in x and "…" in x)
    assert h1.split()[:2] != h2.split()[:2]
    small = next(x for x in lines if x.strip().startswith("Kecil") and "*" in x)
    assert small.split()[1:] == ["*"] * 4  # n, index, BP, AK: each says hidden, none blank
    assert "Partisipasi per unit kerja" in result.output and "Nilai teratas: Organisasi saat ini" in result.output


def test_terminal_says_why_a_section_is_empty_and_hides_the_count_of_a_too_small_organisation(tmp_path):
    db = make_db(tmp_path, [person()] * 2, [Unit(code="U1", name="Unit Satu", headcount=10)])
    out = run("report", "--db", str(db)).output
    assert "Indeks BerAKHLAK: disembunyikan" in out and "Responden:" not in out
    assert "kurang dari 3 responden: semua angka disembunyikan" in out
    assert "Peringkat kosong" in out and "Pemilihan nilai disembunyikan: kurang dari 3 responden" in out
    page = run("report", "--db", str(db), "--format", "html").output
    headline = page.split('class="headline"')[1].split("</section>")[0]
    assert 'data-key="respondents"' not in headline and "semua angka disembunyikan" in headline
    rows = list(csv.reader(run("report", "--db", str(db), "--format", "csv").output.splitlines()))
    assert rows[1][4] == ""  # no count for everyone either


def test_sheet_names_cut_at_words_single_spaced_and_unique():
    used: set[str] = set()
    long = "Rincian menurut: Status kepegawaian  Anda saat ini"
    first, second = sheet_name(long, used), sheet_name(long, used)
    assert first == "Rincian menurut Status" and len(first) <= 31
    assert second == "Rincian menurut Status (2)" and first != second
    assert sheet_name("a/b [c]", used) == "a b c"
    assert all("  " not in name and len(name) <= 31 for name in used)


def _sheet_cells(book: zipfile.ZipFile, index: int) -> list[list[tuple[str, str]]]:
    xml = book.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", xml):
        rows.append(re.findall(r'<c r="([A-Z]+)\d+"(?: s="\d+")?(?: t="(s)")?', row))
    return rows


def test_xlsx_keeps_codes_labels_and_numbers_apart(survey_db, tmp_path):
    out = tmp_path / "hasil.xlsx"
    assert run("report", "--db", str(survey_db), "--format", "xlsx", "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as book:
        names = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode("utf-8"))
        assert len(names) == len(set(names)) and all(len(n) <= 31 and "  " not in n for n in names)
        summary = _sheet_cells(book, 2)  # code, measure, number, text: column C never holds text
        assert all(kind != "s" for row in summary[1:] for col, kind in row if col == "C")
        ranking = _sheet_cells(book, names.index("Peringkat unit kerja") + 1)
        # rank, code, unit, index, category, label, then the interval's ends and the group (numbers)
        assert [col for col, _ in ranking[1]] == ["A", "B", "C", "D", "E", "F", "G", "H", "I"]
        assert ranking[1][3][1] == "" and ranking[1][4][1] == "s" and ranking[1][5][1] == "s"
        assert [kind for _, kind in ranking[1][6:]] == ["", "", ""]


def test_csv_for_excel_in_indonesian(small_db, tmp_path):
    out = tmp_path / "skor.csv"
    result = run("report", "--db", str(small_db), "--format", "csv", "--excel-id", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.read_text("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][:3] == ["Rincian", "Kode", "Kelompok"] and rows[1][4:6] == ["6", "61,8"]
    plain = run("report", "--db", str(small_db), "--format", "csv").output
    assert plain.splitlines()[1].count(";") == 0 and ",61.8," in plain.splitlines()[1]
    refused = run("report", "--db", str(small_db), "--format", "json", "--excel-id")
    assert refused.exit_code == 1 and "--excel-id is for --format csv only" in refused.output


def test_where_to_act_is_read_out_in_plain_bahasa(small_db, tmp_path):
    """The sentence of docs/scoring.md's worked example, in the terminal, html and csv."""
    sentence = (
        "Di Unit Dua, nilai Berorientasi Pelayanan 60,0; perilakunya tidak dapat ditampilkan (terlalu sedikit yang menjawab, "
        "atau disembunyikan untuk melindungi kelompok kecil)."
    )
    table = CliRunner().invoke(cli, ["report", "--db", str(small_db)], env={"COLUMNS": "200"}).output
    assert sentence in table and "Perilaku yang paling rendah di seluruh instansi: Rekan kerja saya jujur. (Akuntabel, 60,0)" in table
    page = run("report", "--db", str(small_db), "--format", "html").output
    assert f'data-sentence="U2">{sentence}<' in page
    assert run("report", "--db", str(small_db), "--format", "csv", "-o", str(tmp_path / "s.csv")).exit_code == 0
    rows = list(csv.reader((tmp_path / "s-where-to-act.csv").read_text("utf-8-sig").splitlines()))
    assert ["U2", sentence] in rows
    indicators = list(csv.reader((tmp_path / "s-indicators.csv").read_text("utf-8-sig").splitlines()))
    bp2 = next(r for r in indicators if r[0] == "" and r[2] == "bp2")
    assert bp2[5:] == ["ditampilkan", "5", "60.0", "20.0", "40.0", "0.0", "20.0", "20.0", "16.7", "0.0"]
    u1 = next(r for r in indicators if r[0] == "U1" and r[2] == "ak1")
    assert u1[5] == "disembunyikan (kurang dari 3 yang menjawab)" and u1[6:13] == [""] * 7
