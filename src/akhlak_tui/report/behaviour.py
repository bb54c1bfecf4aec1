"""Behaviour indicators and "where to act" for the reports: sentences a head of unit can read out, and tables."""

from __future__ import annotations

from akhlak_tui.report.i18n import number, word
from akhlak_tui.report.tables import Cell, Table, hidden_label
from akhlak_tui.scoring.model import IndicatorGroup, IndicatorScore, ScoreReport

SENTENCES = {
    "lowest": {
        "id": "Perilaku yang paling rendah di seluruh instansi: {items}.",
        "en": "The lowest behaviours across the organisation: {items}.",
    },
    "unit": {
        "id": "Di {unit}, nilai {value} {score}; yang paling rendah: {item}, {item_score}.",
        "en": "In {unit}, {value} is {score}; the lowest: {item}, {item_score}.",
    },
    "unit_no_item": {
        "id": "Di {unit}, nilai {value} {score}; perilakunya tidak dapat ditampilkan (terlalu sedikit yang menjawab, atau disembunyikan untuk melindungi kelompok kecil).",
        "en": "In {unit}, {value} is {score}; its behaviours cannot be shown (too few answered them, or they are hidden to protect a small group).",
    },
    "item": {"id": "{name} ({value}, {score})", "en": "{name} ({value}, {score})"},
}


def _say(key: str, lang: str, **kw: str) -> str:
    entry = SENTENCES[key]
    return (entry.get(lang) or entry["id"]).format(**kw)


def where_to_act_sentences(report: ScoreReport, lang: str) -> tuple[str | None, list[tuple[str, str]]]:
    """The organisation-wide sentence and one (unit code, sentence) per unit, in plain words."""
    w = report.where_to_act
    if w is None:
        return None, []
    lowest = None
    if w.lowest:
        items = ", ".join(_say("item", lang, name=i.name, value=i.value_label, score=number(i.score, lang)) for i in w.lowest)
        lowest = _say("lowest", lang, items=items)
    units = []
    for u in w.units:
        if u.indicators:
            first = u.indicators[0]
            text = _say("unit", lang, unit=u.name, value=u.value_label, score=number(u.value_score, lang), item=first.name, item_score=number(first.score, lang))
        else:
            text = _say("unit_no_item", lang, unit=u.name, value=u.value_label, score=number(u.value_score, lang))
        units.append((u.code, text))
    return lowest, units


def indicator_cells(i: IndicatorScore, n_points: int, min_size: int, lang: str) -> list[Cell]:
    """Status, answered, score, share at each point, not applicable and missing (numbers only in number columns)."""
    if i.status == "shown":
        status = word("shown", lang)
    else:
        status = word("no_data", lang) if i.status == "no_data" else word("hidden_value", lang).format(k=min_size)
    shares: list[Cell] = list(i.distribution or [])[:n_points]
    shares += [None] * (n_points - len(shares))
    return [status, i.respondents, i.score, *shares, i.not_applicable, i.missing]


def _points(report: ScoreReport) -> list[int]:
    ind = report.indicators
    items = ind.overall.indicators if ind else []
    return max((i.codes for i in items), key=len, default=[])


def indicators_table(report: ScoreReport, lang: str) -> list[Table]:
    """Every statement for everyone and per unit; hidden units and statements say why."""
    ind = report.indicators
    if ind is None:
        return []
    points = _points(report)
    k = report.min_group_size
    headers = [
        word("code", lang), word("group", lang), word("item", lang), word("value", lang), word("indicator", lang), word("status", lang),
        word("answered", lang), word("score", lang), *(f"% {p}" for p in points), word("na_rate", lang), word("missing_rate", lang),
    ]  # fmt: skip
    table = Table("indicators", word("indicators", lang), headers)

    def add(group: IndicatorGroup) -> None:
        if group.status != "shown":
            hidden = hidden_label(group, k, lang)  # type: ignore[arg-type]
            table.rows.append([group.key or "", group.label, "", "", "", hidden, *([None] * (4 + len(points)))])
            return
        for i in group.indicators:
            table.rows.append([group.key or "", group.label, i.item, i.value, i.name, *indicator_cells(i, len(points), k, lang)])

    add(ind.overall)
    for g in ind.units:
        add(g)
    return [table]


def where_to_act_table(report: ScoreReport, lang: str) -> list[Table]:
    lowest, units = where_to_act_sentences(report, lang)
    if lowest is None and not units:
        return []
    table = Table("where-to-act", word("where_to_act", lang), [word("code", lang), word("text", lang)])
    if lowest:
        table.rows.append(["", lowest])
    table.rows += [[code, text] for code, text in units]
    return [table]
