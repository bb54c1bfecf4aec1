"""Raw data for other programs: one row per submitted response, one column per item, and a codebook.

Answer codes, with a codebook mapping every column and code to its label and stating the scoring
settings. Nothing that identifies a person, and by default nothing that narrows a respondent down:
times to the day, the device as a pseudonym, the profile answers of small groups within a unit
blanked (docs/data-export.md)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from akhlak_tui.files import private_output
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.model import (
    LikertItem,
    MultiItem,
    Questionnaire,
    SingleItem,
    TextItem,
    UnitItem,
    tr,
)
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.report.formats import close_workbook

CONTEXT = ("response_id", "device_id", "created_at", "submitted_at", "language", "mode")
CONTEXT_LABELS = {
    "response_id": {"id": "Nomor acak jawaban (bukan identitas orang)", "en": "Random response number (identifies no person)"},
    "device_id": {"id": "Perangkat tempat survei diisi", "en": "Device the survey was taken on"},
    "created_at": {"id": "Waktu mulai (UTC)", "en": "Start time (UTC)"},
    "submitted_at": {"id": "Waktu dikirim (UTC)", "en": "Submission time (UTC)"},
    "language": {"id": "Bahasa pengisian", "en": "Language of answering"},
    "mode": {"id": "Cara pengisian (enumerator, kiosk, demo)", "en": "Mode (enumerator, kiosk, demo)"},
    "unit": {"id": "Unit kerja", "en": "Work unit"},
}
COARSE_LABELS = {
    "device_id": {"id": "Perangkat (nama samaran, berlaku hanya dalam ekspor ini)", "en": "Device (pseudonym, valid within this export only)"},
    "created_at": {"id": "Tanggal mulai (UTC)", "en": "Start date (UTC)"},
    "submitted_at": {"id": "Tanggal dikirim (UTC)", "en": "Submission date (UTC)"},
}
CODEBOOK_HEADERS = {
    "id": ["kolom", "label", "jenis", "kode", "label kode", "keterangan", "nama sav/dta", "kode sav/dta"],
    "en": ["column", "label", "type", "code", "code label", "detail", "sav/dta name", "sav/dta code"],
}
XLSX_MAX_ROWS = 1_048_575
FETCH = 5_000


class _Withheld:
    """An answer blanked to protect a small group (shown as an empty cell in CSV and XLSX)."""

    def __repr__(self) -> str:
        return "WITHHELD"


WITHHELD = _Withheld()


class ExportError(ValueError):
    """The data cannot be exported as asked."""


@dataclass
class Disclosure:
    """What this export coarsens: everything (the default), or nothing with `full`.

    `key` makes the device pseudonyms: random for each export, so two exports cannot be joined on
    the device, but the same device has the same pseudonym throughout one export."""

    full: bool = False
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    _pseudonyms: dict[str, str] = field(default_factory=dict, repr=False)

    def device(self, device_id: str | None) -> str | None:
        if self.full or device_id is None:
            return device_id
        known = self._pseudonyms.get(device_id)
        if known is None:
            known = "d" + hmac.new(self.key, device_id.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
            self._pseudonyms[device_id] = known
        return known

    def time(self, value: str | None) -> str | None:
        """An ISO time as stored (UTC), or its day only."""
        return value if self.full or value is None else value[:10]


def unit_column(q: Questionnaire) -> str:
    """The export column that holds the respondent's unit: the unit item, else `unit`."""
    return next((i.id for i in q.answerable_items if isinstance(i, UnitItem)), "unit")


def profile_items(q: Questionnaire) -> list[str]:
    """The profile (demographic) items whose small groups are blanked: the single-choice items the
    results are broken down by (gender, employment, age band...), not the unit itself."""
    return [b for b in q.scoring.breakdowns if isinstance(q.item_by_id.get(b), SingleItem)]


SMALL_GROUP_CONTEXT = ("device_id", "language", "mode")


def small_group_columns(q: Questionnaire) -> list[str]:
    """The columns whose small groups are blanked: the unit (a unit of fewer than min_group_size
    respondents, which the report suppresses), then, within each unit, the device, language and
    mode a respondent answered with (the one interview by an enumerator, the one English speaker)
    and the profile items."""
    return [unit_column(q), *SMALL_GROUP_CONTEXT, *profile_items(q)]


def export_columns(q: Questionnaire, comments: bool) -> list[str]:
    """Context columns, then one per answerable item (open-text items left out unless `comments`)."""
    items = [i.id for i in q.answerable_items if comments or not isinstance(i, TextItem)]
    extra = [] if any(isinstance(i, UnitItem) for i in q.answerable_items) else ["unit"]
    return [*CONTEXT, *extra, *items]


