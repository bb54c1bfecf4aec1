"""Killing `akhlak evaluation import` outright at any moment leaves all of the forms stored, or none."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from merged_fixtures import build_merged

from akhlak_tui.evaluation.loading import builtin_instrument
from akhlak_tui.questionnaire.units import Unit

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
TOML = (ROOT / "tests" / "scoring" / "worked_example.toml").read_text("utf-8")
UNITS = [Unit(code=f"U{i:04d}", name=f"Unit {i}") for i in range(600)]


def claims(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select count(*) from evaluation_claims").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_import_stores_everything_or_nothing(tmp_path: Path, isolated_home: Path):
    criteria = [c.id for c in builtin_instrument().criteria]
    form = tmp_path / "semua.csv"
    form.write_text(
        "unit,criterion,level,evidence,note\n" + "".join(f"{u.code},{c},0,ref,\n" for u in UNITS for c in criteria), encoding="utf-8"
    )
    full = len(UNITS) * len(criteria)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "AKHLAK_HOME": str(isolated_home)}
    seen = set()
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0, 3.0):
        db = isolated_home / "merged.db"
        for leftover in isolated_home.glob("merged.db*"):
            leftover.unlink()
        build_merged(db, TOML, UNITS, []).close()
        proc = subprocess.Popen([sys.executable, "-m", "akhlak_tui", "evaluation", "import", str(form)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        stored = claims(db)
        assert stored in (0, full), f"killed after {delay}s: {stored} of {full} claims stored"
        seen.add((finished, stored))
        if finished:
            assert proc.returncode == 0, proc.stderr.read()
            break
    assert any(stored == 0 and not finished for finished, stored in seen)  # at least one kill mid-way
