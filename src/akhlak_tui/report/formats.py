"""Report writers for other programs and spreadsheets: json (with its JSON Schema), csv and xlsx."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from akhlak_tui.files import private_output
from akhlak_tui.report.tables import Table, all_tables, scores_table
from akhlak_tui.scoring.model import ScoreReport

SCHEMA_ID = "https://akhlak-tui.invalid/report-json-schema.json"


def report_json(report: ScoreReport) -> str:
    """The whole report as JSON (UTF-8 text, indented), valid against `report_json_schema()`."""
    return report.model_dump_json(indent=2) + "\n"


def report_json_schema() -> str:
    """The JSON Schema of `akhlak report --format json` (docs/report-json-schema.json)."""
    schema = ScoreReport.model_json_schema(mode="serialization")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, replacing any earlier one at once (files.private_output)."""
    with private_output(path) as tmp:
        tmp.write_bytes(data)


def close_workbook(book) -> None:
    """Close (write out) an xlsxwriter workbook; OSError when it cannot be written."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        book.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args else None
        raise (cause if isinstance(cause, OSError) else OSError(str(exc))) from None


def excel_id_number(value: int | float) -> str:
    """A number as Excel set to Indonesian reads it in a CSV: decimal comma, no thousands separator."""
    return f"{value:.1f}".replace(".", ",") if isinstance(value, float) else str(value)


def _csv_text(table: Table, excel_id: bool = False) -> str:
    """The table as CSV: plain (comma, decimal point), or for Excel in Indonesian (semicolon, decimal comma)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel_id else ",", lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        cells = ["" if c is None else c for c in row]
        if excel_id:
            cells = [excel_id_number(c) if isinstance(c, (int, float)) and not isinstance(c, bool) else c for c in cells]
        writer.writerow(cells)
    return out.getvalue()


def csv_files(report: ScoreReport, path: Path, lang: str, excel_id: bool = False) -> list[Path]:
    """The scores table at `path` and every other table beside it as `<stem>-<table>.csv` (UTF-8 with BOM)."""
    written = []
    for i, table in enumerate(all_tables(report, lang)):
        target = path if i == 0 else path.with_name(f"{path.stem}-{table.name}{path.suffix or '.csv'}")
        write_private(target, ("\ufeff" + _csv_text(table, excel_id)).encode("utf-8"))
        written.append(target)
    return written


def csv_scores(report: ScoreReport, lang: str, excel_id: bool = False) -> str:
    """The scores table alone, as CSV text (for standard output)."""
    return _csv_text(scores_table(report, lang), excel_id)


SHEET_NAME_MAX = 31


def _cut_words(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary (mid-word only for one long word)."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else text[:limit]
    return cut.rstrip(" -:,(") or text[:limit]


def sheet_name(title: str, used: set[str]) -> str:
    """A unique worksheet name: no characters Excel refuses, single spaces, cut at a word boundary."""
    clean = " ".join(re.sub(r"[\[\]:*?/\\]", " ", title).split()).strip("'") or "Sheet"
    name, n = _cut_words(clean, SHEET_NAME_MAX), 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = _cut_words(clean, SHEET_NAME_MAX - len(suffix)) + suffix, n + 1
    used.add(name.lower())
    return name


def xlsx_file(report: ScoreReport, path: Path, lang: str) -> Path:
    """One sheet per table, bold headers, one decimal for scores."""
    import xlsxwriter

    with private_output(path) as tmp:
        _fill_workbook(xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}), report, lang)
    return path


def _fill_workbook(book, report: ScoreReport, lang: str) -> None:
    """Write the report's tables into `book` and close it."""
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4"})
    decimal = book.add_format({"num_format": "0.0"})
    used: set[str] = set()
    for table in all_tables(report, lang):
        sheet = book.add_worksheet(sheet_name(table.title, used))
        sheet.write_row(0, 0, table.headers, bold)
        for r, row in enumerate(table.rows, start=1):
            for c, cell in enumerate(row):
                if isinstance(cell, float):
                    sheet.write_number(r, c, cell, decimal)
                elif isinstance(cell, int):
                    sheet.write_number(r, c, cell)
                elif cell is not None:
                    sheet.write_string(r, c, cell)
        for c, header in enumerate(table.headers):
            longest = max([len(header) // 2] + [len(str(row[c])) for row in table.rows if row[c] is not None])
            sheet.set_column(c, c, min(max(8, longest + 2), 50))
        sheet.freeze_panes(1, 0)
    close_workbook(book)
