"""Counting in SQL: per-row tallies summed by group, and option votes, over submitted responses only.

The scan is done once: `score_cells` (a temporary table) holds the sums of every tally for each
combination of the grouping answers; each breakdown is then a small GROUP BY over it. The merge
keeps that table for the default report (scoring/cell_cache.py), which is then read instead. The votes
of multiple-choice questions are counted from the JSON text, a slice of rows at a time. On a
database file, two threads with a connection each share the work.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akhlak_tui.questionnaire.model import LikertItem, MultiItem, Questionnaire, Scale
from akhlak_tui.scoring.indicators import PER_TALLY, ItemTallies, indicator_items, tally_expressions

SUBMITTED = "response_id NOT IN (SELECT id FROM responses WHERE status IS NOT 'submitted')"
VOTE_SLICE = 100_000
ENGAGEMENT = "_engagement"


def quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


SHIFT = 32
ONE_VALID = 1
"""A tally packs two counts in one integer: (value << SHIFT) + valid answers, so each statement
needs one CASE per row instead of two. Sums stay exact up to 2^31 scored values per group."""


@dataclass(frozen=True)
class Part:
    """One measure on one scale: the packed tally of its statements and the scale's span."""

    tally: int
    span: int  # highest - lowest of the scale for mean_scaled; 0 for a share of favourable answers


def unpack(total: int) -> tuple[int, int]:
    """(value, valid answers) of a summed packed tally."""
    return total >> SHIFT, total & ((1 << SHIFT) - 1)


@dataclass(frozen=True)
class Combined:
    """One way of the combined scan: a SELECT of the keys `k0, k1, ...`, `n`, every tally's sum and
    more sums after them, GROUP BY the keys, with `{rows}` where a range of rowids goes. Its sums
    pack several fields, exact while no cell has more than `most` rows; `fields` (SQL over the
    sums' columns `t0, t1, ...`) take them apart, and follow the tallies in each group's list."""

    select: str
    most: int | None
    fields: list[str]


@dataclass
class Plan:
    """What to count: grouping columns, per-row tally expressions, and the measures built on them."""

    keys: list[str]
    tallies: list[str] = field(default_factory=list)
    measures: dict[str, list[Part]] = field(default_factory=dict)
    respondents: dict[str, int] = field(default_factory=dict)
    """Per measure, the tally whose valid count is the respondents with at least one scored answer."""
    items: list[ItemTallies] = field(default_factory=list)
    """Per behaviour indicator (statement), where its counts per code are (scoring/indicators.py)."""
    unit: str | None = None
    """The unit item: votes are also counted per unit (culture measures per unit)."""
    votes: bool = True
    """Count the votes of the multiple-choice questions (not needed for an earlier wave's figures)."""
    exclude: str | None = None
    """An SQL condition on `response_id` a counted row must also meet (scoring/quality.py leaves flagged responses out)."""
    left_out: dict[str, dict[str | None, int]] | None = None
    """With `exclude`: per grouping key, the responses left out of each group (scoring/quality.py,
    left_out_counts); a group that lost 1 to min_group_size - 1 of them is hidden (compute.py)."""
    left_out_total: int = 0
    left_out_answered: dict[str, dict[str | None, dict[str, int]]] = field(default_factory=dict)
    """With `exclude`: per grouping key and group, the left-out respondents each figure
    (`figure_tests`) would count; a figure that lost 1 to min_group_size - 1 is hidden (compute.py)."""
    left_out_everyone: dict[str, int] = field(default_factory=dict)
    """The same for everyone."""
    setup: list[str] = field(default_factory=list)
    """SQL run on every connection that counts before it counts (e.g. the temp table `exclude` reads)."""
    sliced: list[Callable[[sqlite3.Connection, int, str], Any]] = field(default_factory=list)
    """More counting done a slice of rows at a time beside the rest (scoring/reliability.py): each is
    called with a connection, the slice's first rowid (exclusive) and `where`; Counts.sliced[i] lists its results."""
    combined: list[Combined] = field(default_factory=list)
    """With the intervals (scoring/precision.py): the scan as one SELECT, in ways tried in turn;
    it replaces the plain scan, and two threads share it."""
    folded: list[Any] = field(default_factory=list)
    """Counting of `sliced` that the combined scan can do instead, per cell, as it reads each row once
    (scoring/reliability.py, ReliabilitySums.folded); with a combined scan, `sliced` is not counted."""
    likert: set[str] = field(default_factory=set)
    """The measures tallied from their likert statements (their valid count is the statements scored)."""
    rows: dict[str, str] = field(default_factory=dict)
    """Per measure, one row's f << ROW_SHIFT + a (`_likert_row`): what the intervals' products multiply."""
    vote_items: list[str] = field(default_factory=list)
    """The multiple-choice questions whose votes the report counts (values and join reasons)."""

    @property
    def where(self) -> str:
        return SUBMITTED if self.exclude is None else f"{SUBMITTED} AND {self.exclude}"

    def add(self, expression: str) -> int:
        self.tallies.append(expression)
        return len(self.tallies) - 1


