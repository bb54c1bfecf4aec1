"""The report in the terminal (rich), fit for 80 columns: headline, values, a breakdown, ranking, participation, top values."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console, Group
from rich.table import Table as RichTable
from rich.text import Text

from akhlak_tui.report.i18n import number, word
from akhlak_tui.report.tables import Cell, missing_values_note
from akhlak_tui.scoring.model import Breakdown, DimensionScore, GroupScore, ScoreReport

BAND_STYLES = {"A": "bold green", "B": "bold yellow", "C": "bold dark_orange", "D": "bold red"}
HIDDEN = "*"  # fits the narrow columns; the note under the table, starting with "*", says what it means
NO_DATA = "-"
LABEL_WIDTH = 18


def _cell(value: Cell, lang: str) -> Text:
    if isinstance(value, (int, float)):
        return Text(number(value, lang), justify="right")
    if value == word("suppressed", lang):
        return Text(value, style="italic dim")
    return Text("" if value is None else str(value))


def dim_cell(d: DimensionScore, lang: str) -> Text:
    """A value's score, or `*` when hidden and `-` without data (never blank)."""
    if d.status == "suppressed":
        return Text(HIDDEN, style="italic dim", justify="right")
    if d.status == "no_data":
        return Text(NO_DATA, style="dim", justify="right")
    return _cell(d.score, lang)


def _group_cells(g: GroupScore, lang: str, width: int) -> list[Text]:
    if g.status == "suppressed":
        return [Text(HIDDEN, style="italic dim", justify="right") for _ in range(width)]
    if g.status == "empty":
        return [Text("0", style="dim", justify="right")] + [Text(NO_DATA, style="dim", justify="right") for _ in range(width - 1)]
    if g.index is None:
        hidden = any(d.status == "suppressed" for d in g.dimensions)
        index = Text(HIDDEN if hidden else NO_DATA, style="dim", justify="right")
    else:
        index = _cell(g.index, lang)
        index.append(f" {g.category or ''}", style=BAND_STYLES.get(g.category or "", ""))
    return [_cell(g.respondents, lang), index, *(dim_cell(d, lang) for d in g.dimensions)]


def distinct_labels(labels: Sequence[str], width: int) -> list[str]:
    """Labels cut to `width` characters; labels that would look the same keep their ends ("Kecamatan…Hilir")."""
    def cut(text: str, tail: int) -> str:
        if len(text) <= width:
            return text
        if tail == 0:
            return text[: width - 1] + "…"
        start = text.rfind(" ", 0, len(text) - tail + 1) + 1  # keep whole words at the end when they fit
        tail = max(tail, len(text) - start) if len(text) - start <= width - 4 else tail
        return text[: width - 1 - tail] + "…" + text[-tail:]

    out = [cut(label, 0) for label in labels]
    for tail in range(1, width - 2):
        seen: dict[str, list[int]] = {}
        for i, text in enumerate(out):
            seen.setdefault(text, []).append(i)
        clashes = [i for same in seen.values() if len(same) > 1 for i in same if len(labels[i]) > width]
        if not clashes:
            break
        for i in clashes:
            out[i] = cut(labels[i], tail)
    return out


def _title(text: str) -> dict:
    return {"title": text, "title_justify": "left", "box": box.SIMPLE_HEAD, "padding": (0, 0, 0, 1), "header_style": "bold"}


def breakdown_grid(report: ScoreReport, breakdown: Breakdown, lang: str) -> RichTable:
    """One row per group with short column heads (value codes), so it fits 80 columns."""
    dims = report.overall.dimensions or next((g.dimensions for g in breakdown.groups if g.dimensions), [])
    out = RichTable(**_title(f"{word('breakdown_field', lang)}: {breakdown.label}"))
    out.add_column(word("group", lang), width=LABEL_WIDTH, no_wrap=True)
    out.add_column("n", justify="right", no_wrap=True, width=6)
    out.add_column("Indeks" if lang == "id" else "Index", justify="right", no_wrap=True, width=7)
    for d in dims:
        out.add_column(d.id, justify="right", no_wrap=True, width=5)
    for g, label in zip(breakdown.groups, distinct_labels([g.label for g in breakdown.groups], LABEL_WIDTH - 1)):
        out.add_row(Text(label), *_group_cells(g, lang, 2 + len(dims)))
    return out


