"""The evaluation's tables in the merged database: the instrument, claims, verified levels, evidence, history.

They have their own migrations (named `akhlak_tui.evaluation`), so they never change the order of
the merge's. Every change is one transaction, committed before the call returns, and leaves a row
in `evaluation_history` with its time: nothing is lost on a crash and nothing is overwritten
without a trace.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlite_utils import Database, Migrations

from akhlak_tui.evaluation.loading import parse_instrument
from akhlak_tui.evaluation.model import Instrument

migrations = Migrations("akhlak_tui.evaluation")

ORGANISATION_KEYS = ("survey_index", "evaluation_index")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@migrations()
def m001_evaluation(db: Database) -> None:
    db["evaluation_instrument"].create(
        {"key": str, "instrument_id": str, "version": str, "content_hash": str, "toml": str, "bound_at": str}, pk="key"
    )
    db["evaluation_returns"].create({"unit": str, "file": str, "sheet": str, "file_sha256": str, "imported_at": str}, pk="unit")
    db["evaluation_claims"].create(
        {"unit": str, "criterion": str, "level": int, "evidence": str, "note": str, "source": str, "at": str},
        pk=("unit", "criterion"),
    )
    db["evaluation_verified"].create(
        {"unit": str, "criterion": str, "level": int, "note": str, "at": str}, pk=("unit", "criterion")
    )
    db["evaluation_evidence"].create(
        {"unit": str, "criterion": str, "name": str, "sha256": str, "size": int, "stored_as": str, "at": str},
        pk=("unit", "criterion", "name"),
    )
    db["evaluation_history"].create(
        {"id": int, "at": str, "unit": str, "criterion": str, "kind": str, "old": str, "new": str, "note": str, "source": str},
        pk="id",
    )
    db["evaluation_history"].create_index(["unit", "criterion"])
    db["evaluation_organisation"].create({"key": str, "value": float, "source": str, "at": str}, pk="key")


class EvaluationStoreError(Exception):
    """The evaluation cannot be stored (another instrument is bound, an unknown unit, ...)."""


@dataclass
class Claim:
    """What a unit's returned form says about one criterion."""

    criterion: str
    level: int | None
    evidence: str = ""
    note: str = ""
    source: str = ""  # file, sheet and row it came from


@dataclass
class EvidenceFile:
    criterion: str
    name: str
    sha256: str
    size: int
    stored_as: str


@dataclass
class UnitReturn:
    """One unit's returned form, read and checked, ready to store."""

    unit: str
    file: str
    sheet: str
    file_sha256: str
    claims: list[Claim]
    evidence: list[EvidenceFile] = field(default_factory=list)


@dataclass
class EvaluationState:
    """Everything stored about the evaluation, for scores, reports and status."""

    instrument: Instrument
    returned: dict[str, dict]  # unit -> evaluation_returns row
    claims: dict[str, dict[str, dict]]  # unit -> criterion -> claim row
    verified: dict[str, dict[str, dict]]  # unit -> criterion -> verified row
    evidence: dict[str, list[dict]]  # unit -> evidence rows
    organisation: dict[str, dict]  # key -> {value, source, at}


def _by_unit(rows: Iterable[dict]) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for row in rows:
        out.setdefault(row["unit"], {})[row["criterion"]] = row
    return out


