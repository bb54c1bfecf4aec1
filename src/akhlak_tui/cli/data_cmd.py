"""`akhlak data export`: the raw merged answers (codes) with a codebook, for other programs."""

from __future__ import annotations

from pathlib import Path

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError
from akhlak_tui.cli.report_cmd import merged_db_path, open_merged
from akhlak_tui.plural import count


@click.group()
def data() -> None:
    """Raw data of the merged survey.

    \b
    Example:
      akhlak data export -o jawaban.csv
    """


FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".sav": "sav", ".dta": "dta"}


def export_format(fmt: str | None, output: str) -> str:
    """The export's format: --format, else the extension of -o; a one-line error naming the file when
    the extension is unknown or says another format (a .csv file of SPSS data would fool its reader)."""
    suffix = Path(output).suffix.lower()
    implied = FORMATS.get(suffix)
    if implied is None and not (fmt and suffix == ""):
        raise UserError(f"{output}: cannot export to a '{suffix or 'no extension'}' file: name it .csv, .xlsx, .sav (SPSS) or .dta (Stata)")
    if fmt is not None and implied is not None and implied != fmt:
        raise UserError(f"{output}: a '{suffix}' file is not --format {fmt}: name it .{fmt}, or leave out --format to write {implied}")
    return fmt or implied  # type: ignore[return-value]


@data.command("export")
@click.option("--db", type=click.Path(dir_okay=False), help="Merged database (default: merged.db in the data dir).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "sav", "dta"]), default=None, help="csv, xlsx, sav (SPSS) or dta (Stata 14+). Default: from the file's extension, which must match it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True, help="File to write: .csv, .xlsx, .sav or .dta.")
@click.option("--no-comments", is_flag=True, help="Leave out open-text answers (comments): they can identify their writer.")
@click.option("--full", is_flag=True, help="Exact times, real device ids, every unit and profile answer: for the coordinator's own use only.")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True, help="Language of the codebook and of the SPSS/Stata labels.")
@pass_cli
def export(obj: CliContext, db: str | None, fmt: str | None, output: str, no_comments: bool, full: bool, lang: str) -> None:
    """Export one row per submitted response and one column per item (answer codes), plus unit,
    dates and device; never a name or anything else that identifies a person. By default what could
    narrow a respondent down is coarsened: times to the day, the device as a pseudonym valid in this
    export only, rows in random order, the unit of units of fewer than min_group_size respondents,
    and profile answers (gender, age band...), language, mode and device given by fewer than
    min_group_size people of a unit left blank (with the next smallest groups, so that a blank
    never points at one group); --full exports everything as stored, in merge order. The codebook (columns, codes, tags,
    scoring settings, unit headcounts) goes to a `codebook` sheet, or beside the file: STEM-codebook.csv
    for a CSV, STEM-sav-codebook.csv for a SAV, STEM-dta-codebook.csv for a DTA (their names and codes
    differ). SAV and DTA carry variable and value labels, missing codes, and one 0/1
    variable per option of a multiple choice (docs/data-export.md).

    \b
    Examples:
      akhlak data export -o jawaban.csv
      akhlak data export -o jawaban.xlsx --no-comments
      akhlak data export -o jawaban.sav --lang en
      akhlak data export -o jawaban.dta
    """
    from akhlak_tui.report.export import Disclosure, ExportError, export_csv, export_xlsx
    from akhlak_tui.report.export_labelled import AnswerError
    from akhlak_tui.report.export_stats import export_labelled

    target = Path(output)
    fmt = export_format(fmt, output)
    disclosure = Disclosure(full=full)
    if full:
        click.echo(
            f"warning: {target} holds exact times, real device ids, and the units and profile answers of small groups: "
            "keep it for your own use, do not pass it on",
            err=True,
        )
    path = merged_db_path(obj, db)
    with open_merged(path) as mdb:
        try:
            if fmt == "xlsx":
                n = export_xlsx(mdb, target, not no_comments, lang, disclosure)
                click.echo(f"wrote {target}: {count(n, 'response')} (codebook in sheet 'codebook')")
            elif fmt == "csv":
                n, codebook_path = export_csv(mdb, target, not no_comments, lang, disclosure)
                click.echo(f"wrote {target}: {count(n, 'response')}; codebook {codebook_path}")
            else:
                n, codebook_path = export_labelled(mdb, target, fmt, not no_comments, lang, disclosure)
                click.echo(f"wrote {target}: {count(n, 'response')}; codebook {codebook_path}")
        except AnswerError as exc:
            raise UserError(f"{path}: {exc}") from None
        except ExportError as exc:
            raise UserError(str(exc)) from None
        except OSError as exc:
            raise UserError(f"{target}: cannot write: {exc.strerror or exc}") from None