def ranking_grid(report: ScoreReport, lang: str) -> RichTable:
    out = RichTable(**_title(word("ranking", lang)))
    out.add_column("#", justify="right", no_wrap=True)
    out.add_column(word("unit", lang), no_wrap=True)
    out.add_column("Indeks" if lang == "id" else "Index", justify="right", no_wrap=True)
    out.add_column(word("category", lang), no_wrap=True)
    intervals = report.precision is not None
    if intervals:  # the interval, and the group of units that cannot be told apart
        from akhlak_tui.report.precision import bounds, pw

        out.add_column("95%", justify="right", no_wrap=True)
        out.add_column(pw("rank_group_short", lang), justify="right", no_wrap=True)
    names = distinct_labels([r.name for r in report.ranking], 28 if intervals else 40)
    for r, name in zip(report.ranking, names):
        cells = [str(r.rank), name, number(r.index, lang), Text(f"{r.category} {r.category_label}", style=BAND_STYLES.get(r.category, ""))]
        if intervals:
            cells += [bounds(r.index_low, r.index_high, lang), str(r.group or "")]
        out.add_row(*cells)
    return out


def participation_grid(report: ScoreReport, lang: str) -> RichTable:
    """Respondents against headcount per unit; below the minimum in red, more than the headcount flagged."""
    p = report.participation
    out = RichTable(**_title(word("participation", lang)))
    out.add_column(word("unit", lang), no_wrap=True, width=30)
    for head in ("N", "n", "%", "min"):
        out.add_column(head, justify="right", no_wrap=True)
    out.add_column("", no_wrap=True)
    rows = [(u.name, u.headcount, u.respondents, u.rate, u.minimum, u.meets_minimum, u.implausible) for u in p.units]
    meets_total = None if p.total_minimum is None else p.total_respondents >= p.total_minimum
    rows.append((word("total", lang), p.total_headcount, p.total_respondents, p.total_rate, p.total_minimum, meets_total, p.total_implausible))
    for (name, head, n, rate, minimum, meets, implausible), label in zip(rows, distinct_labels([r[0] for r in rows], 29)):
        if implausible:
            flag = Text("!! " + word("implausible_short", lang), style="bold red")
        elif meets is None:
            flag = Text("")
        else:
            flag = Text(word("yes" if meets else "no", lang), style="" if meets else "bold red")
        out.add_row(label, number(head, lang), number(n, lang), number(rate, lang), number(minimum, lang), flag)
    return out


def values_grid(report: ScoreReport, lang: str) -> RichTable | None:
    """The top values of "organisation now" (or the first values question there is)."""
    v = report.values
    question = next((q for q in (v.current, v.desired, v.personal) if q is not None), None) if v else None
    if question is None:
        return None
    key = "current" if question is v.current else ("desired" if question is v.desired else "personal")  # type: ignore[union-attr]
    out = RichTable(**_title(f"{word('top_values', lang)}: {word(key, lang)}"))
    out.add_column("#", justify="right", no_wrap=True)
    out.add_column(word("option", lang), no_wrap=True, max_width=36)
    out.add_column(word("tag", lang), no_wrap=True)
    out.add_column(word("votes", lang), justify="right", no_wrap=True)
    out.add_column("%", justify="right", no_wrap=True)
    for rank, o in enumerate(question.top, start=1):
        tag = Text(word("limiting", lang), style="bold red") if o.tag == "limiting" else Text(o.tag or "")
        out.add_row(str(rank), o.label, tag, number(o.votes, lang), number(o.percent, lang))
    return out


def bar(score: float | None, width: int = 20) -> str:
    """A score 0-100 as a bar of block characters."""
    if score is None:
        return ""
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled)


