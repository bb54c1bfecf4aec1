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

TRIGGERS = {
    # A change to rows already counted makes the sums stale: they are forgotten. (The merge only
    # appends, except where a later version of a response replaces it.) A row of `responses`
    # added after the last for a response counted already is found by `_replaced`.
    f"{META}_answers_updated": f"AFTER UPDATE ON answers BEGIN DELETE FROM {META}; END",
    f"{META}_answers_deleted": f"AFTER DELETE ON answers BEGIN DELETE FROM {META}; END",
    f"{META}_answers_inserted": f"AFTER INSERT ON answers WHEN NEW.rowid <= (SELECT rows_max FROM {META}) BEGIN DELETE FROM {META}; END",
    f"{META}_responses_updated": f"AFTER UPDATE OF id, status ON responses BEGIN DELETE FROM {META}; END",
    f"{META}_responses_deleted": f"AFTER DELETE ON responses BEGIN DELETE FROM {META}; END",
    # A row put in among those counted (its old rowid kept, or an INSERT OR REPLACE keeping it,
    # which fires no DELETE trigger on a plain connection), or one without an id, which makes
    # `id NOT IN (...)` leave out every row: the merge only appends rows with ids.
    f"{META}_responses_inserted": (
        f"AFTER INSERT ON responses WHEN NEW.id IS NULL OR NEW.rowid <= (SELECT responses_max FROM {META}) BEGIN DELETE FROM {META}; END"
    ),
}
_META_COLUMNS = ["id", "identity", "rows_max", "responses_max"]


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


_IDENTITY_KEYS = {"keys", "where", "tallies", "way", "select", "fields", "most"}


def _identity(plan: Plan, way: int) -> dict:
    w = plan.combined[way]
    return {"keys": plan.keys, "where": plan.where, "tallies": plan.tallies, "way": way, "select": w.select, "fields": w.fields, "most": w.most}


def _meta(conn: sqlite3.Connection) -> tuple[dict, int, int] | None:
    """(identity, rows_max, responses_max) of the sums kept, when they are whole: their table of
    the shape this version writes, and every trigger in place (a table rebuilt by another tool
    loses its triggers, and what changed since could not be seen)."""
    if not _shaped(conn) or not set(TRIGGERS) <= _trigger_names(conn) or not _exists(conn, CELLS):
        return None
    row = conn.execute(f"SELECT identity, rows_max, responses_max FROM {META}").fetchone()
    if row is None:
        return None
    try:
        identity = json.loads(row[0])
        shaped = isinstance(identity, dict) and set(identity) == _IDENTITY_KEYS and type(identity["way"]) is int and isinstance(identity["keys"], list)
        return (identity, int(row[1]), int(row[2])) if shaped and all(isinstance(k, str) for k in identity["keys"]) else None
    except (ValueError, TypeError):
        return None


def _shaped(conn: sqlite3.Connection) -> bool:
    """Whether the table of what is kept is there, of the shape this version writes."""
    return [c[1] for c in conn.execute(f"PRAGMA main.table_info({META})")] == _META_COLUMNS


def _trigger_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?", [f"{META}_%"])}


