"""The earlier wave beside this one in the reports: one table of previous figures and changes, and words."""

from __future__ import annotations

from akhlak_tui.report.i18n import number, word
from akhlak_tui.report.tables import Cell, Table
from akhlak_tui.scoring.model import Comparison, ScoreReport


def signed(value: float | None, lang: str) -> str:
    """A change as people write it: +15,7, -2,0, 0,0."""
    if value is None:
        return ""
    return ("+" if value > 0 else "") + number(value, lang)


def previous_label(c: Comparison, lang: str) -> str:
    """The earlier wave as named in the reports: "2023 (KemenPAN-RB)" or the earlier survey's name."""
    p = c.previous
    return f"{p.label} ({p.source})" if p.source and p.source != p.label else p.label


def refusal_text(c: Comparison, lang: str) -> str:
    return word("items_refused", lang).format(reason=c.items_refused) if c.items_refused else ""


def comparison_table(report: ScoreReport, lang: str) -> list[Table]:
    """Index, values, statements and units: previous figure, now, change; new and gone units named."""
    c = report.comparison
    if c is None:
        return []
    table = Table(
        "comparison",
        f"{word('comparison', lang)} {c.previous.label}",
        [word("level", lang), word("code", lang), word("name", lang), word("previous", lang), word("now", lang), word("change", lang), word("note", lang)],
    )
    status = {"both": "", "new": word("unit_new", lang), "gone": word("unit_gone", lang), "no_figure": word("unit_no_figure", lang)}
    rows: list[list[Cell]] = [[word("index", lang), "index", word("index", lang), c.index.previous, c.index.current, c.index.change, previous_label(c, lang)]]
    rows += [[word("value", lang), v.code, v.label, v.previous, v.current, v.change, ""] for v in c.values]
    rows += [[word("indicator", lang), i.code, i.label, i.previous, i.current, i.change, ""] for i in c.items]
    if c.items_refused:
        rows.append([word("indicator", lang), "", "", None, None, None, refusal_text(c, lang)])
    for u in c.units:
        note = status[u.status] + ("; " if status[u.status] and u.hidden else "") + (word("suppressed", lang) if u.hidden else "")
        rows.append([word("unit", lang), u.code, u.name, u.previous, u.current, u.change, note])
    rows += [["", "", "", None, None, None, n] for n in c.notes]
    table.rows = rows
    return [table]


def headline_change(report: ScoreReport, lang: str) -> str | None:
    """ "+15,7 sejak 2023 (62,3)" for the headline, when both figures are there."""
    c = report.comparison
    if c is None or c.index.change is None:
        return None
    return word("since", lang).format(change=signed(c.index.change, lang), label=c.previous.label, previous=number(c.index.previous, lang))
