"""The report as plain tables (title, headers people understand, typed cells): shared by table, csv, xlsx."""

from __future__ import annotations

from dataclasses import dataclass, field

from akhlak_tui.report.i18n import word
from akhlak_tui.scoring.model import Breakdown, DimensionScore, GroupScore, QuestionVotes, ScoreReport

Cell = str | int | float | None


@dataclass
class Table:
    name: str  # a short file-name and sheet-name safe slug
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def score_cell(score: DimensionScore | None, lang: str) -> Cell:
    """A score as a cell: the rounded value, or 'no data' when nothing could be scored."""
    if score is None or score.score is None:
        return word("no_data", lang)
    return score.score


def group_row(group: GroupScore, lang: str, n_dimensions: int, engagement: bool) -> list[Cell]:
    """Respondents, index, category, the seven values (and engagement) of one group."""
    width = 3 + n_dimensions + (1 if engagement else 0)
    if group.status != "shown":
        return [word(group.status if group.status == "empty" else "suppressed", lang)] * width
    row: list[Cell] = [group.respondents, group.index if group.index is not None else word("no_data", lang)]
    row.append(f"{group.category} {group.category_label}" if group.category else word("no_data", lang))
    row += [score_cell(d, lang) for d in group.dimensions]
    if engagement:
        row.append(score_cell(group.engagement, lang))
    return row


def score_headers(report: ScoreReport, lang: str) -> list[str]:
    dims = [f"{d.label} ({d.id})" for d in _dimensions(report)]
    extra = [word("engagement", lang)] if _has_engagement(report) else []
    return [word("respondents", lang), word("index", lang), word("category", lang), *dims, *extra]


def _dimensions(report: ScoreReport) -> list[DimensionScore]:
    for group in [report.overall, *(g for b in report.breakdowns for g in b.groups)]:
        if group.dimensions:
            return group.dimensions
    return []


def _has_engagement(report: ScoreReport) -> bool:
    return any(g.engagement is not None for g in [report.overall, *(g for b in report.breakdowns for g in b.groups)])


def scores_table(report: ScoreReport, lang: str) -> Table:
    """Everyone and every group of every breakdown, one row each."""
    n_dims, eng = len(_dimensions(report)), _has_engagement(report)
    table = Table("scores", word("scores", lang), [word("breakdown", lang), word("code", lang), word("group", lang), *score_headers(report, lang)])
    table.rows.append([word("everyone", lang), "", report.overall.label, *group_row(report.overall, lang, n_dims, eng)])
    for b in report.breakdowns:
        for g in b.groups:
            table.rows.append([b.label, g.key or "", g.label, *group_row(g, lang, n_dims, eng)])
    return table


def breakdown_table(report: ScoreReport, breakdown: Breakdown, lang: str) -> Table:
    n_dims, eng = len(_dimensions(report)), _has_engagement(report)
    table = Table(f"by-{breakdown.field}", f"{word('breakdown_field', lang)}: {breakdown.label}", [word("code", lang), word("group", lang), *score_headers(report, lang)])
    for g in breakdown.groups:
        table.rows.append([g.key or "", g.label, *group_row(g, lang, n_dims, eng)])
    return table


def summary_table(report: ScoreReport, lang: str) -> Table:
    o = report.overall
    table = Table("summary", word("summary", lang), [word("measure", lang), word("value", lang)])
    shown = o.status == "shown"
    hidden = word("suppressed" if o.status == "suppressed" else "empty", lang)
    table.rows.append([word("respondents", lang), report.respondents])
    table.rows.append([word("index", lang), o.index if shown and o.index is not None else hidden])
    table.rows.append([word("category", lang), f"{o.category} {o.category_label}" if shown and o.category else hidden])
    for d in o.dimensions:
        table.rows.append([f"{d.label} ({d.id})", score_cell(d, lang)])
    if o.engagement is not None:
        table.rows.append([word("engagement", lang), score_cell(o.engagement, lang)])
    v = report.values
    if v is not None and v.status == "shown":
        table.rows.append([word("entropy", lang), v.entropy])
        table.rows.append([word("positive_energy", lang), v.positive_energy])
        table.rows.append([word("alignment_pc", lang), v.alignment_personal_current])
        table.rows.append([word("alignment_cd", lang), v.alignment_current_desired])
    return table


def ranking_table(report: ScoreReport, lang: str) -> Table:
    table = Table("ranking", word("ranking", lang), [word("rank", lang), word("code", lang), word("unit", lang), word("index", lang), word("category", lang)])
    for r in report.ranking:
        table.rows.append([r.rank, r.code, r.name, r.index, f"{r.category} {r.category_label}"])
    return table


def participation_table(report: ScoreReport, lang: str) -> Table:
    p = report.participation
    yes_no = {True: word("yes", lang), False: word("no", lang), None: ""}
    table = Table(
        "participation",
        word("participation", lang),
        [word("code", lang), word("unit", lang), word("headcount", lang), word("respondents", lang), word("rate", lang), word("minimum", lang), word("meets", lang)],
    )
    for u in p.units:
        table.rows.append([u.code, u.name, u.headcount, u.respondents, u.rate, u.minimum, yes_no[u.meets_minimum]])
    meets = None if p.total_minimum is None else p.total_respondents >= p.total_minimum
    table.rows.append(["", word("total", lang), p.total_headcount, p.total_respondents, p.total_rate, p.total_minimum, yes_no[meets]])
    return table


def _question_rows(question: QuestionVotes, lang: str) -> list[list[Cell]]:
    return [
        [rank, o.label, word("limiting", lang) if o.tag == "limiting" else (o.tag or ""), o.votes, o.percent]
        for rank, o in enumerate(question.top, start=1)
    ]


def values_tables(report: ScoreReport, lang: str) -> list[Table]:
    v = report.values
    if v is None or v.status != "shown":
        return []
    tables = []
    for key, question in (("personal", v.personal), ("current", v.current), ("desired", v.desired)):
        if question is not None:
            table = Table(f"values-{key}", f"{word('top_values', lang)}: {word(key, lang)}", [word("rank", lang), word("option", lang), word("tag", lang), word("votes", lang), word("percent_respondents", lang)])
            table.rows = _question_rows(question, lang)
            tables.append(table)
    by_value = Table("values-by-value", word("votes_by_value", lang), [word("value", lang), word("personal", lang), word("current", lang), word("desired", lang)])
    by_value.rows = [[f"{x.label} ({x.value})", x.personal, x.current, x.desired] for x in v.votes_by_value]
    tables.append(by_value)
    return tables


def join_table(report: ScoreReport, lang: str) -> list[Table]:
    j = report.join_reasons
    if j is None or j.status != "shown":
        return []
    table = Table("join-reasons", word("join_reasons", lang), [word("reason", lang), word("votes", lang), word("percent_respondents", lang)])
    table.rows = [[o.label, o.votes, o.percent] for o in j.reasons]
    return [table]


def all_tables(report: ScoreReport, lang: str) -> list[Table]:
    """Every table of the report, the scores first."""
    from akhlak_tui.report.evaluation import evaluation_tables

    return [
        scores_table(report, lang),
        summary_table(report, lang),
        *(breakdown_table(report, b, lang) for b in report.breakdowns),
        ranking_table(report, lang),
        participation_table(report, lang),
        *values_tables(report, lang),
        *join_table(report, lang),
        *evaluation_tables(report, lang),
    ]
