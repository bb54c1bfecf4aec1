"""The respondents' profile against the staff profile of the unit list (e.g. are PPPK under-represented?).

For each profile item the unit list gives counts for, only the units that give them are compared:
the staff share of an option is its staff count over the item's staff total in those units; the
respondents' share is the respondents of those units giving that option over those giving any of
the listed options ("prefer not to say" and unanswered are left out of both). An option with
fewer than min_group_size respondents shows no count or share, nor one whose respondents in the
units not compared number 1 to min_group_size - 1 (the breakdown by the item, of everyone, less
the count shown would give them), nor the option hidden with either so it cannot be worked out
from the total (the same rule as the breakdowns).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

from akhlak_tui.questionnaire.model import Questionnaire, SingleItem, tr
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring.aggregate import quoted
from akhlak_tui.scoring.formulas import percent, round_half_up, suppressed_groups
from akhlak_tui.scoring.trust import ProfileItem, ProfileShare, StaffProfile


def _share(part: int, whole: int) -> Fraction | None:
    return percent(part, whole) if whole else None


def _signed(value: Fraction) -> float:
    """Rounded half away from zero, as the values' gaps are."""
    return round_half_up(value) if value >= 0 else -round_half_up(-value)


def profile_items(q: Questionnaire, units: Sequence[Unit]) -> list[SingleItem]:
    given = {item for u in units for item in (u.staff or {})}
    return [i for i in q.items if isinstance(i, SingleItem) and i.id in given]


def staff_profile(
    conn: sqlite3.Connection, q: Questionnaire, units: Sequence[Unit], unit_field: str | None, where: str, min_size: int, lang: str
) -> StaffProfile | None:
    """The comparison for every profile item the unit list gives; None when it gives none (or there is no unit item)."""
    items = profile_items(q, units)
    if not items or unit_field is None:
        return None
    columns = ", ".join(quoted(i.id) for i in items)
    cells = conn.execute(f"SELECT {quoted(unit_field)}, {columns}, count(*) FROM answers WHERE {where} GROUP BY 1, {', '.join(str(n + 2) for n in range(len(items)))}").fetchall()
    out = []
    for position, item in enumerate(items, start=1):
        giving = {u.code: u.staff[item.id] for u in units if u.staff and item.id in u.staff}  # type: ignore[index]
        options = [o for o in item.options if any(o.code in counts for counts in giving.values())]
        staff: Counter[str] = Counter()
        for counts in giving.values():
            staff.update(counts)
        answered: Counter[str] = Counter()
        everywhere: Counter[str] = Counter()
        codes = {o.code for o in options}
        for row in cells:
            if row[position] in codes:
                everywhere[row[position]] += row[-1]
                if row[0] is not None and str(row[0]) in giving:
                    answered[row[position]] += row[-1]
        respondents, staff_total = sum(answered.values()), sum(staff[o.code] for o in options)
        label = tr(item.label, lang)
        if respondents < min_size:
            out.append(ProfileItem(item=item.id, label=label, status="suppressed", units=len(giving), respondents=None))
            continue
        # the breakdown by this item counts everyone: an option whose count in the units left out
        # is small would be given away by the difference, so it is hidden too
        left_out = [o.code for o in options if 0 < everywhere[o.code] - answered[o.code] < min_size]
        hidden = suppressed_groups([(o.code, answered[o.code]) for o in options], min_size, also=left_out)
        shares = []
        for o in options:
            mine = _share(answered[o.code], respondents)
            theirs = _share(staff[o.code], staff_total)
            shown = o.code not in hidden
            shares.append(
                ProfileShare(
                    code=o.code, label=tr(o.label, lang),
                    respondents=answered[o.code] if shown else None,
                    respondents_share=round_half_up(mine) if shown and mine is not None else None,
                    staff=staff[o.code], staff_share=None if theirs is None else round_half_up(theirs),
                    difference=_signed(mine - theirs) if shown and mine is not None and theirs is not None else None,
                )
            )  # fmt: skip
        out.append(ProfileItem(item=item.id, label=label, status="shown", units=len(giving), respondents=respondents, shares=shares))
    return StaffProfile(items=out)
