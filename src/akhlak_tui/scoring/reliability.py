"""Cronbach's alpha and item-rest correlations per value, from sums the scoring scan gathers.

Complete cases per value: a respondent counts for a value's alpha only with a scored answer
(a scale point, not "not applicable", not unanswered) to every statement of the value. For each
value the scan sums, over complete cases, n, every statement's score x_j (points above the
scale's lowest, reverse-keyed statements reversed) and every product x_j x_k (j <= k). With
C_jk = n S_jk - S_j S_k (n(n-1) times the covariance):

    alpha = k / (k - 1) * (1 - sum_j C_jj / sum_jk C_jk)
    item-rest r_j = (sum_k C_jk - C_jj) / sqrt(C_jj * (sum_jk C_jk - 2 sum_k C_jk + C_jj))

exact in integers up to the last division, so a million responses cost a few sums per row: with
the intervals, in the same scan as the scores (per cell, `ReliabilitySums.folded`), else counted
in slices beside them.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from akhlak_tui.questionnaire.model import LikertItem, Questionnaire, tr
from akhlak_tui.scoring.aggregate import ENGAGEMENT, VOTE_SLICE, _codes_test, quoted
from akhlak_tui.scoring.model import Breakdown, GroupScore
from akhlak_tui.scoring.trust import GroupReliability, ItemRest, MeasureReliability, Reliability

LOW_ALPHA = 0.6
"""Alpha below this is flagged: the statements of the value may not measure one thing."""
MIN_CASES = 30
"""A group's alpha is shown with at least this many complete cases (and min_group_size): below, it swings too much to read."""


@dataclass(frozen=True)
class MeasureSums:
    """Where one measure's sums are among a group's sums: n, each S_j and each S_jk (j <= k)."""

    id: str
    items: tuple[LikertItem, ...]
    n: int
    sums: tuple[int, ...]
    products: dict[tuple[int, int], int]

    def read(self, values: Sequence[int]) -> tuple[int, list[int], dict[tuple[int, int], int]]:
        return values[self.n], [values[s] for s in self.sums], {key: values[i] for key, i in self.products.items()}


def _score(item: LikertItem, q: Questionnaire) -> str:
    """Points above the scale's lowest, reversed for a reverse-keyed item (alpha does not change with a shift)."""
    scale = q.scale_for(item)
    return f"({scale.highest} - {quoted(item.id)})" if item.reverse else f"({quoted(item.id)} - {scale.lowest})"


def _complete(items: Sequence[LikertItem], q: Questionnaire) -> str:
    """Every item of `items` has a scale point. The merge lets only a scale's codes (and its "not
    applicable") into `answers`, so when the items share a scale whose "not applicable" lies above
    its points (or below), one max (or min) over them is the test (NULL when one is unanswered)."""
    scale = q.scale_for(items[0])
    columns = ", ".join(quoted(i.id) for i in items)
    if len({i.scale for i in items}) == 1:
        na = scale.not_applicable.code if scale.not_applicable else None
        if na is None or na > scale.highest:
            return f"max({columns}) <= {scale.highest}"
        if na < scale.lowest:
            return f"min({columns}) >= {scale.lowest}"
    return " AND ".join(_codes_test(quoted(i.id), q.scale_for(i).codes) for i in items)


FIELD_BITS = (21, 31, 63)
"""A slice's sums are packed in as few tallies as fit: three of 21 bits, two of 31, or one; a field
must hold the largest sum a slice of VOTE_SLICE rows can reach."""


