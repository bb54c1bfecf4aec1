"""SPSS .sav: a bytecode-compressed system file, written while the rows stream from the database.

pyreadstat writes only a whole in-memory DataFrame (gigabytes for a million responses); this writer
holds one batch of rows at a time. Layout: header, variable records (very long strings split into
255-byte segments), value labels, extension records (machine info, long names, very long strings,
UTF-8), the end of the dictionary, then the cases; the case count is patched in at the end."""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

from akhlak_tui.files import private_output
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.model import tr
from akhlak_tui.report.export import FETCH, Disclosure, export_columns, raw_rows
from akhlak_tui.report.export_labelled import BLANKED, NA, UNANSWERED, Lookup, Plan, Variable, build_plan, clip, moment, picks_encoder, text, walk

SYSMIS = -1.7976931348623157e308
SPSS_EPOCH = dt.datetime(1582, 10, 14, tzinfo=dt.timezone.utc)
F8 = (5 << 16) | (8 << 8)
DATE11 = (20 << 16) | (11 << 8)
DATETIME24 = (22 << 16) | (24 << 8) | 3
BIAS = 100
RAW, SPACES, MISSING = 253, 254, 255
SEGMENT = 255  # bytes of a very long string per segment; each segment takes 256 in a case
DOUBLE = struct.Struct("<d")


def _i32(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}i", *values)


def _padded(data: bytes, size: int) -> bytes:
    return data[:size].ljust(size, b" ")


def spss_number(v: Variable, code: int | str, missing: tuple[int, int]) -> int:
    """The number SPSS stores for a code or missing marker (`missing`: unanswered, blanked)."""
    if code == NA:
        return v.na_code  # type: ignore[return-value]
    return {UNANSWERED: missing[0], BLANKED: missing[1]}.get(code, code)  # type: ignore[arg-type]


def _segments(width: int) -> list[int]:
    """Widths of the string segments of a string of `width` bytes (one unless it is over 255)."""
    if width <= SEGMENT:
        return [width]
    n = (width + 251) // 252
    return [SEGMENT] * (n - 1) + [width - 252 * (n - 1)]


def _slots(width: int) -> int:
    """8-byte slots a segment of `width` bytes takes in a case."""
    return (width + 7) // 8


