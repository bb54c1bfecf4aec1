"""Response-quality flags from the paradata summaries (`response_paradata`), counted per unit, and the SQL that leaves flagged responses out.

Each flag is a condition on one response's summary (merge/paradata.py) and the questionnaire's
`[scoring.quality]` thresholds; docs/scoring.md defines them. Two need more than the response:
off_hours compares with the unit's usual time of day (the circular mean of its submission
times); duplicate was decided at merge, against the response submitted before it on the same
device.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from akhlak_tui.questionnaire.model import QualityThresholds
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring.formulas import percent, round_half_up, suppressed_groups
from akhlak_tui.scoring.trust import FlagCount, Quality, QualitySettings, UnitFlags

FLAGS = ("speeding", "straightlining", "changes", "off_hours", "duplicate")
MIN_TIMED = 3
"""The median time per statement is checked only with at least this many timed statements."""
MINUTES = 1440
MAX_LISTED = 200_000
"""Up to this many flagged responses are left out by a list of their ids (cheaper than finding them in every query)."""


class QualityError(ValueError):
    """Flags asked for that do not exist (the message lists the valid ones)."""


def parse_flags(text: str) -> list[str]:
    """`speeding,straightlining` as a list of known flag names; QualityError (one line) otherwise."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in FLAGS]
    if unknown or not names:
        shown = ", ".join(repr(n) for n in unknown) or "nothing"
        raise QualityError(f"unknown flag {shown}: choose from {', '.join(FLAGS)}")
    return list(dict.fromkeys(names))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def centres(histogram: Iterable[tuple[str | None, int | None, int]], t: QualityThresholds) -> dict[str, int]:
    """Unit code -> its usual minute of the day (UTC), from (unit, minute, responses): the circular mean
    of its submitted responses' minutes, for units with at least `off_hours_min_responses` and a clear one."""
    sums: dict[str, list[float]] = {}
    for unit, minute, n in histogram:
        if unit is None or minute is None:
            continue
        angle = 2 * math.pi * minute / MINUTES
        s = sums.setdefault(str(unit), [0.0, 0.0, 0])
        s[0] += n * math.sin(angle)
        s[1] += n * math.cos(angle)
        s[2] += n
    out = {}
    for unit, (sin, cos, n) in sums.items():
        if n >= t.off_hours_min_responses and math.hypot(sin, cos) / n > 0.1:  # spread round the clock: no usual time
            out[unit] = round(math.atan2(sin, cos) / (2 * math.pi) * MINUTES) % MINUTES
    return out


def usual_minutes(conn: sqlite3.Connection, t: QualityThresholds) -> dict[str, int]:
    """Unit code -> its usual minute of the day (see `centres`)."""
    return centres(conn.execute("select unit, submit_minute, count(*) from response_paradata where submitted = 1 group by 1, 2"), t)


def off_hours(t: QualityThresholds, usual: dict[str, int], unit: str | None, minute: int | None) -> bool:
    centre = usual.get(str(unit)) if unit is not None else None
    if centre is None or minute is None:
        return False
    gap = abs(minute - centre)
    return min(gap, MINUTES - gap) >= int(t.off_hours * 60)


def flag_expressions(t: QualityThresholds, usual: dict[str, int]) -> dict[str, str]:
    """Flag name -> SQL giving 1 or 0 over the columns of `response_paradata`."""
    speeding = [f"duration_ms < {t.min_total_seconds * 1000}", f"(timed_items >= {MIN_TIMED} AND median_ms < {int(t.min_median_seconds * 1000)})"]
    if t.min_item_seconds > 0:
        speeding.append(f"min_ms < {int(t.min_item_seconds * 1000)}")
    if usual:
        centre = "CASE unit " + " ".join(f"WHEN {_literal(u)} THEN {m}" for u, m in sorted(usual.items())) + " END"
        gap = f"abs(submit_minute - ({centre}))"
        off = f"min({gap}, {MINUTES} - {gap}) >= {int(t.off_hours * 60)}"
    else:
        off = "0"
    conditions = {
        "speeding": " OR ".join(speeding),
        "straightlining": f"(same_point AND likert_answered >= {t.straightline_min_items}) OR longest_run >= {t.straightline_run}",
        "changes": f"changes > {t.max_changes}",
        "off_hours": off,
        "duplicate": "repeats_previous",
    }
    return {name: f"coalesce({condition}, 0)" for name, condition in conditions.items()}


