"""The formulas of the index, exact: rounding half up, bands, Slovin's minimum, entropy, suppression."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Literal

from akhlak_tui.questionnaire.model import Band

Suppression = Literal["small", "complementary", "left_out"]


def exact(value: float | int | str | Fraction) -> Fraction:
    """A number as an exact fraction; floats go through their shortest decimal form (57.9 is 579/10)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def round_half_up(value: Fraction, places: int = 1) -> float:
    """Round to `places` decimals, halves away from zero for positive numbers (60.95 -> 61.0)."""
    scale = 10**places
    return float(Fraction(math.floor(value * scale + Fraction(1, 2)), scale))


def percent(part: int, whole: int) -> Fraction | None:
    """100 * part / whole exactly; None when there is nothing to divide by."""
    return None if whole == 0 else Fraction(100 * part, whole)


def mean(values: Sequence[Fraction]) -> Fraction | None:
    """The unweighted mean; None for no values."""
    return sum(values, Fraction(0)) / len(values) if values else None


def overall_index(dimension_scores: Sequence[Fraction | None]) -> Fraction | None:
    """The index: the unweighted mean of the unrounded dimension scores; None if any is missing."""
    if not dimension_scores or any(s is None for s in dimension_scores):
        return None
    return mean([s for s in dimension_scores if s is not None])


def band_for(rounded: float, bands: Sequence[Band]) -> Band:
    """The band of a score as shown (rounded): the first band, from the top, whose min it reaches."""
    for band in bands:
        if exact(rounded) >= exact(band.min):
            return band
    return bands[-1]


def slovin_minimum(population: int, margin: float) -> int:
    """Slovin's minimum sample n = N / (1 + N e^2), rounded up to a whole respondent."""
    e = exact(margin)
    return math.ceil(Fraction(population) / (1 + population * e * e))


def reversed_code(code: int, lowest: int, highest: int) -> int:
    """The code of a reverse-keyed answer as scored: lowest + highest - code."""
    return lowest + highest - code


def suppressed_groups(sizes: Iterable[tuple[str | None, int]], min_size: int, also: Iterable[str | None] = ()) -> dict[str | None, Suppression]:
    """Which groups of one breakdown to hide, and why.

    A group with 1 to `min_size - 1` respondents is hidden ("small"), as is one in `also` (what
    the caller knows would give a small group away). When exactly one group is hidden that way,
    the next smallest group with respondents is hidden too ("complementary"), so the hidden one
    cannot be worked out from the total. Groups with no respondents have nothing to hide and
    nothing to give away.
    """
    sizes = list(sizes)
    hidden: dict[str | None, Suppression] = {key: "small" for key, n in sizes if 0 < n < min_size}
    hidden |= {key: "small" for key in also}
    if len(hidden) == 1:
        rest = [(n, i, key) for i, (key, n) in enumerate(sizes) if n > 0 and key not in hidden]
        if rest:
            hidden[min(rest)[2]] = "complementary"
    return hidden


def left_out_groups(groups: Iterable[tuple[str | None, int, int]], min_size: int) -> dict[str | None, Suppression]:
    """Which groups of one breakdown to hide in a report that leaves some responses out, and why;
    each group as (key, responses left out, responses still counted).

    Compared with the report that counts everyone, a group's figures would give away the answers
    of the responses left out of it: a group with 1 to `min_size - 1` left out is hidden
    ("left_out"). When those hidden lost fewer than `min_size` together, another group that also
    lost responses and still shows figures is hidden too ("complementary"), the one with the
    fewest left out: the groups that lost none show the same figures in both reports, so the
    hidden ones together could be worked out from the total. Without such a group, ValueError.
    """
    groups = list(groups)
    hidden: dict[str | None, Suppression] = {key: "left_out" for key, gone, _ in groups if 0 < gone < min_size}
    if 0 < sum(gone for key, gone, _ in groups if key in hidden) < min_size:
        rest = [(gone, i, key) for i, (key, gone, kept) in enumerate(groups) if gone > 0 and kept > 0 and key not in hidden]
        if not rest:
            raise ValueError("no other group lost responses to hide with it")
        hidden[min(rest)[2]] = "complementary"
    return hidden


