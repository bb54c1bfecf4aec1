"""The form's round trip: template -> filled in (as a unit would) -> import, every refusal, verify and history."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from merged_fixtures import build_merged

from akhlak_tui.cli import cli
from akhlak_tui.questionnaire.units import Unit

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini-evaluation.toml"
TOML = (ROOT / "tests" / "scoring" / "worked_example.toml").read_text("utf-8")
UNITS = [Unit(code="U1", name="Unit Satu", headcount=10), Unit(code="U2", name="Unit Dua", headcount=4)]
CRITERIA = ["rutin", "pakta", "agen", "inovasi"]


@pytest.fixture
def home(isolated_home: Path) -> Path:
    """A data dir with a merged database of the worked example's survey (units U1, U2)."""
    build_merged(isolated_home / "merged.db", TOML, UNITS, [{"unit": "U1", "bp1": 4}]).close()
    return isolated_home


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def template(folder: Path) -> Path:
    path = folder / "evaluasi.xlsx"
    result = run("evaluation", "template", "-o", str(path), "--instrument", str(MINI))
    assert result.exit_code == 0, result.output
    return path


def fill(path: Path, sheet: str, levels: dict[str, object], evidence: dict[str, str] | None = None, out: Path | None = None) -> Path:
    """Fill in a unit's sheet as a unit would: level in F, evidence in G, by criterion code in B."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    rows = {ws[f"B{r}"].value: r for r in range(6, ws.max_row + 1) if ws[f"B{r}"].value}
    for code, level in levels.items():
        ws[f"F{rows[code]}"] = level
    for code, text in (evidence or {}).items():
        ws[f"G{rows[code]}"] = text
    target = out or path
    book.save(target)
    return target


def stored(home: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(home / "merged.db")
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []  # the tables do not exist: nothing was stored
    finally:
        conn.close()


def test_template_has_a_sheet_per_unit_with_level_drop_downs(home: Path, tmp_path: Path):
    book = openpyxl.load_workbook(template(tmp_path))
    assert book.sheetnames == ["Petunjuk", "U1", "U2"]
    ws = book["U2"]
    assert (ws["A2"].value, ws["B2"].value, ws["C2"].value) == ("Unit", "U2", "Unit Dua")
    assert [ws[f"B{r}"].value for r in range(6, 10)] == CRITERIA
    assert "50 = Sebagian" in ws["E6"].value
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["F6"] == '"0,50,100"'
    assert lists["F7"] == '"0,100"'


def test_template_for_one_unit(home: Path, tmp_path: Path):
    path = tmp_path / "u2.xlsx"
    result = run("evaluation", "template", "-o", str(path), "--unit", "U2", "--instrument", str(MINI))
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(path).sheetnames == ["Petunjuk", "U2"]
    bad = run("evaluation", "template", "-o", str(path), "--unit", "U7")
    assert bad.exit_code == 1 and "--unit: unknown unit 'U7'" in bad.stderr


def test_round_trip_stores_claims_evidence_and_history(home: Path, tmp_path: Path):
    form = template(tmp_path)
    (tmp_path / "sk-agen.pdf").write_bytes(b"%PDF-1.4 the decree")
    fill(form, "U1", {"rutin": 50, "pakta": 100, "agen": 50, "inovasi": 0}, {"agen": "sk-agen.pdf; SE/12/2025", "rutin": "../outside.pdf"})
    result = run("evaluation", "import", str(form), "--instrument", str(MINI))
    assert result.exit_code == 0, result.output
    assert "U1: 4 of 4 criteria claimed, 1 evidence files" in result.output
    assert "U2" not in result.output  # nobody filled in U2's sheet: not a return
    claims = dict(((u, c), lv) for u, c, lv in stored(home, "select unit, criterion, level from evaluation_claims"))
    assert claims[("U1", "agen")] == 50 and claims[("U1", "pakta")] == 100 and ("U2", "agen") not in claims
    digest = hashlib.sha256(b"%PDF-1.4 the decree").hexdigest()
    assert stored(home, "select unit, criterion, name, sha256 from evaluation_evidence") == [("U1", "agen", "sk-agen.pdf", digest)]
    assert (home / "evidence" / f"{digest}.pdf").read_bytes() == b"%PDF-1.4 the decree"
    if os.name == "posix":
        assert (home / "evidence" / f"{digest}.pdf").stat().st_mode & 0o777 == 0o600
    kinds = [k for (k,) in stored(home, "select kind from evaluation_history order by id")]
    assert kinds.count("claimed") == 4 and kinds.count("evidence") == 1 and kinds.count("returned") == 1
    status = run("evaluation", "status")
    assert "U1" in status.output and "returned" in status.output and "verified: 0" in status.output


def test_reimport_replaces_claims_and_keeps_the_old_in_history(home: Path, tmp_path: Path):
    form = template(tmp_path)
    fill(form, "U1", {"rutin": 0})
    assert run("evaluation", "import", str(form), "--instrument", str(MINI)).exit_code == 0
    fill(form, "U1", {"rutin": 100})
    assert run("evaluation", "import", str(form)).exit_code == 0  # the stored instrument is used
    assert stored(home, "select level from evaluation_claims where unit='U1' and criterion='rutin'") == [(100,)]
    changes = stored(home, "select old, new from evaluation_history where unit='U1' and criterion='rutin' and kind='claimed' order by id")
    assert [json.loads(new)["level"] for _, new in changes] == [0, 100]
    assert json.loads(changes[1][0])["level"] == 0


def refused(home: Path, *files: Path) -> str:
    result = run("evaluation", "import", *map(str, files), "--instrument", str(MINI))
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert stored(home, "select count(*) from evaluation_claims") in ([], [(0,)]), "something was imported"
    assert stored(home, "select count(*) from evaluation_instrument") in ([], [(0,)]), "the instrument was bound"
    return lines[0]


def test_unknown_unit_is_refused_naming_the_cell(home: Path, tmp_path: Path):
    form = fill(template(tmp_path), "U2", {"rutin": 0})
    book = openpyxl.load_workbook(form)
    book["U2"]["B2"] = "U9"
    book.save(form)
    assert refused(home, form) == f"error: {form}: sheet 'U2': B2: unknown unit 'U9' (not in the survey's unit list)"


def test_a_workbook_nobody_filled_in_is_refused(home: Path, tmp_path: Path):
    form = template(tmp_path)
    assert refused(home, form).startswith(f"error: {form}: no filled-in unit form in the workbook")


def test_unknown_level_is_refused(home: Path, tmp_path: Path):
    form = fill(template(tmp_path), "U1", {"pakta": 50})
    assert refused(home, form) == f"error: {form}: sheet 'U1': F7: unknown level 50 for criterion 'pakta' (levels: 0, 100)"


def test_text_level_is_refused(home: Path, tmp_path: Path):
    form = fill(template(tmp_path), "U1", {"rutin": "sebagian"})
    assert "F6: unknown level 'sebagian'" in refused(home, form)


def test_duplicated_criterion_is_refused(home: Path, tmp_path: Path):
    form = fill(template(tmp_path), "U1", {"rutin": 0})
    book = openpyxl.load_workbook(form)
    book["U1"]["B9"] = "agen"
    book.save(form)
    assert refused(home, form) == f"error: {form}: sheet 'U1': B9: criterion 'agen' appears twice (first at B8)"


def test_a_formula_where_a_value_belongs_is_refused(home: Path, tmp_path: Path):
    form = fill(template(tmp_path), "U1", {"agen": "=25*2"})
    assert refused(home, form) == f"error: {form}: sheet 'U1': F8: a formula where a value belongs (=25*2)"


def test_a_formula_as_evidence_is_refused(home: Path, tmp_path: Path):
    form = fill(template(tmp_path), "U1", {}, {"agen": '=HYPERLINK("http://x","sk.pdf")'})
    assert "G8: a formula where a value belongs" in refused(home, form)


def test_missing_criterion_is_refused(home: Path, tmp_path: Path):
    form = fill(template(tmp_path), "U1", {"rutin": 0})
    book = openpyxl.load_workbook(form)
    book["U1"]["B9"] = None
    book.save(form)
    assert refused(home, form) == f"error: {form}: sheet 'U1': criteria missing from the form: inovasi"


def test_a_form_for_another_instrument_is_refused(home: Path, tmp_path: Path):
    form = template(tmp_path)
    book = openpyxl.load_workbook(form)
    book["U1"]["B3"] = "evaluasi-lain 3"
    book.save(form)
    assert "B3: the form is for instrument 'evaluasi-lain 3'" in refused(home, form)


def test_one_bad_file_of_several_imports_nothing(home: Path, tmp_path: Path):
    form = template(tmp_path)
    for keep, name in (("U1", "good.xlsx"), ("U2", "u2.xlsx")):
        book = openpyxl.load_workbook(form)
        book.remove(book["U2" if keep == "U1" else "U1"])
        book.save(tmp_path / name)
    good = fill(tmp_path / "good.xlsx", "U1", {"rutin": 50})
    bad = fill(tmp_path / "u2.xlsx", "U2", {"pakta": 70})
    assert "F7: unknown level 70" in refused(home, good, bad)


def test_the_same_unit_in_two_files_is_refused(home: Path, tmp_path: Path):
    form = fill(template(tmp_path), "U1", {"rutin": 0})
    other = tmp_path / "copy.xlsx"
    other.write_bytes(form.read_bytes())
    assert refused(home, form, other) == f"error: {other}: sheet 'U1': B2: unit 'U1' is returned twice (first in {form}: sheet 'U1')"


def test_not_a_workbook_is_refused(home: Path, tmp_path: Path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    assert refused(home, junk).startswith(f"error: {junk}: not ")


def test_csv_form_is_imported_and_its_errors_name_the_line(home: Path, tmp_path: Path):
    good = tmp_path / "klaim.csv"
    good.write_text("unit,criterion,level,evidence,note\n" + "".join(f"U2,{c},0,,\n" for c in CRITERIA), encoding="utf-8")
    bad = tmp_path / "salah.csv"
    bad.write_text("unit,criterion,level,evidence,note\nU2,rutin,0,,\nU2,pakta,3,,\n", encoding="utf-8")
    assert refused(home, bad) == f"error: {bad}:3: level: unknown level '3' for criterion 'pakta' (levels: 0, 100)"
    dup = tmp_path / "dup.csv"
    dup.write_text("unit,criterion,level,evidence,note\nU2,rutin,0,,\nU2,rutin,50,,\n", encoding="utf-8")
    assert refused(home, dup) == f"error: {dup}:3: criterion: criterion 'rutin' appears twice (first at line 2)"
    short = tmp_path / "short.csv"
    short.write_text("unit,criterion,level,evidence,note\nU2,rutin,0,,\n", encoding="utf-8")
    assert refused(home, short) == f"error: {short}: unit 'U2': criteria missing from the form: pakta, agen, inovasi"
    formula = tmp_path / "formula.csv"
    formula.write_text("unit,criterion,level,evidence,note\nU2,rutin,0,=cmd|' /C calc'!A0,\n", encoding="utf-8")
    assert "formula.csv:2: evidence: a formula where a value belongs" in refused(home, formula)
    result = run("evaluation", "import", str(good), "--instrument", str(MINI))
    assert result.exit_code == 0, result.output
    assert stored(home, "select count(*) from evaluation_claims where unit='U2'") == [(4,)]


def test_verify_sets_the_level_with_a_note_and_keeps_history(home: Path, tmp_path: Path):
    form = fill(template(tmp_path), "U1", {"agen": 100})
    assert run("evaluation", "import", str(form), "--instrument", str(MINI)).exit_code == 0
    assert run("evaluation", "verify", "U1", "agen", "50", "--note", "SK ada, laporan belum").exit_code == 0
    assert run("evaluation", "verify", "U1", "agen", "100", "--note", "laporan menyusul").exit_code == 0
    assert stored(home, "select level, note from evaluation_verified") == [(100, "laporan menyusul")]
    history = stored(home, "select old, new, note from evaluation_history where kind='verified' order by id")
    assert history == [(None, "50", "SK ada, laporan belum"), ("50", "100", "laporan menyusul")]
    for args, message in [
        (("U1", "agen", "70"), "unknown level 70 for criterion 'agen' (levels: 0, 50, 100)"),
        (("U9", "agen", "50"), "unknown unit 'U9'"),
        (("U1", "agenda", "50"), "unknown criterion 'agenda'"),
    ]:
        result = run("evaluation", "verify", *args)
        assert result.exit_code == 1 and message in result.stderr
    shown = run("evaluation", "history", "U1").output
    assert "laporan menyusul" in shown and "verified" in shown
    assert "in review" in run("evaluation", "status").output


def test_status_names_claims_changed_after_they_were_verified(home: Path, tmp_path: Path, monkeypatch):
    form = fill(template(tmp_path), "U1", {"agen": 50})
    assert run("evaluation", "import", str(form), "--instrument", str(MINI)).exit_code == 0
    assert run("evaluation", "verify", "U1", "agen", "50").exit_code == 0
    assert "claims changed" not in run("evaluation", "status").output
    conn = sqlite3.connect(home / "merged.db")  # the verification was made earlier than the next import
    with conn:
        conn.execute("update evaluation_verified set at = '2000-01-01T00:00:00Z'")
    conn.close()
    fill(form, "U1", {"agen": 100})
    assert run("evaluation", "import", str(form)).exit_code == 0
    line = next(x for x in run("evaluation", "status").output.splitlines() if x.strip().startswith("U1"))
    assert "in review" in line and line.endswith("claims changed since verified: agen")  # not rutin: claimed as before
    assert run("evaluation", "verify", "U1", "rutin", "0").exit_code == 0
    line = next(x for x in run("evaluation", "status").output.splitlines() if x.strip().startswith("U1"))
    assert "claims changed since verified: agen" in line and "rutin" not in line


def test_the_error_shown_in_the_docs_is_the_real_one(isolated_home: Path, tmp_path: Path, monkeypatch):
    units = [Unit(code="DINKES", name="Dinas Kesehatan")]
    build_merged(isolated_home / "merged.db", TOML, units, []).close()
    folder = tmp_path / "kembali"
    folder.mkdir()
    assert run("evaluation", "template", "-o", str(folder / "dinkes.xlsx")).exit_code == 0
    fill(folder / "dinkes.xlsx", "DINKES", {"agd_rencana": 70})
    monkeypatch.chdir(tmp_path)
    result = run("evaluation", "import", "kembali/dinkes.xlsx")
    doc = (ROOT / "docs" / "evaluation-format.md").read_text("utf-8")
    assert result.stderr.strip() in doc.splitlines()
