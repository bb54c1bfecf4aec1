"""The variables of an SPSS or Stata export, shared by the .sav and .dta writers.

Names valid in both programs, labels, numeric codes and missing codes (docs/data-export.md)."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import get_args

from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.model import IntegerItem, LikertItem, MultiItem, SingleItem, TextItem, UnitItem, tr
from akhlak_tui.report.export import (
    COARSE_LABELS,
    CONTEXT_LABELS,
    SUBMITTED_FROM,
    WITHHELD,
    Disclosure,
    ExportError,
    column_sql,
    sav_missing,
    small_group_columns,
)
from akhlak_tui.response import Mode

NA, UNANSWERED, BLANKED = "na", "unanswered", "blanked"
"""The three kinds of missing answer: SPSS keeps the scale's code for NA and uses -1 and -2 for the
others, all declared missing; Stata uses .a, .b and .c."""
MISSING_LABELS = {
    UNANSWERED: {"id": "Tidak dijawab", "en": "Not answered"},
    BLANKED: {"id": "Disembunyikan (kelompok kecil)", "en": "Blanked (small group)"},
}
PICK_LABELS = {0: {"id": "Tidak dipilih", "en": "Not picked"}, 1: {"id": "Dipilih", "en": "Picked"}}
MAX_NAME = 32  # Stata's limit; SPSS allows 64 bytes
RESERVED = {
    # SPSS (any case)
    "all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with",
    # Stata
    "byte", "double", "float", "if", "in", "int", "long", "using", "strl",
}  # fmt: skip
MODES = get_args(Mode)


def variable_name(text: str) -> str:
    """A name valid in SPSS and Stata: ASCII letters, digits and `_`, starting with a letter, at most
    32 characters, no reserved word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_text).strip("_") or "v"
    if not name[0].isalpha():
        name = "v" + name
    name = name[:MAX_NAME].rstrip("_") or "v"
    if name.lower() in RESERVED or re.fullmatch(r"str\d+", name, re.I):
        name = name[: MAX_NAME - 2] + "_v"
    return name


def unique_names(texts: list[str]) -> list[str]:
    """`variable_name` of each text, made unique (case-insensitively) with a numbered suffix."""
    seen: set[str] = set()
    out = []
    for text in texts:
        name = base = variable_name(text)
        k = 1
        while name.lower() in seen:
            k += 1
            suffix = f"_{k}"
            name = base[: MAX_NAME - len(suffix)] + suffix
        seen.add(name.lower())
        out.append(name)
    return out


def clip(text: str, limit: int) -> bytes:
    """`text` as UTF-8, cut to at most `limit` bytes on a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return data
    return data[:limit].decode("utf-8", "ignore").encode("utf-8")


@dataclass
class Variable:
    """One variable of the file. `kind`: code (a labelled number), pick (0/1 of one option of a
    multiple choice), date, datetime, string or number."""

    name: str
    column: str
    label: str
    kind: str
    option: str | None = None
    codes: dict[object, int | str] = field(default_factory=dict)
    labels: list[tuple[int | str, str]] = field(default_factory=list)
    na_code: int | None = None
    width: int = 0
    ordinal: bool = False

    @property
    def valid_codes(self) -> list[int]:
        return [c for c, _ in self.labels if isinstance(c, int)]


@dataclass
class Plan:
    """The variables in file order, and where each export column's value is in a row."""

    columns: list[str]
    variables: list[Variable]
    lang: str
    sav_missing: tuple[int, int] = (-1, -2)
    """SPSS's codes of unanswered and blanked (`export.sav_missing`)."""

    def of(self, column: str) -> list[Variable]:
        return [v for v in self.variables if v.column == column]

    def names(self) -> dict[tuple[str, object], tuple[str, object]]:
        """(column, code or None) -> (variable name, numeric code), for the codebook."""
        out: dict[tuple[str, object], tuple[str, object]] = {}
        for v in self.variables:
            if v.kind == "pick":
                out[(v.column, v.option)] = (v.name, 1)
                continue
            out[(v.column, None)] = (v.name, "")
            for raw, code in v.codes.items():
                if raw is not None and raw is not WITHHELD:
                    out[(v.column, str(raw))] = (v.name, code if isinstance(code, int) else f"{v.na_code} (.a)")
        return out


