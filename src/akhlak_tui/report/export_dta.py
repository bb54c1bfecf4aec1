"""Stata .dta (format 118, Stata 14 and later, UTF-8), written while the rows stream from the database.

Layout: header, map, variable types, names, sort list, formats, value-label names, variable labels,
characteristics, the data, the long strings (strL: open-text answers), the value labels; the case
count and the map's offsets are patched in at the end. Missing answers are Stata's extended missing
values: .a not applicable, .b unanswered, .c blanked."""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from akhlak_tui.files import private_output
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.model import tr
from akhlak_tui.report.export import Disclosure, ExportError, export_columns, raw_rows
from akhlak_tui.report.export_labelled import BLANKED, NA, UNANSWERED, Lookup, Plan, Variable, build_plan, clip, moment, picks_encoder, text, walk

BYTE, INT, LONG, DOUBLE = 65530, 65529, 65528, 65526
STRL = 32768
MAX_STR = 2045
MAX_VARIABLES = 32767
EXTENDED = {NA: 1, UNANSWERED: 2, BLANKED: 3}  # .a .b .c
MISSING_BASE = {BYTE: 101, INT: 32741, LONG: 2147483621}
LIMITS = {BYTE: (-127, 100), INT: (-32767, 32740), LONG: (-2147483647, 2147483620)}
PACK = {BYTE: struct.Struct("<b"), INT: struct.Struct("<h"), LONG: struct.Struct("<i"), DOUBLE: struct.Struct("<d")}
DOUBLE_MISSING = struct.pack("<Q", 0x7FE0000000000000)
STATA_EPOCH = dt.datetime(1960, 1, 1, tzinfo=dt.timezone.utc)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _label(text: str) -> bytes:
    """A variable or data label as Stata 14+ documents it: at most 80 characters (up to 320 bytes)."""
    return clip(text[:80], 320)


def _tag(name: str, body: bytes) -> bytes:
    return f"<{name}>".encode() + body + f"</{name}>".encode()


def _fixed(data: bytes, size: int) -> bytes:
    return data[: size - 1].ljust(size, b"\x00")


def storage(v: Variable) -> int:
    """The Stata storage type of a variable."""
    if v.kind in ("code", "pick"):
        codes = v.valid_codes or [0]
        return next(t for t in (BYTE, INT, LONG) if LIMITS[t][0] <= min(codes) and max(codes) <= LIMITS[t][1])
    if v.kind == "date":
        return LONG
    if v.kind == "string":
        return v.width if v.width <= MAX_STR and v.column in ("response_id", "device_id") else STRL
    return DOUBLE


def stata_number(v: Variable, code: int | str, kind: int | None = None) -> int:
    """The integer Stata stores for a code or missing marker in a variable of storage type `kind`
    (its own by default; value labels always use the 4-byte missing codes)."""
    if isinstance(code, str):
        return MISSING_BASE[kind or storage(v)] + EXTENDED[code]
    return code


def _format(v: Variable, kind: int) -> bytes:
    if v.kind == "date":
        return b"%td"
    if v.kind == "datetime":
        return b"%tc"
    if kind == STRL:
        return b"%9s"
    if v.kind == "string":
        return f"%-{min(kind, 244)}s".encode()
    return b"%10.0g" if v.kind == "number" else b"%8.0g"


def _label_sets(plan: Plan) -> tuple[list[str], dict[str, list[tuple[int, str]]]]:
    """The value-label set name of each variable ('' for none) and the sets, deduplicated."""
    by_content: dict[tuple, str] = {}
    names: list[str] = []
    for v in plan.variables:
        if not v.labels or v.kind not in ("code", "pick"):
            names.append("")
            continue
        content = tuple(sorted((stata_number(v, c, LONG), text) for c, text in v.labels))
        names.append(by_content.setdefault(content, v.name))
    return names, {name: list(content) for content, name in by_content.items()}


def _value_labels(sets: dict[str, list[tuple[int, str]]]) -> bytes:
    out = bytearray()
    for name, labels in sets.items():
        texts = [clip(text, 32000) + b"\x00" for _, text in labels]
        offsets, at = [], 0
        for t in texts:
            offsets.append(at)
            at += len(t)
        table = struct.pack(f"<2i{len(labels)}i{len(labels)}i", len(labels), at, *offsets, *(v for v, _ in labels)) + b"".join(texts)
        out += _tag("lbl", struct.pack("<i", len(table)) + _fixed(name.encode(), 129) + b"\x00" * 3 + table)
    return bytes(out)


def _days(value: str) -> int:
    return (dt.date.fromisoformat(value) - STATA_EPOCH.date()).days


def _millis(value: str) -> float:
    return round((moment(value) - STATA_EPOCH).total_seconds() * 1000)


