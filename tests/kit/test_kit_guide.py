"""The enumerator's guide: Bahasa Indonesia, self-contained, escaped, and one printed A4 page.

The rendering check needs the Debian package `chromium` (skipped with the reason otherwise).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from akhlak_tui.kit.build import GUIDE_NAME, write_guide

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
FINGERPRINT = "2HZM HMZN RPAK WBYP YTQG VYXH TOSJ"


@pytest.fixture
def guide(tmp_path: Path) -> Path:
    write_guide(tmp_path, "Survei <BerAKHLAK> & Co 2026", FINGERPRINT, "2026-11-26T10:00:00Z")
    return tmp_path / GUIDE_NAME


def test_the_guide_is_in_bahasa_and_needs_nothing_from_outside(guide: Path):
    html = guide.read_text(encoding="utf-8")
    assert '<html lang="id">' in html
    for heading in ("Memulai", "Mode kios", "Ekspor ke flashdisk", "listrik padam", "Disk penuh"):
        assert heading in html
    assert not re.search(r"""(src|href)\s*=|url\(|@import|https?://""", html), "the guide must not load anything"
    assert "Survei &lt;BerAKHLAK&gt; &amp; Co 2026" in html and "<BerAKHLAK>" not in html
    assert FINGERPRINT in html and "2026-11-26" in html


def test_without_a_survey_the_guide_says_practice_mode(tmp_path: Path):
    write_guide(tmp_path, None, None, "2026-11-26T10:00:00Z")
    html = (tmp_path / GUIDE_NAME).read_text(encoding="utf-8")
    assert "mode latihan" in html and "Sidik jari koordinator" not in html


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install chromium)")
def test_the_guide_prints_on_one_a4_page(guide: Path, tmp_path: Path):
    pdf = tmp_path / "guide.pdf"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", guide.as_uri()]  # fmt: skip
    subprocess.run(command, capture_output=True, timeout=120, check=True)
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert len(sizes) == 1, f"{len(sizes)} pages"
    assert abs(float(sizes[0][0]) - 595.9) < 2 and abs(float(sizes[0][1]) - 842.9) < 2  # A4 in points