FLAGGED_ROWS = "select * from response_paradata where submitted = 1"
"""One row per submitted response with a summary: what the flag expressions read."""


def exclusion(conn: sqlite3.Connection, t: QualityThresholds, flags: Sequence[str]) -> tuple[list[str], str]:
    """(SQL to run first on each counting connection, a condition on `response_id` of `answers`) that
    leave out the responses with any of `flags`. They are found once: up to MAX_LISTED listed by
    id, more put in a temp table of each connection, so no counting query looks for them again."""
    expressions = flag_expressions(t, usual_minutes(conn, t) if "off_hours" in flags else {})
    test = " OR ".join(expressions[f] for f in flags)
    query = f"SELECT response_id FROM ({FLAGGED_ROWS}) WHERE {test}"
    ids = [row[0] for row in conn.execute(f"{query} LIMIT {MAX_LISTED + 1}")]
    if len(ids) <= MAX_LISTED:
        return [], (f"response_id NOT IN ({', '.join(map(_literal, ids))})" if ids else "1")
    setup = ["DROP TABLE IF EXISTS temp.flagged_out", "CREATE TEMP TABLE flagged_out (response_id TEXT PRIMARY KEY) WITHOUT ROWID", f"INSERT INTO temp.flagged_out {query}"]
    return setup, "response_id NOT IN temp.flagged_out"


@dataclass
class LeftOut:
    """What --exclude-flagged leaves out: responses in all and per group of each grouping key, and
    per figure (scoring/aggregate.py, `figure_tests`) the left-out respondents it would count."""

    total: int
    groups: dict[str, dict[str | None, int]]
    answered: dict[str, dict[str | None, dict[str, int]]]
    """Grouping key -> group -> figure -> left-out respondents who answered it."""
    everyone: dict[str, int]
    """Figure -> left-out respondents who answered it, in all."""


def left_out_counts(conn: sqlite3.Connection, keys: Sequence[str], where: str, exclude: str, figures: Mapping[str, str] | None = None) -> LeftOut:
    """The responses left out, per group of each grouping key, and per figure (`figures`: name ->
    SQL, 1 on a row that counts in it): one GROUP BY over the submitted answers that `exclude`
    (a condition on `response_id`, see `exclusion`) leaves out."""
    figures = dict(figures or {})
    columns = ", ".join(f'"{k.replace(chr(34), chr(34) * 2)}"' for k in keys)
    sums = "".join(f", sum({sql})" for sql in figures.values())
    select = f"SELECT {columns + ', ' if columns else ''}count(*){sums} FROM answers WHERE {where} AND NOT ({exclude})"
    rows = conn.execute(select + (f" GROUP BY {columns}" if columns else "")).fetchall()
    out = LeftOut(0, {k: {} for k in keys}, {k: {} for k in keys}, dict.fromkeys(figures, 0))
    for row in rows:
        n, counted = int(row[len(keys)] or 0), [int(v or 0) for v in row[len(keys) + 1 :]]
        out.total += n
        for figure, m in zip(figures, counted):
            out.everyone[figure] += m
        for key, group in zip(keys, row):
            code = None if group is None else str(group)
            out.groups[key][code] = out.groups[key].get(code, 0) + n
            per = out.answered[key].setdefault(code, dict.fromkeys(figures, 0))
            for figure, m in zip(figures, counted):
                per[figure] += m
    return out