def _codes_test(column: str, codes: Sequence[int]) -> str:
    """`column` holds one of `codes` (BETWEEN when they are contiguous)."""
    if list(codes) == list(range(codes[0], codes[-1] + 1)):
        return f"{column} BETWEEN {codes[0]} AND {codes[-1]}"
    return f"{column} IN ({', '.join(map(str, codes))})"


def _favourable(column: str, item: LikertItem, scale: Scale, favourable_min: int, shift: int = SHIFT) -> str:
    """Packed: 1 << shift | 1 for a favourable answer (after reversing), 1 for another scored one."""
    favourable = [c for c in scale.codes if (scale.lowest + scale.highest - c if item.reverse else c) >= favourable_min]
    hit = f"WHEN {_codes_test(column, favourable)} THEN {(1 << shift) + ONE_VALID} " if favourable else ""
    return f"CASE {hit}WHEN {_codes_test(column, scale.codes)} THEN {ONE_VALID} ELSE 0 END"


def _points(column: str, item: LikertItem, scale: Scale, shift: int = SHIFT, times: int = 1) -> str:
    """Packed: points above the scale's lowest after reversing (code - lowest, or highest - code), `times` over."""
    points = f"{scale.highest} - {column}" if item.reverse else f"{column} - {scale.lowest}"
    if times != 1:
        points = f"({points}) * {times}"
    return f"CASE WHEN {_codes_test(column, scale.codes)} THEN (({points}) << {shift}) + {ONE_VALID} ELSE 0 END"


ROW_SHIFT = 21
"""A measure's row value (Plan.rows) packs f << 21 + a: small enough for the products of two in 63 bits."""