def _headline(report: ScoreReport, lang: str) -> list:
    o = report.overall
    k = report.min_group_size
    if o.status == "suppressed":  # the whole organisation is too small: not even the count is shown
        return [Text(f"{word('index', lang)}: {word('suppressed', lang)}", style="italic"), Text(word("org_hidden", lang).format(k=k), style="dim")]
    if o.status == "empty":
        return [Text(f"{word('index', lang)}: {word('empty', lang)}", style="italic")]
    headline = Text(f"{word('index', lang)}: ")
    if o.index is not None:
        headline.append(number(o.index, lang), style="bold")
        if o.index_low is not None:
            from akhlak_tui.report.precision import bounds

            headline.append(f" {bounds(o.index_low, o.index_high, lang)}")
        headline.append(f"  {word('category', lang)} ")
        headline.append(f"{o.category} {o.category_label}", style=BAND_STYLES.get(o.category or "", "bold"))
    else:
        headline.append(word("no_index", lang), style="bold")
    if report.comparison is not None and report.comparison.index.change is not None:
        from akhlak_tui.report.waves import headline_change

        headline.append(f"  {headline_change(report, lang)}", style="bold")
    headline.append(f"   ({word('respondents', lang)}: {number(report.respondents, lang)})")
    parts: list = [headline]
    why = missing_values_note(o.dimensions, k, lang)
    if why:
        parts.append(Text(why, style="bold"))
    values = RichTable(title=word("seven_values", lang), title_justify="left", show_header=False, box=None)
    for d in o.dimensions + ([o.engagement] if o.engagement else []):
        if d.status == "shown":
            from akhlak_tui.report.precision import bounds

            values.add_row(d.label, Text(f"{number(d.score, lang)} {bounds(d.low, d.high, lang)}".strip(), justify="right"), bar(d.score))
        else:
            values.add_row(d.label, Text(HIDDEN if d.status == "suppressed" else NO_DATA, justify="right"), Text(word("suppressed" if d.status == "suppressed" else "no_data", lang), style="italic dim"))
    parts.append(values)
    if report.weighted is not None:
        from akhlak_tui.report.precision import weighted_grid

        parts += weighted_grid(report, lang)
    if report.precision is not None:
        from akhlak_tui.report.precision import pw

        parts.append(Text(pw("ci_note", lang), style="dim"))
    return parts