def column_sql(q: Questionnaire, column: str) -> str:
    """The SQL expression of an export column over `answers a JOIN responses r`."""
    if column == "response_id":
        return "a.response_id"
    if column in CONTEXT or (column == "unit" and column not in q.item_by_id):
        return f'r."{column}"'
    return f'a."{column}"'


SUBMITTED_FROM = "FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.status = 'submitted'"


def small_groups(mdb: MergedDatabase) -> dict[str, set[tuple[object, object]]]:
    """For each column of `small_group_columns`, the (unit, value) pairs to blank: those given by
    fewer than `min_group_size` respondents of that unit, and, when these together are fewer than
    `min_group_size`, the next smallest groups of the unit too, so that a blank never stands for
    one answer only (the one woman of a unit of men). The same for the units themselves within
    the whole (pairs (unit, unit)), last, as the others are found by the unit. One scan."""
    q = mdb.questionnaire
    unit_item, *items = small_group_columns(q)
    unit = column_sql(q, unit_item)
    sql = f"SELECT {unit}, {', '.join(column_sql(q, i) for i in items)}, count(*) {SUBMITTED_FROM} GROUP BY {unit}, {', '.join(column_sql(q, i) for i in items)}"
    counts: list[dict[tuple[object, object], int]] = [{} for _ in items]
    units: dict[tuple[object, object], int] = {}
    for row in mdb.db.conn.execute(sql):
        n = row[-1]
        if row[0] is not None:
            units[("", row[0])] = units.get(("", row[0]), 0) + n
        for k, value in enumerate(row[1:-1]):
            if value is not None:
                key = (row[0], value)
                counts[k][key] = counts[k].get(key, 0) + n
    limit = q.scoring.min_group_size
    blank = {item: _to_blank(c, limit) for item, c in zip(items, counts)}
    blank[unit_item] = {(u, u) for _, u in _to_blank(units, limit)}
    return blank


def _to_blank(counts: dict[tuple[object, object], int], limit: int) -> set[tuple[object, object]]:
    """The (unit, value) pairs to blank, from the respondents per pair (see `small_groups`)."""
    by_unit: dict[object, list[tuple[int, str, object]]] = {}
    for (unit, value), n in counts.items():
        by_unit.setdefault(unit, []).append((n, str(value), value))
    blank: set[tuple[object, object]] = set()
    for unit, groups in by_unit.items():
        pool = 0
        for n, _, value in sorted(groups, key=lambda g: g[:2]):
            if n >= limit and (pool == 0 or pool >= limit):
                break
            blank.add((unit, value))
            pool += n
    return blank


def raw_rows(mdb: MergedDatabase, columns: list[str], disclosure: Disclosure) -> Iterator[list[object]]:
    """The export rows of submitted responses, streamed: stored values (multiple choice as its JSON
    list), coarsened as `disclosure` says; blanked answers are WITHHELD. In merge order with
    `full`; else in the order of the (random) response ids, as the merge order is the order in
    which each laptop's respondents answered."""
    q = mdb.questionnaire
    order = "a.rowid" if disclosure.full else "a.response_id"
    sql = f"SELECT {', '.join(column_sql(q, c) for c in columns)} {SUBMITTED_FROM} ORDER BY {order}"
    cursor = mdb.db.conn.execute(sql)
    small = {} if disclosure.full else {k: v for k, v in small_groups(mdb).items() if v and k in columns}
    blank = [(columns.index(item), pairs) for item, pairs in small.items()]  # the unit last
    unit_at = columns.index(unit_column(q))
    device_at = columns.index("device_id")
    times = [columns.index("created_at"), columns.index("submitted_at")]
    while batch := cursor.fetchmany(FETCH):
        for row in batch:
            out = list(row)
            if not disclosure.full:
                for at, pairs in blank:
                    if (out[unit_at], out[at]) in pairs:
                        out[at] = WITHHELD
                if out[device_at] is not WITHHELD:
                    out[device_at] = disclosure.device(out[device_at])
                for t in times:
                    out[t] = disclosure.time(out[t])
            yield out


def data_rows(mdb: MergedDatabase, columns: list[str], disclosure: Disclosure) -> Iterator[list[object]]:
    """The rows as CSV and XLSX show them: picks of a multiple choice separated by spaces, blanked
    answers empty."""
    multi = [i for i, c in enumerate(columns) if isinstance(mdb.questionnaire.item_by_id.get(c), MultiItem)]
    for row in raw_rows(mdb, columns, disclosure):
        for i in multi:
            if isinstance(row[i], str):
                row[i] = " ".join(json.loads(row[i]))
        yield [None if v is WITHHELD else v for v in row]