def _distinct(mdb: MergedDatabase, column: str) -> list[object]:
    q = mdb.questionnaire
    sql = f"SELECT DISTINCT {column_sql(q, column)} {SUBMITTED_FROM}"
    return [r[0] for r in mdb.db.conn.execute(sql) if r[0] is not None]


def _width(mdb: MergedDatabase, column: str) -> int:
    sql = f"SELECT max(length(CAST({column_sql(mdb.questionnaire, column)} AS BLOB))) {SUBMITTED_FROM}"
    return max(1, mdb.db.conn.execute(sql).fetchone()[0] or 0)


def _coded(known: list[str], found: list[object], labels: dict[str, str]) -> tuple[dict[object, int | str], list[tuple[int | str, str]]]:
    """Codes 1..n for the known values in order, then the other values found (sorted)."""
    order = list(known) + sorted(str(v) for v in found if v not in known)
    codes: dict[object, int | str] = {v: i for i, v in enumerate(order, start=1)}
    codes[None] = UNANSWERED
    return codes, [(i, labels.get(v, v)) for i, v in enumerate(order, start=1)]


def build_plan(mdb: MergedDatabase, columns: list[str], lang: str, disclosure: Disclosure) -> Plan:
    """The variables for these export columns, with labels in `lang`."""
    q = mdb.questionnaire
    names = iter(unique_names(_name_texts(mdb, columns)))
    labels = CONTEXT_LABELS if disclosure.full else {**CONTEXT_LABELS, **COARSE_LABELS}
    small = set(small_group_columns(q)) if not disclosure.full else set()
    unanswered = (UNANSWERED, tr(MISSING_LABELS[UNANSWERED], lang))
    blanked = (BLANKED, tr(MISSING_LABELS[BLANKED], lang))

    def missing(codes: dict[object, int | str], column: str) -> list[tuple[int | str, str]]:
        """The missing labels of a coded column; a blanked value added to `codes` when it can be."""
        if column not in small:
            return [unanswered]
        codes[WITHHELD] = BLANKED
        return [unanswered, blanked]

    out: list[Variable] = []
    for column in columns:
        item = q.item_by_id.get(column) if column not in CONTEXT_LABELS or column == "unit" else None
        label = tr(labels[column], lang) if column in labels and item is None else tr(item.label, lang) if item else column
        if column == "response_id" or (column == "device_id" and disclosure.full):
            out.append(Variable(next(names), column, label, "string", width=_width(mdb, column)))
        elif column == "device_id":  # the pseudonym, or empty when blanked
            out.append(Variable(next(names), column, label, "string", width=13))
        elif column in ("created_at", "submitted_at"):
            out.append(Variable(next(names), column, label, "datetime" if disclosure.full else "date"))
        elif column in ("language", "mode", "unit") or isinstance(item, UnitItem):
            if column in ("language", "mode"):
                known, texts = (q.languages if column == "language" else list(MODES)), {}
            else:
                known, texts = [u.code for u in mdb.units], {u.code: u.name for u in mdb.units}
            codes, value_labels = _coded(known, _distinct(mdb, column), texts)
            out.append(Variable(next(names), column, label, "code", codes=codes, labels=[*value_labels, *missing(codes, column)]))
        elif isinstance(item, LikertItem):
            scale = q.scale_for(item)
            codes = {p.code: p.code for p in scale.points}
            value_labels: list[tuple[int | str, str]] = [(p.code, tr(p.label, lang)) for p in scale.points]
            na = scale.not_applicable
            if na:
                codes[na.code] = NA
                value_labels.append((NA, tr(na.label, lang)))
            codes[None] = UNANSWERED
            out.append(Variable(next(names), column, label, "code", codes=codes, labels=[*value_labels, unanswered], na_code=na.code if na else None, ordinal=True))
        elif isinstance(item, SingleItem):
            codes = {o.code: i for i, o in enumerate(item.options, start=1)}
            codes[None] = UNANSWERED
            options = [(i, tr(o.label, lang)) for i, o in enumerate(item.options, start=1)]
            out.append(Variable(next(names), column, label, "code", codes=codes, labels=[*options, *missing(codes, column)]))
        elif isinstance(item, MultiItem):
            picks = [(0, tr(PICK_LABELS[0], lang)), (1, tr(PICK_LABELS[1], lang)), unanswered]
            for option in item.options:
                out.append(Variable(next(names), column, f"{label}: {tr(option.label, lang)}", "pick", option=option.code, labels=picks))
        elif isinstance(item, TextItem):
            out.append(Variable(next(names), column, label, "string", width=_width(mdb, column)))
        elif isinstance(item, IntegerItem):
            out.append(Variable(next(names), column, label, "number"))
        else:
            raise ExportError(f"{column}: no SPSS/Stata variable for this column")
    return Plan(columns, out, lang, sav_missing(q))


