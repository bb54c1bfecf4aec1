"""The evaluation instrument: the built-in file, the malformed corpus (one line each, exit 2), the JSON Schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from akhlak_tui.cli import cli
from akhlak_tui.evaluation.loading import builtin_instrument, instrument_json_schema, load_instrument, parse_instrument

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = DATA / "malformed-evaluation"
ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    line.split(":", 1)[0]: line
    for line in (CORPUS / "expected.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
}
SEVEN_STAGES = [
    "Internalisasi",
    "Penyelarasan sistem",
    "Pengukuran baseline",
    "Penyusunan dan implementasi agenda perubahan",
    "Pemantauan dan evaluasi",
    "Penghargaan dan apresiasi",
    "Penguatan berkelanjutan",
]


def test_builtin_instrument_has_the_seven_stages_in_order_with_criteria_in_both_languages():
    ins = builtin_instrument()
    assert [s.label["id"] for s in ins.stages] == SEVEN_STAGES
    assert all(s.label["en"] for s in ins.stages)
    for c in ins.criteria:
        assert c.question["id"] and c.question["en"] and c.evidence["id"] and c.evidence["en"]
        levels = ins.scale_for(c).levels
        assert levels[0].score == 0 and levels[-1].score == 100
        assert all(lv.label["id"] and lv.label["en"] for lv in levels)
    assert (ins.index.survey, ins.index.evaluation) == (80, 20)


def test_the_builtin_file_validates_from_the_cli():
    result = CliRunner().invoke(cli, ["evaluation", "validate", str(ROOT / "questionnaires" / "evaluasi.toml")])
    assert result.exit_code == 0, result.output
    assert "7 stages" in result.output


def test_the_content_hash_ignores_comments_and_layout_but_not_content():
    text = (DATA / "mini-evaluation.toml").read_text(encoding="utf-8")
    base = parse_instrument(text).content_hash
    assert parse_instrument("# a comment\n\n" + text.replace("weight = 3", "weight   =   3  # heavier")).content_hash == base
    assert parse_instrument(text.replace("weight = 3", "weight = 4")).content_hash != base


def test_mini_instrument_loads():
    ins = load_instrument(DATA / "mini-evaluation.toml")
    assert [c.id for c in ins.criteria] == ["rutin", "pakta", "agen", "inovasi"]


def test_corpus_has_an_expectation_for_each_file():
    assert sorted(p.name for p in CORPUS.glob("*.toml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_instrument_gets_its_one_line_error_and_exit_2(name: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(CORPUS)
    result = CliRunner().invoke(cli, ["evaluation", "validate", name])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [f"error: {EXPECTED[name]}"]


def test_documented_json_schema_is_the_one_printed():
    result = CliRunner().invoke(cli, ["evaluation", "schema"])
    assert result.exit_code == 0
    assert result.output == instrument_json_schema()
    assert (ROOT / "docs" / "evaluation-schema.json").read_text(encoding="utf-8") == result.output


def test_builtin_file_is_valid_against_the_json_schema():
    import json
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    jsonschema = pytest.importorskip("jsonschema")
    data = tomllib.loads((ROOT / "questionnaires" / "evaluasi.toml").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(instrument_json_schema()))
