"""Merged databases for the report tests: the worked example (with hostile unit names) and a simulated survey."""

from __future__ import annotations

from pathlib import Path

import pytest
from merged_fixtures import HOSTILE, build_merged

from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.builtin import BUILTIN_QUESTIONNAIRE, builtin_file, builtin_questionnaire
from akhlak_tui.questionnaire.units import Unit

TOML = (Path(__file__).parents[1] / "scoring" / "worked_example.toml").read_text("utf-8")


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """Six respondents in two units (one named with markup), gender suppressed."""
    return _small(tmp_path, TOML)


@pytest.fixture
def small_db_min2(tmp_path: Path) -> Path:
    """The same with min_group_size 2: U1's Akuntabel (answered by two) and so its index are shown."""
    return _small(tmp_path, TOML.replace("min_group_size = 3", "min_group_size = 2"))


def _small(tmp_path: Path, toml: str) -> Path:
    units = [Unit(code="U1", name=HOSTILE, headcount=10), Unit(code="U2", name="Unit Dua", headcount=4)]
    rows = [
        ("U1", "f", 5, 1, 4, ["jujur", "ramah"]),
        ("U1", "f", 4, 2, 3, ["jujur", "silo"]),
        ("U1", "m", 3, 4, 9, ["silo"]),
        ("U2", "f", 2, 5, 2, ["otoriter", "silo"]),
        ("U2", "m", 4, 9, 5, ["ramah"]),
        ("U2", "f", 5, 2, 4, ["jujur", "ramah", "silo"]),
    ]
    people = [dict(zip(("unit", "gender", "bp1", "bp2", "ak1", "values_now"), r)) for r in rows]
    path = tmp_path / "small.db"
    build_merged(path, toml, units, people, [people[0]]).close()
    return path


@pytest.fixture(scope="session")
def survey_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in questionnaire with 400 simulated responses from two devices in four units."""
    path = tmp_path_factory.mktemp("survey") / "merged.db"
    q = builtin_questionnaire()
    units = [
        Unit(code="DINKES", name="Dinas Kesehatan", headcount=120),
        Unit(code="RSUD", name="RSUD <Harapan> & \"Sehat\"", headcount=300),
        Unit(code="PKM-01", name="Puskesmas Bukit Sentosa", headcount=40),
        Unit(code="BAGORG", name="Bagian Organisasi", headcount=25),
    ]
    mdb = MergedDatabase(path)
    mdb.set_survey("s-demo", "Survei uji", builtin_file(BUILTIN_QUESTIONNAIRE).read_text("utf-8"), units, "2026-01-01T00:00:00Z")
    with mdb.db.atomic():
        for device in ("dev-1", "dev-2"):
            mdb.insert_responses([(r, f"b-{device}") for r in simulate_responses(q, units, 200, seed=3, device_id=device, survey_id="s-demo")])
    mdb.close()
    return path
