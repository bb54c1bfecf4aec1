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
from collections.abc import Sequence

from akhlak_tui.questionnaire.model import QualityThresholds
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring.formulas import percent, round_half_up
from akhlak_tui.scoring.trust import FlagCount, Quality, QualitySettings, UnitFlags

FLAGS = ("speeding", "straightlining", "changes", "off_hours", "duplicate")
MIN_TIMED = 3
"""The median time per statement is checked only with at least this many timed statements."""
MINUTES = 1440


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


def usual_minutes(conn: sqlite3.Connection, t: QualityThresholds) -> dict[str, int]:
    """Unit code -> its usual minute of the day (UTC): the circular mean of its submitted responses'
    submission minutes, for units with at least `off_hours_min_responses` of them and a clear one."""
    sums: dict[str, list[float]] = {}
    for unit, minute, n in conn.execute(
        "select unit, submit_minute, count(*) from response_paradata where submitted = 1 and unit is not null and submit_minute is not null group by 1, 2"
    ):
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


def flag_expressions(t: QualityThresholds, usual: dict[str, int]) -> dict[str, str]:
    """Flag name -> SQL giving 1 or 0 over the columns of `flagged_rows` (paradata summary, unit, dup)."""
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
        "duplicate": "dup",
    }
    return {name: f"coalesce({condition}, 0)" for name, condition in conditions.items()}


FLAGGED_ROWS = "select *, repeats_previous as dup from response_paradata where submitted = 1"
"""One row per submitted response with a summary: what the flag expressions read."""


def exclusion_condition(conn: sqlite3.Connection, t: QualityThresholds, flags: Sequence[str]) -> str:
    """An SQL condition on `response_id` (of `answers`) leaving out the responses with any of `flags`."""
    expressions = flag_expressions(t, usual_minutes(conn, t) if "off_hours" in flags else {})
    test = " OR ".join(expressions[f] for f in flags)
    return f"response_id NOT IN (SELECT response_id FROM ({FLAGGED_ROWS}) WHERE {test})"


def quality_report(
    conn: sqlite3.Connection, t: QualityThresholds, units: Sequence[Unit], min_size: int, everyone: str, excluded: Sequence[str] = ()
) -> Quality:
    """Counts of each flag for everyone and per unit (units with fewer than `min_size` responses suppressed)."""
    expressions = flag_expressions(t, usual_minutes(conn, t))
    sums = ", ".join(f"sum({expressions[f]})" for f in FLAGS)
    any_flag = " OR ".join(expressions[f] for f in FLAGS)
    gone = " OR ".join(expressions[f] for f in excluded) or "0"
    rows = conn.execute(f"select unit, count(*), sum({any_flag}), sum({gone}), {sums} from ({FLAGGED_ROWS}) group by unit").fetchall()
    submitted = dict(conn.execute("select unit, count(*) from responses where status = 'submitted' group by unit").fetchall())
    by_unit = {None if r[0] is None else str(r[0]): r for r in rows}

    def entry(code: str | None, name: str, row: tuple | None, responses: int) -> UnitFlags:
        if responses < min_size:
            return UnitFlags(code=code, name=name, status="suppressed", responses=None, flagged=None)
        counts = list(row[4:]) if row else [0] * len(FLAGS)
        flags = [FlagCount(flag=f, responses=int(n or 0), share=round_half_up(percent(int(n or 0), responses))) for f, n in zip(FLAGS, counts)]  # type: ignore[arg-type]
        return UnitFlags(code=code, name=name, status="shown", responses=responses, flagged=int(row[2] or 0) if row else 0, flags=flags)

    listed = {u.code for u in units}
    extra = sorted(str(k) for k in submitted if k is not None and str(k) not in listed)
    out_units = [entry(u.code, u.name, by_unit.get(u.code), int(submitted.get(u.code, 0))) for u in units]
    out_units += [entry(code, code, by_unit.get(code), int(submitted.get(code, 0))) for code in extra]
    total = sum(int(n) for n in submitted.values())
    overall_row = None
    if rows:
        overall_row = tuple([None, sum(r[1] for r in rows)] + [sum(int(r[i] or 0) for r in rows) for i in range(2, 4 + len(FLAGS))])
    summarised = overall_row[1] if overall_row else 0
    return Quality(
        flags=list(FLAGS),
        settings=QualitySettings(**t.model_dump()),
        overall=entry(None, everyone, overall_row, total),
        units=out_units,
        excluded=list(excluded),
        excluded_responses=int(overall_row[3]) if overall_row and excluded else 0,
        unsummarised=total - summarised,
    )
