"""What a reader holding a report (or a report and the one counting everyone) can work out from its
sums, computed apart from akhlak_tui: exact ranks over the rationals, cell by cell, from the
report's shown and hidden figures alone."""

from __future__ import annotations

from fractions import Fraction


def rank(rows: list[dict]) -> int:
    """The rank of sparse rows (cell -> coefficient) over the rationals."""
    rows = [{k: Fraction(v) for k, v in r.items() if v} for r in rows]
    pivots: dict = {}
    count = 0
    for r in rows:
        r = dict(r)
        changed = True
        while changed:
            changed = False
            for c in list(r):
                if c in pivots and r.get(c):
                    f = r[c]
                    for d, v in pivots[c].items():
                        r[d] = r.get(d, Fraction(0)) - f * v
                        if r[d] == 0:
                            del r[d]
                    changed = True
                    break
        if r:
            c = min(r, key=repr)
            pivots[c] = {d: v / r[c] for d, v in r.items()}
            count += 1
    return count


def fixed_by_rank(equations: list[dict], unknown: set) -> set:
    """The unknowns u whose unit vector adds nothing to the equations' rank: fixed by them."""
    rows = [{k: v for k, v in eq.items() if k in unknown} for eq in equations]
    base = rank(rows)
    return {u for u in unknown if rank([*rows, {u: 1}]) == base}


def _state(group, figure) -> str:
    if group.status == "empty":
        return "known"
    if group.status != "shown":
        return "hidden"
    return "hidden" if figure.status == "suppressed" else "known"


def table(report, measures: dict[str, tuple[str, ...]]) -> tuple[dict, list[dict]]:
    """The report's cells ((row, column) -> "known" or "hidden") and the sums they satisfy: in
    everyone and each unit, a value is its statements pooled; everyone is the sum of the units,
    and of the groups of every other breakdown."""
    cells: dict = {}
    rows = [("all", report.overall, report.indicators.overall)]
    units = report.breakdown("unit")
    rows += [(("unit", g.key), g, s) for g, s in zip(units.groups, report.indicators.units)] if units else []
    for row, scores, statements in rows:
        for measure, items in measures.items():
            d = scores.engagement if measure == "engagement" else next((x for x in scores.dimensions if x.id == measure), None) if scores.status == "shown" else None
            cells[(row, f"m:{measure}")] = _state(scores, d)
            for item in items:
                s = next((x for x in statements.indicators if x.item == item), None) if statements.status == "shown" else None
                cells[(row, f"s:{item}")] = _state(statements, s)
    equations = []
    for row, _, _ in rows:
        for measure, items in measures.items():
            equations.append({**{(row, f"s:{i}"): 1 for i in items}, (row, f"m:{measure}"): -1})
    columns = {c for _, c in cells}
    if units:
        for c in sorted(columns):
            equations.append({**{(r, c): 1 for r, _, _ in rows[1:]}, ("all", c): -1})
    for b in report.breakdowns:
        if b.field == "unit":
            continue
        for measure in measures:
            eq = {("all", f"m:{measure}"): -1}
            for g in b.groups:
                d = g.engagement if measure == "engagement" else next((x for x in g.dimensions if x.id == measure), None) if g.status == "shown" else None
                cells[((b.field, g.key), f"m:{measure}")] = _state(g, d)
                eq[((b.field, g.key), f"m:{measure}")] = 1
            equations.append(eq)
    return cells, equations


def fixed_hidden(report, measures) -> set:
    """The hidden cells of one report that its shown cells fix."""
    cells, equations = table(report, measures)
    return fixed_by_rank(equations, {k for k, s in cells.items() if s == "hidden"})


def fixed_between(full, part, measures, lost) -> set:
    """Holding both reports: ("full", cell) and ("part", cell) for a hidden cell of either that the
    sums fix, and ("lost", cell) for what those left out gave to a cell, where `lost(cell)` of them
    answered it, when that is fixed."""
    cf, ef = table(full, measures)
    cp, ep = table(part, measures)
    unknown = {("full", k) for k, s in cf.items() if s == "hidden"} | {("part", k) for k, s in cp.items() if s == "hidden"}
    unknown |= {("lost", k) for k in cf if lost(k) > 0}
    equations = [{("full", k): v for k, v in eq.items()} for eq in ef] + [{("part", k): v for k, v in eq.items()} for eq in ep]
    equations += [{("full", k): 1, ("part", k): -1, ("lost", k): -1} for k in cf]
    return fixed_by_rank(equations, unknown)
