"""The report as plain tables (title, headers people understand, typed cells): shared by table, csv, xlsx."""

from __future__ import annotations

from collections.abc import Sequence
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
    """A score as a number cell: the rounded value, or None (the note column says why)."""
    if score is None or score.status != "shown":
        return None
    return score.score


def hidden_label(group: GroupScore, min_size: int, lang: str) -> str:
    """Why a group shows no number, truthfully and without giving its size away."""
    if group.status == "empty":
        return word("empty", lang)
    if group.suppression == "complementary":
        return word("hidden_complementary", lang)
    if group.suppression == "left_out":
        return word("hidden_left_out", lang)
    return word("hidden_small", lang).format(k=min_size)


def missing_values_note(dimensions: Sequence[DimensionScore], min_size: int, lang: str) -> str:
    """Which values have no data and which are suppressed (so the group has no index), named."""
    notes = []
    no_data = [d.label for d in dimensions if d.status == "no_data"]
    hidden = [d.label for d in dimensions if d.status == "suppressed"]
    if no_data:
        notes.append(word("values_no_data", lang).format(names=", ".join(no_data)))
    if hidden:
        notes.append(word("values_hidden", lang).format(k=min_size, names=", ".join(hidden)))
    return "; ".join(notes)


def group_row(group: GroupScore, lang: str, n_dimensions: int, engagement: bool, min_size: int) -> list[Cell]:
    """Status, respondents, index, category code and label, the seven values (and engagement), a note.

    Number columns hold numbers or nothing; the status and note columns say why a number is missing."""
    width = 4 + n_dimensions + (1 if engagement else 0)
    if group.status != "shown":
        return [hidden_label(group, min_size, lang), *([None] * width), ""]
    row: list[Cell] = [word("shown", lang), group.respondents, group.index, group.category, group.category_label]
    row += [score_cell(d, lang) for d in group.dimensions]
    if engagement:
        row.append(score_cell(group.engagement, lang))
    row.append(missing_values_note(group.dimensions + ([group.engagement] if group.engagement else []), min_size, lang))
    return row


def score_headers(report: ScoreReport, lang: str) -> list[str]:
    dims = [f"{d.label} ({d.id})" for d in _dimensions(report)]
    extra = [word("engagement", lang)] if _has_engagement(report) else []
    return [
        word("status", lang), word("respondents", lang), word("index", lang), word("category_code", lang), word("category_label", lang),
        *dims, *extra, word("note", lang),
    ]  # fmt: skip


def _dimensions(report: ScoreReport) -> list[DimensionScore]:
    for group in [report.overall, *(g for b in report.breakdowns for g in b.groups)]:
        if group.dimensions:
            return group.dimensions
    return []


def _has_engagement(report: ScoreReport) -> bool:
    return any(g.engagement is not None for g in [report.overall, *(g for b in report.breakdowns for g in b.groups)])


def scores_table(report: ScoreReport, lang: str) -> Table:
    """Everyone and every group of every breakdown, one row each."""
    n_dims, eng, k = len(_dimensions(report)), _has_engagement(report), report.min_group_size
    table = Table("scores", word("scores", lang), [word("breakdown", lang), word("code", lang), word("group", lang), *score_headers(report, lang)])
    table.rows.append([word("everyone", lang), "", report.overall.label, *group_row(report.overall, lang, n_dims, eng, k)])
    for b in report.breakdowns:
        for g in b.groups:
            table.rows.append([b.label, g.key or "", g.label, *group_row(g, lang, n_dims, eng, k)])
    return table


def breakdown_table(report: ScoreReport, breakdown: Breakdown, lang: str) -> Table:
    n_dims, eng, k = len(_dimensions(report)), _has_engagement(report), report.min_group_size
    table = Table(f"by-{breakdown.field}", f"{word('breakdown_field', lang)}: {breakdown.label}", [word("code", lang), word("group", lang), *score_headers(report, lang)])
    for g in breakdown.groups:
        table.rows.append([g.key or "", g.label, *group_row(g, lang, n_dims, eng, k)])
    return table


def summary_table(report: ScoreReport, lang: str) -> Table:
    """One row per headline measure: code, name, the number (numbers only), and a text column."""
    o = report.overall
    table = Table("summary", word("summary", lang), [word("code", lang), word("measure", lang), word("number", lang), word("text", lang)])
    shown = o.status == "shown"
    hidden = "" if shown else hidden_label(o, report.min_group_size, lang)
    table.rows.append(["respondents", word("respondents", lang), report.respondents if shown else None, hidden])
    note = missing_values_note(o.dimensions, report.min_group_size, lang)
    table.rows.append(["index", word("index", lang), o.index if shown else None, hidden or note])
    table.rows.append(["category", word("category_code", lang), None, o.category or hidden])
    table.rows.append(["category_label", word("category_label", lang), None, o.category_label or hidden])
    for d in o.dimensions + ([o.engagement] if o.engagement is not None else []):
        text = "" if d.status == "shown" else (word("no_data", lang) if d.status == "no_data" else word("hidden_value", lang).format(k=report.min_group_size))
        table.rows.append([d.id, d.label, score_cell(d, lang), text])
    v = report.values
    if v is not None and v.status == "shown":
        table.rows.append(["entropy", word("entropy", lang), v.entropy, ""])
        table.rows.append(["positive_energy", word("positive_energy", lang), v.positive_energy, ""])
        table.rows.append(["alignment_personal_current", word("alignment_pc", lang), v.alignment_personal_current, ""])
        table.rows.append(["alignment_current_desired", word("alignment_cd", lang), v.alignment_current_desired, ""])
    return table


