"""The writing side of a merge: admit or refuse each bundle, then apply it all or nothing.

Exactly once: a bundle already merged changes nothing; a response already merged with the same
content is a duplicate; the same response id with other content is a conflict: the version of
the bundle earliest in the device's sequence is kept, whatever the merge order, and the other is
set aside in `conflicts`. A device whose bundles show two machines with one key is held apart. Only enrolled, unrevoked devices count (enrolment.record);
device keys are also pinned by the first bundle merged.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akhlak_tui.bundle.reader import BundleRefused, regular_file_sha256
from akhlak_tui.crypto.fingerprint import fingerprint
from akhlak_tui.merge.database import MergedDatabase, document_text
from akhlak_tui.merge.prepare import CHUNK_RECORDS, BundleHeader, RecordChunk
from akhlak_tui.merge.rows import CONTENT_HASH_COLUMN, DOCUMENT_COLUMN, DOCUMENT_SIZE_COLUMN, ID_COLUMN, RESPONSE_COLUMNS, answer_columns
from akhlak_tui.enrolment.record import DeviceRecord
from akhlak_tui.response import utc_now
from akhlak_tui.survey.package import SurveyPackage

MERGED = "merged"
ALREADY_MERGED = "already merged"
REFUSED = "refused"
HELD = "held"
"""A bundle of a possibly copied device: verified, its responses kept apart (not scored) until the coordinator decides."""
COPIED = "possible copied device"
MAX_PROBLEMS_SHOWN = 20
"""Per bundle, the report lists at most this many quarantined or conflicting responses."""
GROUP_RECORDS = 8000
GROUP_SECONDS = 2.0
"""A CommitGroup commits once it holds this many records, or this long after it began."""
_LOOKUP_BATCH = 500
MAX_LOGGED_REFUSALS = 10_000
"""Refused files logged one by one (by file hash, with a count); beyond this, one row counts the rest."""
OVERFLOW_KEY = ""


@dataclass
class RecordProblem:
    """A response of a bundle that was quarantined or is in conflict."""

    kind: str  # quarantined | conflict
    response_id: str | None
    reason: str


@dataclass
class BundleOutcome:
    """What happened to one bundle file: one row of the merge report."""

    file: str
    status: str  # merged | already merged | held | refused
    reason: str | None = None
    bundle_hash: str | None = None
    device_id: str | None = None
    sequence: int | None = None
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    quarantined: int = 0
    problems: list[RecordProblem] = field(default_factory=list)
    remark: str | None = None
    """Something the coordinator should know about a merged bundle (it does not make the merge unclean)."""

    @property
    def clean(self) -> bool:
        """Merged (or already merged) with no conflict and nothing quarantined."""
        return self.status not in (REFUSED, HELD) and not self.conflicts and not self.quarantined

    def note(self, kind: str, response_id: str | None, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS_SHOWN:
            self.problems.append(RecordProblem(kind, response_id, reason))


class Merger:
    """Applies prepared bundles to a merged database, each all or nothing (in a transaction or a CommitGroup's).

    Bundles count only from devices `enrolments` admits; a Merger without a record (None) admits
    none, and serves to decide on held bundles (`accept_copied`).
    """

    def __init__(
        self,
        db: MergedDatabase,
        surveys: dict[str, SurveyPackage],
        *,
        enrolments: DeviceRecord | None,
        clock: Callable[[], str] = utc_now,
    ) -> None:
        self.db = db
        self.conn: sqlite3.Connection = db.db.conn
        self.surveys = surveys
        self.enrolments = enrolments
        self.clock = clock
        from akhlak_tui.scoring.cell_cache import forget

        forget(self.conn)  # the report's sums' triggers must never stop a merge (scoring/cell_cache.py)

    # -- what is there already ---------------------------------------------------------------
    def merged_hashes(self) -> frozenset[str]:
        """Bundles merged or held before: a file with one of these hashes changes nothing."""
        return frozenset(row[0] for row in self.conn.execute("select hash from bundles where status in (?, ?)", [MERGED, HELD]))

    def file_identities(self) -> bool:
        """Whether some bundles were merged by an earlier version, which knew them by their file's SHA-256."""
        return bool(self.conn.execute("select exists (select 1 from bundles where identified_by_file = 1)").fetchone()[0])

    def _bundle_row(self, bundle_hash: str) -> dict[str, Any] | None:
        cursor = self.conn.execute("select * from bundles where hash = ?", [bundle_hash])
        row = cursor.fetchone()
        return None if row is None else dict(zip([c[0] for c in cursor.description], row))

    def already_merged(self, file: str, bundle_hash: str) -> BundleOutcome | None:
        """The outcome for a file whose bundle was merged before (in this run or earlier), else None."""
        row = self._bundle_row(bundle_hash)
        if row is None or row["status"] not in (MERGED, HELD):
            return None
        if row["status"] == HELD:
            return BundleOutcome(
                file, HELD, f"held since {row['merged_at']} ({COPIED}; see `akhlak merge --list`)", bundle_hash, row["device_id"], row["sequence"]
            )
        return BundleOutcome(
            file, ALREADY_MERGED, f"merged on {row['merged_at']} from {row['file_name']}", bundle_hash, row["device_id"], row["sequence"]
        )

    # -- refusing ------------------------------------------------------------------------------
    def refuse(
        self, file: str, reason: str, bundle_hash: str | None = None, header: BundleHeader | None = None, *, file_hash: str | None = None
    ) -> BundleOutcome:
        """Log a refused file (by the SHA-256 of its bytes, `file_hash` or read here; not a FIFO or device) and return its outcome.

        `bundle_hash` is the identity of the bundle the file claims to be, when known. Refusals
        never touch `bundles`: a refused copy does not make the genuine bundle "already merged".
        """
        outcome = BundleOutcome(file, REFUSED, reason, bundle_hash)
        if header is not None:
            outcome.device_id, outcome.sequence = header.device_id, header.sequence
        key = file_hash if file_hash is not None else regular_file_sha256(file)
        if key is not None:
            with self.db.db.atomic():
                self._log_refusal(key, outcome, header)
        return outcome

    def _log_refusal(self, key: str, outcome: BundleOutcome, header: BundleHeader | None) -> None:
        name = Path(outcome.file).name
        known = self.conn.execute("select 1 from refusals where file_hash = ?", [key]).fetchone()
        if known is None and self.conn.execute("select count(*) from refusals").fetchone()[0] >= MAX_LOGGED_REFUSALS:
            key, name = OVERFLOW_KEY, f"(files beyond the first {MAX_LOGGED_REFUSALS:,}; the last: {name})"
        now = self.clock()
        self.conn.execute(
            "insert into refusals (file_hash, file_name, bundle_hash, device_id, sequence, reason, first_at, last_at, times) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, 1) on conflict(file_hash) do update set file_name = excluded.file_name, "
            "bundle_hash = excluded.bundle_hash, device_id = excluded.device_id, sequence = excluded.sequence, "
            "reason = excluded.reason, last_at = excluded.last_at, times = times + 1",
            [key, name, outcome.bundle_hash, outcome.device_id, outcome.sequence, outcome.reason, now, now],
        )

    def admit(self, file: str, header: BundleHeader) -> BundleOutcome | None:
        """A refusal or "already merged" outcome decided from the header alone; None to go on."""
        known = self.already_merged(file, header.bundle_hash)
        if known is not None:
            return known
        problem = self._header_problem(header)
        return None if problem is None else self.refuse(file, problem, header.bundle_hash, header)

    def _header_problem(self, header: BundleHeader) -> str | None:
        if self.enrolments is None:
            return "no record of enrolled devices to check this bundle's device against"
        problem = self.enrolments.admission_problem(header.survey_id, header.device_id, header.device_public_key, header.enrolment)
        if problem is not None:
            return problem
        pinned = self.conn.execute(
            "select public_key, first_seen from devices where device_id = ?", [header.device_id]
        ).fetchone()
        if pinned is not None and pinned[0] != header.device_public_key:
            return (
                f"impersonation: device {header.device_id} signed with key {fingerprint(bytes.fromhex(header.device_public_key))}, "
                f"but its bundles since {pinned[1]} were signed with {fingerprint(bytes.fromhex(pinned[0]))}"
            )
        survey = self.db.survey_row()
        if survey is not None and survey["id"] != header.survey_id:
            return f"bundle is for survey {header.survey_id}; {self.db.path or 'this database'} holds survey {survey['id']} ({survey['name']})"
        return None

    # -- merging -------------------------------------------------------------------------------
    def apply(self, file: str, header: BundleHeader, chunks: Iterable[RecordChunk]) -> BundleOutcome:
        """Merge an admitted bundle's records in one transaction: all of it, or (refused) nothing.

        Inside a `CommitGroup`'s transaction, "one transaction" is a savepoint of it. The survey is
        bound to the database first, and stays bound if the bundle is refused half way.
        """
        self._bind_survey(header.survey_id)
        try:
            with self.db.db.atomic():
                return self._write(file, header, chunks)
        except BundleRefused as exc:
            return self.refuse(file, exc.reason, header.bundle_hash, header)

    def write(self, file: str, header: BundleHeader, chunks: Iterable[RecordChunk]) -> BundleOutcome:
        """Write an admitted bundle's records in the transaction the caller holds (a `CommitGroup`'s)."""
        self._bind_survey(header.survey_id)
        return self._write(file, header, chunks)

    def _write(self, file: str, header: BundleHeader, chunks: Iterable[RecordChunk]) -> BundleOutcome:
        outcome = BundleOutcome(file, MERGED, None, header.bundle_hash, header.device_id, header.sequence)
        same_sequence = self.conn.execute(
            "select hash, file_name, merged_at from bundles where device_id = ? and sequence = ? and status in (?, ?) and hash != ?",
            [header.device_id, header.sequence, MERGED, HELD, header.bundle_hash],
        ).fetchall()
        now = self.clock()
        ids: set[str] = set()
        for chunk in chunks:
            if same_sequence:
                ids.update(row[ID_COLUMN] for row in chunk.response_rows)
            self._apply_chunk(chunk, header, outcome, now)
        self._record_bundle(file, header, outcome, now)
        copied = self._copied_reason(header, outcome, ids, same_sequence)
        if copied is not None:
            self._flag_copied(header.device_id, copied, now)
        flagged = self.conn.execute("select reason from copied_devices where device_id = ? and resolved_at is null", [header.device_id]).fetchone()
        if flagged is not None:
            since_copy = self.conn.execute(  # the bundles of both machines from the colliding number on
                "select hash from bundles where device_id = ? and sequence >= ? and status = ?", [header.device_id, header.sequence, MERGED]
            ).fetchall()
            self._hold([header.bundle_hash, *(row[0] for row in since_copy if copied and row[0] != header.bundle_hash)])
            outcome.status = HELD
            outcome.remark = f"{COPIED.upper()}: {flagged[0]}; its bundles are held apart, not scored, until `akhlak merge --accept-copied {header.device_id}` (or `akhlak device revoke {header.device_id}`)"
        elif same_sequence:
            outcome.remark = (
                f"another bundle {header.sequence} of device {header.device_id} was merged on {same_sequence[0][2]} from {same_sequence[0][1]}: "
                "the laptop exported that number again (after an interrupted export); responses in both count once"
            )
        return outcome

    def _copied_reason(self, header: BundleHeader, outcome: BundleOutcome, ids: set[str], same_sequence: list[tuple[str, str, str]]) -> str | None:
        """Why two bundles with this device's sequence number look like two machines with one key (None: they do not).

        A laptop that exports a number again (an interrupted export) writes a superset of the same
        responses. Two copies of one laptop each write responses the other has not: this bundle
        brings a response merged nowhere before, and the other bundle has one this bundle lacks.
        """
        if outcome.accepted == 0 and outcome.conflicts == 0:
            return None
        for other_hash, other_file, _ in same_sequence:
            theirs = {row[0] for row in self.conn.execute("select id from responses where bundle_hash = ?", [other_hash])}
            theirs |= {row[0] for row in self.conn.execute("select id from held where bundle_hash = ?", [other_hash])}
            if not theirs <= ids:
                return (
                    f"bundle {header.sequence} of device {header.device_id} came twice with different responses "
                    f"({Path(other_file).name} and this one): the same device key is used on two machines"
                )
        return None

    def _flag_copied(self, device_id: str, reason: str, now: str) -> None:
        self.conn.execute(
            "insert into copied_devices (device_id, flagged_at, reason, resolved_at, resolution) values (?, ?, ?, null, null) "
            "on conflict(device_id) do update set flagged_at = excluded.flagged_at, reason = excluded.reason, resolved_at = null, resolution = null",
            [device_id, now, reason],
        )

    def _hold(self, bundle_hashes: list[str]) -> None:
        """Move the responses of these bundles out of `responses` and `answers` into `held`; mark the bundles held."""
        columns = [name for name, _ in answer_columns(self.db.questionnaire)]
        answers_row = "json_array(a.response_id" + "".join(f', a."{c}"' for c in columns) + ")"
        for bundle_hash in bundle_hashes:
            self.conn.execute(
                f"insert into held ({', '.join(RESPONSE_COLUMNS)}, answers_row) select {', '.join('r.' + c for c in RESPONSE_COLUMNS)}, {answers_row} "
                "from responses r join answers a on a.response_id = r.id where r.bundle_hash = ?",
                [bundle_hash],
            )
            self.conn.execute("delete from answers where response_id in (select id from responses where bundle_hash = ?)", [bundle_hash])
            self.conn.execute("delete from response_paradata where response_id in (select id from responses where bundle_hash = ?)", [bundle_hash])
            self.conn.execute("delete from responses where bundle_hash = ?", [bundle_hash])
            self.conn.execute("update bundles set status = ? where hash = ?", [HELD, bundle_hash])

    def accept_copied(self, device_id: str) -> list[BundleOutcome]:
        """The coordinator's decision that a flagged device's held bundles all count: merge them, in sequence order.

        Responses in several of them count once; the same id with other content is a conflict as
        always (the earliest bundle in the device's sequence wins). The flag is cleared: a new
        collision flags the device again.
        """
        flagged = self.conn.execute("select 1 from copied_devices where device_id = ? and resolved_at is null", [device_id]).fetchone()
        if flagged is None:
            raise ValueError(f"device {device_id} is not flagged as a possible copied device")
        now = self.clock()
        outcomes = []
        with self.db.db.atomic():
            held = self.conn.execute(
                "select hash, file_name, device_id, sequence, created_at from bundles where device_id = ? and status = ? order by sequence, merged_at",
                [device_id, HELD],
            ).fetchall()
            for bundle_hash, file_name, _, sequence, created_at in held:
                header = BundleHeader(bundle_hash, device_id, "", sequence, created_at or "", self.db.require_survey()["id"], False, 0)
                outcome = BundleOutcome(file_name, MERGED, "accepted as a copied device", bundle_hash, device_id, sequence)
                cursor = self.conn.execute(f"select {', '.join(RESPONSE_COLUMNS)}, answers_row from held where bundle_hash = ? order by rowid", [bundle_hash])
                while rows := cursor.fetchmany(CHUNK_RECORDS):  # a chunk at a time: memory stays bounded
                    chunk = RecordChunk([tuple(row[:-1]) for row in rows], [tuple(json.loads(row[-1])) for row in rows], [])
                    self._apply_chunk(chunk, header, outcome, now)
                self.conn.execute("delete from held where bundle_hash = ?", [bundle_hash])
                self.conn.execute("update bundles set status = ?, accepted = ?, duplicates = ? where hash = ?", [MERGED, outcome.accepted, outcome.duplicates, bundle_hash])
                outcomes.append(outcome)
            self.conn.execute("update copied_devices set resolved_at = ?, resolution = 'accepted' where device_id = ?", [now, device_id])
        return outcomes

    def _bind_survey(self, survey_id: str) -> None:
        if self.db.survey_row() is None:
            package = self.surveys[survey_id]
            self.db.set_survey(package.survey_id, package.name, package.questionnaire_toml, package.units, package.created_at)

    def _hashes(self, table: str, id_column: str, hash_column: str, ids: list[str]) -> dict[str, set[str]]:
        """Response id -> content hashes already in `table`, for `ids`."""
        found: dict[str, set[str]] = {}
        for start in range(0, len(ids), _LOOKUP_BATCH):
            batch = ids[start : start + _LOOKUP_BATCH]
            sql = f"select {id_column}, {hash_column} from {table} where {id_column} in ({', '.join('?' * len(batch))})"
            for rid, content_hash in self.conn.execute(sql, batch):
                found.setdefault(rid, set()).add(content_hash)
        return found

    def _apply_chunk(self, chunk: RecordChunk, header: BundleHeader, outcome: BundleOutcome, now: str) -> None:
        merged = self._hashes("responses", "id", "content_hash", [row[ID_COLUMN] for row in chunk.response_rows])
        existing = {rid: hashes.pop() for rid, hashes in merged.items()}
        new_responses, new_answers, new_paradata, conflicts, replaced = [], [], [], [], []
        paradata = chunk.paradata_rows if chunk.paradata_rows is not None else [None] * len(chunk.response_rows)
        for response_row, answer_row, summary in zip(chunk.response_rows, chunk.answer_rows, paradata):
            rid, content_hash = response_row[ID_COLUMN], response_row[CONTENT_HASH_COLUMN]
            known = existing.get(rid)
            if known is None:
                existing[rid] = content_hash
                new_responses.append(response_row)
                new_answers.append(answer_row)
                new_paradata.append(summary)
            elif known == content_hash:
                outcome.duplicates += 1
            elif rid in merged and (earlier := self._later_version(rid, header)) is not None:
                # this bundle is earlier in the device's sequence than the one merged: its version wins
                existing[rid] = content_hash
                replaced.append(rid)
                new_responses.append(response_row)
                new_answers.append(answer_row)
                new_paradata.append(summary)
                conflicts.append((rid, earlier[0], content_hash, known, earlier[1], f"replaces the version of bundle {earlier[2]} merged before (the earliest bundle of a device wins)"))
            else:
                # kept as readable JSON text, for whoever resolves the conflict
                document = document_text(response_row[DOCUMENT_COLUMN], response_row[DOCUMENT_SIZE_COLUMN])
                conflicts.append((rid, header.bundle_hash, known, content_hash, document, f"already merged with other content ({known[:12]}); this bundle has {content_hash[:12]}"))
        if replaced:
            self._remove_responses(replaced)
        self.db.insert_rows(new_responses, new_answers, None if chunk.paradata_rows is None else new_paradata)
        outcome.accepted += len(new_responses)
        if conflicts:
            self._record_conflicts(conflicts, header, outcome, now)
        if chunk.quarantined:
            self._record_quarantine(chunk, header, outcome, now)

    def _later_version(self, response_id: str, header: BundleHeader) -> tuple[str, str, int] | None:
        """(bundle hash, document, sequence) of the merged version of a response when it came from a later
        bundle of the same device than `header`'s; None when the merged version stays."""
        row = self.conn.execute(
            "select r.bundle_hash, r.document, r.document_size, b.sequence from responses r join bundles b on b.hash = r.bundle_hash "
            "where r.id = ? and r.device_id = ? and b.device_id = ?",
            [response_id, header.device_id, header.device_id],
        ).fetchone()
        if row is None or row[3] is None or row[3] <= header.sequence:
            return None
        return row[0], document_text(row[1], row[2]) or "", row[3]

    def _remove_responses(self, response_ids: list[str]) -> None:
        for start in range(0, len(response_ids), _LOOKUP_BATCH):
            batch = response_ids[start : start + _LOOKUP_BATCH]
            marks = ", ".join("?" * len(batch))
            self.conn.execute(f"delete from answers where response_id in ({marks})", batch)
            self.conn.execute(f"delete from response_paradata where response_id in ({marks})", batch)
            self.conn.execute(f"delete from responses where id in ({marks})", batch)

    def _record_conflicts(self, conflicts: list[tuple[str, str, str, str, str, str]], header: BundleHeader, outcome: BundleOutcome, now: str) -> None:
        """Record (response id, bundle of the version set aside, content hash kept, content hash set aside, the set-aside document, note)."""
        recorded = self._hashes("conflicts", "response_id", "incoming_content_hash", [c[0] for c in conflicts])
        rows = []
        for rid, aside_bundle, kept, aside, document, note in conflicts:
            outcome.conflicts += 1
            outcome.note("conflict", rid, note)
            if aside not in recorded.get(rid, set()):
                recorded.setdefault(rid, set()).add(aside)
                rows.append((rid, aside_bundle, header.device_id, kept, aside, document, now))
        self.conn.executemany(
            "insert into conflicts (response_id, bundle_hash, device_id, existing_content_hash, incoming_content_hash, "
            "incoming_document, at) values (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _record_quarantine(self, chunk: RecordChunk, header: BundleHeader, outcome: BundleOutcome, now: str) -> None:
        ids = [q.response_id for q in chunk.quarantined if q.response_id and q.content_hash]
        recorded = self._hashes("quarantine", "response_id", "content_hash", ids)
        rows = []
        for record in chunk.quarantined:
            outcome.quarantined += 1
            outcome.note("quarantined", record.response_id, record.reason)
            if record.content_hash is not None and record.content_hash in recorded.get(record.response_id or "", set()):
                continue
            if record.response_id and record.content_hash:
                recorded.setdefault(record.response_id, set()).add(record.content_hash)
            rows.append((record.response_id, header.bundle_hash, header.device_id, record.reason, record.document, now, record.content_hash))
        self.conn.executemany(
            "insert into quarantine (response_id, bundle_hash, device_id, reason, document, at, content_hash) values (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _record_bundle(self, file: str, header: BundleHeader, outcome: BundleOutcome, now: str) -> None:
        self.conn.execute(
            "insert or replace into bundles (hash, file_name, device_id, sequence, created_at, merged_at, status, reason, "
            "accepted, duplicates, conflicts, quarantined) values (?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?)",
            [
                header.bundle_hash,
                Path(file).name,
                header.device_id,
                header.sequence,
                header.created_at,
                now,
                MERGED,
                outcome.accepted,
                outcome.duplicates,
                outcome.conflicts,
                outcome.quarantined,
            ],
        )
        self.conn.execute(
            "insert into devices (device_id, public_key, first_seen, last_seen) values (?, ?, ?, ?) "
            "on conflict(device_id) do update set last_seen = excluded.last_seen",
            [header.device_id, header.device_public_key, now, now],
        )


class CommitGroup:
    """Bundles whose records are all in hand, verified and checked, merged in one transaction for several.

    Each bundle is still merged completely or not at all: its rows are written together, and none
    of them can fail a check any more. Committing once for a few thousand responses instead of for
    every bundle writes each page of the response id index to the WAL less often (a fifth less CPU
    in the writing process at a million responses). Outcomes are handed out only once committed,
    so a bundle the report calls merged is in the database; if anything fails, the whole group is
    rolled back and the error raised, and merging again redoes it.
    """

    def __init__(
        self,
        merger: Merger,
        *,
        max_records: int = GROUP_RECORDS,
        max_seconds: float = GROUP_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.merger = merger
        self.max_records = max_records
        self.max_seconds = max_seconds
        self.clock = clock
        self._held: list[BundleOutcome] = []
        self._records = 0
        self._began = 0.0

    def apply(self, file: str, header: BundleHeader, chunks: Sequence[RecordChunk]) -> list[BundleOutcome]:
        """Merge an admitted bundle, all of whose chunks are given, into the group; the outcomes this commits (often none)."""
        conn = self.merger.conn
        if not conn.in_transaction:
            conn.execute("BEGIN")
            self._began = self.clock()
        try:
            self._held.append(self.merger.write(file, header, chunks))
        except BaseException:
            self.rollback()
            raise
        self._records += header.records
        if self._records >= self.max_records or self.clock() - self._began >= self.max_seconds:
            return self.commit()
        return []

    def hold(self, outcome: BundleOutcome) -> list[BundleOutcome]:
        """An outcome decided otherwise (its writes done in the group's transaction, or committed), released in file order."""
        self._held.append(outcome)
        return [] if self.merger.conn.in_transaction else self.commit()

    def commit(self) -> list[BundleOutcome]:
        """Commit the group; its outcomes, in the order their files came."""
        if self.merger.conn.in_transaction:
            self.merger.conn.execute("COMMIT")
        released, self._held, self._records = self._held, [], 0
        return released

    def rollback(self) -> None:
        """Undo every bundle of the group (none of their outcomes was handed out)."""
        if self.merger.conn.in_transaction:
            self.merger.conn.execute("ROLLBACK")
        self._held, self._records = [], 0


def missing_sequences(conn: sqlite3.Connection) -> dict[str, list[tuple[int, int]]]:
    """Device id -> runs (first, last) of bundle sequence numbers below the highest merged that are not merged."""
    missing: dict[str, list[tuple[int, int]]] = {}
    previous: dict[str, int] = {}
    for device_id, sequence in conn.execute(
        "select distinct device_id, sequence from bundles where status in (?, ?) order by device_id, sequence", [MERGED, HELD]
    ):
        expected = previous.get(device_id, 0) + 1
        if sequence > expected:
            missing.setdefault(device_id, []).append((expected, sequence - 1))
        previous[device_id] = sequence
    return missing


@dataclass(frozen=True)
class CopiedDevice:
    """A device flagged as possibly copied (one key on two machines), not yet decided on: its bundles are held."""

    device_id: str
    flagged_at: str
    reason: str
    held_bundles: int
    held_responses: int


def copied_devices(conn: sqlite3.Connection) -> list[CopiedDevice]:
    """The devices flagged as possibly copied and not resolved, in id order."""
    return [
        CopiedDevice(device_id, flagged_at, reason, bundles, responses)
        for device_id, flagged_at, reason, bundles, responses in conn.execute(
            "select c.device_id, c.flagged_at, c.reason, "
            "(select count(*) from bundles b where b.device_id = c.device_id and b.status = ?), "
            "(select count(*) from held h where h.device_id = c.device_id) "
            "from copied_devices c where c.resolved_at is null order by c.device_id",
            [HELD],
        )
    ]