def _label(column: str, lang: str, disclosure: Disclosure) -> str:
    labels = CONTEXT_LABELS if disclosure.full else {**CONTEXT_LABELS, **COARSE_LABELS}
    return tr(labels[column], lang)


def settings_rows(q: Questionnaire, disclosure: Disclosure) -> list[list[str]]:
    """The codebook's first rows: how this export was made and every scoring setting, so that the
    data and the codebook alone suffice to recompute the report (docs/scoring.md)."""
    s = q.scoring
    unanswered, blanked = sav_missing(q)
    rows = [
        ("export.disclosure", "full" if disclosure.full else "coarsened", "full: as stored, in merge order; coarsened: times to the day, device pseudonym, small groups blanked, rows in random order"),
        ("export.small_groups", "" if disclosure.full else " ".join(small_group_columns(q)), "units of fewer than min_group_size respondents, and values given by fewer than min_group_size of a unit, blanked (with the next smallest groups until the blanked are min_group_size or more)"),
        ("questionnaire", f"{q.id} {q.version}", "questionnaire id and version"),
        ("sav.missing", f"{unanswered} {blanked}", f"SPSS: {unanswered} unanswered, {blanked} blanked (small group), and each scale's not-applicable code, declared missing"),
        ("dta.missing", ".a .b .c", "Stata: .a not applicable, .b unanswered, .c blanked (small group)"),
        ("scoring.method", s.method, "percent_favourable, mean_scaled or votes (docs/scoring.md)"),
        ("scoring.favourable_min", str(s.favourable_min), "answers at or above this point (after reversing) are favourable"),
        ("scoring.min_group_size", str(s.min_group_size), "groups with fewer respondents are suppressed"),
        ("scoring.dimensions", " ".join(d.id for d in q.dimensions), "the values; the index is the unweighted mean of their scores"),
        ("scoring.engagement_items", " ".join(s.engagement_items), "pooled and scored like a value"),
        ("scoring.breakdowns", " ".join(s.breakdowns), "results are broken down by these"),
        ("scoring.bands", " ".join(f"{b.code}>={b.min:g}" for b in s.bands), "category of the rounded index"),
    ]
    if s.values:
        rows += [(f"scoring.values.{k}", v or "", "values question") for k, v in (("personal", s.values.personal), ("current", s.values.current), ("desired", s.values.desired))]
    for scale in q.scales:
        na = str(scale.not_applicable.code) if scale.not_applicable else ""
        rows.append((f"scale.{scale.id}", " ".join(str(c) for c in scale.codes), f"points lowest to highest; not applicable: {na or 'none'}"))
        rows.append((f"scale.{scale.id}.not_applicable", na, "left out of every score, like an unanswered statement"))
    return [[name, note, "setting", value, "", "", "", ""] for name, value, note in rows]


def sav_missing(q: Questionnaire) -> tuple[int, int]:
    """The SPSS codes of an unanswered and of a blanked answer: -1 and -2, or the two numbers below
    the lowest scale code when a scale uses those (a scale from -2 to 2)."""
    lowest = min([0, *(c for s in q.scales for c in s.codes), *(s.not_applicable.code for s in q.scales if s.not_applicable)])
    return lowest - 1, lowest - 2


def codebook(q: Questionnaire, units: list[Unit], columns: list[str], lang: str, disclosure: Disclosure | None = None, names: dict | None = None) -> list[list[str]]:
    """The settings rows, then rows (column, label, type, code, code label, detail, sav/dta name,
    sav/dta code): one per column, followed by one per code of coded columns. `names` maps
    (column, option code or None) to the SPSS/Stata variable name and numeric code, when known."""
    disclosure = disclosure or Disclosure()
    names = names or {}
    rows: list[list[str]] = settings_rows(q, disclosure)

    def row(column: str, label: str, kind: str, code: str = "", code_label: str = "", detail: str = "", key: object = None) -> list[str]:
        name, number = names.get((column, key), ("", ""))
        return [column, label, kind, code, code_label, detail, name, str(number)]

    small = set() if disclosure.full else set(small_group_columns(q))
    notes = {unit_column(q): "blanked for units of fewer than min_group_size respondents"}
    note = "blanked when fewer than min_group_size in the unit"
    for column in columns:
        if column in CONTEXT_LABELS:
            rows.append(row(column, _label(column, lang, disclosure), "context", detail=notes.get(column, note) if column in small else ""))
            if column == "unit":
                rows += [row(column, "", "", u.code, u.name, f"headcount={u.headcount if u.headcount is not None else ''}", u.code) for u in units]
                listed = {u.code for u in units}
                rows += [row(column, "", "", code, "", "not in the unit list", code) for (c, code) in names if c == column and code not in listed and code is not None]
            else:  # language and mode: their numbers in SPSS and Stata
                rows += [row(column, "", "", code, "", "", code) for (c, code) in names if c == column and code is not None]
            continue
        item = q.item_by_id[column]
        label, kind = tr(item.label, lang), item.type  # type: ignore[attr-defined]
        detail = ""
        codes: list[tuple[str, str, str]] = []
        if isinstance(item, LikertItem):
            scale = q.scale_for(item)
            kind += f" ({'reverse' if item.reverse else 'forward'}, {item.dimension or '-'})"
            detail = f"scale={scale.id} dimension={item.dimension or ''} reverse={'yes' if item.reverse else 'no'}"
            if item.id in q.scoring.engagement_items:
                detail += " engagement=yes"
            codes = [(str(p.code), tr(p.label, lang), "") for p in scale.points]
            if scale.not_applicable:
                codes.append((str(scale.not_applicable.code), tr(scale.not_applicable.label, lang), "missing=not applicable"))
        elif isinstance(item, (SingleItem, MultiItem)):
            codes = [(o.code, tr(o.label, lang), f"tags={' '.join(o.tags)}" if o.tags else "") for o in item.options]
            if isinstance(item, MultiItem):
                kind += " (codes separated by spaces)"
        elif isinstance(item, UnitItem):
            codes = [(u.code, u.name, f"headcount={u.headcount if u.headcount is not None else ''}") for u in units]
        if column in small:
            detail = notes.get(column, note)
        rows.append(row(column, label, kind, detail=detail))
        rows += [row(column, "", "", code, code_label, extra, key=code) for code, code_label, extra in codes]
    return rows


