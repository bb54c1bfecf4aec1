"""The exported CSV and its codebook alone are enough to recompute the report's value scores, index
and engagement by hand: the codebook is parsed here, nothing is taken from the scoring code."""

from __future__ import annotations

import csv
import json
from fractions import Fraction

from click.testing import CliRunner

from akhlak_tui.cli import cli


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def read(path):
    return list(csv.DictReader(path.read_text("utf-8-sig").splitlines()))


def parse_codebook(rows):
    """Settings, and for each likert column its scale, dimension, reverse key and engagement flag."""
    settings = {r["column"]: r["code"] for r in rows if r["type"] == "setting"}
    likert = {}
    for r in rows:
        if r["type"].startswith("likert"):
            detail = dict(part.split("=", 1) for part in r["detail"].split())
            likert[r["column"]] = detail
    return settings, likert


def scores(data, settings, likert):
    """Value scores (percent favourable, exact) and the index, and engagement, over these rows."""
    assert settings["scoring.method"] == "percent_favourable"
    favourable_min = int(settings["scoring.favourable_min"])
    pooled: dict[str, list[int]] = {}
    for column, detail in likert.items():
        points = [int(c) for c in settings[f"scale.{detail['scale']}"].split()]
        lowest, highest = points[0], points[-1]
        na = settings[f"scale.{detail['scale']}.not_applicable"]
        group = "engagement" if detail.get("engagement") == "yes" else detail["dimension"]
        for row in data:
            value = row[column]
            if value in ("", na):
                continue
            code = int(value)
            if detail["reverse"] == "yes":
                code = lowest + highest - code
            pooled.setdefault(group, []).append(code >= favourable_min)
    result = {g: Fraction(100 * sum(v), len(v)) for g, v in pooled.items()}
    dims = settings["scoring.dimensions"].split()
    result["index"] = sum((result[d] for d in dims), Fraction(0)) / len(dims)
    return result


def test_scores_recomputed_from_export_and_codebook_alone(survey_db, tmp_path):
    out = tmp_path / "jawaban.csv"
    run("data", "export", "--db", str(survey_db), "-o", str(out), "--lang", "en", "--no-comments")
    run("report", "--db", str(survey_db), "--format", "json", "-o", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    codebook = read(tmp_path / "jawaban-codebook.csv")
    settings, likert = parse_codebook(codebook)
    assert settings["export.disclosure"] == "coarsened" and len(likert) == 27
    data = read(out)
    groups = [(report["overall"], data)]
    units = next(b for b in report["breakdowns"] if b["field"] == "unit")["groups"]
    groups += [(g, [r for r in data if r["unit"] == g["key"]]) for g in units if g["status"] == "shown"]
    assert len(groups) >= 4
    for group, rows in groups:
        mine = scores(rows, settings, likert)
        assert group["respondents"] == len(rows)
        for dim in group["dimensions"]:
            assert abs(float(mine[dim["id"]]) - dim["exact"]) < 1e-9, (group["key"], dim["id"])
        assert abs(float(mine["index"]) - group["index_exact"]) < 1e-9
        assert abs(float(mine["engagement"]) - group["engagement"]["exact"]) < 1e-9


def test_codebook_states_tags_headcounts_and_settings(survey_db, tmp_path):
    out = tmp_path / "jawaban.csv"
    run("data", "export", "--db", str(survey_db), "-o", str(out), "--lang", "en")
    codebook = read(tmp_path / "jawaban-codebook.csv")
    settings, _ = parse_codebook(codebook)
    assert settings["scale.agree5.not_applicable"] == "9" and settings["scoring.min_group_size"] == "5"
    assert settings["scoring.dimensions"] == "BP AK KO HA LO AD KL" and settings["scoring.favourable_min"] == "4"
    options = {(r["column"], r["code"]): r["detail"] for r in codebook if r["column"] == "values_now" and r["code"]}
    assert options[("values_now", "ramah")] == "tags=BP" and options[("values_now", "silo")] == "tags=limiting"
    units = {r["code"]: r["detail"] for r in codebook if r["column"] == "unit" and r["code"]}
    assert units["RSUD"] == "headcount=300" and units["BAGORG"] == "headcount=25"
    na = next(r for r in codebook if r["column"] == "bp1" and r["code"] == "9")
    assert na["detail"] == "missing=not applicable"
