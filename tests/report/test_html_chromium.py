"""The html report rendered by headless Chromium: the numbers in the rendered page are the json
report's, the charts are drawn, it prints to A4; and docs/report.png is a picture of it.

Needs the Debian package `chromium` (skipped with the reason otherwise). Regenerate the picture:
AKHLAK_UPDATE_DOCS=1 python -m pytest tests/report/test_html_chromium.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from merged_fixtures import shown_value, value_at

from akhlak_tui.cli import cli

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
DOC_PNG = Path(__file__).resolve().parents[2] / "docs" / "report.png"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install chromium)")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={tmp_path / 'chromium-profile'}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def html_report(db: Path, out: Path, lang: str = "id") -> dict:
    runner = CliRunner()
    assert runner.invoke(cli, ["report", "--db", str(db), "--format", "html", "--lang", lang, "-o", str(out)]).exit_code == 0
    return json.loads(runner.invoke(cli, ["report", "--db", str(db), "--format", "json", "--lang", lang]).output)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_rendered_numbers_match_the_json_report(survey_db, tmp_path, lang):
    page = tmp_path / "report.html"
    data = html_report(survey_db, page, lang)
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    pairs = re.findall(r'data-key="([^"]+)"[^>]*>([^<]*)<', dom)
    keys = {k for k, _ in pairs}
    assert {"overall.index", "overall.category", "respondents", "values.entropy"} <= keys
    assert sum(k.startswith("breakdown.unit.") for k in keys) >= 4 and sum(k.startswith("participation.") for k in keys) >= 8
    for key, shown in pairs:
        assert shown == shown_value(value_at(data, key), lang, key), key
    assert dom.count("<svg") >= 6 and dom.count("<polygon") >= 5


def test_prints_on_a4(survey_db, tmp_path):
    page, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    html_report(survey_db, page)
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF")
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", raw)
    assert sizes and all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2 for w, h in sizes)  # A4 in points
    assert 2 <= len(sizes) <= 12


def test_docs_picture_of_the_report(tmp_path):
    if os.environ.get("AKHLAK_UPDATE_DOCS"):
        from merged_fixtures import AT

        from akhlak_tui.demo.simulate import simulate_responses
        from akhlak_tui.demo.units import demo_units
        from akhlak_tui.merge.database import MergedDatabase
        from akhlak_tui.questionnaire.builtin import BUILTIN_QUESTIONNAIRE, builtin_file, builtin_questionnaire

        db, page = tmp_path / "demo.db", tmp_path / "report.html"
        q, units = builtin_questionnaire(), demo_units(1000)
        mdb = MergedDatabase(db)
        mdb.set_survey("demo", "Demo: Survei Budaya Kerja BerAKHLAK, Kabupaten Tanjung Harapan", builtin_file(BUILTIN_QUESTIONNAIRE).read_text("utf-8"), units, AT)
        with mdb.db.atomic():
            for device in ("laptop-1", "laptop-2", "laptop-3", "laptop-4", "laptop-5"):
                mdb.insert_responses([(r, device) for r in simulate_responses(q, units, 200, seed=1, device_id=device, survey_id="demo")])
        mdb.close()
        html_report(db, page)
        chromium(tmp_path, f"--screenshot={tmp_path / 'shot.png'}", "--window-size=1200,3000", page.as_uri())
        shutil.copy(tmp_path / "shot.png", DOC_PNG)
    data = DOC_PNG.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) < 1_000_000


def _pdf_headings(raw: bytes) -> list[tuple[int, float, str]]:
    """(page, height of the heading's top above the page's foot in points, text) of every heading,
    from the document outline Chromium writes with --generate-pdf-document-outline."""
    objs = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", raw, re.S)}
    order: list[int] = []

    def walk(n: int) -> None:
        if re.search(rb"/Type\s*/Pages\b", objs[n]):
            for kid in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids\s*\[([^\]]*)\]", objs[n]).group(1)):
                walk(int(kid))
        else:
            order.append(n)

    walk(int(re.search(rb"/Type\s*/Catalog.*?/Pages\s+(\d+) 0 R", raw, re.S).group(1)))

    def text(t: bytes) -> str:
        if t.startswith(b"<"):
            b = bytes.fromhex(t[1:-1].decode())
            return b[2:].decode("utf-16-be") if b[:2] == b"\xfe\xff" else b.decode("latin1")
        return t[1:-1].decode("latin1")

    found = re.findall(rb"<<[^<>]*?/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]+>)[^<>]*?/Dest\s*\[(\d+) 0 R /XYZ [\d.]+ ([\d.]+)", raw, re.S)
    return [(order.index(int(page)) + 1, float(y), text(t)) for t, page, y in found]


def test_executive_summary_first_on_its_own_page_and_no_heading_left_at_a_page_foot(survey_db, tmp_path):
    base = tmp_path / "hasil-2025.toml"
    base.write_text('year = 2025\nsource = "Laporan 2025"\nindex = 55.0\n[values]\nBP = 50.0\nAD = 60.0\n[units.RSUD]\nindex = 50.0\n', "utf-8")
    page, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    result = CliRunner().invoke(cli, ["report", "--db", str(survey_db), "--baseline", str(base), "--format", "html", "-o", str(page)])
    assert result.exit_code == 0, result.output
    html_text = page.read_text("utf-8")
    assert html_text.index('id="executive-summary"') < html_text.index("<h2>Tujuh nilai dasar</h2>")
    assert re.search(r'data-date="generated">\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4}<', html_text)
    chromium(tmp_path, "--no-pdf-header-footer", "--generate-pdf-document-outline", f"--print-to-pdf={pdf}", page.as_uri())
    headings = _pdf_headings(pdf.read_bytes())
    assert len(headings) >= 15
    pages = {title: number for number, _, title in headings}
    assert pages["Ringkasan eksekutif"] == 1 and pages["Tujuh nilai dasar"] == 2  # the summary is one page, alone
    # A heading needs room for at least a few lines of what it heads: its top is not within
    # 120 pt (the 12 mm margin and about five lines) of the page's foot.
    low = [(number, round(y), title) for number, y, title in headings if y < 120]
    assert not low, f"headings left at the foot of a page: {low}"
