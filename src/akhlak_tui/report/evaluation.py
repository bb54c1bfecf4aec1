"""The evaluation and the composite index in reports: plain tables (csv, xlsx) and the terminal view."""

from __future__ import annotations

from rich import box
from rich.table import Table as RichTable
from rich.text import Text

from akhlak_tui.report.i18n import number, word
from akhlak_tui.report.tables import Cell, Table
from akhlak_tui.scoring.model import EvaluationReport, OrganisationComposite, ScoreReport, UnitComposite

BAND_STYLES = {"A": "bold green", "B": "bold yellow", "C": "bold dark_orange", "D": "bold red"}


def source_text(source: str, lang: str) -> str:
    """Where a number came from, in words."""
    return word("computed", lang) if source == "computed" else source


def weights_text(ev: EvaluationReport, lang: str) -> str:
    return word("weights", lang).format(s=ev.weight_survey, e=ev.weight_evaluation)


def _index_cells(row: UnitComposite | OrganisationComposite, lang: str) -> list[Cell]:
    hidden = word("suppressed", lang) if row.basis == "suppressed" else None
    return [
        row.survey_index if row.survey_index is not None else hidden,
        row.evaluation_index,
        row.index,
        f"{row.category} {row.category_label}" if row.category else None,
        word(f"basis_{row.basis}", lang),
    ]


def composite_table(ev: EvaluationReport, lang: str) -> Table:
    """Survey index, evaluation index and composite side by side: the organisation, then each unit."""
    headers = [
        word("code", lang),
        word("unit", lang),
        word("survey_index", lang),
        word("evaluation_index", lang),
        f"{word('index', lang)} ({ev.weight_survey}% + {ev.weight_evaluation}%)",
        word("category", lang),
        word("basis", lang),
        word("evaluation_status", lang),
        word("source", lang),
    ]
    table = Table("composite", word("composite", lang), headers)
    o = ev.organisation
    sources = f"{word('survey_index', lang)}: {source_text(o.survey_source, lang)}; {word('evaluation_index', lang)}: {source_text(o.evaluation_source, lang)}"
    table.rows.append(["", word("organisation", lang), *_index_cells(o, lang), f"{o.units_verified}/{o.units_total} {word('status_verified', lang)}", sources])
    for u in ev.units:
        table.rows.append([u.code, u.name, *_index_cells(u, lang), word(f"status_{u.evaluation_status}", lang), ""])
    return table


def stages_table(ev: EvaluationReport, lang: str) -> Table:
    """Where each unit (and the organisation) stands on each stage."""
    stages = ev.organisation.stages
    table = Table("evaluation-stages", word("stages", lang), [word("code", lang), word("unit", lang), *(f"{s.label} (x{s.weight})" for s in stages), word("evaluation_index", lang)])
    table.rows.append(["", word("organisation", lang), *(s.score for s in stages), ev.organisation.evaluation_index])
    for u in ev.units:
        table.rows.append([u.code, u.name, *(s.score for s in u.stages), u.evaluation_index])
    return table


def evidence_table(ev: EvaluationReport, lang: str) -> Table:
    table = Table("evidence", word("evidence", lang), [word("code", lang), word("unit", lang), word("criterion", lang), word("file", lang), "SHA-256", word("size", lang)])
    for u in ev.units:
        for e in u.evidence:
            table.rows.append([u.code, u.name, e.criterion, e.name, e.sha256, e.size])
    return table


def evaluation_tables(report: ScoreReport, lang: str) -> list[Table]:
    """The evaluation's tables, or none when no evaluation is stored."""
    ev = report.evaluation
    if ev is None:
        return []
    return [composite_table(ev, lang), stages_table(ev, lang), evidence_table(ev, lang)]


def _num(value: float | None, lang: str, style: str = "") -> Text:
    return Text(number(value, lang) if value is not None else "-", style=style if value is not None else "dim", justify="right")


def evaluation_renderables(report: ScoreReport, lang: str) -> list:
    """The terminal view: the organisation's three indexes with weights and sources, then a unit x stage grid (80 columns)."""
    ev = report.evaluation
    if ev is None:
        return []
    o = ev.organisation
    head = Text(f"{word('composite', lang)}: ", style="bold")
    if o.index is not None:
        head.append(number(o.index, lang), style="bold")
        head.append(f" {o.category} {o.category_label}", style=BAND_STYLES.get(o.category or "", ""))
        head.append(f" ({word(f'basis_{o.basis}', lang)})", style="dim" if o.basis != "composite" else "")
    else:
        head.append(word(f"basis_{o.basis}", lang), style="italic")
    lines = [
        head,
        Text(f"  {word('survey_index', lang)} {number(o.survey_index, lang) or '-'} ({source_text(o.survey_source, lang)})"),
        Text(
            f"  {word('evaluation_index', lang)} {number(o.evaluation_index, lang) or '-'} ({source_text(o.evaluation_source, lang)}; "
            f"{o.units_verified}/{o.units_total} {word('status_verified', lang)})"
        ),
        Text(f"  {weights_text(ev, lang)}", style="dim"),
    ]
    grid = RichTable(title=word("stages", lang), title_justify="left", box=box.SIMPLE_HEAD, padding=0, header_style="bold")
    grid.add_column("Unit", width=8, no_wrap=True, overflow="ellipsis")
    for short in ("Surv", "Eval", "Indeks" if lang == "id" else "Index"):
        grid.add_column(short, justify="right", no_wrap=True, width=9 if short in ("Indeks", "Index") else 5)
    for i, _ in enumerate(o.stages, start=1):
        grid.add_column(f"T{i}" if lang == "id" else f"S{i}", justify="right", no_wrap=True, width=5)
    for u in ev.units:
        index = _num(u.index, lang)
        if u.category:
            index.append(f" {u.category}", style=BAND_STYLES.get(u.category, ""))
        if u.basis == "survey_only":
            index.append("°", style="dim")
        survey = Text("*", style="italic dim", justify="right") if u.basis == "suppressed" else _num(u.survey_index, lang)
        grid.add_row(Text(u.code), survey, _num(u.evaluation_index, lang), index, *(_num(s.score, lang) for s in u.stages))
    legend = "  ".join(f"{'T' if lang == 'id' else 'S'}{i} {s.label}" for i, s in enumerate(o.stages, start=1))
    lines += [grid, Text(f"° {word('basis_survey_only', lang)}; * {word('suppressed', lang)}. {legend}", style="dim")]
    return lines