def _exists(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone() is not None


def _matches(identity: dict, plan: Plan) -> bool:
    """Whether the sums kept were counted by this plan's combined scan (its SQL, way by way)."""
    return identity["way"] < len(plan.combined) and _identity(plan, identity["way"]) == identity


def _tops(conn: sqlite3.Connection) -> tuple[int, int]:
    """The last rowid of `answers` and of `responses`."""
    return tuple(conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0 for table in ("answers", "responses"))  # type: ignore[return-value]


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
        identity, rows_max, responses_max = found
        if identity["where"] != plan.where or not set(plan.keys) <= set(identity["keys"]):
            return None
        if plan.combined:
            if not _matches(identity, plan):
                return None
            fields = plan.combined[identity["way"]].fields
        elif plan.tallies == identity["tallies"][: len(plan.tallies)]:
            fields = []  # its tallies alone, for the keys it groups by (each cell lies in one group of each)
        else:
            return None
        if (rows_max, responses_max) != _tops(conn):
            return None
        return sum_cells(conn, CELLS, plan.keys, [identity["keys"].index(k) for k in plan.keys], len(plan.tallies), fields)
    finally:
        if own:
            conn.execute("COMMIT")


def _build(conn: sqlite3.Connection, plan: Plan, tops: tuple[int, int]) -> bool:
    """Count every row into a new table of cells, in the first way whose packed sums hold."""
    conn.execute(f"DROP TABLE IF EXISTS {CELLS}")
    conn.execute(f"DELETE FROM {META}")
    way = first_way(conn, plan, CELLS, f"AND rowid <= {tops[0]}")
    if way is None:
        return False
    if plan.keys:  # each merge finds the cells it adds to by their keys
        conn.execute(f"CREATE INDEX {CELLS}_keys ON {CELLS} ({', '.join(f'k{i}' for i in range(len(plan.keys)))})")
    conn.execute(f"INSERT INTO {META} (id, identity, rows_max, responses_max) VALUES (1, ?, ?, ?)", [json.dumps(_identity(plan, way)), *tops])
    return True


def _add(conn: sqlite3.Connection, plan: Plan, identity: dict, rows_max: int, last: int) -> bool:
    """Add the rows after `rows_max` to the cells; False when a cell grew too large for the way kept.
    A sum over no row is NULL (e.g. alpha's, where no row of a cell is a complete case), so adding
    keeps whichever side has one. Cell by cell in Python: UPDATE ... FROM needs SQLite 3.33."""
    keys = len(plan.keys)
    conn.execute("DROP TABLE IF EXISTS temp.score_cache_new")
    try:
        conn.execute(f"CREATE TEMP TABLE score_cache_new AS {identity['select'].replace('{rows}', f'AND rowid > {rows_max} AND rowid <= {last}')}")
    except sqlite3.OperationalError as exc:
        if "overflow" not in str(exc):
            raise
        return False
    columns = [c[1] for c in conn.execute("PRAGMA temp.table_info(score_cache_new)")][keys:]
    update = (
        f"UPDATE {CELLS} SET {', '.join(f'{c} = coalesce({c} + ?, {c}, ?)' for c in columns)} "
        f"WHERE {' AND '.join(f'k{i} IS ?' for i in range(keys)) or '1'}"
    )
    insert = f"INSERT INTO {CELLS} VALUES ({', '.join('?' * (keys + len(columns)))})"
    for row in conn.execute("SELECT * FROM temp.score_cache_new").fetchall():
        sums = row[keys:]
        if conn.execute(update, [v for value in sums for v in (value, value)] + list(row[:keys])).rowcount == 0:
            conn.execute(insert, row)
    conn.execute("DROP TABLE temp.score_cache_new")
    most = identity["most"]
    return most is None or (conn.execute(f"SELECT max(n) FROM {CELLS}").fetchone()[0] or 0) <= most


def _replaced(conn: sqlite3.Connection, rows_max: int, responses_max: int) -> bool:
    """Whether a row added to `responses` since is for a response counted already (one put back
    or replaced by another tool, which no trigger sees): then every row is counted again."""
    if conn.execute("SELECT 1 FROM responses WHERE rowid > ? AND id IS NULL LIMIT 1", [responses_max]).fetchone() is not None:
        return True  # `id NOT IN (..., NULL)` is never true: it changes every row
    return conn.execute(
        "SELECT 1 FROM answers WHERE rowid <= ? AND response_id IN (SELECT id FROM responses WHERE rowid > ?) LIMIT 1", [rows_max, responses_max]
    ).fetchone() is not None


def _set_up(conn: sqlite3.Connection) -> bool:
    """The table of what is kept and the triggers; True when all of them were there already."""
    whole = _shaped(conn)
    if not whole:  # missing, or of another shape: made anew
        conn.execute(f"DROP TABLE IF EXISTS {META}")
        conn.execute(f"CREATE TABLE {META} (id INTEGER PRIMARY KEY CHECK (id = 1), identity TEXT NOT NULL, rows_max INTEGER NOT NULL, responses_max INTEGER NOT NULL)")
    names = _trigger_names(conn)
    for name, body in TRIGGERS.items():
        if name not in names:
            conn.execute(f"CREATE TRIGGER {name} {body}")
    return whole and set(TRIGGERS) <= names


def forget(conn: sqlite3.Connection) -> None:
    """Before a merge writes: if the table of what is kept is gone (dropped by another tool) while
    its triggers stay, every write to `answers` would fail on them; the triggers go too."""
    if not _exists(conn, META):
        for name in TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")


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
            done = _refresh(conn, plan)
            conn.execute("COMMIT")
            return done
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return "failed"


def _refresh(conn: sqlite3.Connection, plan: Plan) -> str:
    whole = _set_up(conn)
    tops = _tops(conn)
    found = _meta(conn) if whole else None
    if found is None or not _matches(found[0], plan):
        return "counted" if _build(conn, plan, tops) else "failed"
    identity, rows_max, responses_max = found
    if (rows_max, responses_max) == tops:
        return "current"
    if rows_max > tops[0] or responses_max > tops[1] or _replaced(conn, rows_max, responses_max):
        return "counted" if _build(conn, plan, tops) else "failed"
    if not _add(conn, plan, identity, rows_max, tops[0]):
        return "counted" if _build(conn, plan, tops) else "failed"
    conn.execute(f"UPDATE {META} SET rows_max = ?, responses_max = ?", list(tops))
    return "added"