class ReliabilitySums:
    """The complete-case sums of every value with two likert statements or more, and of engagement, per
    unit: counted by the intervals' combined scan when there is one (Plan.folded), else a slice of
    rows at a time beside the scores (Plan.sliced), so the two threads share them.

    Each slice is one query: an inner select gives, per row, each value's complete-case mark (1 or
    NULL) and its statements' points; the outer sums the marked terms, several packed in one
    integer. A slice's sums are small enough to pack three in one 63-bit integer for a 5-point scale."""

    def __init__(self, q: Questionnaire, unit: str | None) -> None:
        likert = [i for i in q.items if isinstance(i, LikertItem)]
        measures = [(d.id, [i for i in likert if i.dimension == d.id]) for d in q.dimensions]
        engagement = [i for i in likert if i.id in q.scoring.engagement_items]
        if engagement:
            measures.append((ENGAGEMENT, engagement))
        self.inner = [f"{quoted(unit) if unit else 'NULL'} AS k"]
        self.tallies: list[tuple[str, list[int], int]] = []
        """(packed SQL sum, positions of its fields among the terms, field bits)."""
        self.terms = 0
        self.q = q
        self.specs = [self._measure(q, g, measure_id, items) for g, (measure_id, items) in enumerate(measures)]
        self.columns = [quoted(i.id) for spec in self.specs if spec.n >= 0 for i in spec.items]
        """The answer columns the sums read."""
        self.at: int | None = None
        """Where the sums start in each group's tallies when the combined scan counts them (`folded`)."""

    def _measure(self, q: Questionnaire, g: int, measure_id: str, items: list[LikertItem]) -> MeasureSums:
        if len(items) < 2:
            return MeasureSums(measure_id, tuple(items), -1, (), {})
        self.inner.append(f"CASE WHEN {_complete(items, q)} THEN 1 END AS m{g}")
        self.inner += [f"{_score(i, q)} AS y{g}_{j}" for j, i in enumerate(items)]
        k = len(items)
        pairs = [(j, l) for j in range(k) for l in range(j, k)]
        terms = ["1", *(f"y{g}_{j}" for j in range(k)), *(f"y{g}_{j} * y{g}_{l}" for j, l in pairs)]
        span = max(q.scale_for(i).highest - q.scale_for(i).lowest for i in items)
        bits = next(b for b in FIELD_BITS if max(span, 1) ** 2 * VOTE_SLICE < 1 << b)
        per = 63 // bits
        first = self.terms
        for start in range(0, len(terms), per):
            group = terms[start : start + per]
            packed = " + ".join(f"(({t}) << {bits * (len(group) - 1 - i)})" if i < len(group) - 1 else f"({t})" for i, t in enumerate(group))
            self.tallies.append((f"sum(m{g} * ({packed}))", list(range(self.terms, self.terms + len(group))), bits))
            self.terms += len(group)
        return MeasureSums(measure_id, tuple(items), first, tuple(range(first + 1, first + 1 + k)), {p: first + 1 + k + i for i, p in enumerate(pairs)})

    def complete_tests(self) -> dict[str, str]:
        """Per value with an alpha, named "r:<measure>", the SQL that is 1 on a complete case (as
        aggregate.figure_tests): what --exclude-flagged counts among those left out."""
        return {f"r:{spec.id}": f"coalesce({_complete(spec.items, self.q)}, 0)" for spec in self.specs if spec.n >= 0}

    def __call__(self, conn: sqlite3.Connection, start: int, where: str) -> dict[str | None, list[int]]:
        """The sums per unit of the rows after rowid `start` in one slice (LIMIT -1 keeps the inner
        select from being merged into the outer, which would compute each mark once per term)."""
        if not self.tallies:
            return {}
        sql = (
            f"SELECT k, {', '.join(t for t, _, _ in self.tallies)} FROM (SELECT {', '.join(self.inner)} FROM answers "
            f"WHERE rowid > ? AND rowid <= ? AND {where} LIMIT -1) GROUP BY k"
        )
        out = {}
        for row in conn.execute(sql, (start, start + VOTE_SLICE)):
            values = [0] * self.terms
            for (_, positions, bits), total in zip(self.tallies, row[1:]):
                total = int(total or 0)
                for i, position in enumerate(reversed(positions)):
                    values[position] = (total >> (bits * i)) & ((1 << bits) - 1)
            out[None if row[0] is None else str(row[0])] = values
        return out

    def folded(self, most: int, first: int) -> tuple[list[str], list[str], list[str]]:
        """The same sums counted by the combined scan (precision.add_products) per cell of up to `most`
        rows: (columns for its per-row select, the sums (columns t<first>, ...) over them, the SQL
        that takes each term apart, in the terms' order).

        Per value, its statements' points are packed a few to an integer in a column that is NULL
        unless the row is a complete case: its count() is n, its sum gives the S_j, and its product
        with one statement's points gives that statement's products with all the packed ones."""
        middle: list[str] = []
        sums: list[str] = []
        fields: list[str] = []

        def add(sql: str) -> str:
            sums.append(sql)
            return f"t{first + len(sums) - 1}"

        for g, spec in enumerate(self.specs):
            if spec.n < 0:
                continue
            q, k = self.q, len(spec.items)
            y = [_score(i, q) for i in spec.items]
            span = max(q.scale_for(i).highest - q.scale_for(i).lowest for i in spec.items)
            bits = next(b for b in FIELD_BITS if max(span, 1) ** 2 * most < 1 << b)
            chunks = [list(range(start, min(start + 63 // bits, k))) for start in range(0, k, 63 // bits)]
            test = _complete(spec.items, q)
            for h, chunk in enumerate(chunks):
                packed = " + ".join(f"({y[j]} << {bits * (len(chunk) - 1 - i)})" if i < len(chunk) - 1 else y[j] for i, j in enumerate(chunk))
                middle.append(f"CASE WHEN {test} THEN {packed} END AS q{g}_{h}")
            term = {("n",): add(f"count(q{g}_0)")}
            for h, chunk in enumerate(chunks):
                column = add(f"sum(q{g}_{h})")
                term.update({("s", j): _field(column, i, len(chunk), bits) for i, j in enumerate(chunk)})
            for h, packed_chunk in enumerate(chunks):
                for by in chunks[: h + 1]:  # the products of the statements in `by` with those packed
                    if len(by) > len(packed_chunk) and by is not packed_chunk:
                        column_of = {l: add(f"sum(q{g}_{chunks.index(by)} * {y[l]})") for l in packed_chunk}
                        term.update({("p", j, l): _field(column_of[l], i, len(by), bits) for l in packed_chunk for i, j in enumerate(by)})
                        continue
                    for j in by:
                        column = add(f"sum(q{g}_{h} * {y[j]})")
                        term.update({("p", j, l): _field(column, i, len(packed_chunk), bits) for i, l in enumerate(packed_chunk) if l >= j})
            pairs = [(j, l) for j in range(k) for l in range(j, k)]
            fields += [term[("n",)], *(term[("s", j)] for j in range(k)), *(term[("p", j, l)] for j, l in pairs)]
        return middle, sums, fields

    def from_cells(self, overall: Sequence[int], units: Sequence[tuple[str | None, tuple[int, list[int]]]]) -> list[dict[str | None, list[int]]]:
        """The sums the combined scan counted (`folded`), per unit, as one slice's result (so `combine` takes them)."""
        assert self.at is not None
        if not units:
            return [{None: list(overall[self.at : self.at + self.terms])}]
        return [{key: list(tallies[self.at : self.at + self.terms]) for key, (_, tallies) in units}]

    def combine(self, slices: Sequence[dict[str | None, list[int]]]) -> tuple[list[int], dict[str | None, list[int]]]:
        """(sums of everyone, sums per unit) from the slices' results."""
        per_unit: dict[str | None, list[int]] = {}
        for result in slices:
            for key, values in result.items():
                total = per_unit.setdefault(key, [0] * self.terms)
                per_unit[key] = [a + b for a, b in zip(total, values)]
        overall = [sum(column) for column in zip(*per_unit.values())] if per_unit else [0] * self.terms
        return overall, per_unit


def _field(column: str, i: int, count: int, bits: int) -> str:
    """SQL for field `i` of `count` packed (`bits` each, the first highest) in a summed column."""
    shift = bits * (count - 1 - i)
    if i == 0:
        return f"({column} >> {shift})" if shift else column
    return f"(({column} >> {shift}) & {(1 << bits) - 1})" if shift else f"({column} & {(1 << bits) - 1})"


def alpha_from_sums(n: int, sums: Sequence[int], products: dict[tuple[int, int], int]) -> tuple[float | None, list[float | None]]:
    """(alpha, item-rest correlations) from complete-case sums; None where a variance is zero (or n < 2)."""
    k = len(sums)
    if n < 2 or k < 2:
        return None, [None] * k
    c = [[n * products[(min(j, l), max(j, l))] - sums[j] * sums[l] for l in range(k)] for j in range(k)]
    total = sum(map(sum, c))
    diagonal = sum(c[j][j] for j in range(k))
    alpha = None if total <= 0 else k / (k - 1) * (1 - diagonal / total)
    rests: list[float | None] = []
    for j in range(k):
        with_total = sum(c[j])
        rest_variance = total - 2 * with_total + c[j][j]
        denominator = c[j][j] * rest_variance
        rests.append(None if denominator <= 0 else (with_total - c[j][j]) / math.sqrt(denominator))
    return alpha, rests


def _round3(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def measure_reliability(q: Questionnaire, spec: MeasureSums, tallies: Sequence[int], label: str, min_cases: int, lang: str) -> MeasureReliability:
    base = {"id": "engagement" if spec.id == ENGAGEMENT else spec.id, "label": label, "items": len(spec.items)}
    if len(spec.items) < 2:
        return MeasureReliability(**base, status="single_item", cases=None, alpha=None)
    n, sums, products = spec.read(tallies) if tallies else (0, [], {})
    if n < min_cases:
        return MeasureReliability(**base, status="too_few", cases=n, alpha=None)
    alpha, rests = alpha_from_sums(n, sums, products)
    item_rest = [ItemRest(item=i.id, statement=tr(i.label, lang), reverse=i.reverse, correlation=_round3(r)) for i, r in zip(spec.items, rests)]
    if alpha is None:
        return MeasureReliability(**base, status="no_variance", cases=n, alpha=None, item_rest=item_rest)
    return MeasureReliability(**base, status="shown", cases=n, alpha=_round3(alpha), low=alpha < LOW_ALPHA, item_rest=item_rest)


def hide_left_out(r: Reliability, everyone: dict[str, int], per_unit: dict[str | None, dict[str, int]], min_size: int) -> None:
    """In a report that leaves responses out (--exclude-flagged): hide the alpha, item-rest
    correlations and cases of each value in each group whose complete cases lost 1 to `min_size` - 1
    (`everyone`, `per_unit`: figure "r:<measure>" -> complete cases left out); comparing it with the
    report counting everyone would tell about the answers of so few. No group's cases are given:
    everyone's minus the units' would tell how many a hidden unit lost."""
    for group, lost in [(r.overall, everyone), *((g, per_unit.get(g.key, {})) for g in r.units)]:
        for i, measure in enumerate(group.measures):
            spec_id = ENGAGEMENT if measure.id == "engagement" else measure.id
            if measure.status != "single_item" and 0 < lost.get(f"r:{spec_id}", 0) < min_size:
                group.measures[i] = MeasureReliability(id=measure.id, label=measure.label, items=measure.items, status="left_out", cases=None, alpha=None)
            else:
                group.measures[i] = group.measures[i].model_copy(update={"cases": None})


def reliability_report(
    q: Questionnaire, sums: ReliabilitySums, slices: Sequence[dict[str | None, list[int]]], units: Breakdown | None,
    everyone: GroupScore, engagement_label: str, lang: str,
) -> Reliability:  # fmt: skip
    """Alpha for everyone and for each unit whose scores are shown, with at least `min_cases` complete cases."""
    min_cases = max(MIN_CASES, q.scoring.min_group_size)
    labels = {d.id: tr(d.label, lang) for d in q.dimensions} | {ENGAGEMENT: engagement_label}
    overall, per_unit = sums.combine(slices)

    def group(key: str | None, label: str, tallies: Sequence[int]) -> GroupReliability:
        return GroupReliability(key=key, label=label, measures=[measure_reliability(q, s, tallies, labels[s.id], min_cases, lang) for s in sums.specs])

    shown = [g for g in (units.groups if units else []) if g.status == "shown" and g.key is not None]
    return Reliability(
        threshold=LOW_ALPHA,
        min_cases=min_cases,
        overall=group(None, everyone.label, overall if everyone.status == "shown" else []),
        units=[group(g.key, g.label, per_unit[g.key]) for g in shown if g.key in per_unit],
    )
