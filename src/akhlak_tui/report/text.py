"""The report in the terminal (rich): the index and category, the seven values, and one breakdown."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.table import Table as RichTable
from rich.text import Text

from akhlak_tui.report.i18n import number, word
from akhlak_tui.report.tables import Cell
from akhlak_tui.scoring.model import Breakdown, GroupScore, ScoreReport

BAND_STYLES = {"A": "bold green", "B": "bold yellow", "C": "bold dark_orange", "D": "bold red"}


def _cell(value: Cell, lang: str) -> Text:
    if isinstance(value, (int, float)):
        return Text(number(value, lang), justify="right")
    if value == word("suppressed", lang):
        return Text(value, style="italic dim")
    return Text("" if value is None else str(value))


def _group_cells(g: GroupScore, lang: str, width: int) -> list[Text]:
    if g.status != "shown":
        # "*" fits the narrow columns; the note under the table, starting with "*", says what it means.
        if g.status == "suppressed":
            n, index = Text("*", style="italic dim"), Text("*", style="italic dim")
        else:
            n, index = Text("0", style="dim"), Text("-", style="dim")
        return [n, index] + [Text("")] * (width - 2)
    index = _cell(g.index, lang)
    index.append(f" {g.category or ''}", style=BAND_STYLES.get(g.category or "", ""))
    return [_cell(g.respondents, lang), index, *(_cell(d.score, lang) for d in g.dimensions)]


def breakdown_grid(report: ScoreReport, breakdown: Breakdown, lang: str) -> RichTable:
    """One row per group with short column heads (value codes), so it fits 80 columns."""
    dims = report.overall.dimensions or next((g.dimensions for g in breakdown.groups if g.dimensions), [])
    out = RichTable(title=f"{word('breakdown_field', lang)}: {breakdown.label}", title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 0, 0, 1), header_style="bold")
    out.add_column(word("group", lang), width=18, no_wrap=True, overflow="ellipsis")
    out.add_column("n", justify="right", no_wrap=True, width=7)
    out.add_column("Indeks" if lang == "id" else "Index", justify="right", no_wrap=True, width=8)
    for d in dims:
        out.add_column(d.id, justify="right", no_wrap=True, width=6)
    for g in breakdown.groups:
        out.add_row(Text(g.label), *_group_cells(g, lang, 2 + len(dims)))
    return out


def ranking_grid(report: ScoreReport, lang: str) -> RichTable:
    out = RichTable(title=word("ranking", lang), title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 0, 0, 1), header_style="bold")
    out.add_column("#", justify="right", no_wrap=True)
    out.add_column(word("unit", lang), max_width=40, no_wrap=True, overflow="ellipsis")
    out.add_column("Indeks" if lang == "id" else "Index", justify="right", no_wrap=True)
    out.add_column(word("category", lang), no_wrap=True)
    for r in report.ranking:
        out.add_row(str(r.rank), r.name, number(r.index, lang), Text(f"{r.category} {r.category_label}", style=BAND_STYLES.get(r.category, "")))
    return out


def bar(score: float | None, width: int = 20) -> str:
    """A score 0-100 as a bar of block characters."""
    if score is None:
        return ""
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled)


def render(report: ScoreReport, lang: str, by: str | None = None) -> Group:
    """What `akhlak report` prints: the headline, the seven values with bars, one breakdown, the ranking."""
    o = report.overall
    parts: list = [Text(f"{word('report_title', lang)}: {report.survey.name}", style="bold")]
    if o.status == "shown" and o.index is not None:
        headline = Text(f"{word('index', lang)}: ")
        headline.append(number(o.index, lang), style="bold")
        headline.append(f"  {word('category', lang)} ")
        headline.append(f"{o.category} {o.category_label}", style=BAND_STYLES.get(o.category or "", "bold"))
        headline.append(f"   ({word('respondents', lang)}: {number(report.respondents, lang)})")
        parts.append(headline)
        values = RichTable(title=word("seven_values", lang), title_justify="left", show_header=False, box=None)
        for d in o.dimensions + ([o.engagement] if o.engagement else []):
            values.add_row(d.label, Text(number(d.score, lang), justify="right"), bar(d.score))
        parts.append(values)
    else:
        parts.append(Text(f"{word('index', lang)}: {word('suppressed' if o.status == 'suppressed' else 'empty', lang)} ({word('respondents', lang)}: {report.respondents})", style="italic"))
    if report.evaluation is not None:
        from akhlak_tui.report.evaluation import evaluation_renderables

        parts += evaluation_renderables(report, lang)
    breakdown = report.breakdown(by) if by else (report.breakdowns[0] if report.breakdowns else None)
    if breakdown is not None:
        parts.append(breakdown_grid(report, breakdown, lang))
        parts.append(Text("* " + word("suppression_note", lang).format(k=report.min_group_size), style="dim"))
    if report.ranking:
        parts.append(ranking_grid(report, lang))
    v = report.values
    if v is not None and v.status == "shown" and v.entropy is not None:
        parts.append(Text(f"{word('entropy', lang)}: {number(v.entropy, lang)}   {word('positive_energy', lang)}: {number(v.positive_energy, lang)}"))
    p = report.participation
    if p.units_below_minimum:
        parts.append(Text(f"{word('participation', lang)}: {p.units_below_minimum} {word('below_minimum', lang)}", style="bold red"))
    return Group(*parts)


def print_report(report: ScoreReport, lang: str, by: str | None = None, console: Console | None = None) -> None:
    (console or Console()).print(render(report, lang, by))
