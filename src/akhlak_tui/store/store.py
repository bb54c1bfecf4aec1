"""The Store: start a response, save each answer in its own committed transaction, submit, abandon."""

from __future__ import annotations

import functools
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from akhlak_tui.files import keep_private
from akhlak_tui.questionnaire.model import Questionnaire
from akhlak_tui.response import Answer, Event, Mode, Response, utc_now
from akhlak_tui.store.errors import (
    DAMAGED,
    FULL,
    MIN_FREE_BYTES,
    READ_ONLY,
    RESPONSE_REMOVED,
    SURVEY_REMOVED,
    StoreError,
    cannot_open_kind,
    failure_kind,
    free_bytes,
    store_error,
    writable,
)
from akhlak_tui.store.schema import migrations

_NO_VALUE = object()


@dataclass(frozen=True)
class DraftInfo:
    """What the home screen shows of an unfinished response."""

    id: str
    unit: str | None
    mode: str
    created_at: str
    updated_at: str
    position: str | None
    answered: int
    questionnaire_hash: str
    survey_id: str | None


_OPEN_PROBLEMS = {
    FULL: "cannot be opened for writing: the disk is full",
    READ_ONLY: "cannot be opened for writing: the folder or the file is read-only",
    DAMAGED: "damaged: not a usable akhlak database",
}
"""What stops a store from opening, by the kind of failure (the file may be fine but for the disk)."""


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a failed SQLite call into a StoreError of its kind; a damaged file is written no more."""

    @functools.wraps(method)
    def guarded(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, OSError) as exc:
            error = store_error(exc, self.path)
            if error.kind == DAMAGED:
                self.damaged = True
            raise error from exc

    return guarded


class Store:
    """The laptop's survey database. Every write method is one committed transaction.

    Every method raises StoreError, with its kind (full, read_only, damaged, other), when SQLite
    or the disk fails. Opening runs SQLite's quick check: a damaged file is refused, and one
    found damaged later is never written to again."""

    def __init__(self, path: str | Path | None = None, *, clock: Callable[[], str] = utc_now) -> None:
        self.path = Path(path) if path is not None else None
        self.damaged = False
        """Set when SQLite reports the file damaged: every write is refused from then on."""
        try:
            if self.path is None:
                conn = sqlite3.connect(":memory:")
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    keep_private(self.path, StoreError)
                except StoreError as exc:  # it cannot be created: a read-only folder, a full disk ...
                    raise StoreError(str(exc), cannot_open_kind(self.path)) from None
                conn = sqlite3.connect(str(self.path), timeout=10)
            self.db = Database(conn)
            if self.path is not None:
                self._quick_check()
                self.db.enable_wal()
            # FULL: a committed answer survives a power cut, not only a crash of the process.
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            # Deleted rows (the clear answers of a response once it is sealed) are overwritten.
            self.db.execute("PRAGMA secure_delete=ON")
            migrations.apply(self.db)
        except (sqlite3.Error, OSError) as exc:
            problem = _OPEN_PROBLEMS.get(failure_kind(exc, self.path), "not a usable akhlak database")
            raise store_error(exc, self.path, problem) from None
        self.clock = clock

    def _quick_check(self) -> None:
        """SQLite's quick check of the file's structure (fast: no index is compared with its table)."""
        try:
            result = self.db.execute("PRAGMA quick_check(1)").fetchone()
        except sqlite3.DatabaseError as exc:
            if store_error(exc).kind != DAMAGED:
                raise
            result = (str(exc),)
        if result is None or result[0] != "ok":
            self.db.close()
            found = " ".join(str(result and result[0]).split())  # SQLite's report spans lines: one line
            raise StoreError(f"{self.path}: not a usable akhlak database (damaged: {found})", DAMAGED)

    def require_writable(self) -> None:
        """Raise StoreError (read_only or full) if answers cannot be written now; cheap: no write."""
        if self.path is None:
            return
        if self.damaged:
            raise StoreError(f"{self.path}: damaged; it is not written to", DAMAGED)
        if not writable(self.path):
            raise StoreError(f"{self.path}: the file or its folder cannot be written", READ_ONLY)
        free = free_bytes(self.path)
        if free < MIN_FREE_BYTES:
            raise StoreError(f"{self.path}: the disk is full ({free} bytes free)", FULL)

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One committed transaction, rolled back if anything in it fails; refused on a damaged file."""
        if self.damaged:
            raise StoreError(f"{self.path}: damaged; it is not written to", DAMAGED)
        with self.db.atomic():
            yield

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers -------------------------------------------------------------------------------
    def _row(self, response_id: str) -> dict[str, Any]:
        cursor = self.db.execute("select * from responses where id = ?", [response_id])
        row = cursor.fetchone()
        if row is None:
            raise StoreError(f"no response {response_id} on this laptop", RESPONSE_REMOVED)
        return dict(zip((c[0] for c in cursor.description), row))

    def _require_draft(self, response_id: str) -> dict[str, Any]:
        row = self._row(response_id)
        if row["status"] != "draft":
            raise StoreError(f"response {response_id} is {row['status']}, not a draft")
        return row

    def _event(
        self,
        response_id: str,
        kind: str,
        at: str,
        item_id: str | None = None,
        old: Any = None,
        new: Any = None,
        detail: str | None = None,
    ) -> None:
        self.db.execute(
            "insert into events (response_id, at, kind, item_id, old, new, detail) values (?, ?, ?, ?, ?, ?, ?)",
            [response_id, at, kind, item_id, _dump(old), _dump(new), detail],
        )

    def _touch(self, response_id: str, at: str, **fields: Any) -> None:
        sets = ", ".join(f"{k} = ?" for k in ["updated_at", *fields])
        self.db.execute(f"update responses set {sets} where id = ?", [at, *fields.values(), response_id])

    # -- responses -----------------------------------------------------------------------------
    @_guarded
    def start_response(
        self,
        questionnaire: Questionnaire,
        *,
        device_id: str,
        mode: Mode,
        language: str,
        survey_id: str | None = None,
        unit: str | None = None,
    ) -> str:
        """Create a draft response and return its id (a UUID4, never changed). Refused
        (SURVEY_REMOVED) for a survey no longer installed here: it was uninstalled while the app
        had it open, and a response of it could never be exported."""
        response_id = str(uuid.uuid4())
        now = self.clock()
        with self._write():
            self.db["responses"].insert(
                {
                    "id": response_id,
                    "survey_id": survey_id,
                    "questionnaire_id": questionnaire.id,
                    "questionnaire_version": questionnaire.version,
                    "questionnaire_hash": questionnaire.content_hash,
                    "device_id": device_id,
                    "unit": unit,
                    "mode": mode,
                    "language": language,
                    "status": "draft",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            self._event(response_id, "started", now, detail=mode)
            # checked in the transaction of the insert: an uninstall committed before it is seen (one
            # under way makes the insert wait or fail as locked, and the next try is refused here)
            if survey_id is not None and self.db.execute("select 1 from installed_surveys where id = ?", [survey_id]).fetchone() is None:
                raise StoreError(f"survey {survey_id} is not installed on this laptop: no response is started for it", SURVEY_REMOVED)
        return response_id

    @_guarded
    def save_answer(self, response_id: str, item_id: str, value: Any, *, is_unit: bool = False) -> bool:
        """Store (or replace) one answer and its event, committed before returning.

        `None` (or an empty string or list) removes the answer. `is_unit` (the answer to the
        questionnaire's unit item) also records the unit in the clear part of the response,
        for the home screen's counts. Returns False when nothing changed.
        """
        if value == "" or value == []:
            value = None
        now = self.clock()
        with self._write():
            self._require_draft(response_id)
            found = self.db.execute(
                "select value from answers where response_id = ? and item_id = ?", [response_id, item_id]
            ).fetchone()
            old = _load(found[0]) if found else None
            if old == value:
                return False
            if value is None:
                self.db.execute("delete from answers where response_id = ? and item_id = ?", [response_id, item_id])
                self._event(response_id, "cleared", now, item_id, old=old, detail="by respondent")
            else:
                self.db.execute(
                    "insert into answers (response_id, item_id, value, answered_at) values (?, ?, ?, ?) "
                    "on conflict (response_id, item_id) do update set value = excluded.value, answered_at = excluded.answered_at",
                    [response_id, item_id, _dump(value), now],
                )
                kind = "answered" if found is None else "changed"
                self._event(response_id, kind, now, item_id, old=old, new=value)
            self._touch(response_id, now, **({"unit": value} if is_unit else {}))
        return True

    @_guarded
    def clear_answers(self, response_id: str, item_ids: Iterable[str], reason: str) -> list[str]:
        """Remove answers (e.g. of items made irrelevant), recording why; returns the ids cleared."""
        now = self.clock()
        cleared: list[str] = []
        with self._write():
            self._require_draft(response_id)
            for item_id in item_ids:
                found = self.db.execute(
                    "select value from answers where response_id = ? and item_id = ?", [response_id, item_id]
                ).fetchone()
                if found is None:
                    continue
                self.db.execute("delete from answers where response_id = ? and item_id = ?", [response_id, item_id])
                self._event(response_id, "cleared", now, item_id, old=_load(found[0]), detail=reason)
                cleared.append(item_id)
            if cleared:
                self._touch(response_id, now)
        return cleared

    @_guarded
    def record_event(
        self,
        response_id: str,
        kind: str,
        item_id: str | None = None,
        *,
        old: Any = None,
        new: Any = None,
        detail: str | None = None,
        position: Any = _NO_VALUE,
    ) -> None:
        """Record a paradata event; `position` also moves the resume point, in the same transaction."""
        now = self.clock()
        with self._write():
            self._row(response_id)
            self._event(response_id, kind, now, item_id, old=old, new=new, detail=detail)
            if position is not _NO_VALUE:
                self._touch(response_id, now, position=position)
            elif kind == "language":
                self._touch(response_id, now, language=new)

    def show_item(self, response_id: str, item_id: str) -> None:
        """Record that an item is on screen and make it the resume point."""
        self.record_event(response_id, "shown", item_id, position=item_id)

    @_guarded
    def submit(self, response_id: str, seal: Callable[[bytes], bytes] | None = None) -> None:
        """Mark a draft submitted. With `seal`, answers and events are replaced by one sealed blob.

        Sealing happens in the same transaction, so a submitted response is never both in clear
        and sealed, nor lost between the two.
        """
        now = self.clock()
        with self._write():
            self._require_draft(response_id)
            self._event(response_id, "submitted", now)
            self._touch(response_id, now, status="submitted", submitted_at=now, position=None)
            if seal is not None:
                self._seal(response_id, seal)
        if seal is not None:
            self._drop_old_pages()

    @_guarded
    def abandon(self, response_id: str, reason: str, seal: Callable[[bytes], bytes] | None = None) -> None:
        """Mark a draft abandoned with a reason: kept for audit, never scored."""
        now = self.clock()
        with self._write():
            self._require_draft(response_id)
            self._event(response_id, "abandoned", now, detail=reason)
            self._touch(response_id, now, status="abandoned", abandon_reason=reason, position=None)
            if seal is not None:
                self._seal(response_id, seal)
        if seal is not None:
            self._drop_old_pages()

    def _drop_old_pages(self) -> None:
        """Checkpoint and empty the WAL, so no earlier page with clear answers stays in it.

        Never waits: if another connection is reading just now, the next submit (or the last
        connection's close) empties it instead; nor fails: the response is committed already,
        and a disk that cannot take the checkpoint now is emptied by a later one.
        """
        timeout = self.db.execute("PRAGMA busy_timeout").fetchone()[0]
        self.db.execute("PRAGMA busy_timeout = 0")
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError:
            pass
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {int(timeout)}")

    def _seal(self, response_id: str, seal: Callable[[bytes], bytes]) -> None:
        response = self.load(response_id)
        blob = seal(response.canonical_json().encode("utf-8"))
        self.db.execute("delete from answers where response_id = ?", [response_id])
        self.db.execute("delete from events where response_id = ?", [response_id])
        self.db.execute("update responses set sealed = ? where id = ?", [blob, response_id])

    # -- reading -------------------------------------------------------------------------------
    @_guarded
    def answers(self, response_id: str) -> dict[str, Any]:
        """Item id -> value of a response's stored answers."""
        rows = self.db.execute("select item_id, value from answers where response_id = ?", [response_id])
        return {item_id: _load(value) for item_id, value in rows}

    @_guarded
    def position(self, response_id: str) -> str | None:
        """The item a draft was last on (where resuming lands)."""
        return self._row(response_id)["position"]

    @_guarded
    def status(self, response_id: str) -> str:
        return self._row(response_id)["status"]

    @_guarded
    def load(self, response_id: str) -> Response:
        """The whole response, answers and events in order. Sealed responses have none in clear."""
        row = self._row(response_id)
        answers = [
            Answer(item_id=item_id, value=_load(value), answered_at=at)
            for item_id, value, at in self.db.execute(
                "select item_id, value, answered_at from answers where response_id = ? order by answered_at, item_id",
                [response_id],
            )
        ]
        events = [
            Event(at=at, kind=kind, item_id=item_id, old=_load(old), new=_load(new), detail=detail)
            for at, kind, item_id, old, new, detail in self.db.execute(
                "select at, kind, item_id, old, new, detail from events where response_id = ? order by id",
                [response_id],
            )
        ]
        fields = {k: row[k] for k in Response.model_fields if k in row}
        return Response(**fields, answers=answers, events=events)

    @_guarded
    def drafts(self, mode: str | None = None) -> list[DraftInfo]:
        """Unfinished responses, newest first (what `resume` offers)."""
        sql = (
            "select r.id, r.unit, r.mode, r.created_at, r.updated_at, r.position, "
            "(select count(*) from answers a where a.response_id = r.id), r.questionnaire_hash, r.survey_id "
            "from responses r where r.status = 'draft'"
        )
        params: list[Any] = []
        if mode is not None:
            sql += " and r.mode = ?"
            params.append(mode)
        sql += " order by r.updated_at desc"
        return [DraftInfo(*row) for row in self.db.execute(sql, params)]

    @_guarded
    def counts_by_status(self) -> dict[str, int]:
        return dict(self.db.execute("select status, count(*) from responses group by status").fetchall())

    @_guarded
    def counts_by_unit(self, since: str | None = None, survey_id: Any = _NO_VALUE) -> dict[str | None, dict[str, int]]:
        """Unit -> status -> count, optionally only responses created at or after `since`."""
        sql = "select unit, status, count(*) from responses where 1 = 1"
        params: list[Any] = []
        if since is not None:
            sql += " and created_at >= ?"
            params.append(since)
        if survey_id is not _NO_VALUE:
            sql += " and survey_id is ?"
            params.append(survey_id)
        sql += " group by unit, status"
        out: dict[str | None, dict[str, int]] = {}
        for unit, status, count in self.db.execute(sql, params):
            out.setdefault(unit, {})[status] = count
        return out

    # -- settings ------------------------------------------------------------------------------
    @_guarded
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("select value from settings where key = ?", [key]).fetchone()
        return default if row is None else row[0]

    @_guarded
    def set_setting(self, key: str, value: str | None) -> None:
        with self._write():
            if value is None:
                self.db.execute("delete from settings where key = ?", [key])
            else:
                self.db.execute(
                    "insert into settings (key, value) values (?, ?) on conflict (key) do update set value = excluded.value",
                    [key, value],
                )