class EvaluationStore:
    """The evaluation tables of one merged database (`db`: its sqlite_utils Database)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        migrations.apply(db)
        # An evaluator's change must survive a power cut, as an answer on a laptop does.
        db.execute("PRAGMA synchronous=FULL")

    @staticmethod
    def has_evaluation(db: Database) -> bool:
        """Whether `db` has an evaluation bound (without creating any table)."""
        return db["evaluation_instrument"].exists() and db.execute("select count(*) from evaluation_instrument").fetchone()[0] > 0

    # -- the instrument ------------------------------------------------------------------------
    def instrument(self) -> Instrument | None:
        row = next(iter(self.db["evaluation_instrument"].rows), None)
        return parse_instrument(row["toml"], f"evaluation {row['instrument_id']}") if row else None

    def bind(self, toml_text: str, instrument: Instrument) -> None:
        """Bind the database to an instrument (once); another instrument is refused."""
        row = next(iter(self.db["evaluation_instrument"].rows), None)
        if row is not None:
            if row["content_hash"] != instrument.content_hash:
                raise EvaluationStoreError(
                    f"the merged database is bound to evaluation {row['instrument_id']} {row['version']} "
                    f"(hash {row['content_hash'][:12]}), not {instrument.id} {instrument.version} (hash {instrument.content_hash[:12]})"
                )
            return
        with self.db.atomic():
            self.db["evaluation_instrument"].insert(
                {
                    "key": "current",
                    "instrument_id": instrument.id,
                    "version": instrument.version,
                    "content_hash": instrument.content_hash,
                    "toml": toml_text,
                    "bound_at": utc_now(),
                }
            )

    # -- writes (one transaction each) ----------------------------------------------------------
    def _history(self, at: str, unit: str, criterion: str, kind: str, old: object, new: object, note: str = "", source: str = "") -> None:
        self.db["evaluation_history"].insert(
            {
                "at": at,
                "unit": unit,
                "criterion": criterion,
                "kind": kind,
                "old": None if old is None else json.dumps(old, ensure_ascii=False),
                "new": None if new is None else json.dumps(new, ensure_ascii=False),
                "note": note,
                "source": source,
            }
        )

    def store_returns(self, returns: Sequence[UnitReturn], toml_text: str, instrument: Instrument) -> None:
        """Store every returned form in one transaction (binding the instrument on the first import): all, or none."""
        at = utc_now()
        with self.db.atomic():
            self.bind(toml_text, instrument)
            for ret in returns:
                old_claims = _by_unit(self.db["evaluation_claims"].rows_where("unit = ?", [ret.unit])).get(ret.unit, {})
                for claim in ret.claims:
                    old = old_claims.get(claim.criterion)
                    new = {"level": claim.level, "evidence": claim.evidence, "note": claim.note}
                    before = None if old is None else {"level": old["level"], "evidence": old["evidence"], "note": old["note"]}
                    if before == new:
                        continue  # the same claim again: its time stays that of the change
                    self.db["evaluation_claims"].upsert(
                        {"unit": ret.unit, "criterion": claim.criterion, **new, "source": claim.source, "at": at},
                        pk=("unit", "criterion"),
                    )
                    self._history(at, ret.unit, claim.criterion, "claimed", before, new, source=claim.source)
                for ev in ret.evidence:
                    self.db["evaluation_evidence"].upsert(
                        {"unit": ret.unit, "criterion": ev.criterion, "name": ev.name, "sha256": ev.sha256, "size": ev.size, "stored_as": ev.stored_as, "at": at},
                        pk=("unit", "criterion", "name"),
                    )
                    self._history(at, ret.unit, ev.criterion, "evidence", None, {"name": ev.name, "sha256": ev.sha256}, source=ret.file)
                self.db["evaluation_returns"].upsert(
                    {"unit": ret.unit, "file": ret.file, "sheet": ret.sheet, "file_sha256": ret.file_sha256, "imported_at": at}, pk="unit"
                )
                self._history(at, ret.unit, "", "returned", None, {"file": ret.file, "sheet": ret.sheet, "sha256": ret.file_sha256}, source=ret.file)

    def verify(self, unit: str, criterion: str, level: int, note: str = "") -> None:
        """Set the verified level of one criterion of one unit, with the evaluator's note (kept in history)."""
        at = utc_now()
        with self.db.atomic():
            old = self.db.execute("select level, note from evaluation_verified where unit = ? and criterion = ?", [unit, criterion]).fetchone()
            self.db["evaluation_verified"].upsert({"unit": unit, "criterion": criterion, "level": level, "note": note, "at": at}, pk=("unit", "criterion"))
            self._history(at, unit, criterion, "verified", None if old is None else old[0], level, note=note)

    def set_organisation(self, key: str, value: float | None, source: str) -> None:
        """Enter (or with None, remove) an organisation-level number computed elsewhere, with its source."""
        if key not in ORGANISATION_KEYS:
            raise EvaluationStoreError(f"unknown organisation number {key!r} (known: {', '.join(ORGANISATION_KEYS)})")
        at = utc_now()
        with self.db.atomic():
            old = self.db.execute("select value from evaluation_organisation where key = ?", [key]).fetchone()
            if value is None:
                self.db.execute("delete from evaluation_organisation where key = ?", [key])
            else:
                self.db["evaluation_organisation"].upsert({"key": key, "value": value, "source": source, "at": at}, pk="key")
            self._history(at, "", key, "organisation", None if old is None else old[0], value, note=source)

    # -- reads ----------------------------------------------------------------------------------
    def history(self, unit: str | None = None) -> list[dict]:
        where, args = ("unit = ?", [unit]) if unit is not None else (None, None)
        return list(self.db["evaluation_history"].rows_where(where, args, order_by="id"))

    def state(self) -> EvaluationState | None:
        instrument = self.instrument()
        if instrument is None:
            return None
        evidence: dict[str, list[dict]] = {}
        for row in self.db["evaluation_evidence"].rows_where(order_by="unit, criterion, name"):
            evidence.setdefault(row["unit"], []).append(row)
        return EvaluationState(
            instrument=instrument,
            returned={r["unit"]: r for r in self.db["evaluation_returns"].rows},
            claims=_by_unit(self.db["evaluation_claims"].rows),
            verified=_by_unit(self.db["evaluation_verified"].rows),
            evidence=evidence,
            organisation={r["key"]: r for r in self.db["evaluation_organisation"].rows},
        )
