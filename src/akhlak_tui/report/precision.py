"""The 95% intervals and the headcount-weighted figures in the reports: words, text, tables, terminal lines."""

from __future__ import annotations

from rich.table import Table as RichTable
from rich.text import Text

from akhlak_tui.report.i18n import number, word
from akhlak_tui.report.tables import Table
from akhlak_tui.scoring.model import DimensionScore, GroupScore, IndicatorGroup, ScoreReport

WORDS = {
    "intervals": {"id": "Interval 95%", "en": "95% intervals"},
    "low": {"id": "Batas bawah 95%", "en": "95% lower"},
    "high": {"id": "Batas atas 95%", "en": "95% upper"},
    "rank_group": {"id": "Kelompok", "en": "Group"},
    "rank_group_short": {"id": "Klp", "en": "Grp"},
    "weighted": {"id": "Tertimbang jumlah pegawai", "en": "Weighted by headcount"},
    "unweighted": {"id": "Tanpa bobot", "en": "Unweighted"},
    "weighted_title": {"id": "Semua responden, tertimbang jumlah pegawai unit", "en": "All respondents, weighted by unit headcount"},
    "pooled": {
        "id": "Unit yang skornya disembunyikan ditimbang bersama sebagai satu kelompok: {codes}.",
        "en": "Units whose scores are hidden are weighted together as one group: {codes}.",
    },
    "no_respondents": {"id": "Unit tanpa responden (tidak ikut ditimbang): {codes}.", "en": "Units without respondents (not weighted in): {codes}."},
    "ci_note": {
        "id": "Angka dalam kurung: interval 95% (docs/scoring.md, Presisi).",
        "en": "In brackets: the 95% interval (docs/scoring.md, Precision).",
    },
    "rank_note": {
        "id": "Kelompok: di antara unit dalam satu kelompok tidak dapat ditarik batas yang jelas; setiap unit berada jelas "
        "di bawah setiap unit kelompok di atasnya (interval 95% tidak tumpang tindih). Unit teratas dan terbawah satu "
        "kelompok besar bisa tetap jelas berbeda: bandingkan intervalnya.",
        "en": "Group: no clear line can be drawn between the units of one group; each unit is clearly below every unit "
        "of the groups above it (the 95% intervals do not overlap). The top and bottom units of a large group can "
        "still clearly differ: compare their intervals.",
    },
    "indicator": {"id": "Indikator", "en": "Indicator"},
}


def pw(key: str, lang: str) -> str:
    """A word of this module in `lang` (Indonesian when the language is not offered)."""
    entry = WORDS[key]
    return entry.get(lang) or entry["id"]


def interval(value: float | None, low: float | None, high: float | None, lang: str) -> str:
    """"65,8 (61,2-70,1)" in Indonesian, "65.8 (61.2-70.1)" in English; the number alone without an interval."""
    if value is None:
        return ""
    if low is None or high is None:
        return number(value, lang)
    return f"{number(value, lang)} ({number(low, lang)}-{number(high, lang)})"


def bounds(low: float | None, high: float | None, lang: str) -> str:
    """"(61,2-70,1)", or nothing."""
    return "" if low is None or high is None else f"({number(low, lang)}-{number(high, lang)})"


def _group_rows(breakdown: str, g: GroupScore, lang: str) -> list[list]:
    if g.status != "shown":
        return []
    rows = []
    if g.index_low is not None:
        rows.append([breakdown, g.key or "", g.label, "index", word("index", lang), g.index, g.index_low, g.index_high])
    for d in g.dimensions + ([g.engagement] if g.engagement else []):
        if d.low is not None:
            rows.append([breakdown, g.key or "", g.label, d.id, d.label, d.score, d.low, d.high])
    return rows


def _indicator_rows(unit_label: str, group: IndicatorGroup) -> list[list]:
    return [
        [unit_label, group.key or "", group.label, i.item, i.name, i.score, i.low, i.high] for i in group.indicators if i.status == "shown" and i.low is not None
    ]


def intervals_table(report: ScoreReport, lang: str) -> list[Table]:
    """Every shown score with its interval, one row each (everyone, each breakdown group, each statement)."""
    if report.precision is None:
        return []
    headers = [word("breakdown", lang), word("code", lang), word("group", lang), word("code", lang), word("measure", lang), word("score", lang), pw("low", lang), pw("high", lang)]
    table = Table("intervals", pw("intervals", lang), headers)
    table.rows += _group_rows(word("everyone", lang), report.overall, lang)
    for b in report.breakdowns:
        for g in b.groups:
            table.rows += _group_rows(b.label, g, lang)
    if report.indicators is not None:
        indicator = pw("indicator", lang)
        table.rows += _indicator_rows(f"{indicator}: {word('everyone', lang)}", report.indicators.overall)
        for g in report.indicators.units:
            table.rows += _indicator_rows(f"{indicator}: {word('unit', lang)}", g)
    return [table]


def weighted_rows(report: ScoreReport) -> list[tuple[str, str, float | None, DimensionScore | None, tuple[float | None, float | None, float | None]]]:
    """(code, label, unweighted, -, (weighted, low, high)) of the index and each value."""
    w, o = report.weighted, report.overall
    if w is None or o.status != "shown":
        return []
    rows = [("index", "", o.index, None, (w.index, w.index_low, w.index_high))]
    for before, after in zip(o.dimensions + ([o.engagement] if o.engagement else []), w.dimensions + ([w.engagement] if w.engagement else [])):
        score = after.score if after.status == "shown" else None
        rows.append((after.id, after.label, before.score if before.status == "shown" else None, after, (score, after.low, after.high)))
    return rows


def weighted_table(report: ScoreReport, lang: str) -> list[Table]:
    """Everyone unweighted and weighted by unit headcount, side by side, with the weighted interval."""
    if report.weighted is None:
        return []
    headers = [word("code", lang), word("measure", lang), pw("unweighted", lang), pw("weighted", lang), pw("low", lang), pw("high", lang)]
    table = Table("weighted", pw("weighted_title", lang), headers)
    for code, label, before, _, (after, low, high) in weighted_rows(report):
        table.rows.append([code, label or word("index", lang), before, after, low, high])
    return [table]


def weighted_notes(report: ScoreReport, lang: str) -> list[str]:
    w = report.weighted
    if w is None:
        return []
    notes = [pw("pooled", lang).format(codes=", ".join(w.pooled_units))] if w.pooled_units else []
    return notes + ([pw("no_respondents", lang).format(codes=", ".join(w.units_without_respondents))] if w.units_without_respondents else [])


def weighted_grid(report: ScoreReport, lang: str) -> list:
    """The terminal's table of everyone unweighted and weighted (80 columns)."""
    rows = weighted_rows(report)
    if not rows:
        return []
    out = RichTable(title=pw("weighted_title", lang), title_justify="left", header_style="bold", box=None, padding=(0, 0, 0, 1))
    out.add_column("", no_wrap=True, max_width=28)
    out.add_column(pw("unweighted", lang), justify="right", no_wrap=True)
    out.add_column(pw("weighted", lang), justify="right", no_wrap=True)
    for code, label, before, _, (after, low, high) in rows:
        out.add_row(label or word("index", lang), number(before, lang), interval(after, low, high, lang) or "-")
    return [out, *(Text(n, style="dim") for n in weighted_notes(report, lang))]