def left_out_cells(cells: Sequence[tuple[str | None, int, str]], min_size: int, everyone_hidden: bool) -> set[str | None]:
    """One figure (a value, a statement, a question's votes) across the groups of a breakdown, in a
    report that leaves responses out: each group as (key, left-out respondents the figure would
    count, "shown" | "hidden" | "empty" in this report before). The shown groups that must hide
    it as well: those that lost 1 to `min_size - 1` of its answers; then, while the groups hiding
    it lost 1 to `min_size - 1` together, the shown one that lost fewest (an empty group shows a
    known nothing, so it covers none). Compared with the report counting everyone, the figure
    then tells only sums over `min_size` or more of the responses left out. With the figure
    hidden for everyone (`everyone_hidden`: it lost fewer than `min_size` in all) nothing
    more is needed; else, without such a group, ValueError (no report)."""
    hidden = {key for key, lost, state in cells if state == "hidden" or (state == "shown" and 0 < lost < min_size)}
    if not everyone_hidden and 0 < sum(lost for key, lost, _ in cells if key in hidden) < min_size:
        rest = [(lost, i, key) for i, (key, lost, state) in enumerate(cells) if state == "shown" and lost > 0 and key not in hidden]
        if not rest:
            raise ValueError("no other group lost answers to it to hide with them")
        hidden.add(min(rest)[2])
    return {key for key, _, state in cells if key in hidden and state == "shown"}


def culture_size(answered: Sequence[int]) -> int:
    """How many a unit's culture speaks for: the fewest answering a values question it shows (one
    that no one answered shows nothing); 0 when no one answered any."""
    return min((n for n in answered if n > 0), default=0)


def culture_hidden(
    units: Sequence[tuple[str | None, bool, Sequence[int]]], no_unit: Sequence[int], min_size: int,
    known: Mapping[str | None, Sequence[bool]] | None = None,
) -> tuple[set[str | None], set[int]]:  # fmt: skip
    """The units whose culture (the votes of the values questions) a report hides: each unit as
    (code, hidden whatever its counts, respondents who answered each question); `no_unit`, the
    same counts of those who gave no unit, whose votes are never shown on their own. Hidden where
    fewer than `min_size` answered a question it shows (`culture_size`). Then, question by
    question, while exactly one hidden group has answers to it (those without a unit count when
    fewer than `min_size`, or beside a hidden unit), the shown unit with the fewest answers to it
    is hidden too: everyone's votes minus the units shown would otherwise give that group's.

    `known` (a report leaving responses out): per unit and question, whether its votes are the
    full report's (it lost none of them and that report shows them); such a unit neither counts
    as hidden nor is hidden beside another, as that protects nothing. Returns the units, and the
    questions (positions) where no unit can be hidden beside the lone one: everyone's must go."""
    known = known or {}
    hidden = {code for code, always, counts in units if always or culture_size(counts) < min_size}
    everyone: set[int] = set()
    changed = True
    while changed:
        changed = False
        for q, outside in enumerate(no_unit):
            is_known = {code for code, _, _ in units if known.get(code, [False] * len(no_unit))[q]}
            holders = [code for code, _, counts in units if code in hidden and counts[q] > 0 and code not in is_known]
            if outside > 0 and (holders or outside < min_size):
                holders.append(None)
            rest = [(counts[q], i, code) for i, (code, _, counts) in enumerate(units) if code not in hidden and counts[q] > 0 and code not in is_known]
            if len(holders) == 1 and rest:
                hidden.add(min(rest)[2])
                changed = True
            elif len(holders) == 1 and known:
                everyone.add(q)
    return hidden, everyone


def complementary_cell(cells: Sequence[tuple[int, int, bool]]) -> int | None:
    """For one measure across the groups of a breakdown: (position, respondents, hidden) of each
    group. When exactly one cell with respondents is hidden, the shown cell with the fewest
    respondents (the first of equals) must be hidden too, or the hidden one could be worked out
    from the total and the others; its position, else None."""
    hidden = [i for i, n, h in cells if h and n > 0]
    if len(hidden) != 1:
        return None
    rest = [(n, i) for i, n, h in cells if not h and n > 0]
    return min(rest)[1] if rest else None
