"""The sums of each cell (one combination of the breakdown answers) that `akhlak report` counts, kept
in the merged database and brought up to date after each merge, so that a report reads some
thousands of cells instead of every row (docs/scoring.md, "Speed")."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from akhlak_tui.questionnaire.model import Questionnaire
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring.aggregate import Cells, Plan, first_way, make_plan, sum_cells

META = "score_cache"
CELLS = "score_cache_cells"

_SCHEMA = [
    f"CREATE TABLE IF NOT EXISTS {META} (id INTEGER PRIMARY KEY CHECK (id = 1), identity TEXT NOT NULL, rows_max INTEGER NOT NULL)",
    # A change to rows already counted makes the sums stale: they are forgotten, whoever writes.
    # (The merge only appends, except where a later version of a response replaces it.)
    f"CREATE TRIGGER IF NOT EXISTS {META}_answers_updated AFTER UPDATE ON answers BEGIN DELETE FROM {META}; END",
    f"CREATE TRIGGER IF NOT EXISTS {META}_answers_deleted AFTER DELETE ON answers BEGIN DELETE FROM {META}; END",
    f"CREATE TRIGGER IF NOT EXISTS {META}_answers_inserted AFTER INSERT ON answers WHEN NEW.rowid <= (SELECT rows_max FROM {META}) BEGIN DELETE FROM {META}; END",
    f"CREATE TRIGGER IF NOT EXISTS {META}_responses_updated AFTER UPDATE OF id, status ON responses BEGIN DELETE FROM {META}; END",
    f"CREATE TRIGGER IF NOT EXISTS {META}_responses_deleted AFTER DELETE ON responses BEGIN DELETE FROM {META}; END",
]


def report_plan(q: Questionnaire, units: Sequence[Unit]) -> Plan:
    """The plan `akhlak report` counts with by default: its breakdowns, the 95% intervals, alpha,
    nobody left out. Built as score_merged builds it; should the two ever differ, the sums kept are
    simply not used (`cached_cells` compares the SQL itself), never wrong."""
    from akhlak_tui.scoring.compute import breakdown_fields, unit_field
    from akhlak_tui.scoring.precision import Precision
    from akhlak_tui.scoring.reliability import ReliabilitySums

    unit_id = unit_field(q)
    plan = make_plan(q, list(dict.fromkeys(([unit_id] if unit_id else []) + breakdown_fields(q, None))))
    plan.unit = unit_id
    sums = ReliabilitySums(q, unit_id)
    plan.sliced.append(sums)
    plan.folded.append(sums)
    Precision.for_plan(q, plan, units)
    return plan


def _identity(plan: Plan, way: int) -> dict:
    w = plan.combined[way]
    return {"keys": plan.keys, "where": plan.where, "tallies": plan.tallies, "way": way, "select": w.select, "fields": w.fields, "most": w.most}


def _meta(conn: sqlite3.Connection) -> tuple[dict, int] | None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [META]).fetchone() is None:
        return None
    row = conn.execute(f"SELECT identity, rows_max FROM {META}").fetchone()
    return None if row is None else (json.loads(row[0]), int(row[1]))


def cached_cells(conn: sqlite3.Connection, plan: Plan) -> Cells | None:
    """The cells' sums kept in the database, summed for everyone and each key, when they are those
    `plan` would count and cover every row; else None, and the caller scans. The same rows and
    SQL; a report without the intervals reads just its tallies, and may group by fewer keys (an
    earlier wave's figures: the units alone)."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # one snapshot: the check and the sums see the same rows
    try:
        found = _meta(conn)
        if found is None:
            return None
        identity, rows_max = found
        if identity["where"] != plan.where or not set(plan.keys) <= set(identity["keys"]):
            return None
        if plan.combined:
            way = identity["way"]
            if way >= len(plan.combined) or _identity(plan, way) != identity:
                return None
            fields = plan.combined[way].fields
        elif plan.tallies == identity["tallies"][: len(plan.tallies)]:
            fields = []  # its tallies alone, for the keys it groups by (each cell lies in one group of each)
        else:
            return None
        if rows_max != (conn.execute("SELECT max(rowid) FROM answers").fetchone()[0] or 0):
            return None
        return sum_cells(conn, CELLS, plan.keys, [identity["keys"].index(k) for k in plan.keys], len(plan.tallies), fields)
    finally:
        if own:
            conn.execute("COMMIT")


def _build(conn: sqlite3.Connection, plan: Plan, last: int) -> bool:
    """Count every row into a new table of cells, in the first way whose packed sums hold."""
    conn.execute(f"DROP TABLE IF EXISTS {CELLS}")
    conn.execute(f"DELETE FROM {META}")
    way = first_way(conn, plan, f"TABLE {CELLS}", CELLS, f"AND rowid <= {last}")
    if way is None:
        return False
    conn.execute(f"INSERT INTO {META} (id, identity, rows_max) VALUES (1, ?, ?)", [json.dumps(_identity(plan, way)), last])
    return True


def _add(conn: sqlite3.Connection, plan: Plan, identity: dict, rows_max: int, last: int) -> bool:
    """Add the rows after `rows_max` to the cells; False when a cell grew too large for the way kept."""
    keys = [f"k{i}" for i in range(len(plan.keys))]
    conn.execute("DROP TABLE IF EXISTS temp.score_cache_new")
    try:
        conn.execute(f"CREATE TEMP TABLE score_cache_new AS {identity['select'].replace('{rows}', f'AND rowid > {rows_max} AND rowid <= {last}')}")
    except sqlite3.OperationalError as exc:
        if "overflow" not in str(exc):
            raise
        return False
    columns = [c[1] for c in conn.execute("PRAGMA temp.table_info(score_cache_new)")][len(keys) :]
    same = " AND ".join(f"c.{k} IS d.{k}" for k in keys) or "1"
    conn.execute(f"UPDATE {CELLS} AS c SET {', '.join(f'{col} = c.{col} + d.{col}' for col in columns)} FROM temp.score_cache_new AS d WHERE {same}")
    conn.execute(f"INSERT INTO {CELLS} SELECT * FROM temp.score_cache_new AS d WHERE NOT EXISTS (SELECT 1 FROM {CELLS} AS c WHERE {same})")
    conn.execute("DROP TABLE temp.score_cache_new")
    most = identity["most"]
    return most is None or (conn.execute(f"SELECT max(n) FROM {CELLS}").fetchone()[0] or 0) <= most


def refresh(conn: sqlite3.Connection, q: Questionnaire, units: Sequence[Unit]) -> str:
    """Bring the cells' sums up to date with the merged rows, in one transaction: the rows merged
    since are added, or, when the sums are missing or stale, every row is counted again. Returns
    what was done ("current", "added", "counted"), or "failed" (the database is as before, and a
    report counts every row as without the sums)."""
    try:
        plan = report_plan(q, units)
    except ValueError:  # a questionnaire the report cannot score as it stands (it says why itself)
        return "failed"
    if not plan.combined:
        return "current"
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql in _SCHEMA:
                conn.execute(sql)
            last = conn.execute("SELECT max(rowid) FROM answers").fetchone()[0] or 0
            found = _meta(conn)
            done = "current"
            if found is not None and found[0]["way"] < len(plan.combined) and found[0] == _identity(plan, found[0]["way"]) and found[1] <= last:
                identity, rows_max = found
                if rows_max < last:
                    done = "added"
                    if _add(conn, plan, identity, rows_max, last):
                        conn.execute(f"UPDATE {META} SET rows_max = ?", [last])
                    else:
                        done = "counted" if _build(conn, plan, last) else "failed"
            else:
                done = "counted" if _build(conn, plan, last) else "failed"
            conn.execute("COMMIT")
            return done
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error:
        return "failed"
