"""Cronbach's alpha and item-rest correlations: the hand example of docs/scoring.md, and the report's
figures against a second, per-respondent computation with numpy."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest
from merged_fixtures import build_merged

from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring import score_merged
from akhlak_tui.scoring.aggregate import SUBMITTED, _slice_starts, count_cells, make_plan
from akhlak_tui.scoring.precision import Precision
from akhlak_tui.scoring.reliability import LOW_ALPHA, MIN_CASES, ReliabilitySums, alpha_from_sums

DOC = Path(__file__).parents[2] / "docs" / "scoring.md"

TOML = """
[questionnaire]
id = "rel"
version = "1"
languages = ["id"]
title = { id = "R" }

[[dimensions]]
id = "BP"
label = { id = "Berorientasi Pelayanan" }

[[dimensions]]
id = "AK"
label = { id = "Akuntabel" }

[[scales]]
id = "s"
points = [{ code = 1, label = { id = "1" } }, { code = 2, label = { id = "2" } }, { code = 3, label = { id = "3" } }, { code = 4, label = { id = "4" } }, { code = 5, label = { id = "5" } }]
not_applicable = { code = 9, label = { id = "NA" } }

[scoring]
min_group_size = 5

[[sections]]
id = "a"
title = { id = "A" }
items = [
  { id = "unit", type = "unit", label = { id = "U" } },
  { id = "bp1", type = "likert", scale = "s", dimension = "BP", label = { id = "b1" } },
  { id = "bp2", type = "likert", scale = "s", dimension = "BP", label = { id = "b2" } },
  { id = "bp3", type = "likert", scale = "s", dimension = "BP", reverse = true, label = { id = "b3" } },
  { id = "ak1", type = "likert", scale = "s", dimension = "AK", label = { id = "a1" } },
]
"""
ITEMS = ("bp1", "bp2", "bp3")


def doc_rows(name: str) -> list[list[str]]:
    block = re.search(rf"<!-- {name} -->\n(.*?)<!-- /{name} -->", DOC.read_text("utf-8"), re.S)
    assert block, f"docs/scoring.md has no {name} block"
    return [[c.strip() for c in line.strip().strip("|").split("|")] for line in block.group(1).strip().splitlines()[2:]]


def numpy_alpha(rows: list[dict]) -> tuple[float, list[float], int]:
    """The textbook computation, respondent by respondent: complete cases, bp3 reversed, sample variances."""
    complete = [r for r in rows if all(r.get(i) in (1, 2, 3, 4, 5) for i in ITEMS)]
    x = np.array([[r["bp1"], r["bp2"], 6 - r["bp3"]] for r in complete], dtype=float)
    total = x.sum(axis=1)
    alpha = 3 / 2 * (1 - x.var(axis=0, ddof=1).sum() / total.var(ddof=1))
    rest = [float(np.corrcoef(x[:, j], total - x[:, j])[0, 1]) for j in range(3)]
    return float(alpha), rest, len(complete)


def test_the_hand_example_of_the_doc():
    data = doc_rows("reliability-example-data")
    rows = [dict(zip(("bp1", "bp2", "bp3"), (int(c) if c.isdigit() else None for c in r[1:4]))) for r in data]
    alpha, rest, n = numpy_alpha(rows)
    results = dict((r[0], r[1]) for r in doc_rows("reliability-example-results"))
    assert int(results["n"]) == n == 5
    assert results["alpha"] == f"{alpha:.3f}"
    assert [results[f"r_{i}"] for i in ITEMS] == [f"{r:.3f}" for r in rest]
    complete = [[r["bp1"], r["bp2"], 6 - r["bp3"]] for r in rows if None not in r.values() and 9 not in r.values()]
    sums = [sum(r[j] for r in complete) for j in range(3)]
    products = {(j, k): sum(r[j] * r[k] for r in complete) for j in range(3) for k in range(j, 3)}
    from_sums, rests = alpha_from_sums(len(complete), sums, products)
    assert f"{from_sums:.3f}" == results["alpha"] and [f"{r:.3f}" for r in rests] == [results[f"r_{i}"] for i in ITEMS]


def random_rows(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        level = rng.gauss(3, 1)
        row = {"unit": "U1" if i % 3 else "U2"}
        for item in ITEMS + ("ak1",):
            point = max(1, min(5, round(level + rng.gauss(0, 0.9))))
            row[item] = 6 - point if item == "bp3" else point
            if rng.random() < 0.06:
                row[item] = rng.choice([9, None])
        rows.append(row)
    return rows


@pytest.mark.parametrize("seed, on_file, intervals", [(1, False, False), (2, False, False), (3, True, False), (4, False, True), (5, True, True)])
def test_report_alpha_agrees_with_numpy_for_everyone_and_each_unit(seed, on_file, intervals, tmp_path):
    """On a file, the sums are counted by two threads in slices of rows (with the intervals, by
    their combined scan in two halves); in memory, in one go."""
    rows = random_rows(seed, 140)
    units = [Unit(code="U1", name="Satu"), Unit(code="U2", name="Dua")]
    report = score_merged(build_merged(tmp_path / "m.db" if on_file else None, TOML, units, rows), lang="en", intervals=intervals)
    r = report.reliability
    assert r is not None and r.min_cases == MIN_CASES and r.threshold == LOW_ALPHA
    for group in [r.overall, *r.units]:
        mine = [row for row in rows if group.key in (None, row["unit"])]
        alpha, rest, n = numpy_alpha(mine)
        bp = next(m for m in group.measures if m.id == "BP")
        assert (bp.status, bp.cases, bp.items) == ("shown", n, 3)
        assert bp.alpha == pytest.approx(alpha, abs=5e-4)
        assert [i.correlation for i in bp.item_rest] == pytest.approx(rest, abs=5e-4)
        assert bp.low == (alpha < 0.6)
        assert [i.reverse for i in bp.item_rest] == [False, False, True]
        assert next(m for m in group.measures if m.id == "AK").status == "single_item"
    assert [g.key for g in r.units] == ["U1", "U2"]


def test_the_combined_scan_counts_the_slices_sums_exactly_in_every_packing():
    """With the intervals, the alpha sums are counted per cell by their combined scan (the points of
    three statements to an integer, or two when the cells may be large) instead of in slices of
    rows: every way of that scan gives the slices' sums, integer for integer."""
    rows = random_rows(7, 150) + [{"unit": None, "bp1": 4, "bp2": 5, "bp3": 1, "ak1": 5}] * 3
    units = [Unit(code="U1", name="Satu"), Unit(code="U2", name="Dua")]
    mdb = build_merged(None, TOML, units, rows)
    q, conn = mdb.questionnaire, mdb.db.conn
    sliced = ReliabilitySums(q, "unit")
    expected = sliced.combine([sliced(conn, start, SUBMITTED) for start in _slice_starts(conn)])
    assert expected[0][0] > 100 and set(expected[1]) == {"U1", "U2", None}
    plan = make_plan(q, ["unit"])
    plan.unit = "unit"
    sums = ReliabilitySums(q, "unit")
    plan.folded.append(sums)
    Precision.for_plan(q, plan, units)
    ways = list(plan.combined)
    three = '(("bp1" - 1) << 42) + (("bp2" - 1) << 21) + (5 - "bp3") END AS q0_0'
    two = '(("bp1" - 1) << 31) + ("bp2" - 1) END AS q0_0'
    assert any(three in w.select for w in ways) and any(two in w.select for w in ways)  # both packings tried
    assert all('max("bp1", "bp2", "bp3") <= 5' in w.select for w in ways)  # a complete case, from the answers
    for way in ways:
        plan.combined = [way]
        cells = count_cells(conn, plan)
        assert sums.combine(sums.from_cells(cells[0][1], cells[1]["unit"])) == expected


