"""`akhlak report`: the index, its seven values and the culture measures, as a table, json, csv, xlsx or html."""

from __future__ import annotations

from pathlib import Path

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError

FORMATS = ("table", "json", "csv", "xlsx", "html")
# The format each known extension of -o means; without --format, -o's extension chooses it.
EXTENSIONS = {".txt": "table", "": "table", ".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".html": "html", ".htm": "html"}


def output_format(fmt: str | None, output: str | None) -> str:
    """The report's format: --format, else from -o's extension, else table; a one-line error naming
    the file when the two disagree or the extension says nothing."""
    if output is None:
        return fmt or "table"
    suffix = Path(output).suffix.lower()
    implied = EXTENSIONS.get(suffix)
    if fmt is None:
        if implied is None:
            raise UserError(f"{output}: cannot tell the format from '{suffix}': name the file .txt, .json, .csv, .xlsx or .html, or give --format")
        return implied
    if implied is not None and implied != fmt:
        raise UserError(f"{output}: a '{suffix or 'no extension'}' file is not --format {fmt}: name it {_suffix_for(fmt)} or give --format {implied}")
    return fmt


def _suffix_for(fmt: str) -> str:
    return {"table": ".txt"}.get(fmt, f".{fmt}")


def flag_names(values: tuple[str, ...]) -> list[str]:
    """--exclude-flagged, given once or more (each comma-separated), as one list; one-line errors."""
    from akhlak_tui.scoring.quality import FLAGS, QualityError, parse_flags

    text = ",".join(values)
    if not text.replace(",", "").strip():
        raise UserError(f"--exclude-flagged: give at least one flag: {', '.join(FLAGS)}")
    try:
        return parse_flags(text)
    except QualityError as exc:
        raise UserError(f"--exclude-flagged: {exc}") from None


def merged_db_path(obj: CliContext, db: str | None) -> Path:
    """The merged database to read: --db, else merged.db in the data dir; it must exist."""
    from akhlak_tui import locations

    path = Path(db) if db else locations.merged_path(obj.data_dir)
    if not path.is_file():
        raise UserError(f"{path}: no merged database here (run `akhlak merge BUNDLES...` first, or give --db FILE)")
    return path


def check_is_merged(path: Path) -> None:
    """Refuse, without writing to it, a file that is not a merged database with a survey."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{path}: not a merged database ({exc})") from None
    if not {"survey", "responses", "answers"} <= tables:
        raise UserError(f"{path}: not a merged database with a survey (run `akhlak merge BUNDLES...` first)")


def open_merged(path: Path):
    """Open a merged database that has a survey; one-line errors otherwise."""
    from akhlak_tui.merge.database import MergedDatabase, MergedDatabaseError

    check_is_merged(path)
    try:
        mdb = MergedDatabase(path)
        mdb.require_survey()
    except MergedDatabaseError as exc:
        raise UserError(str(exc)) from None
    return mdb


@click.command()
@click.option("--db", type=click.Path(dir_okay=False), help="Merged database (default: merged.db in the data dir).")
@click.option("--by", "by", metavar="FIELD", help="Break down by this item only (e.g. unit, gender); default: the questionnaire's breakdowns (with --exclude-flagged, shown too).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format. Default: from -o's extension (.txt or none: table), else table.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file (needed for xlsx; csv writes one file per table beside it); its extension must match --format.")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True, help="Language of the report.")
@click.option(
    "--excel-id",
    is_flag=True,
    help="csv: semicolons and decimal commas, as Excel set to Indonesian opens them (default: plain CSV).",
)
@click.option("--compare", "compare_db", metavar="PREVIOUS_DB", type=click.Path(dir_okay=False), help="Compare with the merged database of an earlier wave.")
@click.option("--baseline", metavar="FILE", type=click.Path(dir_okay=False), help="Compare with published figures (a small TOML file, docs/scoring.md).")
@click.option(
    "--exclude-flagged",
    "exclude_flagged",
    metavar="FLAGS",
    multiple=True,
    help="Leave out of every score the responses with these quality flags, comma-separated or the option repeated "
    "(speeding, straightlining, changes, off_hours, duplicate); the report says how many. Default: flags are reported, everyone is scored.",
)
@click.option(
    "--weight", type=click.Choice(["headcount"]),
    help="Also show everyone's scores weighted so each unit counts by its headcount (every unit needs one).",
)  # fmt: skip
@click.option("--json-schema", is_flag=True, help="Print the JSON Schema of --format json and exit.")
@pass_cli
def report(
    obj: CliContext, db: str | None, by: str | None, fmt: str | None, output: str | None, lang: str, excel_id: bool,
    compare_db: str | None, baseline: str | None, weight: str | None, exclude_flagged: tuple[str, ...], json_schema: bool,
) -> None:  # fmt: skip
    """Score the merged responses and report them: the BerAKHLAK index and category, the seven
    values, engagement, values selection, participation and breakdowns (docs/scoring.md).

    Groups with fewer respondents than the questionnaire's min_group_size are suppressed.

    \b
    Examples:
      akhlak report                                  table in the terminal
      akhlak report -o laporan.html                  a page to print or share
      akhlak report -o hasil.xlsx --lang en          the format follows the extension
      akhlak report --by gender --format json
      akhlak report --excel-id -o skor.csv           csv for Excel in Indonesian
      akhlak report --compare survei-2025.db -o laporan.html
      akhlak report --baseline hasil-2023.toml
      akhlak report --exclude-flagged speeding,straightlining
      akhlak report --weight headcount               everyone weighted by unit size too

    Every score carries its 95% interval; units whose intervals overlap are ranked in one group.
    """
    from akhlak_tui.report import formats

    if json_schema:
        click.echo(formats.report_json_schema(), nl=False)
        return
    fmt = output_format(fmt, output)
    if fmt == "xlsx" and not output:
        raise UserError("--format xlsx needs -o FILE.xlsx")
    if excel_id and fmt != "csv":
        raise UserError("--excel-id is for --format csv only")
    from akhlak_tui.scoring import ScoringError, score_merged
    from akhlak_tui.scoring.errors import ExclusionError
    from akhlak_tui.scoring.precision import WeightError

    if compare_db and baseline:
        raise UserError("give --compare or --baseline, not both")
    flags = flag_names(exclude_flagged) if exclude_flagged else []
    path = merged_db_path(obj, db)
    from concurrent.futures import ThreadPoolExecutor

    with open_merged(path) as mdb, ThreadPoolExecutor(max_workers=1, thread_name_prefix="earlier") as pool:
        # The earlier wave is scored in its own thread meanwhile: SQLite counts without the GIL.
        published = _baseline(Path(baseline), mdb.questionnaire) if baseline else None
        earlier = pool.submit(_previous, Path(compare_db), lang, flags) if compare_db else None
        try:
            result = score_merged(mdb, lang=lang, by=[by] if by else None, intervals=True, weight=weight, exclude_flagged=flags)
        except ExclusionError as exc:
            raise UserError(f"--exclude-flagged: {path}: {exc}") from None
        except ScoringError as exc:
            raise UserError(f"--by: {exc}") from None
        except WeightError as exc:
            raise UserError(f"--weight headcount: {path}: {exc}") from None
        before = earlier.result() if earlier else published
        if before is not None:
            from akhlak_tui.scoring.waves import compare

            result.comparison = compare(result, mdb.questionnaire, before, lang)
    target = Path(output) if output else None
    try:
        _write(result, fmt, target, lang, by, excel_id)
    except OSError as exc:
        raise UserError(f"{target}: cannot write: {exc.strerror or exc}") from None


def _previous(previous: Path, lang: str, flags: list[str]):
    """The figures of the earlier wave's merged database (--compare), without the same flagged responses; one-line errors."""
    from akhlak_tui.scoring import ScoringError
    from akhlak_tui.scoring.waves import previous_figures

    if not previous.is_file():
        raise UserError(f"{previous}: no merged database here (--compare needs the merged database of an earlier wave)")
    open_merged(previous).close()
    try:
        return previous_figures(previous, lang, flags)
    except ScoringError as exc:
        raise UserError(f"{previous}: {exc}") from None


def _baseline(path: Path, questionnaire):
    """Published figures of an earlier wave (--baseline); one-line errors naming the place."""
    from akhlak_tui.scoring.waves import BaselineError, load_baseline

    try:
        return load_baseline(path, {d.id for d in questionnaire.dimensions})
    except BaselineError as exc:
        raise UserError(str(exc)) from None


def _write(result, fmt: str, target: Path | None, lang: str, by: str | None, excel_id: bool = False) -> None:
    """The report in `fmt`, to `target` or standard output; OSError when the file cannot be written."""
    from akhlak_tui.files import private_output
    from akhlak_tui.report import formats

    if fmt == "table":
        from rich.console import Console

        from akhlak_tui.report.text import render

        if target:
            with private_output(target) as tmp, tmp.open("w", encoding="utf-8") as out:
                Console(file=out, width=120, color_system=None).print(render(result, lang, by))
        else:
            Console().print(render(result, lang, by))
    elif fmt == "json":
        _emit(formats.report_json(result), target)
    elif fmt == "html":
        from akhlak_tui.report.html import render_html

        _emit(render_html(result, lang), target)
    elif fmt == "csv":
        if target:
            for written in formats.csv_files(result, target, lang, excel_id):
                click.echo(f"wrote {written}")
            return
        click.echo(formats.csv_scores(result, lang, excel_id), nl=False)
    else:
        formats.xlsx_file(result, target, lang)  # type: ignore[arg-type]
    if target and fmt != "csv":
        click.echo(f"wrote {target}")


def _emit(text: str, target: Path | None) -> None:
    from akhlak_tui.report import formats

    if target is None:
        click.echo(text, nl=False)
        return
    formats.write_private(target, text.encode("utf-8"))