def _name_texts(mdb: MergedDatabase, columns: list[str]) -> list[str]:
    """The text each variable's name is made from: the column, or `<item>_<option>`."""
    q = mdb.questionnaire
    texts = []
    for column in columns:
        item = q.item_by_id.get(column)
        if isinstance(item, MultiItem):
            texts += [f"{column}_{o.code}" for o in item.options]
        else:
            texts.append(column)
    return texts


class AnswerError(ExportError):
    """A stored answer the questionnaire has no code for."""


class Lookup(dict):
    """Raw answer -> encoded value; an answer the questionnaire does not know is an error, never
    a silent blank."""

    def __init__(self, column: str, mapping: dict) -> None:
        super().__init__(mapping)
        self.column = column

    def __missing__(self, key: object) -> object:
        raise AnswerError(f"column {self.column}: answer {key!r} is not a code of the questionnaire")


def picks_encoder(i: int, variables: list[Variable], off: int, on: int, unanswered: int) -> Callable[[list[object]], bytes]:
    """The 0/1 variables of one multiple choice (at row position `i`) as one byte each: `on` for a
    picked option, `off` for the others, `unanswered` for all when the question was not answered."""
    index = Lookup(variables[0].column, {v.option: k for k, v in enumerate(variables)})
    n = len(variables)
    none, blank = bytes([unanswered]) * n, bytes([off]) * n

    def encode(row: list[object]) -> bytes:
        value = row[i]
        if value is None or value is WITHHELD:
            return none
        picked = bytearray(blank)
        for code in json.loads(value):  # type: ignore[arg-type]
            picked[index[code]] = on
        return bytes(picked)

    return encode


def text(value: object) -> str:
    """A string variable's text: empty for no value and for a blanked one."""
    return "" if value is None or value is WITHHELD else str(value)


def moment(value: str) -> dt.datetime:
    """A stored ISO time (UTC, with or without `Z`) as an aware datetime."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def walk(plan: Plan, byte_lookup: Callable[[Variable], Lookup | None], run_step, picks_step, other_step) -> list:
    """The encoding steps of a row, in variable order: consecutive variables that `byte_lookup`
    turns into one byte each become a single `run_step([(row position, lookup)...])`, each multiple
    choice one `picks_step(position, its variables)`, and each other variable
    `other_step(position, variable number, variable)`."""
    at = {c: i for i, c in enumerate(plan.columns)}
    steps: list = []
    run: list[tuple[int, Lookup]] = []
    for number, v in enumerate(plan.variables, start=1):
        i = at[v.column]
        lookup = byte_lookup(v) if v.kind == "code" else None
        if lookup is not None:
            run.append((i, lookup))
            continue
        if run:
            steps.append(run_step(run))
            run = []
        if v.kind != "pick":
            steps.append(other_step(i, number, v))
        elif v.option == plan.of(v.column)[0].option:
            steps.append(picks_step(i, plan.of(v.column)))
    if run:
        steps.append(run_step(run))
    return steps