def quality_report(
    conn: sqlite3.Connection, t: QualityThresholds, units: Sequence[Unit], min_size: int, everyone: str, excluded: Sequence[str] = ()
) -> Quality:
    """Counts of each flag for everyone and per unit (units with fewer than `min_size` responses
    suppressed, and when only one is, the next smallest too, as in the breakdowns).

    One pass: the other flags are summed per unit and minute of submission; off_hours, which needs
    each unit's usual minute, is then decided per (unit, minute) from the same rows."""
    e = flag_expressions(t, {})
    others = [f for f in FLAGS if f != "off_hours"]
    gone = ", ".join(f for f in excluded if f != "off_hours")
    # each flag is decided once a row (LIMIT keeps the subquery apart), then summed; max() of 0/1 is "any"
    rows = conn.execute(
        f"select unit, submit_minute, count(*), sum(max({', '.join(others)})), sum(max({gone + ', ' if gone else ''}0, 0)), "
        f"{', '.join(f'sum({f})' for f in others)} from (select unit, submit_minute, {', '.join(f'{e[f]} AS {f}' for f in others)} "
        "from response_paradata where submitted = 1 limit -1) group by 1, 2"
    ).fetchall()
    usual = centres(((r[0], r[1], r[2]) for r in rows), t)
    tally: dict[str | None, list[int]] = {}  # unit -> [responses, flagged, excluded, *FLAGS]
    for unit, minute, n, any_other, gone_other, *counts in rows:
        key = None if unit is None else str(unit)
        off = off_hours(t, usual, key, minute)
        by_flag = dict(zip(others, (int(c or 0) for c in counts)), off_hours=n if off else 0)
        row = [n, n if off else int(any_other or 0), n if off and "off_hours" in excluded else int(gone_other or 0), *(by_flag[f] for f in FLAGS)]
        tally[key] = [a + b for a, b in zip(tally.get(key, [0] * len(row)), row)]
    submitted = dict(conn.execute("select unit, count(*) from responses where status = 'submitted' group by unit").fetchall())

    listed = {u.code for u in units}
    extra = sorted(str(k) for k in submitted if k is not None and str(k) not in listed)
    # one small unit (or a few responses without one, in everyone's counts only) hides the next
    # smallest: its counts cannot be worked out from everyone's
    sizes = [(code, int(submitted.get(code, 0))) for code in [*(u.code for u in units), *extra, None]]
    hidden = suppressed_groups(sizes, min_size)

    def entry(code: str | None, name: str, row: list[int] | None, responses: int) -> UnitFlags:
        if responses < min_size or (code is not None and code in hidden):  # None: everyone
            return UnitFlags(code=code, name=name, status="suppressed", responses=None, flagged=None)
        row = row or [0] * (3 + len(FLAGS))
        flags = [FlagCount(flag=f, responses=n, share=round_half_up(percent(n, responses))) for f, n in zip(FLAGS, row[3:])]  # type: ignore[arg-type]
        share = round_half_up(percent(row[1], responses)) if responses else 0.0
        return UnitFlags(code=code, name=name, status="shown", responses=responses, flagged=row[1], flagged_share=share, flags=flags)

    out_units = [entry(u.code, u.name, tally.get(u.code), int(submitted.get(u.code, 0))) for u in units]
    out_units += [entry(code, code, tally.get(code), int(submitted.get(code, 0))) for code in extra]
    total = sum(int(n) for n in submitted.values())
    overall = [sum(column) for column in zip(*tally.values())] if tally else [0] * (3 + len(FLAGS))
    return Quality(
        flags=list(FLAGS),
        settings=QualitySettings(**t.model_dump()),
        overall=entry(None, everyone, overall, total),
        units=out_units,
        excluded=list(excluded),
        excluded_responses=overall[2] if excluded else 0,
        unsummarised=total - overall[0],
    )
