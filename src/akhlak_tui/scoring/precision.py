"""95% intervals of the scores (linearised ratio variance in Wilson form), ranking groups, headcount weighting.

Every score is a ratio over respondents: R = sum(f_i) / sum(a_i), f_i the favourable answers (or
points over the span) of respondent i and a_i the answers scored. The variance comes from the
respondents' linearised values u_i (Taylor), whose sums of squares the SQL scan adds up per cell
of `score_cells` (`add_products`), stretched for small groups (Student's t) and never below that
of independent answers (from the indicators' counts per point); docs/scoring.md "Precision" gives
the formulas and an example.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from akhlak_tui.questionnaire.model import Band, LikertItem, Questionnaire, tr
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring import model as m
from akhlak_tui.scoring.aggregate import ENGAGEMENT, SHIFT, Combined, Plan, Tallies, quoted, unpack
from akhlak_tui.scoring.formulas import band_for, round_half_up
from akhlak_tui.scoring.indicators import MAX_COUNT, Counted
from akhlak_tui.scoring.indicators import field as field_of

Z = 1.959963984540054
"""The normal quantile of a two-sided 95% interval."""
METHOD = (
    "linearised ratio variance (respondents as clusters) times (t/z)^2 with n - 1 degrees of freedom, at least that of"
    " independent answers (design effect >= 1), Wilson interval with effective n, finite population correction"
)


class WeightError(ValueError):
    """Weighting by headcount is impossible with these units (one names the unit and the problem)."""


@dataclass
class Cross:
    """The plan's measures (values, then engagement) and where each cross sum of a pair of them is:
    its place after the tallies in a group's list."""

    measures: list[str]
    span: dict[str, int]
    columns: dict[tuple[str, str, str], int]
    squares: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    """With `mean_scaled`: per measure, (tally, slot, (points * span / scale's span)^2) of each
    statement's count per scale point (scoring/indicators.py), for the answers' sum of squares."""


PACKED_CELL = MAX_COUNT
"""The most rows of a cell for packing products by 21 bits (fewer when the products are large)."""

Moment = tuple[tuple[str, str, str], str, int]
"""A cross sum: ("ff" | "fa" | "aa", d, e), its SQL per row, and the largest it can be on one row."""


def pack(moments: Sequence[Moment], bits: int, per: int, limit: int, first: int) -> tuple[list[str], list[str]] | None:
    """The moments, `per` to an integer (`bits` each, the top one what is left of 63): the SQL of
    the sums (columns t<first>, ...), and the SQL that takes each field apart (in the moments'
    order); None when a cell of `limit` rows could overflow a field."""
    if any(top * limit >= 2 ** min(bits, 63 - bits * (per - 1)) for _, _, top in moments):
        return None
    sums, fields = [], []
    for start in range(0, len(moments), per):
        group = moments[start : start + per]
        shifts = [bits * (len(group) - 1 - i) for i in range(len(group))]
        sums.append(" + ".join(f"(({sql}) << {shift})" if shift else f"({sql})" for (_, sql, _), shift in zip(group, shifts)))
        column = f"t{first + start // per}"
        for shift in shifts:
            part = f"({column} >> {shift})" if shift else column
            fields.append(part if shift == shifts[0] else f"({part} & {(1 << bits) - 1})")
    return sums, fields


def pair_pack(moments: Sequence[Moment], measures: Sequence[str], limit: int, first: int) -> tuple[list[str], list[str]] | None:
    """Fewer multiplications: with x_d = f_d * 2^21 + a_d (`x0, x1, ...`), one product x_d * x_e
    holds f_d f_e, f_d a_e + a_d f_e and a_d a_e in three 21-bit fields; f_d a_e is summed apart
    (three to an integer) and a_d f_e is the difference. None when a cell of `limit` rows could
    overflow a field."""
    tops = {key: top for key, _, top in moments}
    if any(2 * top * limit >= 2**21 for top in tops.values()):
        return None
    at = {d: i for i, d in enumerate(measures)}
    pairs = sorted({(key[1], key[2]) for key in tops if key[0] == "ff"}, key=lambda de: (at[de[0]], at[de[1]]))
    sums = [f"x{at[d]} * x{at[e]}" for d, e in pairs]
    apart = [m for m in moments if m[0][0] == "fa" and m[0][1] != m[0][2] and at[m[0][1]] < at[m[0][2]]]
    packed = pack(apart, 21, 3, limit, first + len(pairs))
    assert packed is not None
    fields: dict[tuple[str, str, str], str] = {}
    for n, (d, e) in enumerate(pairs):
        column = f"t{first + n}"
        fields[("ff", d, e)] = f"({column} >> 42)"
        fields[("aa", d, e)] = f"({column} & {(1 << 21) - 1})"
        both = f"(({column} >> 21) & {(1 << 21) - 1})"
        fields[("fa", d, e)] = f"({both} / 2)" if d == e else both  # made the difference below
    for n, (key, field) in enumerate(zip([m[0] for m in apart], packed[1])):
        d, e = key[1], key[2]
        fields[("fa", e, d)] = f"({fields[('fa', d, e)]} - {field})"
        fields[key] = field
    return sums + packed[0], [fields[key] for key, _, _ in moments]


