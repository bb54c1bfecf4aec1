"""SPSS and Stata exports: the labelled file and its codebook (with the variable names) beside it."""

from __future__ import annotations

from pathlib import Path

from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.report.export import Disclosure, codebook, codebook_path_for, write_codebook


def export_labelled(mdb: MergedDatabase, path: Path, fmt: str, comments: bool, lang: str, disclosure: Disclosure) -> tuple[int, Path]:
    """Write `path` as .sav or .dta and `<stem>-sav-codebook.csv` or `<stem>-dta-codebook.csv` beside it;
    return (responses, codebook)."""
    if fmt == "sav":
        from akhlak_tui.report.export_sav import write_sav as write
    else:
        from akhlak_tui.report.export_dta import write_dta as write
    n, plan = write(mdb, path, comments, lang, disclosure)
    codebook_path = codebook_path_for(path, fmt)
    write_codebook(codebook_path, codebook(mdb.questionnaire, mdb.units, plan.columns, lang, disclosure, plan.names()), lang)
    return n, codebook_path