def test_small_units_get_no_alpha_and_noise_is_flagged_low():
    rng = random.Random(5)
    rows = [{"unit": "U1", **{i: rng.randint(1, 5) for i in ITEMS + ("ak1",)}} for _ in range(60)]
    rows += [{"unit": "U2", "bp1": 3, "bp2": 4, "bp3": 2, "ak1": 1} for _ in range(10)]
    report = score_merged(build_merged(None, TOML, [Unit(code="U1", name="Satu"), Unit(code="U2", name="Dua")], rows), lang="en")
    r = report.reliability
    overall_bp = r.overall.measures[0]
    assert overall_bp.status == "shown" and overall_bp.alpha < 0.6 and overall_bp.low  # random answers measure nothing
    u2 = next(g for g in r.units if g.key == "U2")
    assert (u2.measures[0].status, u2.measures[0].alpha, u2.measures[0].cases) == ("too_few", None, 10)


def test_no_variance_has_no_alpha():
    assert alpha_from_sums(4, [8, 8], {(0, 0): 16, (0, 1): 16, (1, 1): 16}) == (None, [None, None])


def test_reliability_can_be_switched_off():
    rows = random_rows(1, 40)
    report = score_merged(build_merged(None, TOML, [Unit(code="U1", name="Satu"), Unit(code="U2", name="Dua")], rows), trust=False)
    assert report.reliability is None and report.quality is None and report.staff_profile is None
