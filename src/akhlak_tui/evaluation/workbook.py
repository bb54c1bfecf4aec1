"""The evaluation form as a workbook: the template units fill in, and reading returned forms (xlsx, csv).

Every problem in a returned form is one line naming the file, the sheet, the cell and what is
wrong. Reading checks everything before anything is stored, so a bad file stores nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from akhlak_tui.evaluation.model import Instrument
from akhlak_tui.evaluation.store import Claim, EvidenceFile, UnitReturn
from akhlak_tui.files import FileTooLarge, read_at_most, read_small_file, write_file_atomically
from akhlak_tui.questionnaire.model import tr
from akhlak_tui.questionnaire.units import Unit

MAX_FORM_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_BYTES = 200 * 1024 * 1024
FIRST_ROW = 6  # 1-based row of the first criterion in a unit's sheet
COLUMNS = "ABCDEFGH"  # stage, criterion, question, evidence asked, levels, level claimed, evidence, note
CSV_HEADER = ["unit", "criterion", "level", "evidence", "note"]
UNIT_MARK = "Unit"

WORDS = {
    "title": {"id": "Formulir evaluasi", "en": "Evaluation form"},
    "instrument": {"id": "Instrumen", "en": "Instrument"},
    "headers": {
        "id": ["Tahap", "Kode", "Pertanyaan", "Bukti yang diterima", "Tingkat", "Tingkat yang diklaim", "Bukti (nama file atau rujukan; pisahkan dengan ;)", "Catatan"],
        "en": ["Stage", "Code", "Question", "Evidence that counts", "Levels", "Level claimed", "Evidence (file names or references; separate with ;)", "Notes"],
    },
    "guide_sheet": {"id": "Petunjuk", "en": "Guide"},
    "guide": {
        "id": [
            "Setiap lembar adalah formulir satu unit kerja (kode unit di sel B2). Jangan ubah kolom A sampai E.",
            "Isi kolom F dengan tingkat yang menurut unit sudah dicapai (pilih dari daftar), kolom G dengan nama file bukti",
            "atau rujukan dokumen, dan kolom H dengan catatan. Kirim kembali buku kerja ini bersama file buktinya dalam satu folder.",
            "Evaluator memeriksa bukti dan menetapkan tingkat yang diverifikasi; hanya tingkat yang diverifikasi yang dinilai.",
        ],
        "en": [
            "Each sheet is the form of one work unit (its code in cell B2). Do not change columns A to E.",
            "Fill in column F with the level the unit has reached (pick it from the list), column G with the evidence file names",
            "or document references, and column H with notes. Send the workbook back with its evidence files in one folder.",
            "An evaluator checks the evidence and sets the verified level; only verified levels are scored.",
        ],
    },
}


class FormError(ValueError):
    """A returned form that cannot be imported; the message is one line: file, sheet, cell, problem."""


# -- the template --------------------------------------------------------------------------------
def write_template(path: Path, ins: Instrument, units: Sequence[Unit], lang: str) -> Path:
    """A workbook with a guide sheet and one sheet per unit: the criteria, levels spelled out, drop-downs for the level."""
    import xlsxwriter

    from akhlak_tui.files import private_output
    from akhlak_tui.report.formats import close_workbook

    with private_output(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
        _fill_template(book, ins, units, lang)
        close_workbook(book)
    return path


def _fill_template(book, ins: Instrument, units: Sequence[Unit], lang: str) -> None:
    """The guide sheet and one sheet per unit, written into the xlsxwriter `book`."""
    from akhlak_tui.report.formats import sheet_name

    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    entry = book.add_format({"text_wrap": True, "valign": "top", "border": 1, "locked": False, "bg_color": "#FFF8DC"})
    heading = book.add_format({"bold": True, "font_size": 13})
    guide = book.add_worksheet(WORDS["guide_sheet"][lang])
    guide.write(0, 0, tr(ins.evaluation.title, lang), heading)
    for i, line in enumerate(WORDS["guide"][lang], start=2):
        guide.write(i, 0, line)
    guide.write(len(WORDS["guide"][lang]) + 3, 0, f"{WORDS['instrument'][lang]}: {ins.id} {ins.version} ({ins.content_hash[:12]})")
    guide.set_column(0, 0, 120)
    used = {WORDS["guide_sheet"][lang].lower()}
    for unit in units:
        sheet = book.add_worksheet(sheet_name(unit.code, used))
        sheet.write(0, 0, f"{WORDS['title'][lang]}: {tr(ins.evaluation.title, lang)}", heading)
        sheet.write_string(1, 0, UNIT_MARK, bold)
        sheet.write_string(1, 1, unit.code)
        sheet.write_string(1, 2, unit.name)
        sheet.write_string(2, 0, WORDS["instrument"][lang], bold)
        sheet.write_string(2, 1, f"{ins.id} {ins.version}")
        sheet.write_string(2, 2, ins.content_hash[:12])
        sheet.write_row(FIRST_ROW - 2, 0, WORDS["headers"][lang], bold)
        row = FIRST_ROW - 1
        for stage in ins.stages:
            for criterion in stage.criteria:
                scale = ins.scale_for(criterion)
                levels = "\n".join(f"{lv.score} = {tr(lv.label, lang)}" for lv in scale.levels)
                sheet.write_string(row, 0, tr(stage.label, lang), wrap)
                sheet.write_string(row, 1, criterion.id, wrap)
                sheet.write_string(row, 2, tr(criterion.question, lang), wrap)
                sheet.write_string(row, 3, tr(criterion.evidence, lang), wrap)
                sheet.write_string(row, 4, levels, wrap)
                sheet.write_blank(row, 5, None, entry)
                sheet.write_blank(row, 6, None, entry)
                sheet.write_blank(row, 7, None, entry)
                sheet.data_validation(
                    row, 5, row, 5,
                    {"validate": "list", "source": [str(s) for s in scale.scores], "error_title": WORDS["headers"][lang][5], "error_message": ", ".join(str(s) for s in scale.scores)},
                )
                row += 1
        for col, width in enumerate((18, 16, 45, 40, 38, 12, 36, 30)):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(FIRST_ROW - 1, 2)
        sheet.protect("", {"format_columns": True, "format_rows": True})


# -- reading returned forms ----------------------------------------------------------------------
@dataclass
class _Row:
    """One criterion row of a form, with where each cell sits (for messages)."""

    form: str  # the unit's form: "FILE: sheet 'X'" (xlsx) or "FILE: unit 'X'" (csv)
    sheet: str  # the sheet's name; empty for csv
    place: str  # where the row's cells are named from: "FILE: sheet 'X'" or "FILE:LINE"
    ref: str  # the row, short: "B8" (the criterion's cell) or "line 8"
    unit: str
    unit_cell: str
    criterion: str
    criterion_cell: str
    level: object
    level_cell: str
    evidence: str
    evidence_cell: str
    note: str


def _read_bytes(path: Path) -> bytes:
    return read_small_file(path, MAX_FORM_BYTES, FormError, what="a returned form")


def _clip(value: object) -> str:
    """A cell's text for a one-line message: at most 40 characters, line breaks as spaces."""
    return " ".join(str(value)[:40].splitlines())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _xlsx_rows(path: Path, data: bytes, ins: Instrument) -> list[list[_Row]]:
    """One list of rows per unit sheet of an xlsx workbook."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FormError(f"{path}: not an xlsx workbook ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - a damaged zip or xml can raise many kinds
        raise FormError(f"{path}: not a readable xlsx workbook ({type(exc).__name__})") from None
    forms: list[list[_Row]] = []
    seen_forms = 0
    try:
        for sheet in book.worksheets:
            where = f"{path}: sheet {sheet.title!r}"
            cells: dict[str, object] = {}
            for r, row in enumerate(sheet.iter_rows(min_row=1, max_col=len(COLUMNS)), start=1):
                for c, cell in enumerate(row):
                    ref = f"{COLUMNS[c]}{r}"
                    value = getattr(cell, "value", None)
                    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=") and c >= 5):
                        raise FormError(f"{where}: {ref}: a formula where a value belongs ({_clip(value)})")
                    if value is not None:
                        cells[ref] = value
            if _text(cells.get("A2")) != UNIT_MARK:
                continue  # the guide, or a sheet the unit added
            made_for = _text(cells.get("B3"))
            if made_for != f"{ins.id} {ins.version}":
                raise FormError(f"{where}: B3: the form is for instrument {made_for!r}, not {ins.id} {ins.version}")
            unit = _text(cells.get("B2"))
            rows = []
            last = max([int(ref[1:]) for ref in cells], default=0)
            for r in range(FIRST_ROW, last + 1):
                criterion = _text(cells.get(f"B{r}"))
                level, evidence, note = cells.get(f"F{r}"), _text(cells.get(f"G{r}")), _text(cells.get(f"H{r}"))
                if not criterion:
                    if level is not None or evidence or note:
                        raise FormError(f"{where}: B{r}: the row has a level, evidence or note but no criterion code")
                    continue
                rows.append(_Row(where, sheet.title, where, f"B{r}", unit, "B2", criterion, f"B{r}", level, f"F{r}", evidence, f"G{r}", note))
            if not any(row.level is not None or row.evidence or row.note for row in rows):
                continue  # a sheet nobody filled in (the workbook went to every unit): not a return
            forms.append(rows)
            seen_forms += 1
    finally:
        book.close()
    if not seen_forms:
        raise FormError(
            f"{path}: no filled-in unit form in the workbook (a form has '{UNIT_MARK}' in A2, the unit code in B2, and a level, evidence or note)"
        )
    return forms


def _csv_rows(path: Path, data: bytes) -> list[list[_Row]]:
    """One list of rows per unit of a csv file (unit,criterion,level,evidence,note)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormError(f"{path}:{line}: file is not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [h.strip().lower() for h in rows[0]] != CSV_HEADER:
        raise FormError(f"{path}:1: header must be {','.join(CSV_HEADER)}")
    by_unit: dict[str, list[_Row]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_HEADER):
            raise FormError(f"{path}:{number}: expected {len(CSV_HEADER)} columns, found {len(row)}")
        unit, criterion, level, evidence, note = (cell.strip() for cell in row)
        if not criterion:
            raise FormError(f"{path}:{number}: criterion: empty")
        for column, value in zip(CSV_HEADER, row):
            if value.lstrip().startswith(("=", "+", "@")) and column != "level":
                raise FormError(f"{path}:{number}: {column}: a formula where a value belongs ({_clip(value)})")
        row_ = _Row(f"{path}: unit {unit!r}", "", f"{path}:{number}", f"line {number}", unit, "unit", criterion, "criterion", level or None, "level", evidence, "evidence", note)
        by_unit.setdefault(unit, []).append(row_)
    return list(by_unit.values())


def _place(row: _Row, cell: str) -> str:
    return f"{row.place}: {cell}"


def _level(row: _Row, scores: list[int]) -> int | None:
    value = row.level
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = None
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("="):
            raise FormError(f"{_place(row, row.level_cell)}: a formula where a value belongs ({_clip(text)})")
        value = int(text) if text.isdigit() else None
    if not isinstance(value, int) or value not in scores:
        raise FormError(
            f"{_place(row, row.level_cell)}: unknown level {row.level!r} for criterion {row.criterion!r} (levels: {', '.join(map(str, scores))})"
        )
    return value


def _evidence_files(row: _Row, folder: Path, evidence_dir: Path | None) -> list[EvidenceFile]:
    """Files named in the evidence cell that sit beside the form: hashed and copied (content-addressed)."""
    found = []
    for name in (part.strip() for part in row.evidence.replace("\n", ";").split(";")):
        if not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
            continue  # a reference, not a file beside the form
        source = folder / name
        if source.is_symlink() or not source.is_file():
            continue  # only a real file beside the form is kept; a link could point anywhere
        try:
            size = source.stat().st_size
            if size > MAX_EVIDENCE_BYTES:
                raise FormError(f"{_place(row, row.evidence_cell)}: evidence file {name!r} is {size} bytes; the limit is {MAX_EVIDENCE_BYTES}")
            data = read_at_most(source, MAX_EVIDENCE_BYTES)
        except FileTooLarge:
            raise FormError(f"{_place(row, row.evidence_cell)}: evidence file {name!r} is larger than the limit of {MAX_EVIDENCE_BYTES} bytes") from None
        except OSError as exc:
            raise FormError(f"{_place(row, row.evidence_cell)}: evidence file {name!r}: cannot read: {exc.strerror or exc}") from None
        digest = hashlib.sha256(data).hexdigest()
        stored = digest + source.suffix.lower()[:16]
        if evidence_dir is not None:
            target = evidence_dir / stored
            if not target.exists():
                evidence_dir.mkdir(parents=True, exist_ok=True)
                # Evidence may name people (decrees, attendance lists): owner-only, as answers are.
                write_file_atomically(target, data, private=True)
        found.append(EvidenceFile(row.criterion, name, digest, len(data), stored))
    return found


def read_forms(paths: Sequence[Path], ins: Instrument, units: Sequence[Unit], evidence_dir: Path | None) -> list[UnitReturn]:
    """Read and check returned forms (xlsx or csv); FormError (one line) on the first problem.

    Evidence files are copied into `evidence_dir` under their SHA-256 only after every form
    has been checked; a copy is content-addressed, so a later failure leaves nothing that
    points at it.
    """
    known = {u.code for u in units}
    checked: list[tuple[UnitReturn, list[_Row], Path]] = []
    first_seen: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        data = _read_bytes(path)
        digest = hashlib.sha256(data).hexdigest()
        if path.suffix.lower() == ".csv":
            forms = _csv_rows(path, data)
        elif data[:2] == b"PK":
            forms = _xlsx_rows(path, data, ins)
        else:
            raise FormError(f"{path}: not an xlsx workbook or a csv file")
        for rows in forms:
            head = rows[0]
            if head.unit not in known:
                raise FormError(f"{_place(head, head.unit_cell)}: unknown unit {head.unit!r} (not in the survey's unit list)")
            if head.unit in first_seen:
                raise FormError(f"{_place(head, head.unit_cell)}: unit {head.unit!r} is returned twice (first in {first_seen[head.unit]})")
            first_seen[head.unit] = head.form
            claims: list[Claim] = []
            seen: dict[str, str] = {}
            for row in rows:
                if row.criterion not in ins.criterion_by_id:
                    raise FormError(f"{_place(row, row.criterion_cell)}: unknown criterion {row.criterion!r}")
                if row.criterion in seen:
                    raise FormError(f"{_place(row, row.criterion_cell)}: criterion {row.criterion!r} appears twice (first at {seen[row.criterion]})")
                seen[row.criterion] = row.ref
                level = _level(row, ins.scale_for(ins.criterion_by_id[row.criterion]).scores)
                claims.append(Claim(row.criterion, level, row.evidence, row.note, f"{row.place} {row.criterion_cell}"))
            missing = [c.id for c in ins.criteria if c.id not in seen]
            if missing:
                raise FormError(f"{head.form}: criteria missing from the form: {', '.join(missing)}")
            checked.append((UnitReturn(head.unit, str(path), head.sheet, digest, claims), rows, path))
    for ret, rows, path in checked:  # every form checked: now hash and copy the evidence
        ret.evidence = [ev for row in rows for ev in _evidence_files(row, path.parent, evidence_dir)]
    return [ret for ret, _, _ in checked]
