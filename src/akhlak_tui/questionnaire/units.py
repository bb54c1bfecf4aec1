"""Work-unit lists: the Unit model and a strict CSV reader with one-line errors naming the row."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_serializer

from akhlak_tui.files import FileTooLarge, read_at_most
from akhlak_tui.questionnaire.model import Questionnaire, SingleItem

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
    staff: dict[str, dict[str, int]] | None = None
    """The staff profile: profile item id -> option code -> staff count (optional columns `item:option`)."""

    @model_serializer(mode="wrap")
    def _without_empty_profile(self, handler):  # type: ignore[no-untyped-def]
        data = handler(self)
        if isinstance(data, dict) and data.get("staff") is None:
            data.pop("staff", None)  # a unit list without a staff profile serialises as before
        return data


class UnitsError(ValueError):
    """A unit list that cannot be used; the message is one line naming the file and row."""


PROFILE_COLUMN = re.compile(r"^([a-z][a-z0-9_]{0,63}):([A-Za-z0-9_-]{1,64})$")
"""A staff-profile column: a profile item's id and one of its option codes, e.g. `gender:f`."""


def _profile_columns(header: list[str], raw: list[str], file_name: str) -> list[tuple[str, str]]:
    """(item, option) of each column after code, name and headcount; UnitsError for a bad or repeated one."""
    columns: list[tuple[str, str]] = []
    for number, cell in enumerate(header[2:], start=3):
        if cell == "headcount" and number == 3:
            continue
        match = PROFILE_COLUMN.match(raw[number - 1].strip())
        if match is None:
            raise UnitsError(
                f"{file_name}:1: column {number} is {raw[number - 1]!r}: after code,name[,headcount] each column is a staff count "
                "named ITEM:OPTION with a profile item's id and option code (e.g. gender:f)"
            )
        if match.groups() in columns:
            raise UnitsError(f"{file_name}:1: column {number} {raw[number - 1].strip()!r} is given twice")
        columns.append(match.groups())  # type: ignore[arg-type]
    return columns


def _staff(row: list[str], start: int, columns: list[tuple[str, str]], headcount: int | None, file_name: str, number: int) -> dict[str, dict[str, int]] | None:
    """The staff profile of one row: each item all given or all blank; counts within the headcount."""
    staff: dict[str, dict[str, int]] = {}
    blank: dict[str, str] = {}
    for (item, option), cell in zip(columns, row[start:]):
        cell = cell.strip()
        if not cell:
            blank.setdefault(item, option)
            continue
        if not (cell.isascii() and cell.isdigit()) or int(cell) > MAX_HEADCOUNT:
            raise UnitsError(f"{file_name}:{number}: {item}:{option} {cell!r} is not a whole number from 0 to {MAX_HEADCOUNT:,}")
        staff.setdefault(item, {})[option] = int(cell)
    for item, counts in staff.items():
        if item in blank:
            raise UnitsError(f"{file_name}:{number}: {item}:{blank[item]} is blank but other {item} columns are not; give all of an item's counts or none")
        if headcount is not None and sum(counts.values()) > headcount:
            raise UnitsError(f"{file_name}:{number}: the {item} counts add up to {sum(counts.values())}, more than the headcount {headcount}")
    return staff or None


def parse_units_csv(text: str, file_name: str = "<units>") -> list[Unit]:
    """Read `code,name[,headcount][,item:option...]` CSV text (header required); raise UnitsError naming the row."""
    text = text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UnitsError(f"{file_name}: the file is empty; expected a header row 'code,name,headcount'")
    header = [h.strip().lower() for h in rows[0]]
    if header[:2] != ["code", "name"]:
        raise UnitsError(f"{file_name}:1: header must be 'code,name' or 'code,name,headcount', got {','.join(rows[0])!r}")
    columns = _profile_columns(header, rows[0], file_name)
    has_headcount = len(header) > 2 and header[2] == "headcount"
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
        if has_headcount and row[2].strip():
            cell = row[2].strip()
            if not (cell.isascii() and cell.isdigit()) or int(cell) < 1:
                raise UnitsError(f"{file_name}:{number}: headcount {cell!r} is not a positive whole number")
            if int(cell) > MAX_HEADCOUNT:
                raise UnitsError(f"{file_name}:{number}: headcount {cell} is more than {MAX_HEADCOUNT:,}")
            headcount = int(cell)
        seen[code] = number
        staff = _staff(row, 3 if has_headcount else 2, columns, headcount, file_name, number)
        units.append(Unit(code=code, name=name, headcount=headcount, staff=staff))
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


def check_staff_profile(units: list[Unit], questionnaire: Questionnaire, file_name: str) -> None:
    """UnitsError (one line, naming the column's header) when a staff-profile column names no single-choice
    item of the questionnaire or no option of it."""
    for item_id, option in sorted({(i, o) for u in units for i, counts in (u.staff or {}).items() for o in counts}):
        item = questionnaire.item_by_id.get(item_id)
        if not isinstance(item, SingleItem):
            raise UnitsError(f"{file_name}:1: column {item_id}:{option}: the questionnaire has no single-choice item {item_id!r}")
        if option not in {o.code for o in item.options}:
            codes = ", ".join(o.code for o in item.options)
            raise UnitsError(f"{file_name}:1: column {item_id}:{option}: item {item_id!r} has no option {option!r} (its options: {codes})")
