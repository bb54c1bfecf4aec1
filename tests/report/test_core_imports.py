"""Scoring, reports and their commands never load Textual (only the dashboard does)."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "akhlak_tui.scoring",
    "akhlak_tui.report.formats",
    "akhlak_tui.report.html",
    "akhlak_tui.report.text",
    "akhlak_tui.report.export",
    "akhlak_tui.cli.report_cmd",
    "akhlak_tui.cli.data_cmd",
    "akhlak_tui.cli.dashboard_cmd",
]


def test_core_does_not_import_textual():
    code = "import sys\n" + "".join(f"import {m}\n" for m in MODULES) + "print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