def write_codebook(path: Path, rows: list[list[str]], lang: str) -> None:
    """The codebook rows as a CSV (UTF-8 with BOM, owner-only) with the headers of `lang`."""
    with private_output(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CODEBOOK_HEADERS.get(lang, CODEBOOK_HEADERS["en"]))
        writer.writerows(rows)


def codebook_path_for(path: Path, fmt: str = "csv") -> Path:
    """Where the codebook of a data file goes: `<stem>-codebook.csv` beside a CSV, `<stem>-sav-codebook.csv`
    beside a SAV and `<stem>-dta-codebook.csv` beside a DTA, so that exports of one name to several
    formats keep each its own codebook (those of SAV and DTA give the variable names and codes)."""
    middle = "" if fmt == "csv" else f"-{fmt}"
    return path.with_name(f"{path.stem}{middle}-codebook.csv")


def export_csv(mdb: MergedDatabase, path: Path, comments: bool, lang: str, disclosure: Disclosure | None = None) -> tuple[int, Path]:
    """Data at `path` and the codebook beside it as `<stem>-codebook.csv` (UTF-8 with BOM); both owner-only."""
    disclosure = disclosure or Disclosure()
    columns = export_columns(mdb.questionnaire, comments)
    codebook_path = codebook_path_for(path)
    n = 0
    with private_output(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in data_rows(mdb, columns, disclosure):
            writer.writerow(row)
            n += 1
    write_codebook(codebook_path, codebook(mdb.questionnaire, mdb.units, columns, lang, disclosure), lang)
    return n, codebook_path


def export_xlsx(mdb: MergedDatabase, path: Path, comments: bool, lang: str, disclosure: Disclosure | None = None) -> int:
    """A `data` sheet and a `codebook` sheet in one workbook."""
    import xlsxwriter

    columns = export_columns(mdb.questionnaire, comments)
    count = mdb.db.conn.execute("SELECT count(*) FROM responses WHERE status = 'submitted'").fetchone()[0]
    if count > XLSX_MAX_ROWS:
        raise ExportError(f"{path}: {count} responses do not fit in one spreadsheet ({XLSX_MAX_ROWS} rows at most); use --format csv")
    with private_output(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
        return _fill_workbook(book, mdb, columns, lang, disclosure or Disclosure())


def _fill_workbook(book, mdb: MergedDatabase, columns: list[str], lang: str, disclosure: Disclosure) -> int:
    """Write the data and codebook sheets into `book`, close it, and return the number of responses."""
    bold = book.add_format({"bold": True})
    data = book.add_worksheet("data")
    data.write_row(0, 0, columns, bold)
    n = 0
    for n, row in enumerate(data_rows(mdb, columns, disclosure), start=1):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                data.write_number(n, c, value)
            elif value is not None:
                data.write_string(n, c, str(value))
    sheet = book.add_worksheet("codebook")
    sheet.write_row(0, 0, CODEBOOK_HEADERS.get(lang, CODEBOOK_HEADERS["en"]), bold)
    for r, row in enumerate(codebook(mdb.questionnaire, mdb.units, columns, lang, disclosure), start=1):
        sheet.write_row(r, 0, row)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 60)
    close_workbook(book)
    return n