def ranking_table(report: ScoreReport, lang: str) -> Table:
    table = Table(
        "ranking",
        word("ranking", lang),
        [word("rank", lang), word("code", lang), word("unit", lang), word("index", lang), word("category_code", lang), word("category_label", lang)],
    )
    for r in report.ranking:
        table.rows.append([r.rank, r.code, r.name, r.index, r.category, r.category_label])
    if report.precision is not None:  # the interval and the group of units that cannot be told apart
        from akhlak_tui.report.precision import pw

        table.headers += [pw("low", lang), pw("high", lang), pw("rank_group", lang)]
        for row, r in zip(table.rows, report.ranking):
            row += [r.index_low, r.index_high, r.group]
    return table


def participation_note(implausible: bool, lang: str) -> str:
    return word("implausible", lang) if implausible else ""


def participation_table(report: ScoreReport, lang: str) -> Table:
    p = report.participation
    yes_no = {True: word("yes", lang), False: word("no", lang), None: ""}
    table = Table(
        "participation",
        word("participation", lang),
        [word("code", lang), word("unit", lang), word("headcount", lang), word("respondents", lang), word("rate", lang), word("minimum", lang), word("meets", lang), word("note", lang)],
    )
    for u in p.units:
        meets = word("implausible_short", lang) if u.implausible else yes_no[u.meets_minimum]
        table.rows.append([u.code, u.name, u.headcount, u.respondents, u.rate, u.minimum, meets, participation_note(u.implausible, lang)])
    meets_total = None if p.total_minimum is None else p.total_respondents >= p.total_minimum
    total_meets = word("implausible_short", lang) if p.total_implausible else yes_no[meets_total]
    table.rows.append(["", word("total", lang), p.total_headcount, p.total_respondents, p.total_rate, p.total_minimum, total_meets, participation_note(p.total_implausible, lang)])
    return table


def _question_rows(question: QuestionVotes, lang: str) -> list[list[Cell]]:
    return [
        [rank, o.code, o.label, word("limiting", lang) if o.tag == "limiting" else (o.tag or ""), o.votes, o.percent]
        for rank, o in enumerate(question.top, start=1)
    ]


def values_tables(report: ScoreReport, lang: str) -> list[Table]:
    v = report.values
    if v is None or v.status != "shown":
        return []
    tables = []
    for key, question in (("personal", v.personal), ("current", v.current), ("desired", v.desired)):
        if question is not None:
            table = Table(
                f"values-{key}",
                f"{word('top_values', lang)}: {word(key, lang)}",
                [word("rank", lang), word("code", lang), word("option", lang), word("tag", lang), word("votes", lang), word("percent_respondents", lang)],
            )
            table.rows = _question_rows(question, lang)
            tables.append(table)
    by_value = Table("values-by-value", word("votes_by_value", lang), [word("code", lang), word("value", lang), word("personal", lang), word("current", lang), word("desired", lang)])
    by_value.rows = [[x.value, x.label, x.personal, x.current, x.desired] for x in v.votes_by_value]
    tables.append(by_value)
    return tables


def join_table(report: ScoreReport, lang: str) -> list[Table]:
    j = report.join_reasons
    if j is None or j.status != "shown":
        return []
    table = Table("join-reasons", word("join_reasons", lang), [word("code", lang), word("reason", lang), word("votes", lang), word("percent_respondents", lang)])
    table.rows = [[o.code, o.label, o.votes, o.percent] for o in j.reasons]
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
        *behaviour_tables(report, lang),
    ]


def behaviour_tables(report: ScoreReport, lang: str) -> list[Table]:
    """The behaviour indicators and where to act (report/behaviour.py, which builds on this module)."""
    from akhlak_tui.report.behaviour import indicators_table, where_to_act_table
    from akhlak_tui.report.culture import culture_units_table, gap_table
    from akhlak_tui.report.precision import intervals_table, weighted_table
    from akhlak_tui.report.trust import trust_tables
    from akhlak_tui.report.waves import comparison_table

    return [
        *comparison_table(report, lang),
        *indicators_table(report, lang),
        *where_to_act_table(report, lang),
        *gap_table(report, lang),
        *culture_units_table(report, lang),
        *weighted_table(report, lang),
        *intervals_table(report, lang),
        *trust_tables(report, lang),
    ]
