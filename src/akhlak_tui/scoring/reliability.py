"""Cronbach's alpha and item-rest correlations per value, from sums the scoring scan gathers.

Complete cases per value: a respondent counts for a value's alpha only with a scored answer
(a scale point, not "not applicable", not unanswered) to every statement of the value. For each
value the scan sums, over complete cases, n, every statement's score x_j (points above the
scale's lowest, reverse-keyed statements reversed) and every product x_j x_k (j <= k), two sums
packed in one tally. With C_jk = n S_jk - S_j S_k (n(n-1)
times the covariance):

    alpha = k / (k - 1) * (1 - sum_j C_jj / sum_jk C_jk)
    item-rest r_j = (sum_k C_jk - C_jj) / sqrt(C_jj * (sum_jk C_jk - 2 sum_k C_jk + C_jj))

exact in integers up to the last division, so a million responses cost a few sums per row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from akhlak_tui.questionnaire.model import LikertItem, Questionnaire, tr
from akhlak_tui.scoring.aggregate import ENGAGEMENT, Plan, Tallies, _codes_test, quoted
from akhlak_tui.scoring.model import Breakdown, GroupScore
from akhlak_tui.scoring.trust import GroupReliability, ItemRest, MeasureReliability, Reliability

LOW_ALPHA = 0.6
"""Alpha below this is flagged: the statements of the value may not measure one thing."""
MIN_CASES = 30
"""A group's alpha is shown with at least this many complete cases (and min_group_size): below, it swings too much to read."""


PACK = 32
"""Two sums share one tally, (a << PACK) + b, when both stay below 2^31 for 16 million rows."""
PACKED_SPAN = 11


@dataclass(frozen=True)
class MeasureSums:
    """Where one measure's sums are among the plan's tallies: (tally, shift) of n, each S_j and each S_jk."""

    id: str
    items: tuple[LikertItem, ...]
    n: tuple[int, int]
    sums: tuple[tuple[int, int], ...]
    products: dict[tuple[int, int], tuple[int, int]]

    def read(self, tallies: Sequence[int]) -> tuple[int, list[int], dict[tuple[int, int], int]]:
        def value(slot: tuple[int, int]) -> int:
            tally, shift = slot
            return (tallies[tally] >> shift) & ((1 << PACK) - 1) if shift or self._packed else tallies[tally]

        return value(self.n), [value(s) for s in self.sums], {key: value(slot) for key, slot in self.products.items()}

    @property
    def _packed(self) -> bool:
        return any(shift for _, shift in (self.n, *self.sums, *self.products.values()))


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


def add_reliability_tallies(plan: Plan, q: Questionnaire) -> list[MeasureSums]:
    """Add to `plan` the complete-case sums of every value with two likert statements or more, and of engagement."""
    likert = [i for i in q.items if isinstance(i, LikertItem)]
    measures = [(d.id, [i for i in likert if i.dimension == d.id]) for d in q.dimensions]
    engagement = [i for i in likert if i.id in q.scoring.engagement_items]
    if engagement:
        measures.append((ENGAGEMENT, engagement))
    out = []
    for measure_id, items in measures:
        if len(items) < 2:
            out.append(MeasureSums(measure_id, tuple(items), (-1, 0), (), {}))
            continue
        complete = _complete(items, q)
        scores = [_score(i, q) for i in items]
        terms = ["1", *scores, *(f"{scores[j]} * {scores[k]}" for j in range(len(items)) for k in range(j, len(items)))]
        packed = max(q.scale_for(i).highest - q.scale_for(i).lowest for i in items) <= PACKED_SPAN
        slots: list[tuple[int, int]] = []
        step = 2 if packed else 1
        for start in range(0, len(terms), step):
            pair = terms[start : start + step]
            expression = f"({pair[0]} << {PACK}) + {pair[1]}" if len(pair) == 2 else pair[0]
            tally = plan.add(f"CASE WHEN {complete} THEN {expression} ELSE 0 END")
            slots += [(tally, PACK), (tally, 0)] if len(pair) == 2 else [(tally, 0)]
        k = len(items)
        pairs = [(j, l) for j in range(k) for l in range(j, k)]
        out.append(MeasureSums(measure_id, tuple(items), slots[0], tuple(slots[1 : 1 + k]), dict(zip(pairs, slots[1 + k :]))))
    return out


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


def reliability_report(
    q: Questionnaire, specs: Sequence[MeasureSums], overall: Tallies, unit_rows: Sequence[tuple[str | None, Tallies]],
    units: Breakdown | None, everyone: GroupScore, engagement_label: str, lang: str,
) -> Reliability:  # fmt: skip
    """Alpha for everyone and for each unit whose scores are shown, with at least `min_cases` complete cases."""
    min_cases = max(MIN_CASES, q.scoring.min_group_size)
    labels = {d.id: tr(d.label, lang) for d in q.dimensions} | {ENGAGEMENT: engagement_label}

    def group(key: str | None, label: str, tallies: Sequence[int]) -> GroupReliability:
        return GroupReliability(key=key, label=label, measures=[measure_reliability(q, s, tallies, labels[s.id], min_cases, lang) for s in specs])

    rows = dict(unit_rows)
    shown = [g for g in (units.groups if units else []) if g.status == "shown" and g.key is not None]
    return Reliability(
        threshold=LOW_ALPHA,
        min_cases=min_cases,
        overall=group(None, everyone.label, overall[1] if everyone.status == "shown" else []),
        units=[group(g.key, g.label, rows[g.key][1]) for g in shown if g.key in rows],
    )
