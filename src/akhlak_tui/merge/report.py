"""What the coordinator reads after a merge: the per-bundle table, totals, gaps, and `merge --list`."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from akhlak_tui.crypto.fingerprint import fingerprint
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.ingest import ALREADY_MERGED, HELD, MERGED, REFUSED, CopiedDevice, copied_devices, missing_sequences
from akhlak_tui.merge.run import MergeResult

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
COUNTS = ("accepted", "duplicates", "conflicts", "quarantined")
_HEADER = f"{'Device':<8} {'Seq':>5}  {'Result':<15}{'Accepted':>9}{'Duplicate':>11}{'Conflict':>10}{'Quarantined':>13}"


def _gap_text(device_id: str, runs: list[tuple[int, int]]) -> str:
    parts = [f"bundle {a} missing" if a == b else f"bundles {a}-{b} missing" for a, b in runs]
    return f"device {device_id}: " + ", ".join(parts)


def _wrap(text: str, indent: str = "    ", width: int = 80) -> list[str]:
    """`text` in lines of at most `width` characters, each starting with `indent`.

    Control characters (from file names or bundle content) are shown escaped, so they can neither
    break the table nor drive the terminal.
    """
    text = CONTROL.sub(lambda found: repr(found.group())[1:-1], text)
    lines, line = [], indent
    for word in text.split(" "):
        if len(line) + len(word) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += word + " "
    lines.append(line.rstrip())
    return lines


def result_lines(result: MergeResult) -> list[str]:
    """The merge report as lines of at most 80 characters."""
    lines = [_HEADER]
    for o in result.outcomes:
        sequence = str(o.sequence) if o.sequence is not None else "-"
        if o.status == MERGED:
            counts = f"{o.accepted:>9}{o.duplicates:>11}{o.conflicts:>10}{o.quarantined:>13}"
        else:
            counts = f"{'-':>9}{'-':>11}{'-':>10}{'-':>13}"
        lines.append(f"{o.device_id or '-':<8} {sequence:>5}  {o.status:<15}{counts}")
        if o.status in (REFUSED, HELD) and o.reason:
            lines += _wrap(f"{o.reason}; file: {Path(o.file).name}")
        if o.remark:
            lines += _wrap(f"note: {o.remark}")
        for problem in o.problems:
            lines += _wrap(f"{problem.kind} {problem.response_id or '(unreadable)'}: {problem.reason}")
        hidden = o.conflicts + o.quarantined - len(o.problems)
        if o.status == MERGED and hidden > 0:
            lines.append(f"    ... and {hidden} more (see the quarantine and conflicts tables)")
    lines.append(
        f"Total: {len(result.outcomes)} bundles: {result.count(MERGED)} merged, "
        f"{result.count(ALREADY_MERGED)} already merged, "
        + (f"{result.count(HELD)} held, " if result.count(HELD) else "")
        + f"{result.count(REFUSED)} refused"
    )
    lines.append(
        f"  responses: {result.total('accepted'):,} accepted, {result.total('duplicates'):,} duplicate, "
        f"{result.total('conflicts'):,} conflict, {result.total('quarantined'):,} quarantined"
    )
    for device_id, runs in result.missing.items():
        lines += _wrap("Missing: " + _gap_text(device_id, runs), indent="")
    lines += copied_lines(result.copied)
    lines.append(f"Database: {result.database}")
    return lines


def copied_lines(copied: list[CopiedDevice]) -> list[str]:
    """The warning about possibly copied devices, in capitals so that it is not missed."""
    lines = []
    for c in copied:
        lines += _wrap(
            f"!! POSSIBLE COPIED DEVICE {c.device_id}: {c.reason}. {c.held_bundles} bundle(s), {c.held_responses:,} responses "
            f"are held apart and not scored. Check the laptops; then `akhlak merge --accept-copied {c.device_id}` counts them, "
            f"or `akhlak device revoke {c.device_id}` refuses its later bundles and leaves them held.",
            indent="",
        )
    return lines


def result_json(result: MergeResult) -> dict[str, Any]:
    """The same content as `result_lines`, as a JSON-ready dict."""
    return {
        "database": result.database,
        "bundles": [asdict(o) for o in result.outcomes],
        "totals": {
            "bundles": len(result.outcomes),
            "merged": result.count(MERGED),
            "already_merged": result.count(ALREADY_MERGED),
            "held": result.count(HELD),
            "refused": result.count(REFUSED),
            **{name: result.total(name) for name in COUNTS},
        },
        "possible_copied_devices": [asdict(c) for c in result.copied],
        "missing": [
            {"device_id": device_id, "first": first, "last": last}
            for device_id, runs in result.missing.items()
            for first, last in runs
        ],
        "exit_code": result.exit_code,
    }


# -- merge --list ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeviceSummary:
    """One device in `merge --list`: its key, bundles merged and refused, responses accepted."""

    device_id: str
    fingerprint: str
    first_seen: str
    last_seen: str
    bundles: int
    highest_sequence: int
    refused: int
    held: int
    submitted: int
    abandoned: int
    quarantined: int
    conflicts: int


def device_summaries(db: MergedDatabase) -> list[DeviceSummary]:
    """Every device that sent a merged bundle, in id order."""
    conn = db.db.conn

    def counts(sql: str) -> dict[str, int]:
        return dict(conn.execute(sql).fetchall())

    bundles = {row[0]: row[1:] for row in conn.execute(
        "select device_id, count(*), max(sequence) from bundles where status = 'merged' group by device_id"
    )}
    refused = counts("select device_id, count(*) from refusals where device_id is not null group by device_id")
    held = counts("select device_id, count(*) from bundles where status = 'held' group by device_id")
    submitted = counts("select device_id, count(*) from responses where status = 'submitted' group by device_id")
    abandoned = counts("select device_id, count(*) from responses where status = 'abandoned' group by device_id")
    quarantined = counts("select device_id, count(*) from quarantine group by device_id")
    conflicts = counts("select device_id, count(*) from conflicts group by device_id")
    return [
        DeviceSummary(
            device_id,
            fingerprint(bytes.fromhex(public_key)),
            first_seen,
            last_seen,
            *bundles.get(device_id, (0, 0)),
            refused.get(device_id, 0),
            held.get(device_id, 0),
            submitted.get(device_id, 0),
            abandoned.get(device_id, 0),
            quarantined.get(device_id, 0),
            conflicts.get(device_id, 0),
        )
        for device_id, public_key, first_seen, last_seen in conn.execute(
            "select device_id, public_key, first_seen, last_seen from devices order by device_id"
        )
    ]


def listing_lines(db: MergedDatabase) -> list[str]:
    """`merge --list` as lines: per device, then totals, refused bundles without a device, and gaps."""
    survey = db.survey_row()
    if survey is None:
        return [f"Database: {db.path}", "Nothing merged yet."]
    devices = device_summaries(db)
    lines = [
        f"Database: {db.path}",
        f"Survey:   {survey['name']} ({survey['id']})",
        f"{'Device':<8} {'Bundles':>7} {'Last seq':>8} {'Submitted':>10} {'Abandoned':>10} {'Quarant.':>9} {'Conflict':>9}  Last seen",
    ]
    for d in devices:
        lines.append(
            f"{d.device_id:<8} {d.bundles:>7} {d.highest_sequence:>8} {d.submitted:>10,} {d.abandoned:>10,} "
            f"{d.quarantined:>9} {d.conflicts:>9}  {d.last_seen[:10]}"
        )
        if d.refused:
            lines.append(f"    {d.refused} bundle(s) refused")
        if d.held:
            lines.append(f"    {d.held} bundle(s) held: possible copied device")
    totals = listing_totals(db)
    lines.append(
        f"Total: {len(devices)} devices, {totals['bundles_merged']} bundles merged, {totals['bundles_refused']} refused; "
        f"{totals['submitted']:,} submitted, {totals['abandoned']:,} abandoned, "
        f"{totals['quarantined']} quarantined, {totals['conflicts']} in conflict"
    )
    for device_id, runs in missing_sequences(db.db.conn).items():
        lines += _wrap("Missing: " + _gap_text(device_id, runs), indent="")
    return lines + copied_lines(copied_devices(db.db.conn))


def listing_totals(db: MergedDatabase) -> dict[str, int]:
    conn = db.db.conn

    def one(sql: str) -> int:
        return conn.execute(sql).fetchone()[0]

    return {
        "bundles_merged": one("select count(*) from bundles where status = 'merged'"),
        "bundles_refused": one("select count(*) from refusals"),
        "submitted": one("select count(*) from responses where status = 'submitted'"),
        "abandoned": one("select count(*) from responses where status = 'abandoned'"),
        "quarantined": one("select count(*) from quarantine"),
        "conflicts": one("select count(*) from conflicts"),
    }


def listing_json(db: MergedDatabase) -> dict[str, Any]:
    survey = db.survey_row()
    return {
        "database": str(db.path),
        "survey": None if survey is None else {"id": survey["id"], "name": survey["name"]},
        "devices": [asdict(d) for d in device_summaries(db)],
        "totals": listing_totals(db),
        "possible_copied_devices": [asdict(c) for c in copied_devices(db.db.conn)],
        "missing": [
            {"device_id": device_id, "first": first, "last": last}
            for device_id, runs in missing_sequences(db.db.conn).items()
            for first, last in runs
        ],
    }