class _Encoder:
    """Turns export rows into fixed-width Stata rows; long strings go to `strls` as GSO records."""

    def __init__(self, plan: Plan, strls) -> None:
        self.strls = strls
        self.row_number = 0
        self.steps: list[Callable[[list[object]], bytes]] = walk(plan, self._byte_lookup, self._bytes, self._picks, self._other)

    @staticmethod
    def _byte_lookup(v: Variable) -> Lookup | None:
        if storage(v) != BYTE:
            return None
        return Lookup(v.column, {raw: stata_number(v, c) & 0xFF for raw, c in v.codes.items()})

    def _other(self, i: int, number: int, v: Variable) -> Callable[[list[object]], bytes]:
        kind = storage(v)
        if v.kind == "code":
            pack = PACK[kind].pack
            lookup = Lookup(v.column, {raw: pack(stata_number(v, c)) for raw, c in v.codes.items()})
            return lambda row: lookup[row[i]]
        if v.kind == "date":
            cache: dict[str, bytes] = {}
            missing = PACK[LONG].pack(MISSING_BASE[LONG])

            def date(row):
                value = row[i]
                if value is None:
                    return missing
                if value not in cache:
                    cache[value] = PACK[LONG].pack(_days(value))
                return cache[value]

            return date
        if v.kind in ("datetime", "number"):
            convert = _millis if v.kind == "datetime" else float
            return lambda row: DOUBLE_MISSING if row[i] is None else PACK[DOUBLE].pack(convert(row[i]))
        if kind == STRL:
            return self._strl(i, number)
        return lambda row: clip(text(row[i]), kind).ljust(kind, b"\x00")

    @staticmethod
    def _bytes(run: list[tuple[int, Lookup]]):
        return lambda row: bytes([lookup[row[i]] for i, lookup in run])

    @staticmethod
    def _picks(i: int, variables: list[Variable]):
        return picks_encoder(i, variables, 0, 1, MISSING_BASE[BYTE] + EXTENDED[UNANSWERED])

    def _strl(self, i: int, number: int):
        empty = bytes(8)

        def step(row):
            value = text(row[i])
            if not value:
                return empty
            data = value.encode("utf-8") + b"\x00"
            self.strls.write(b"GSO" + struct.pack("<IQBI", number, self.row_number, 130, len(data)) + data)
            return struct.pack("<H", number) + self.row_number.to_bytes(6, "little")

        return step

    def rows(self, rows: Iterator[list[object]]) -> Iterator[bytes]:
        steps = self.steps
        for row in rows:
            self.row_number += 1
            yield b"".join([step(row) for step in steps])


def write_dta(mdb: MergedDatabase, path: Path, comments: bool, lang: str, disclosure: Disclosure) -> tuple[int, Plan]:
    """Write the .dta at `path` (owner-only); return the number of responses and the plan."""
    columns = export_columns(mdb.questionnaire, comments)
    plan = build_plan(mdb, columns, lang, disclosure)
    variables = plan.variables
    if len(variables) > MAX_VARIABLES:
        raise ExportError(f"{path}: {len(variables)} variables do not fit in a Stata file ({MAX_VARIABLES} at most); use --format sav or csv")
    kinds = [storage(v) for v in variables]
    label_names, sets = _label_sets(plan)
    title = _label(tr(mdb.questionnaire.questionnaire.title, lang))
    now = dt.datetime.now()
    stamp = f"{now.day:02d} {MONTHS[now.month - 1]} {now.year} {now.hour:02d}:{now.minute:02d}".encode("ascii")
    head = b"<stata_dta><header><release>118</release><byteorder>LSF</byteorder>" + _tag("K", struct.pack("<H", len(variables))) + b"<N>"
    cases_at = len(head)
    head += struct.pack("<Q", 0) + b"</N>" + _tag("label", struct.pack("<H", len(title)) + title)
    head += _tag("timestamp", bytes([len(stamp)]) + stamp) + b"</header>"
    offsets = [0, len(head)]
    sections = [
        ("variable_types", struct.pack(f"<{len(kinds)}H", *kinds)),
        ("varnames", b"".join(_fixed(v.name.encode(), 129) for v in variables)),
        ("sortlist", bytes(2 * (len(variables) + 1))),
        ("formats", b"".join(_fixed(_format(v, k), 57) for v, k in zip(variables, kinds))),
        ("value_label_names", b"".join(_fixed(n.encode(), 129) for n in label_names)),
        ("variable_labels", b"".join(_fixed(_label(v.label) + b"\x00", 321) for v in variables)),
        ("characteristics", b""),
    ]
    total = 0
    with private_output(path) as tmp, tmp.open("w+b") as out, tempfile.TemporaryFile() as strls:
        out.write(head)
        out.write(_tag("map", bytes(8 * 14)))
        for name, body in sections:
            offsets.append(out.tell())
            out.write(_tag(name, body))
        offsets.append(out.tell())
        out.write(b"<data>")
        encoder = _Encoder(plan, strls)
        for row in encoder.rows(raw_rows(mdb, columns, disclosure)):
            out.write(row)
            total += 1
        out.write(b"</data>")
        offsets.append(out.tell())
        out.write(b"<strls>")
        strls.seek(0)
        shutil.copyfileobj(strls, out)
        out.write(b"</strls>")
        offsets.append(out.tell())
        out.write(_tag("value_labels", _value_labels(sets)))
        offsets.append(out.tell())
        out.write(b"</stata_dta>")
        offsets.append(out.tell())
        out.seek(cases_at)
        out.write(struct.pack("<Q", total))
        out.seek(offsets[1] + len(b"<map>"))
        out.write(struct.pack("<14Q", *offsets))
    return total, plan