def _likert_row(q: Questionnaire, items: Sequence[LikertItem], method: str) -> str:
    """One row's f << ROW_SHIFT + a of a measure: f its favourable answers (or points, on the
    common span of its scales: their least common multiple) and a its answers scored."""
    if not items:
        return "0"
    scales = [q.scale_by_id[i.scale] for i in items]
    if method != "mean_scaled":
        return " + ".join(_favourable(quoted(i.id), i, s, q.scoring.favourable_min, ROW_SHIFT) for i, s in zip(items, scales))
    span = math.lcm(*(s.highest - s.lowest for s in scales))
    return " + ".join(_points(quoted(i.id), i, s, ROW_SHIFT, span // (s.highest - s.lowest)) for i, s in zip(items, scales))


def _likert_measure(plan: Plan, q: Questionnaire, items: Sequence[LikertItem], method: str) -> list[Part]:
    by_scale: dict[str, list[LikertItem]] = {}
    for item in items:
        by_scale.setdefault(item.scale, []).append(item)
    parts = []
    for scale_id, scale_items in by_scale.items():
        scale = q.scale_by_id[scale_id]
        if method == "mean_scaled":
            tally = plan.add(" + ".join(_points(quoted(i.id), i, scale) for i in scale_items))
            parts.append(Part(tally, scale.highest - scale.lowest))
        else:
            tally = plan.add(" + ".join(_favourable(quoted(i.id), i, scale, q.scoring.favourable_min) for i in scale_items))
            parts.append(Part(tally, 0))
    return parts


def _respondent_tally(plan: Plan, q: Questionnaire, items: Sequence[LikertItem]) -> int:
    """A tally counting (as valid answers) the respondents with a scored answer to any of `items`."""
    tests = " OR ".join(_codes_test(quoted(i.id), q.scale_by_id[i.scale].codes) for i in items) or "0"
    return plan.add(f"CASE WHEN {tests} THEN {ONE_VALID} ELSE 0 END")


def _answered(column: str) -> str:
    return f"ifnull({column} IS NOT NULL AND {column} != '[]', 0)"


def make_plan(q: Questionnaire, keys: Sequence[str]) -> Plan:
    """The tallies for the questionnaire's scoring block, grouped by the answers of `keys`."""
    plan = Plan(keys=list(keys))
    s = q.scoring
    likert = [i for i in q.items if isinstance(i, LikertItem)]
    current = q.item_by_id.get(s.values.current) if s.values and s.values.current else None
    for dim in q.dimensions:
        if s.method == "votes" and isinstance(current, MultiItem):
            column = quoted(current.id)
            picks = [o.code for o in current.options if dim.id in o.tags]
            hit = " OR ".join(f"instr({column}, '\"{code}\"') > 0" for code in picks) or "0"

            def packed(shift: int) -> str:
                return f"CASE WHEN {hit} THEN {(1 << shift) + ONE_VALID} WHEN {column} != '[]' THEN {ONE_VALID} ELSE 0 END"

            plan.measures[dim.id] = [Part(plan.add(packed(SHIFT)), 0)]
            plan.rows[dim.id] = packed(ROW_SHIFT)
            plan.respondents[dim.id] = plan.measures[dim.id][0].tally  # one answer per respondent
        else:
            items = [i for i in likert if i.dimension == dim.id]
            plan.measures[dim.id] = _likert_measure(plan, q, items, s.method)
            plan.rows[dim.id] = _likert_row(q, items, s.method)
            plan.respondents[dim.id] = _respondent_tally(plan, q, items)
            plan.likert.add(dim.id)
    for item in indicator_items(q):
        scale = q.scale_by_id[item.scale]
        codes = scale.codes + ([scale.not_applicable.code] if scale.not_applicable else [])
        slots = []
        for expression in tally_expressions(quoted(item.id), codes):
            tally = plan.add(expression)
            slots += [(tally, slot) for slot in range(PER_TALLY)]
        plan.items.append(ItemTallies(item, slots[: len(scale.codes)], slots[len(scale.codes)] if scale.not_applicable else None))
    engagement = [i for i in likert if i.id in s.engagement_items]
    if engagement:
        method = "mean_scaled" if s.method == "mean_scaled" else "percent_favourable"
        plan.measures[ENGAGEMENT] = _likert_measure(plan, q, engagement, method)
        plan.rows[ENGAGEMENT] = _likert_row(q, engagement, method)
        plan.respondents[ENGAGEMENT] = _respondent_tally(plan, q, engagement)
        plan.likert.add(ENGAGEMENT)
    plan.vote_items = _vote_items(q)
    return plan


def figure_tests(plan: Plan, q: Questionnaire) -> dict[str, str]:
    """Each figure a report shows per group, named "m:<measure>", "s:<statement>" or "v:<question>",
    with the SQL that is 1 on a row counted in it: a scored answer to the measure or to the
    statement (its score and distribution count scale points only), an answer to the question."""
    tests = {f"m:{d}": f"(({plan.tallies[plan.respondents[d]]}) & {(1 << SHIFT) - 1}) > 0" for d in plan.measures}
    tests |= {f"s:{spec.item.id}": _codes_test(quoted(spec.item.id), q.scale_for(spec.item).codes) for spec in plan.items}
    tests |= {f"v:{item}": _answered(quoted(item)) for item in plan.vote_items}
    return tests


def _vote_items(q: Questionnaire) -> list[str]:
    s = q.scoring
    ids = [getattr(s.values, k) for k in ("personal", "current", "desired")] if s.values else []
    ids.append(s.join_reason_item)
    seen: list[str] = []
    for item_id in ids:
        if item_id and item_id not in seen and isinstance(q.item_by_id.get(item_id), MultiItem):
            seen.append(item_id)
    return seen


Tallies = tuple[int, list[int]]
"""(respondents, tally sums) of one group."""


@dataclass
class Votes:
    """Votes per option code of each multiple-choice question, and how many respondents answered it."""

    options: dict[str, Counter[str]] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)
    by_unit: dict[str | None, Votes] = field(default_factory=dict)


@dataclass
class Counts:
    """Everything counted: tallies of everyone and per breakdown group, and the votes."""

    overall: Tallies
    groups: dict[str, list[tuple[str | None, Tallies]]]
    votes: Votes
    sliced: list[list[Any]] = field(default_factory=list)


def _row(row: Sequence) -> Tallies:
    return int(row[0] or 0), [int(v or 0) for v in row[1:]]


Cells = tuple[Tallies, dict[str, list[tuple[str | None, Tallies]]]]
"""Everyone's tallies, and each key's groups' tallies."""


def count_cells(conn: sqlite3.Connection, plan: Plan, rows: str = "") -> Cells:
    """One scan of submitted answers (`rows`: a further condition on them, for the combined scan)
    into `score_cells`, then the sums for everyone and each key."""
    key_cols = ", ".join(f"{quoted(k)} AS k{i}" for i, k in enumerate(plan.keys))
    tally_cols = ", ".join(f"sum({t}) AS t{i}" for i, t in enumerate(plan.tallies))
    group_by = ", ".join(f"k{i}" for i in range(len(plan.keys)))
    conn.execute("DROP TABLE IF EXISTS temp.score_cells")
    way = first_way(conn, plan, "score_cells", rows, temp=True)
    fields: list[str] = plan.combined[way].fields if way is not None else []
    if way is None:
        conn.execute(
            f"CREATE TEMP TABLE score_cells AS SELECT {key_cols + ', ' if key_cols else ''}count(*) AS n"
            f"{', ' + tally_cols if tally_cols else ''} FROM answers WHERE {plan.where}"
            + (f" GROUP BY {group_by}" if group_by else "")
        )
    overall, groups = sum_cells(conn, "temp.score_cells", plan.keys, range(len(plan.keys)), len(plan.tallies), fields)
    conn.execute("DROP TABLE temp.score_cells")
    return overall, groups


def first_way(conn: sqlite3.Connection, plan: Plan, name: str, rows: str, *, temp: bool = False) -> int | None:
    """Count into a new table `name` (`temp`: a temporary one) in the first of the combined
    scan's ways whose packed sums cannot have run into each other; its index, or None when there
    is no such way (the table is then not made)."""
    for way, w in enumerate(plan.combined):
        try:
            conn.execute(f"CREATE {'TEMP ' if temp else ''}TABLE {name} AS {w.select.replace('{rows}', rows)}")
        except sqlite3.OperationalError as exc:
            if "overflow" not in str(exc):
                raise
            continue
        if w.most is None or (conn.execute(f"SELECT max(n) FROM {name}").fetchone()[0] or 0) <= w.most:
            return way
        conn.execute(f"DROP TABLE {name}")
    return None


def sum_cells(conn: sqlite3.Connection, table: str, keys: Sequence[str], columns: Sequence[int], tallies: int, fields: Sequence[str]) -> Cells:
    """Everyone's sums and each key's groups' over a table of cells (`k0 ...`, `n`, `t0 ...`): the
    first `tallies` tallies, then `fields` (SQL taking packed sums apart, per cell); each of `keys`
    grouped by its column `k<columns[i]>`."""
    sums = ", ".join(["sum(n)"] + [f"sum(t{i})" for i in range(tallies)] + [f"sum({f})" for f in fields])
    overall = _row(conn.execute(f"SELECT {sums} FROM {table}").fetchone())
    groups = {}
    for key, i in zip(keys, columns):
        rows = conn.execute(f"SELECT k{i}, {sums} FROM {table} GROUP BY k{i}").fetchall()
        groups[key] = [(None if r[0] is None else str(r[0]), _row(r[1:])) for r in rows]
    return overall, groups


def add_cells(a: Cells, b: Cells) -> Cells:
    """The tallies of two parts of the rows together."""

    def add(x: Tallies, y: Tallies) -> Tallies:
        return x[0] + y[0], [i + j for i, j in zip(x[1], y[1])]

    groups = {}
    for key, rows in a[1].items():
        merged = dict(rows)
        for k, tallies in b[1][key]:
            merged[k] = add(merged[k], tallies) if k in merged else tallies
        groups[key] = list(merged.items())
    return add(a[0], b[0]), groups


Slice = dict[str | None, tuple[list[Counter[str]], list[int]]]
"""Per unit (None without a unit item): raw tokens and answered counts of each vote question in one slice of rows."""


def _vote_slice(conn: sqlite3.Connection, items: Sequence[str], start: int, unit: str | None = None, where: str = SUBMITTED) -> Slice:
    """Tokens of the JSON arrays of `items` in one slice of rows (codes still quoted), and how many answered, per unit."""
    select = ", ".join(f"group_concat({quoted(i)}, ','), sum({_answered(quoted(i))})" for i in items)
    key = quoted(unit) if unit else "NULL"
    rows = conn.execute(
        f"SELECT {key}, {select} FROM answers WHERE rowid > ? AND rowid <= ? AND {where} GROUP BY 1", (start, start + VOTE_SLICE)
    ).fetchall()
    out: Slice = {}
    for row in rows:
        texts, answered = row[1::2], row[2::2]
        counters = [Counter(t.replace("[", "").replace("]", "").split(",")) if t else Counter() for t in texts]
        out[None if row[0] is None else str(row[0])] = (counters, [int(n or 0) for n in answered])
    return out


def _votes(q: Questionnaire, items: Sequence[str], slices: Iterable[Slice]) -> Votes:
    """Votes of everyone, and of each unit in `Votes.by_unit`, from the slices' raw tokens."""
    raw: dict[str | None, list[Counter[str]]] = {}
    answered: dict[str | None, list[int]] = {}
    for per_unit in slices:
        for key, (counters, numbers) in per_unit.items():
            totals = raw.setdefault(key, [Counter() for _ in items])
            for total, counter in zip(totals, counters):
                total.update(counter)
            answered[key] = [a + b for a, b in zip(answered.get(key, [0] * len(items)), numbers)]
    known = {item_id: {o.code for o in q.item_by_id[item_id].options} for item_id in items}  # type: ignore[attr-defined]

    def clean(item_id: str, counter: Counter[str]) -> Counter[str]:
        out: Counter[str] = Counter()
        for token, n in counter.items():
            code = token.strip().strip('"')
            if code in known[item_id]:
                out[code] += n
        return out

    votes = Votes(answered={item_id: 0 for item_id in items}, options={item_id: Counter() for item_id in items})
    for key, counters in raw.items():
        unit_votes = Votes(answered=dict(zip(items, answered[key])), options={i: clean(i, c) for i, c in zip(items, counters)})
        votes.by_unit[key] = unit_votes
        for item_id in items:
            votes.options[item_id].update(unit_votes.options[item_id])
            votes.answered[item_id] += unit_votes.answered[item_id]
    return votes


def _slice_starts(conn: sqlite3.Connection) -> range:
    last = conn.execute("SELECT max(rowid) FROM answers").fetchone()[0] or 0
    return range(0, last, VOTE_SLICE)


def count_votes(conn: sqlite3.Connection, q: Questionnaire, unit: str | None = None, where: str = SUBMITTED) -> Votes:
    """Votes per option code of each values and join-reason question (unknown codes are ignored), also per unit."""
    items = _vote_items(q)
    return _votes(q, items, (_vote_slice(conn, items, start, unit, where) for start in (_slice_starts(conn) if items else ())))


class _Connections:
    """One connection per worker thread to the same file, and whether anyone wrote meanwhile."""

    def __init__(self, path: Path, setup: Sequence[str] = ()) -> None:
        self.path, self.setup = path, list(setup)
        self.local = threading.local()
        self.lock = threading.Lock()
        self.opened: list[tuple[sqlite3.Connection, int]] = []

    def get(self) -> sqlite3.Connection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
            self.local.conn = conn
            with self.lock:
                self.opened.append((conn, conn.execute("PRAGMA data_version").fetchone()[0]))
            for sql in self.setup:
                conn.execute(sql)
        return conn

    def changed(self) -> bool:
        return any(conn.execute("PRAGMA data_version").fetchone()[0] != version for conn, version in self.opened)

    def close(self) -> None:
        for conn, _ in self.opened:
            conn.close()


def count_all(conn: sqlite3.Connection, path: Path | None, q: Questionnaire, plan: Plan, attempts: int = 3) -> Counts:
    """Tallies and votes. On a database file, two threads share the work (SQLite runs without the
    GIL); if a merge wrote to the file meanwhile, the counting starts again so all numbers agree."""
    from akhlak_tui.scoring.cell_cache import cached_cells

    for sql in plan.setup:
        conn.execute(sql)
    if path is None:
        overall, groups = cached_cells(conn, plan) or count_cells(conn, plan)
        sliced = [[fn(conn, start, plan.where) for start in _slice_starts(conn)] if not plan.combined else [] for fn in plan.sliced]
        return Counts(overall, groups, count_votes(conn, q, plan.unit, plan.where) if plan.votes else Votes(), sliced)
    items = _vote_items(q) if plan.votes else []
    for attempt in range(attempts):
        connections = _Connections(path, plan.setup)
        try:
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="score") as pool:
                # the sums the merge keeps, read on a counting connection: a merge meanwhile is seen
                cached = pool.submit(lambda: cached_cells(connections.get(), plan)).result()
                if cached is not None:
                    cells = []
                elif not plan.combined:
                    cells = [pool.submit(lambda: count_cells(connections.get(), plan))]
                else:  # the longer combined scan in two halves of the rows, one per thread
                    half = (conn.execute("SELECT max(rowid) FROM answers").fetchone()[0] or 0) // 2
                    cells = [pool.submit(lambda r=rows: count_cells(connections.get(), plan, r)) for rows in (f"AND rowid <= {half}", f"AND rowid > {half}")]
                sliced_fns = [] if plan.combined else plan.sliced  # else folded into the combined scan
                starts = _slice_starts(conn) if items or sliced_fns else range(0)
                slices = [pool.submit(_vote_slice_in, connections, items, start, plan.unit, plan.where) for start in (starts if items else ())]
                more = [[pool.submit(lambda fn=fn, start=start: fn(connections.get(), start, plan.where)) for start in starts] for fn in sliced_fns]
                more += [[] for _ in plan.sliced[len(sliced_fns) :]]
                overall, groups = cached if cached is not None else cells[0].result() if len(cells) == 1 else add_cells(cells[0].result(), cells[1].result())
                votes = _votes(q, items, (s.result() for s in slices))
                sliced = [[f.result() for f in futures] for futures in more]
            if not connections.changed() or attempt == attempts - 1:
                return Counts(overall, groups, votes, sliced)
        finally:
            connections.close()
    raise AssertionError("unreachable")


def _vote_slice_in(connections: _Connections, items: Sequence[str], start: int, unit: str | None, where: str = SUBMITTED) -> Slice:
    return _vote_slice(connections.get(), items, start, unit, where)
