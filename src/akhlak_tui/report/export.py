"""Raw data for other programs: one row per submitted response, one column per item (answer codes),
with a codebook mapping every column and code to its label. Nothing that identifies a person."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from akhlak_tui.files import private_output
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.model import LikertItem, MultiItem, Questionnaire, SingleItem, TextItem, UnitItem, tr
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
CODEBOOK_HEADERS = {
    "id": ["kolom", "label", "jenis", "kode", "label kode"],
    "en": ["column", "label", "type", "code", "code label"],
}
XLSX_MAX_ROWS = 1_048_575
FETCH = 5_000


class ExportError(ValueError):
    """The data cannot be exported as asked."""


def export_columns(q: Questionnaire, comments: bool) -> list[str]:
    """Context columns, then one per answerable item (open-text items left out unless `comments`)."""
    items = [i.id for i in q.answerable_items if comments or not isinstance(i, TextItem)]
    extra = [] if any(isinstance(i, UnitItem) for i in q.answerable_items) else ["unit"]
    return [*CONTEXT, *extra, *items]


def codebook(q: Questionnaire, units: list[Unit], columns: list[str], lang: str) -> list[list[str]]:
    """Rows (column, label, type, code, code label): one per code of coded columns, one per other column."""
    rows: list[list[str]] = []
    for column in columns:
        if column in CONTEXT_LABELS:
            rows.append([column, tr(CONTEXT_LABELS[column], lang), "context", "", ""])
            if column == "unit":
                rows += [[column, "", "", u.code, u.name] for u in units]
            continue
        item = q.item_by_id[column]
        label, kind = tr(item.label, lang), item.type  # type: ignore[attr-defined]
        if isinstance(item, LikertItem):
            scale = q.scale_for(item)
            kind += f" ({'reverse' if item.reverse else 'forward'}, {item.dimension or '-'})"
            codes = [(str(p.code), tr(p.label, lang)) for p in scale.points]
            if scale.not_applicable:
                codes.append((str(scale.not_applicable.code), tr(scale.not_applicable.label, lang)))
        elif isinstance(item, (SingleItem, MultiItem)):
            codes = [(o.code, tr(o.label, lang)) for o in item.options]
            if isinstance(item, MultiItem):
                kind += " (codes separated by spaces)"
        elif isinstance(item, UnitItem):
            codes = [(u.code, u.name) for u in units]
        else:
            codes = []
        rows.append([column, label, kind, "", ""])
        rows += [[column, "", "", code, code_label] for code, code_label in codes]
    return rows


def _cell(value: object, multi: bool) -> object:
    if multi and isinstance(value, str):
        return " ".join(json.loads(value))
    return value


def data_rows(mdb: MergedDatabase, columns: list[str]) -> Iterator[list[object]]:
    """The export rows of submitted responses, in merge order, streamed."""
    q = mdb.questionnaire
    multi = {i.id for i in q.answerable_items if isinstance(i, MultiItem)}
    select = [f'r."{c}"' if c in CONTEXT[1:] else ('r."unit"' if c == "unit" and c not in q.item_by_id else f'a."{c}"') for c in columns[1:]]
    sql = (
        f"SELECT a.response_id, {', '.join(select)} FROM answers a JOIN responses r ON r.id = a.response_id "
        "WHERE r.status = 'submitted' ORDER BY a.rowid"
    )
    cursor = mdb.db.conn.execute(sql)
    flags = [c in multi for c in columns]
    while batch := cursor.fetchmany(FETCH):
        for row in batch:
            yield [_cell(v, m) for v, m in zip(row, flags)]


def export_csv(mdb: MergedDatabase, path: Path, comments: bool, lang: str) -> tuple[int, Path]:
    """Data at `path` and the codebook beside it as `<stem>-codebook.csv` (UTF-8 with BOM); both owner-only."""
    columns = export_columns(mdb.questionnaire, comments)
    codebook_path = path.with_name(f"{path.stem}-codebook{path.suffix or '.csv'}")
    n = 0
    with private_output(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in data_rows(mdb, columns):
            writer.writerow(row)
            n += 1
    with private_output(codebook_path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CODEBOOK_HEADERS.get(lang, CODEBOOK_HEADERS["en"]))
        writer.writerows(codebook(mdb.questionnaire, mdb.units, columns, lang))
    return n, codebook_path


def export_xlsx(mdb: MergedDatabase, path: Path, comments: bool, lang: str) -> int:
    """A `data` sheet and a `codebook` sheet in one workbook."""
    import xlsxwriter

    columns = export_columns(mdb.questionnaire, comments)
    count = mdb.db.conn.execute("SELECT count(*) FROM responses WHERE status = 'submitted'").fetchone()[0]
    if count > XLSX_MAX_ROWS:
        raise ExportError(f"{path}: {count} responses do not fit in one spreadsheet ({XLSX_MAX_ROWS} rows at most); use --format csv")
    with private_output(path) as tmp:
        return _fill_workbook(xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}), mdb, columns, lang)


def _fill_workbook(book, mdb: MergedDatabase, columns: list[str], lang: str) -> int:
    """Write the data and codebook sheets into `book`, close it, and return the number of responses."""
    bold = book.add_format({"bold": True})
    data = book.add_worksheet("data")
    data.write_row(0, 0, columns, bold)
    n = 0
    for n, row in enumerate(data_rows(mdb, columns), start=1):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                data.write_number(n, c, value)
            elif value is not None:
                data.write_string(n, c, str(value))
    sheet = book.add_worksheet("codebook")
    sheet.write_row(0, 0, CODEBOOK_HEADERS.get(lang, CODEBOOK_HEADERS["en"]), bold)
    for r, row in enumerate(codebook(mdb.questionnaire, mdb.units, columns, lang), start=1):
        sheet.write_row(r, 0, row)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 60)
    close_workbook(book)
    return n
