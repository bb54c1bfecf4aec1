"""Work-unit lists: the Unit model and a strict CSV reader with one-line errors naming the row."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from akhlak_tui.files import FileTooLarge, read_at_most

UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
MAX_UNITS = 10_000
MAX_HEADCOUNT = 10_000_000
MAX_FILE_BYTES = 8 * 1024 * 1024
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Unit(BaseModel):
    """A work unit respondents belong to; `headcount` (optional) is the number of ASN in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    headcount: int | None = None


class UnitsError(ValueError):
    """A unit list that cannot be used; the message is one line naming the file and row."""


def parse_units_csv(text: str, file_name: str = "<units>") -> list[Unit]:
    """Read `code,name[,headcount]` CSV text (header required); raise UnitsError naming the row."""
    text = text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UnitsError(f"{file_name}: the file is empty; expected a header row 'code,name,headcount'")
    header = [h.strip().lower() for h in rows[0]]
    if header[:2] != ["code", "name"] or len(header) > 3 or (len(header) == 3 and header[2] != "headcount"):
        raise UnitsError(f"{file_name}:1: header must be 'code,name' or 'code,name,headcount', got {','.join(rows[0])!r}")
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise UnitsError(f"{file_name}:{number}: expected {len(header)} columns, found {len(row)}")
        code, name = row[0].strip(), row[1].strip()
        if not UNIT_CODE.match(code):
            raise UnitsError(
                f"{file_name}:{number}: code {code!r} must be 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit"
            )
        if code in seen:
            raise UnitsError(f"{file_name}:{number}: duplicate code {code!r} (first on row {seen[code]})")
        if not name or len(name) > 200:
            raise UnitsError(f"{file_name}:{number}: name must be 1-200 characters")
        if CONTROL.search(name):
            raise UnitsError(f"{file_name}:{number}: name has a control character (a line break from an unclosed quote?)")
        headcount = None
        if len(row) == 3 and row[2].strip():
            cell = row[2].strip()
            if not (cell.isascii() and cell.isdigit()) or int(cell) < 1:
                raise UnitsError(f"{file_name}:{number}: headcount {cell!r} is not a positive whole number")
            if int(cell) > MAX_HEADCOUNT:
                raise UnitsError(f"{file_name}:{number}: headcount {cell} is more than {MAX_HEADCOUNT:,}")
            headcount = int(cell)
        seen[code] = number
        units.append(Unit(code=code, name=name, headcount=headcount))
        if len(units) > MAX_UNITS:
            raise UnitsError(f"{file_name}:{number}: more than {MAX_UNITS} units")
    if not units:
        raise UnitsError(f"{file_name}: no units after the header")
    return units


def load_units_csv(path: str | Path) -> list[Unit]:
    """Read a units CSV file; raise UnitsError (one line) on any problem."""
    path = Path(path)
    try:
        raw = read_at_most(path, MAX_FILE_BYTES)
    except FileTooLarge:
        raise UnitsError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; a units file is far smaller") from None
    except OSError as exc:
        raise UnitsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnitsError(f"{path}:{line}: not UTF-8 text") from None
    return parse_units_csv(text, str(path))