class _Dictionary:
    """The records before the data, built from the plan."""

    def __init__(self, plan: Plan, title: str) -> None:
        self.plan, self.title = plan, title
        self.slots = 0
        self.records = bytearray()
        self.first_slot: dict[int, int] = {}
        self.short: list[str] = []
        self.very_long: list[tuple[str, int]] = []
        for k, v in enumerate(plan.variables, start=1):
            self._variable(k, v)

    def _variable(self, k: int, v: Variable) -> None:
        short = f"V{k}"
        self.short.append(short)
        self.first_slot[k] = self.slots + 1
        label = clip(v.label, 255)
        if v.kind == "string":
            widths = _segments(v.width)
            if len(widths) > 1:
                self.very_long.append((short, v.width))
            for s, w in enumerate(widths):
                name = short if s == 0 else f"S{self.slots + 1}"[:8]
                fmt = (1 << 16) | (min(w, 255) << 8)
                head = _i32(2, w, int(s == 0 and bool(label)), 0, fmt, fmt) + _padded(name.encode(), 8)
                self.records += head
                if s == 0 and label:
                    self.records += _i32(len(label)) + label.ljust((len(label) + 3) // 4 * 4, b" ")
                for _ in range(_slots(w) - 1):
                    self.records += _i32(2, -1, 0, 0, fmt, fmt) + b" " * 8
                self.slots += _slots(w)
            return
        fmt = {"date": DATE11, "datetime": DATETIME24}.get(v.kind, F8)
        missing = sorted({spss_number(v, c, self.plan.sav_missing) for c, _ in v.labels if isinstance(c, str)})[:3]
        self.records += _i32(2, 0, int(bool(label)), len(missing), fmt, fmt) + _padded(short.encode(), 8)
        if label:
            self.records += _i32(len(label)) + label.ljust((len(label) + 3) // 4 * 4, b" ")
        self.records += b"".join(DOUBLE.pack(m) for m in missing)
        self.slots += 1

    def value_labels(self) -> bytes:
        """One label record per distinct set of value labels, with the variables that use it."""
        sets: dict[tuple, list[int]] = {}
        for k, v in enumerate(self.plan.variables, start=1):
            if v.labels and v.kind not in ("string",):
                key = tuple((spss_number(v, c, self.plan.sav_missing), text) for c, text in v.labels)
                sets.setdefault(key, []).append(self.first_slot[k])
        out = bytearray()
        for labels, slots in sets.items():
            out += _i32(3, len(labels))
            for value, text in labels:
                data = clip(text, 120)
                out += DOUBLE.pack(value) + bytes([len(data)]) + data.ljust((len(data) + 1 + 7) // 8 * 8 - 1, b" ")
            out += _i32(4, len(slots), *slots)
        return bytes(out)

    def extensions(self) -> bytes:
        out = bytearray()
        out += _i32(7, 3, 4, 8, 20, 0, 0, -1, 1, 1, 2, 65001)
        out += _i32(7, 4, 8, 3) + struct.pack("<3d", SYSMIS, 1.7976931348623157e308, -1.7976931348623155e308)
        display = [self._display(v) for v in self.plan.variables for _ in (_segments(v.width) if v.kind == "string" else [0])]
        out += _i32(7, 11, 4, 3 * len(display)) + b"".join(_i32(*d) for d in display)
        names = "\t".join(f"{s}={v.name}" for s, v in zip(self.short, self.plan.variables)).encode("utf-8")
        out += _i32(7, 13, 1, len(names)) + names
        if self.very_long:
            text = b"".join(f"{s}={w}".encode() + b"\x00\t" for s, w in self.very_long)
            out += _i32(7, 14, 1, len(text)) + text
        out += _i32(7, 20, 1, 5) + b"UTF-8"
        return bytes(out)

    @staticmethod
    def _display(v: Variable) -> tuple[int, int, int]:
        """Measure (1 nominal, 2 ordinal, 3 scale), display width and alignment (0 left, 1 right)."""
        if v.kind == "string":
            return 1, max(8, min(v.width, 40)), 0
        if v.kind in ("date", "datetime", "number"):
            return 3, 11 if v.kind == "date" else 24 if v.kind == "datetime" else 8, 1
        return (2 if v.ordinal else 1), 8, 1

    def header(self, cases: int) -> bytes:
        now = dt.datetime.now()
        return (
            b"$FL2"
            + _padded(b"@(#) SPSS DATA FILE - akhlak-tui", 60)
            + _i32(2, self.slots, 1, 0, cases)
            + DOUBLE.pack(BIAS)
            + now.strftime("%d %b %y").encode("ascii")[:9].ljust(9)
            + now.strftime("%H:%M:%S").encode("ascii")[:8]
            + _padded(clip(self.title, 64), 64)
            + b"\x00" * 3
        )


CASES_AT = 4 + 60 + 4 * 4


def _days(value: str) -> float:
    return float((dt.date.fromisoformat(value) - SPSS_EPOCH.date()).days * 86400)


def _seconds(value: str) -> float:
    return (moment(value) - SPSS_EPOCH).total_seconds()


class _Encoder:
    """Turns export rows into compression commands and the raw 8-byte blocks that follow them."""

    def __init__(self, plan: Plan) -> None:
        self.missing = plan.sav_missing
        self.steps = walk(plan, self._byte_lookup, self._codes, self._picks, self._other)

    def _byte_lookup(self, v: Variable) -> Lookup | None:
        numbers = {raw: spss_number(v, c, self.missing) for raw, c in v.codes.items()}
        if all(-BIAS < n <= 251 - BIAS for n in numbers.values()):
            return Lookup(v.column, {raw: n + BIAS for raw, n in numbers.items()})
        return None

    def _other(self, i: int, number: int, v: Variable):
        if v.kind == "code":
            return self._number(i, Lookup(v.column, {raw: float(spss_number(v, c, self.missing)) for raw, c in v.codes.items()}).__getitem__)
        if v.kind == "date":
            cache: dict[str, float] = {}
            return self._number(i, lambda s: cache[s] if s in cache else cache.setdefault(s, _days(s)))
        if v.kind == "datetime":
            return self._number(i, _seconds)
        if v.kind == "number":
            return self._number(i, float)
        return self._string(i, v.width)

    @staticmethod
    def _codes(run: list[tuple[int, Lookup]]):
        def step(row, cmds, raws):
            cmds += bytes([lookup[row[i]] for i, lookup in run])

        return step

    def _picks(self, i: int, variables: list[Variable]):
        encode = picks_encoder(i, variables, BIAS, BIAS + 1, BIAS + self.missing[0])

        def step(row, cmds, raws):
            cmds += encode(row)

        return step

    @staticmethod
    def _number(i: int, convert: Callable[[object], float]):
        def step(row, cmds, raws):
            value = row[i]
            if value is None:
                cmds.append(MISSING)
                return
            number = convert(value)
            if number.is_integer() and -BIAS < number <= 251 - BIAS:
                cmds.append(int(number) + BIAS)
            else:
                cmds.append(RAW)
                raws.append((len(cmds) - 1, DOUBLE.pack(number)))

        return step

    @staticmethod
    def _string(i: int, width: int):
        segments = _segments(width)
        slots = sum(_slots(w) for w in segments)
        empty = bytes([SPACES]) * slots
        spaces = b" " * 8

        def step(row, cmds, raws):
            value = text(row[i])
            if not value:
                cmds += empty
                return
            data = value.encode("utf-8")
            if len(segments) == 1:
                padded = data.ljust(slots * 8, b" ")
            else:
                padded = b"".join(data[s * SEGMENT : (s + 1) * SEGMENT].ljust(_slots(w) * 8, b" ") for s, w in enumerate(segments))
            for k in range(0, slots * 8, 8):
                block = padded[k : k + 8]
                if block == spaces:
                    cmds.append(SPACES)
                else:
                    cmds.append(RAW)
                    raws.append((len(cmds) - 1, block))

        return step

    def batches(self, rows: Iterator[list[object]]) -> Iterator[tuple[int, bytes]]:
        """(rows, compressed bytes) for each batch of rows."""
        cmds, raws, n = bytearray(), [], 0
        steps = self.steps
        for row in rows:
            for step in steps:
                step(row, cmds, raws)
            n += 1
            if n == FETCH:
                yield n, _interleave(cmds, raws)
                cmds, raws, n = bytearray(), [], 0
        if n:
            yield n, _interleave(cmds, raws)


def _interleave(cmds: bytearray, raws: list[tuple[int, bytes]]) -> bytes:
    """Commands in groups of eight, each group followed by the raw blocks it announces; the last
    group is filled with no-op commands."""
    cmds += b"\x00" * (-len(cmds) % 8)
    out = bytearray()
    start, r = 0, 0
    while r < len(raws):
        end = (raws[r][0] // 8 + 1) * 8
        out += cmds[start:end]
        while r < len(raws) and raws[r][0] < end:
            out += raws[r][1]
            r += 1
        start = end
    out += cmds[start:]
    return bytes(out)


def write_sav(mdb: MergedDatabase, path: Path, comments: bool, lang: str, disclosure: Disclosure) -> tuple[int, Plan]:
    """Write the .sav at `path` (owner-only); return the number of responses and the plan."""
    columns = export_columns(mdb.questionnaire, comments)
    plan = build_plan(mdb, columns, lang, disclosure)
    dictionary = _Dictionary(plan, tr(mdb.questionnaire.questionnaire.title, lang))
    encoder = _Encoder(plan)
    total = 0
    with private_output(path) as tmp, tmp.open("wb") as out:
        out.write(dictionary.header(-1))
        out.write(dictionary.records)
        out.write(dictionary.value_labels())
        out.write(dictionary.extensions())
        out.write(_i32(999, 0))
        for n, data in encoder.batches(raw_rows(mdb, columns, disclosure)):
            out.write(data)
            total += n
        out.seek(CASES_AT)
        out.write(_i32(total))
    return total, plan