def render(report: ScoreReport, lang: str, by: str | None = None) -> Group:
    """What `akhlak report` prints: the headline, the values with bars, one breakdown, the ranking,
    participation and top values; an empty section says why it is empty."""
    parts: list = [Text(f"{word('report_title', lang)}: {report.survey.name}", style="bold"), *_headline(report, lang)]
    if report.evaluation is not None:
        from akhlak_tui.report.evaluation import evaluation_renderables

        parts += evaluation_renderables(report, lang)
    breakdown = report.breakdown(by) if by else (report.breakdowns[0] if report.breakdowns else None)
    if breakdown is not None:
        parts.append(breakdown_grid(report, breakdown, lang))
        dims = report.overall.dimensions or next((g.dimensions for g in breakdown.groups if g.dimensions), [])
        parts.append(Text(", ".join(f"{d.id} = {d.label}" for d in dims), style="dim"))
        parts.append(Text(f"{HIDDEN} " + word("suppression_note", lang).format(k=report.min_group_size) + f" {NO_DATA} {word('no_data', lang)}.", style="dim"))
        if any(g.suppression == "left_out" for b in report.breakdowns for g in b.groups):
            parts.append(Text(f"{HIDDEN} " + word("left_out_note", lang).format(m=report.min_group_size - 1), style="dim"))
    else:
        parts.append(Text(word("empty_breakdown", lang), style="dim"))
    if report.ranking:
        parts.append(ranking_grid(report, lang))
        if report.precision is not None:
            from akhlak_tui.report.precision import pw

            parts.append(Text(pw("rank_note", lang), style="dim"))
    elif report.unit_field:
        parts.append(Text(word("empty_ranking", lang), style="dim"))
    if report.participation.units:
        parts.append(participation_grid(report, lang))
        p = report.participation
        if p.units_below_minimum:
            parts.append(Text(f"{p.units_below_minimum} {word('below_minimum', lang)}", style="bold red"))
        if p.implausible_units:
            parts.append(Text(f"!! {word('implausible', lang)}: {len(p.implausible_units)} unit", style="bold red"))
    else:
        parts.append(Text(word("no_units", lang), style="dim"))
    v = report.values
    if v is None:
        parts.append(Text(word("no_values_question", lang), style="dim"))
    elif v.status != "shown":
        parts.append(Text(word("values_suppressed_why", lang).format(k=report.min_group_size), style="dim"))
    else:
        grid = values_grid(report, lang)
        if grid is not None:
            parts.append(grid)
        if v.entropy is not None:
            parts.append(Text(f"{word('entropy', lang)}: {number(v.entropy, lang)}   {word('positive_energy', lang)}: {number(v.positive_energy, lang)}"))
        wanted = sorted((g for g in v.gaps if g.gap is not None), key=lambda g: -g.gap)  # type: ignore[operator]
        if wanted:
            gaps = ", ".join(f"{g.label} {'+' if g.gap > 0 else ''}{number(g.gap, lang)}" for g in wanted[:3])  # type: ignore[operator]
            parts.append(Text(f"{word('gap_title', lang)} ({word('gap', lang)}): {gaps}"))
    parts += _where_to_act(report, lang)
    parts += _comparison(report, lang)
    from akhlak_tui.report.trust import trust_renderables

    parts += trust_renderables(report, lang, LABEL_WIDTH)
    return Group(*parts)


def _comparison(report: ScoreReport, lang: str) -> list:
    """The earlier wave: index and values with the change, units that are new or gone (report/waves.py)."""
    from akhlak_tui.report.waves import previous_label, refusal_text, signed

    c = report.comparison
    if c is None:
        return []
    out = RichTable(**_title(f"{word('comparison', lang)} {previous_label(c, lang)}"))
    out.add_column("", no_wrap=True, width=30)
    for head in ("<" if c.previous.year is None else str(c.previous.year), word("now", lang), "+/-"):
        out.add_column(head, justify="right", no_wrap=True, min_width=8)
    out.add_column("", no_wrap=True, max_width=26)
    notes = {"new": word("unit_new", lang), "gone": word("unit_gone", lang), "no_figure": word("unit_no_figure", lang), "both": ""}
    rows = [(word("index", lang), c.index.previous, c.index.current, c.index.change, "")]
    rows += [(v.label, v.previous, v.current, v.change, "") for v in c.values]
    rows += [(i.label, i.previous, i.current, i.change, "") for i in c.items]
    rows += [(u.name, u.previous, None if u.hidden else u.current, u.change, word("suppressed", lang) if u.hidden else notes[u.status]) for u in c.units]
    names = distinct_labels([r[0] for r in rows], 29)
    for (_, before, now, change, note), name in zip(rows, names):
        out.add_row(name, number(before, lang), number(now, lang), signed(change, lang), note)
    extra = [Text(t, style="dim") for t in ([refusal_text(c, lang)] if c.items_refused else []) + c.notes]
    return [out, *extra]


def _where_to_act(report: ScoreReport, lang: str) -> list:
    """The behaviours to act on, as sentences (report/behaviour.py)."""
    from akhlak_tui.report.behaviour import where_to_act_sentences

    lowest, units = where_to_act_sentences(report, lang)
    if lowest is None and not units:
        return []
    return [Text(word("where_to_act", lang), style="bold"), *(Text(t) for t in ([lowest] if lowest else []) + [u for _, u in units])]


def print_report(report: ScoreReport, lang: str, by: str | None = None, console: Console | None = None) -> None:
    (console or Console()).print(render(report, lang, by))
