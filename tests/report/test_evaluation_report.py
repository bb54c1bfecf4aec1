"""Every report format shows the survey index, the evaluation index and the composite side by side."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from akhlak_tui.cli import cli
from akhlak_tui.evaluation.loading import load_instrument
from akhlak_tui.evaluation.store import Claim, EvaluationStore, EvidenceFile, UnitReturn
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.report.formats import report_json_schema

MINI = Path(__file__).resolve().parents[1] / "data" / "mini-evaluation.toml"
U1 = {"rutin": 50, "pakta": 100, "agen": 50, "inovasi": 0}  # docs/scoring.md: U1 composite 56.7


@pytest.fixture
def evaluated_db(small_db_min2: Path) -> Path:
    """The small survey (min_group_size 2, so U1 has a survey index) with U1's evaluation verified
    (and an evidence file) and U2's only returned."""
    small_db = small_db_min2
    mdb = MergedDatabase(small_db)
    store = EvaluationStore(mdb.db)
    ins = load_instrument(MINI)
    claims = [Claim(c, lv) for c, lv in U1.items()]
    evidence = [EvidenceFile("agen", "sk <agen>.pdf", "ab" * 32, 1234, "ab" * 32 + ".pdf")]
    store.store_returns([UnitReturn("U1", "u1.xlsx", "U1", "0" * 64, claims, evidence), UnitReturn("U2", "u2.xlsx", "U2", "1" * 64, [Claim(c, 0) for c in U1])], MINI.read_text("utf-8"), ins)
    for criterion, level in U1.items():
        store.verify("U1", criterion, level, "dicek <b>")
    mdb.close()
    return small_db


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_json_has_the_three_indexes_and_is_valid_against_the_schema(evaluated_db: Path):
    jsonschema = pytest.importorskip("jsonschema")
    result = run("report", "--db", str(evaluated_db), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, json.loads(report_json_schema()))
    ev = data["evaluation"]
    u1, u2 = ev["units"]
    assert (u1["survey_index"], u1["evaluation_index"], u1["index"], u1["basis"]) == (58.3, 50.0, 56.7, "composite")
    assert (u2["survey_index"], u2["evaluation_index"], u2["index"], u2["basis"]) == (63.3, None, 63.3, "survey_only")
    assert (ev["weight_survey"], ev["weight_evaluation"]) == (80, 20)
    assert ev["organisation"]["survey_source"] == "computed"


def test_table_shows_the_composite_weights_and_stages(evaluated_db: Path):
    result = run("report", "--db", str(evaluated_db))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Indeks BerAKHLAK (survei dan evaluasi): 61,8 B" in out and "(survei saja)" in out
    assert "Bobot: 80% survei + 20% evaluasi" in out
    u1 = next(line for line in out.splitlines() if line.strip().startswith("U1 "))
    assert u1.split()[1:5] == ["58,3", "50,0", "56,7", "B"]  # survey, evaluation, composite; then stages
    assert u1.split()[5:] == ["75,0", "37,5"]
    assert all(len(line) <= 80 for line in out.splitlines())


def test_html_has_an_evaluation_section_with_evidence_per_unit(evaluated_db: Path, tmp_path: Path):
    target = tmp_path / "r.html"
    result = run("report", "--db", str(evaluated_db), "--format", "html", "-o", str(target), "--lang", "en")
    assert result.exit_code == 0, result.output
    page = target.read_text("utf-8")
    assert 'data-key="evaluation.unit.U1.survey_index">58.3<' in page
    assert 'data-key="evaluation.unit.U1.evaluation_index">50.0<' in page
    assert 'data-key="evaluation.unit.U1.index">56.7<' in page
    assert 'data-key="evaluation.unit.U2.basis">survey only<' in page
    assert 'data-key="evaluation.unit.U1.stage.agenda">37.5<' in page
    assert "Weights: 80% survey + 20% evaluation" in page
    assert "Evidence looked at" in page and "sk &lt;agen&gt;.pdf" in page and "abababababababab" in page
    assert "dicek &lt;b&gt;" in page and "<b>" not in page.split("Evidence looked at")[1]


def test_xlsx_and_csv_have_the_composite_table(evaluated_db: Path, tmp_path: Path):
    xlsx = tmp_path / "r.xlsx"
    assert run("report", "--db", str(evaluated_db), "--format", "xlsx", "-o", str(xlsx), "--lang", "en").exit_code == 0
    book = openpyxl.load_workbook(xlsx, read_only=True)
    sheet = next(book[name] for name in book.sheetnames if name.startswith("BerAKHLAK Index (survey"))
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][2:5] == ["Survey index", "Evaluation index", "BerAKHLAK Index (80% + 20%)"]
    u1 = next(r for r in rows if r[0] == "U1")
    assert u1[2:5] == [58.3, 50.0, 56.7] and u1[5].startswith("B ") and u1[6] == "composite"
    assert "Evaluation by stage" in book.sheetnames and "Evidence looked at" in book.sheetnames
    book.close()
    target = tmp_path / "r.csv"
    assert run("report", "--db", str(evaluated_db), "--format", "csv", "-o", str(target)).exit_code == 0
    with (tmp_path / "r-composite.csv").open(encoding="utf-8-sig") as f:
        table = list(csv.reader(f))
    assert table[0][:5] == ["Kode", "Unit kerja", "Indeks survei", "Indeks evaluasi", "Indeks BerAKHLAK (80% + 20%)"]
    org = table[1]
    assert org[1] == "Organisasi" and "dihitung dari data" in org[-1]
    assert next(r for r in table if r[0] == "U2")[6] == "survei saja"


def test_entered_organisation_number_names_its_source_in_the_report(evaluated_db: Path, isolated_home: Path):
    result = run("evaluation", "organisation", "--db", str(evaluated_db), "--survey-index", "78.0", "--source", "KemenPAN-RB 2025")
    assert result.exit_code == 0, result.output
    out = run("report", "--db", str(evaluated_db)).output
    assert "Indeks survei 78,0 (KemenPAN-RB 2025)" in out
