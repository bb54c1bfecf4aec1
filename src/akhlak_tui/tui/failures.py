"""What a failure tells the person at the keyboard (by kind, in their language), and the error log without answers."""

from __future__ import annotations

import sqlite3
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

from akhlak_tui.tui.texts import t

LOG_NAME = "akhlak-errors.log"
"""The log of unexpected errors, in the data dir: where and what, never an answer."""


def failure_kind(error: BaseException, path: Path | None = None) -> str:
    """full, read_only, damaged or other (see akhlak_tui.store.errors)."""
    from akhlak_tui.store.errors import failure_kind as kind_of

    return kind_of(error, path)


def failure_text(error: BaseException, lang: str, *, saved: bool = True, note: str = "failure.kept") -> str:
    """What failed and what to do, in `lang`, then the text `note` (by default: the answers saved
    before are kept); `saved=False` first says that the answer in hand was not saved."""
    kind = failure_kind(error)
    parts = [t(f"failure.{kind}", lang), t(f"failure.{kind}_do", lang)]
    if not saved:
        parts.append(t("failure.not_saved", lang))
    if kind not in ("survey_removed", "response_removed"):  # the survey's answers went with it: nothing "kept" to promise
        parts.append(t(note, lang))
    return " ".join(parts)


def start_text(error: BaseException, lang: str, store_path: Path) -> str:
    """Why the survey cannot be opened, naming the real cause: a full disk, a folder that cannot be
    written, a damaged file; anything else with its own one-line message (never a class name)."""
    kind = failure_kind(error, store_path)
    if kind == "full":
        return t("failure.start_full", lang)
    if kind == "read_only":
        return t("failure.start_read_only", lang, folder=store_path.parent)
    if kind == "damaged":
        return t("failure.start_damaged", lang, file=store_path)
    detail = getattr(error, "strerror", None) or str(error) or t("failure.other", lang)
    return t("home.error", lang, error=detail)


def log_error(data_dir: Path, error: BaseException) -> bool:
    """Append the error to the log in the data dir: when, its type, and where in the code it was
    raised (file, line, function). No local variables, and the message only for store and file
    errors, whose messages hold no answer. False if the log cannot be written."""
    lines = [f"{datetime.now(timezone.utc).isoformat(timespec='seconds')} {type(error).__module__}.{type(error).__qualname__}"]
    from akhlak_tui.store.errors import StoreError

    chain: BaseException | None = error
    while chain is not None:
        if isinstance(chain, (StoreError, sqlite3.Error, OSError)):
            lines.append(f"  message: {chain}")
        elif chain is not error:
            lines.append(f"  caused by: {type(chain).__qualname__}")
        for frame in traceback.extract_tb(chain.__traceback__):
            lines.append(f"  at {frame.filename}:{frame.lineno} in {frame.name}")
        chain = chain.__cause__ or chain.__context__
        if len(lines) > 200:
            break
    try:
        with open(Path(data_dir) / LOG_NAME, "a", encoding="utf-8") as log:
            log.write("\n".join(lines) + "\n")
    except OSError:
        return False
    return True


def say_unlogged(count: int, data_dir: Path) -> None:
    """After the app ended: one line on stderr when errors could not be logged (data dir not writable)."""
    if count:
        print(
            f"akhlak: {count} unexpected error(s) could not be written to {Path(data_dir) / LOG_NAME} "
            "(the data folder cannot be written); run with --debug to see them",
            file=sys.stderr,
        )