def add_products(plan: Plan, statements: Mapping[str, int]) -> Cross:
    """Make `plan`'s scan also sum f_d*f_e, f_d*a_e and a_d*a_e over the respondents of each cell,
    for every pair of measures d <= e: the whole covariance of the values, which the index needs.
    `statements` is the number of statements of each measure (how large a product can get).

    Each row's x_d = f_d * 2^21 + a_d (Plan.rows) is computed once, in a subquery that also passes
    the answers the other tallies read; the outer query sums over its rows, taking f and a apart
    where needed. The products are packed (`pair_pack`, else three to an integer), exact while no
    cell (combination of breakdown answers) is large; if one is, the scan is made again with two
    to an integer, then one."""
    measures = list(plan.measures)
    spans = {d: _span(plan, d) for d in measures}
    keys = [f"{quoted(k)} AS k{i}" for i, k in enumerate(plan.keys)]
    key_names = [f"k{i}" for i in range(len(plan.keys))]
    # a measure with more than one scale keeps a tally of each (its parts); each summed from the answers
    single = {plan.measures[d][0].tally: j for j, d in enumerate(measures) if len(plan.measures[d]) == 1}
    respondents = {plan.respondents[d]: j for j, d in enumerate(measures) if plan.respondents[d] not in single}
    others = [t for i, t in enumerate(plan.tallies) if i not in single and i not in respondents]
    raw = list(dict.fromkeys(quoted(c.replace('""', '"')) for t in others for c in re.findall(r'"((?:[^"]|"")+)"', t)))
    raw = list(dict.fromkeys(raw + [c for hook in plan.folded for c in hook.columns]))
    x_rows = [f"{plan.rows[d]} AS x{j}" for j, d in enumerate(measures)]
    f_of = [f"(x{j} >> 21)" for j in range(len(measures))]
    a_of = [f"(x{j} & {(1 << 21) - 1})" for j in range(len(measures))]
    top_f = [statements[d] * spans[d] for d in measures]
    top_a = [statements[d] for d in measures]
    moments: list[Moment] = []
    for i, d in enumerate(measures):
        for j in range(i, len(measures)):
            e = measures[j]
            if i != j and ENGAGEMENT in (d, e):
                continue  # engagement is not part of the index: no covariance with the values needed
            moments.append((("ff", d, e), f"{f_of[i]} * {f_of[j]}", top_f[i] * top_f[j]))
            moments.append((("aa", d, e), f"{a_of[i]} * {a_of[j]}", top_a[i] * top_a[j]))
            moments.append((("fa", d, e), f"{f_of[i]} * {a_of[j]}", top_f[i] * top_a[j]))
            if i != j:
                moments.append((("fa", e, d), f"{f_of[j]} * {a_of[i]}", top_f[j] * top_a[i]))
    cross = Cross(measures, spans, {key: n for n, (key, _, _) in enumerate(moments)})
    # a measure's respondents: those with a scored answer (a > 0, so x > 0)
    per_row = dict(enumerate(plan.tallies))
    per_row.update({t: f"x{j} > 0" for t, j in respondents.items()})
    top = max((t for _, _, t in moments), default=1)
    most_paired = min(PACKED_CELL, (2**21 - 1) // (2 * top))
    for bits, per, most in ((0, 0, most_paired), (21, 3, min(PACKED_CELL, (2**21 - 1) // top)), (32, 2, MAX_COUNT), (63, 1, MAX_COUNT)):
        first = len(plan.tallies)
        packed = pair_pack(moments, measures, most, first) if bits == 0 else pack(moments, bits, per, most, first)
        if packed is None:
            continue
        sums, fields = packed
        # the measures' tallies (f << SHIFT) + a: x summed, then moved apart, while a cell's sum of a
        # fits in 21 bits (in the paired way), else moved apart on each row
        tally = {t: f"((sum(x{j}) >> 21) << {SHIFT}) + (sum(x{j}) & {(1 << 21) - 1})" if bits == 0 else f"sum(({f_of[j]} << {SHIFT}) + {a_of[j]})" for t, j in single.items()}
        columns = [tally.get(i) or f"sum({per_row[i]})" for i in range(len(plan.tallies))] + [f"sum({x})" for x in sums]
        inner = keys + raw + x_rows
        for hook in plan.folded:  # more sums per cell (each its own aggregate), their fields after these
            hook.at = len(plan.tallies) + len(fields)  # the same in every way
            more = hook.folded(most, len(columns))
            inner += more[0]
            columns += more[1]
            fields = fields + more[2]
        # LIMIT keeps SQLite from folding the subquery in, which would repeat every CASE in each product
        outer = ", ".join(key_names + ["count(*) AS n"] + [f"{x} AS t{j}" for j, x in enumerate(columns)])
        select = (
            f"SELECT {outer} FROM (SELECT {', '.join(inner)} FROM answers WHERE {plan.where} {{rows}} LIMIT -1)"
            + (f" GROUP BY {', '.join(key_names)}" if key_names else "")
        )
        exact_always = most >= MAX_COUNT  # no group can have more rows (scoring/indicators.py)
        plan.combined.append(Combined(select, None if exact_always else most, fields))
        if exact_always:
            break
    return cross


def _span(plan: Plan, measure: str) -> int:
    """A common span of the measure's scales (their least common multiple; 1 for shares)."""
    spans = [p.span for p in plan.measures[measure] if p.span]
    return math.lcm(*spans) if spans else 1


class Sums:
    """One group's sums for the measures, as real numbers: f over the span (so R = F / A)."""

    def f_sum(self, d: str) -> float:
        raise NotImplementedError

    def exact_f(self, d: str) -> Fraction:
        return Fraction(self.f_sum(d))

    def squares(self, d: str) -> Fraction:
        """The sum over the measure's answers (not respondents) of the answer's score squared:
        a 0/1 answer is its own square, so with shares it is the favourable answers."""
        return self.exact_f(d)

    def a_sum(self, d: str) -> float:
        raise NotImplementedError

    def ff(self, d: str, e: str) -> float:
        raise NotImplementedError

    def fa(self, d: str, e: str) -> float:
        raise NotImplementedError

    def aa(self, d: str, e: str) -> float:
        raise NotImplementedError


class CellSums(Sums):
    """The sums of one group read from its tally list (plan tallies, then the product sums)."""

    def __init__(self, plan: Plan, cross: Cross, tallies: Sequence[int]) -> None:
        self.plan, self.cross, self.tallies = plan, cross, tallies

    def _value(self, kind: str, d: str, e: str) -> int:
        if kind != "fa" and (kind, d, e) not in self.cross.columns:
            d, e = e, d
        return self.tallies[len(self.plan.tallies) + self.cross.columns[(kind, d, e)]]

    def f_sum(self, d: str) -> float:
        return float(self.exact_f(d))

    def exact_f(self, d: str) -> Fraction:
        span = self.cross.span[d]
        return Fraction(sum(unpack(self.tallies[p.tally])[0] * (span // max(1, p.span)) for p in self.plan.measures[d]), span)

    def a_sum(self, d: str) -> float:
        return sum(unpack(self.tallies[p.tally])[1] for p in self.plan.measures[d])

    def squares(self, d: str) -> Fraction:
        if d not in self.cross.squares:
            return self.exact_f(d)
        total = sum(field_of(self.tallies[t], slot) * w for t, slot, w in self.cross.squares[d])
        return Fraction(total, self.cross.span[d] ** 2)

    def ff(self, d: str, e: str) -> float:
        return self._value("ff", d, e) / (self.cross.span[d] * self.cross.span[e])

    def fa(self, d: str, e: str) -> float:
        return self._value("fa", d, e) / self.cross.span[d]

    def aa(self, d: str, e: str) -> float:
        return self._value("aa", d, e)


class ItemSums(Sums):
    """One statement in one group from its counts per point: each respondent gives one answer."""

    def __init__(self, c: Counted, points: Sequence[Fraction]) -> None:
        self.exact = sum((n * x for n, x in zip(c.per_point, points)), Fraction(0))
        self.exact2 = sum((n * x * x for n, x in zip(c.per_point, points)), Fraction(0))
        self.f, self.f2, self.a = float(self.exact), float(self.exact2), c.scored

    def f_sum(self, d: str) -> float:
        return self.f

    def exact_f(self, d: str) -> Fraction:
        return self.exact

    def squares(self, d: str) -> Fraction:
        return self.exact2

    def a_sum(self, d: str) -> float:
        return self.a

    def ff(self, d: str, e: str) -> float:
        return self.f2

    def fa(self, d: str, e: str) -> float:
        return self.f

    def aa(self, d: str, e: str) -> float:
        return self.a


@dataclass
class Stratum:
    """Respondents of one group (or one unit, when weighting): their sums, size, headcount and weight."""

    sums: Sums
    n: int
    population: int | None = None
    weight: float = 1.0

    @property
    def fpc(self) -> float:
        """The finite population correction 1 - n/N; 1 without a headcount, or with fewer staff than
        respondents (the headcount or the count is wrong: the participation table flags it)."""
        return correction(self.n, self.population)


@dataclass(frozen=True)
class Estimate:
    value: float  # 0-1
    variance: float  # the linearised variance stretched by (t / z)^2, at least that of independent answers
    low: float
    high: float


ROUNDING = 1e-9
"""A variance below this share of p (1 - p) / answers is rounding left in the sums: it is 0."""


def estimate(strata: Sequence[Stratum], measures: Sequence[str]) -> Estimate | None:
    """The mean of the measures' ratios over the (weighted) strata and its 95% interval.

    u_i = sum_d c W_h (f_id - R_d a_id) / A_d (c = 1 / number of measures, A_d = sum_h W_h A_hd);
    var = sum_h fpc_h n_h / (n_h - 1) (sum_i u_i^2 - (sum_i u_i)^2 / n_h), floored at the variance
    the same answers would have if each were independent (a design effect of at least 1):
    sum_h fpc_h sum_d (c W_h / A_d)^2 (S_hd - F_hd^2 / A_hd), S the answers' sum of squares.
    The linearised variance is first stretched by (t / z)^2, t Student's 97.5% point with
    sum_h (n_h - 1) degrees of freedom, since it is estimated from few respondents in a small group.
    Wilson's interval with the effective n = p (1 - p) / var; n = answers / fpc when var is 0."""
    totals_a = {d: sum(s.weight * s.sums.a_sum(d) for s in strata) for d in measures}
    if any(a == 0 for a in totals_a.values()):
        return None
    ratio = {d: sum(s.weight * s.sums.f_sum(d) for s in strata) / totals_a[d] for d in measures}
    c = 1 / len(measures)
    value = c * sum(ratio.values())
    variance = floor = 0.0
    for s in strata:
        for d in measures:
            a = int(s.sums.a_sum(d))
            if a:  # the answers' spread about their stratum's mean, exact (0 when they are all alike)
                spread = s.sums.squares(d) - s.sums.exact_f(d) ** 2 / a
                floor += s.fpc * (c * s.weight / totals_a[d]) ** 2 * float(spread)
        if s.n < 2:
            continue
        squares = 0.0
        for d in measures:
            for e in measures:
                cov = s.sums.ff(d, e) - ratio[e] * s.sums.fa(d, e) - ratio[d] * s.sums.fa(e, d) + ratio[d] * ratio[e] * s.sums.aa(d, e)
                squares += cov / (totals_a[d] * totals_a[e])
        total_u = sum((s.sums.f_sum(d) - ratio[d] * s.sums.a_sum(d)) / totals_a[d] for d in measures)
        variance += s.fpc * s.n / (s.n - 1) * (c * s.weight) ** 2 * (squares - total_u**2 / s.n)
    answers = int(sum(s.sums.a_sum(d) for s in strata for d in measures))
    freedom = sum(s.n - 1 for s in strata if s.n >= 2)
    variance = max(variance * (t_quantile(freedom) / Z) ** 2 if freedom else 0.0, floor)
    if variance <= ROUNDING * value * (1 - value) / answers:
        variance = 0.0
    low, high = wilson(value, variance, answers, _overall_fpc(strata))
    return Estimate(value, variance, low, high)


@functools.lru_cache(maxsize=1024)
def t_quantile(freedom: int) -> float:
    """Student's t 97.5% point with `freedom` (>= 1) degrees of freedom: exact (the closed form of
    the distribution for whole degrees of freedom, solved by halving) up to 200, then the
    Cornish-Fisher series, whose error there is below 1e-9."""
    if freedom > 200:
        z, v = Z, freedom
        terms = [
            (z**3 + z) / 4,
            (5 * z**5 + 16 * z**3 + 3 * z) / 96,
            (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
            (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160,
        ]
        return z + sum(term / v**k for k, term in enumerate(terms, start=1))
    low, high = Z, 13.0  # t(1) = 12.706
    for _ in range(80):
        middle = (low + high) / 2
        low, high = (middle, high) if _t_within(middle, freedom) < 0.95 else (low, middle)
    return (low + high) / 2


def _t_within(t: float, v: int) -> float:
    """P(|T| < t) for Student's t with v degrees of freedom (Abramowitz and Stegun 26.7.3-4)."""
    theta = math.atan(t / math.sqrt(v))
    c2, term, total = math.cos(theta) ** 2, 1.0, 1.0
    if v % 2:
        for k in range(1, (v - 1) // 2):
            term *= c2 * 2 * k / (2 * k + 1)
            total += term
        return 2 / math.pi * (theta + (math.sin(theta) * math.cos(theta) * total if v > 1 else 0.0))
    for k in range(1, v // 2):
        term *= c2 * (2 * k - 1) / (2 * k)
        total += term
    return math.sin(theta) * total


def correction(n: int, population: int | None) -> float:
    return 1 - n / population if population and n <= population else 1.0


def _overall_fpc(strata: Sequence[Stratum]) -> float:
    if all(s.population for s in strata):
        return correction(sum(s.n for s in strata), sum(s.population for s in strata))  # type: ignore[misc]
    return 1.0


def wilson(p: float, variance: float, answers: int, fpc: float = 1.0) -> tuple[float, float]:
    """Wilson's 95% interval for p with the effective n = p (1 - p) / variance; when that cannot
    be computed (variance 0, or p is 0 or 1), with n = answers / fpc; a census (fpc 0) is exact."""
    if fpc <= 0:
        return p, p
    if variance > 0 and 0 < p < 1:
        n_eff = p * (1 - p) / variance
    elif answers > 0:
        n_eff = answers / fpc
    else:
        return p, p
    z2 = Z * Z
    denominator = 1 + z2 / n_eff
    centre = (p + z2 / (2 * n_eff)) / denominator
    half = Z * math.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff * n_eff)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def shown(x: float) -> float:
    """A 0-1 bound as a score bound 0-100, one decimal, half up."""
    return round_half_up(Fraction(x) * 100)


class Precision:
    """Adds the intervals to a report's shown scores, ranks in groups, and weights by headcount."""

    def __init__(self, plan: Plan, cross: Cross, units: Sequence[Unit], method: str) -> None:
        self.plan, self.cross, self.method = plan, cross, method
        self.headcount = {u.code: u.headcount for u in units}
        self.total = sum(u.headcount for u in units) if units and all(u.headcount for u in units) else None  # type: ignore[misc]
        self.values = [d for d in plan.measures if d != ENGAGEMENT]

    @classmethod
    def for_plan(cls, q: Questionnaire, plan: Plan, units: Sequence[Unit]) -> Precision:
        """Add the cross sums to `plan` (before it is counted) and keep what the intervals need."""
        likert = [i for i in q.items if isinstance(i, LikertItem)]
        statements = {d: 1 if q.scoring.method == "votes" else sum(1 for i in likert if i.dimension == d) for d in plan.measures if d != ENGAGEMENT}
        if ENGAGEMENT in plan.measures:
            statements[ENGAGEMENT] = sum(1 for i in likert if i.id in q.scoring.engagement_items)
        cross = add_products(plan, statements)
        if q.scoring.method == "mean_scaled":
            cross.squares = answer_squares(q, plan, cross)
        return cls(plan, cross, units, q.scoring.method)

    def population(self, unit_group: bool, key: str | None) -> int | None:
        return self.headcount.get(key) if unit_group and key is not None else None

    def group(self, g: m.GroupScore, counts: Tallies, population: int | None) -> None:
        """Intervals of a shown group's shown values, engagement and index."""
        if g.status != "shown":
            return
        n, tallies = counts
        stratum = Stratum(CellSums(self.plan, self.cross, tallies), n, population)
        for d in g.dimensions + ([g.engagement] if g.engagement else []):
            if d.status == "shown":
                self._set(d, "", estimate([stratum], [ENGAGEMENT if d.id == "engagement" else d.id]))
        if g.index is not None:
            self._set(g, "index_", estimate([stratum], self.values))

    @staticmethod
    def _set(target, prefix: str, est: Estimate | None) -> None:
        if est is not None:
            setattr(target, f"{prefix}low", shown(est.low))
            setattr(target, f"{prefix}high", shown(est.high))

    def indicator(self, score: m.IndicatorScore, c: Counted, spec_codes: Sequence[int], reverse: bool, favourable_min: int, population: int | None) -> None:
        """The interval of one shown statement: each respondent is one answer (0/1, or points/span)."""
        if score.status != "shown":
            return
        low, high = spec_codes[0], spec_codes[-1]
        turned = [low + high - code if reverse else code for code in spec_codes]
        if self.method == "mean_scaled":
            points = [Fraction(t - low, high - low) for t in turned]
        else:
            points = [Fraction(int(t >= favourable_min)) for t in turned]
        self._set(score, "", estimate([Stratum(ItemSums(c, points), c.respondents, population)], ["item"]))


def answer_squares(q: Questionnaire, plan: Plan, cross: Cross) -> dict[str, list[tuple[int, int, int]]]:
    """Where each measure's answers per scale point are counted (the indicators' counts, no more
    sums in the scan) and the square of that point's score times the measure's span squared."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    for spec in plan.items:
        scale = q.scale_for(spec.item)
        for d in cross.measures:
            if d == spec.item.dimension or (d == ENGAGEMENT and spec.item.id in q.scoring.engagement_items):
                step = cross.span[d] // (scale.highest - scale.lowest)
                points = [scale.highest - code if spec.item.reverse else code - scale.lowest for code in scale.codes]
                out.setdefault(d, []).extend((t, slot, (x * step) ** 2) for (t, slot), x in zip(spec.points, points))
    return out


def rank_groups(ranking: list[m.RankedUnit], groups: Mapping[str, m.GroupScore]) -> None:
    """Groups of units that the intervals do not tell apart, in rank order: a new group starts below
    rank k only when the lowest lower end of ranks 1..k is above the highest upper end of the ranks
    below, so any two units in different groups have intervals that do not overlap. A unit without
    an interval (none is expected) counts as reaching from 0 to 100."""
    for r in ranking:
        g = groups[r.code]
        r.index_low, r.index_high = g.index_low, g.index_high
    lows = [0.0 if r.index_low is None else r.index_low for r in ranking]
    highs = [100.0 if r.index_high is None else r.index_high for r in ranking]
    below = [max(highs[k:]) for k in range(len(ranking))]
    group, lowest = 1, math.inf
    for k, r in enumerate(ranking):
        if k and lowest > below[k]:
            group += 1
        lowest = min(lowest, lows[k])
        r.group = group


def _hides_a_score(g: m.GroupScore) -> bool:
    """A shown group with a value or its engagement hidden (too few answered it, or to protect another's)."""
    return any(d.status == "suppressed" for d in g.dimensions + ([g.engagement] if g.engagement else []))


def weighted(
    precision: Precision, units: Sequence[Unit], unit_rows: Sequence[tuple[str | None, Tallies]], unit_groups: Sequence[m.GroupScore],
    overall: m.GroupScore, bands: Sequence[Band], lang: str,
) -> m.WeightedScores:  # fmt: skip
    """Everyone's scores post-stratified by unit: each unit's respondents weigh headcount / respondents.
    Units with any score hidden (a value or engagement) are weighted together as one stratum, so
    nothing hidden is given away."""
    listed = {u.code: u for u in units}
    missing = [u.code for u in units if not u.headcount]
    if missing:
        raise WeightError(f"unit {missing[0]} has no headcount in the unit list: every unit needs one to weight by headcount")
    for key, (n, _) in unit_rows:
        if n and key is None:
            raise WeightError(f"{n} respondents did not answer the unit question: they have no headcount to weight by")
        if n and key not in listed:
            raise WeightError(f"unit {key} has {n} respondents but is not in the unit list: it has no headcount")
    status = {g.key: g for g in unit_groups}
    rows = {k: t for k, t in unit_rows if t[0]}
    shown_keys = [k for k in rows if status.get(k) is not None and status[k].status == "shown" and not _hides_a_score(status[k])]
    hidden_keys = [k for k in rows if k not in shown_keys]
    strata = [Stratum(CellSums(precision.plan, precision.cross, rows[k][1]), rows[k][0], listed[k].headcount) for k in shown_keys]  # type: ignore[arg-type]
    if hidden_keys:
        pooled = [sum(rows[k][1][i] for k in hidden_keys) for i in range(len(rows[hidden_keys[0]][1]))]
        strata.append(Stratum(CellSums(precision.plan, precision.cross, pooled), sum(rows[k][0] for k in hidden_keys), sum(listed[k].headcount for k in hidden_keys)))  # type: ignore[misc]
    for s in strata:
        s.weight = (s.population or 0) / s.n

    def exact(measures: Sequence[str]) -> Fraction:
        """The weighted score, exactly: sum_h W_h F_h / sum_h W_h A_h per value, their mean."""
        ratios = []
        for d in measures:
            top = sum((Fraction(s.population or 0, s.n) * s.sums.exact_f(d) for s in strata), Fraction(0))  # type: ignore[attr-defined]
            ratios.append(top / sum(Fraction(s.population or 0, s.n) * int(s.sums.a_sum(d)) for s in strata))
        return sum(ratios, Fraction(0)) * 100 / len(ratios)
    # a hidden unit is listed as pooled even when it has no respondents here (e.g. all left out by
    # --exclude-flagged): listed as without respondents, it would tell what the report hides
    suppressed = [u.code for u in units if u.code not in rows and status.get(u.code) is not None and status[u.code].status == "suppressed"]
    out = m.WeightedScores(
        weight="headcount", respondents=overall.respondents, pooled_units=sorted(hidden_keys + suppressed),
        units_without_respondents=[u.code for u in units if u.code not in rows and u.code not in suppressed],
    )  # fmt: skip
    if overall.status != "shown":
        return out
    for d in overall.dimensions + ([overall.engagement] if overall.engagement else []):
        copy = d.model_copy(update={"low": None, "high": None})
        if d.status == "shown":
            measure = ENGAGEMENT if d.id == "engagement" else d.id
            est = estimate(strata, [measure])
            if est is not None:
                value = exact([measure])
                copy.score, copy.exact = round_half_up(value), float(value)
                copy.low, copy.high = shown(est.low), shown(est.high)
        if d.id == "engagement":
            out.engagement = copy
        else:
            out.dimensions.append(copy)
    if overall.index is not None:
        est = estimate(strata, precision.values)
        if est is not None:
            value = exact(precision.values)
            out.index, out.index_exact = round_half_up(value), float(value)
            out.index_low, out.index_high = shown(est.low), shown(est.high)
            band = band_for(out.index, bands)
            out.category, out.category_label = band.code, tr(band.label, lang)
    return out


def report_precision(
    report: m.ScoreReport, precision: Precision, q: Questionnaire, units: Sequence[Unit],
    unit_rows: Sequence[tuple[str | None, Tallies]], unit_breakdown: m.Breakdown | None, weight: str | None,
) -> None:  # fmt: skip
    """What the intervals add to a scored report: how, the ranking's groups, and the weighted figures."""
    report.precision = m.PrecisionInfo(method=METHOD, population=precision.total)
    groups = {g.key: g for g in unit_breakdown.groups if g.key is not None} if unit_breakdown else {}
    rank_groups(report.ranking, groups)
    if weight == "headcount":
        if unit_breakdown is None:
            raise WeightError("the questionnaire has no unit question: there is nothing to weight by")
        report.weighted = weighted(precision, units, unit_rows, unit_breakdown.groups, report.overall, q.scoring.bands, report.language)
