"""Store failures in a few kinds (full disk, read-only folder, damaged file) that screens can explain."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

FULL = "full"
"""The disk (or the user's quota) is full: nothing more can be written."""
READ_ONLY = "read_only"
"""The data folder or the database file cannot be written (read-only drive, permissions)."""
DAMAGED = "damaged"
"""The database file is damaged (a corrupted page, not a database): it is never written to again."""
SURVEY_REMOVED = "survey_removed"
"""The survey was uninstalled from this laptop (while the app had it open): no response starts for it."""
BUSY = "busy"
"""Another program (akhlak in another terminal: an export, an uninstall) held the database longer than the wait allows."""
RESPONSE_REMOVED = "response_removed"
"""The response is no longer on this laptop (its survey was uninstalled with --force while the app had it open)."""
OTHER = "other"
"""Anything else: an unknown response, a wrong status, an input/output error."""

KINDS = (FULL, READ_ONLY, DAMAGED, SURVEY_REMOVED, RESPONSE_REMOVED, BUSY, OTHER)

MIN_FREE_BYTES = 64 * 1024
"""Less free space than this in the data folder counts as a full disk (a few answers' worth)."""

# SQLite primary result codes (https://sqlite.org/rescode.html).
_SQLITE_KINDS = {13: FULL, 8: READ_ONLY, 11: DAMAGED, 26: DAMAGED, 5: BUSY, 6: BUSY}
_SQLITE_IOERR = 10
_SQLITE_CANTOPEN = 14
# Python < 3.11 has no error codes on sqlite3 errors: the messages SQLite gives for the same codes.
_SQLITE_MESSAGES = (
    ("disk is full", FULL),
    ("readonly database", READ_ONLY),
    ("malformed", DAMAGED),
    ("not a database", DAMAGED),
    ("database is locked", BUSY),
    ("database table is locked", BUSY),
)
_OS_KINDS = {errno.ENOSPC: FULL, errno.EROFS: READ_ONLY, errno.EACCES: READ_ONLY, errno.EPERM: READ_ONLY}
if hasattr(errno, "EDQUOT"):
    _OS_KINDS[errno.EDQUOT] = FULL


class StoreError(Exception):
    """A store operation that cannot be done. `kind` says why, for a message in the user's
    language: FULL, READ_ONLY, DAMAGED, SURVEY_REMOVED, RESPONSE_REMOVED, BUSY, or OTHER (a wrong status ...)."""

    def __init__(self, message: str, kind: str = OTHER) -> None:
        super().__init__(message)
        self.kind = kind if kind in KINDS else OTHER


def failure_kind(exc: BaseException, path: Path | None = None) -> str:
    """The kind of a failed SQLite call or file operation. `path` (the database file) tells a
    folder that cannot be written apart from other reasons SQLite cannot open a file."""
    if isinstance(exc, StoreError):
        return exc.kind
    if isinstance(exc, OSError):
        return _OS_KINDS.get(exc.errno or 0, OTHER)
    if not isinstance(exc, sqlite3.Error):
        return OTHER
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        primary = code & 0xFF
        if primary in _SQLITE_KINDS:
            return _SQLITE_KINDS[primary]
        if primary in (_SQLITE_CANTOPEN, _SQLITE_IOERR) and path is not None:
            return cannot_open_kind(path)
        return OTHER
    text = str(exc).lower()
    for part, kind in _SQLITE_MESSAGES:
        if part in text:
            return kind
    if ("unable to open" in text or "i/o error" in text) and path is not None:
        return cannot_open_kind(path)
    return OTHER


def cannot_open_kind(path: Path) -> str:
    """Why SQLite cannot open or extend its files (it says only "unable to open" or "disk I/O
    error"): a folder that cannot be written, or a disk with no room left for the -shm file."""
    if not writable(path):
        return READ_ONLY
    return FULL if free_bytes(path) < MIN_FREE_BYTES else OTHER


def free_bytes(path: Path) -> int:
    """Free bytes on the disk of the database file's folder (a large number if it cannot be told)."""
    folder = _existing_folder(path)
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 1 << 62


def store_error(exc: BaseException, path: Path | None = None, what: str = "") -> StoreError:
    """A StoreError for a failed SQLite call or file operation, naming the file."""
    if isinstance(exc, StoreError):
        return exc
    where = f"{path}: " if path is not None else ""
    detail = f"{what} ({exc})" if what else str(exc)
    return StoreError(f"{where}{detail}", failure_kind(exc, path))


def writable(path: Path) -> bool:
    """Whether the database file and its folder (or, before they exist, the nearest existing
    folder) can be written. A read-only drive is told apart even for the administrator."""
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(_existing_folder(path), os.W_OK)


def _existing_folder(path: Path) -> Path:
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder
