"""The html report: one self-contained, printable file (inline CSS and SVG, no network), escaped."""

from __future__ import annotations

from importlib.resources import files

from jinja2 import Environment, select_autoescape

from akhlak_tui.report import svg
from akhlak_tui.report.behaviour import where_to_act_sentences
from akhlak_tui.report.i18n import number, word
from akhlak_tui.report.summary import long_date, summary_sentences
from akhlak_tui.report.tables import missing_values_note
from akhlak_tui.report.trust import trust_html
from akhlak_tui.report.waves import headline_change, previous_label, refusal_text, signed
from akhlak_tui.scoring.model import ScoreReport

TEMPLATE = "report.html.j2"


def _environment(lang: str) -> Environment:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda value, places=1: number(value, lang, places)
    env.filters["int"] = lambda value: number(value, lang, 0)
    env.filters["signed"] = lambda value: signed(value, lang)
    env.globals["w"] = lambda key, **kw: word(key, lang).format(**kw) if kw else word(key, lang)
    return env


def render_html(report: ScoreReport, lang: str) -> str:
    """The report page in `lang` (Bahasa Indonesia by default)."""
    env = _environment(lang)

    def fmt(value: float | int | None) -> str:
        return number(value, lang)

    def fmt_int(value: float | int | None) -> str:
        return number(value, lang, 0)
    source = files("akhlak_tui.report").joinpath("templates", TEMPLATE).read_text("utf-8")
    o = report.overall
    charts = {}
    dims = o.dimensions if o.status == "shown" else []
    if dims:
        charts["bands"] = svg.band_bars(dims, report.bands, fmt, word("seven_values", lang))
        charts["radar"] = svg.radar(dims, fmt, word("radar", lang), word("no_data", lang), word("suppressed", lang))
    if report.ranking:
        charts["ranking"] = svg.ranking_bars(report.ranking, fmt, word("ranking", lang))
    if report.participation.units:
        charts["participation"] = svg.participation_bars(report.participation.units, fmt_int, word("participation", lang), word("implausible_short", lang))
    v = report.values
    if v is not None and v.status == "shown":
        if v.entropy is not None:
            charts["entropy"] = svg.entropy_bar(v.entropy, v.positive_energy or 0, fmt, (word("entropy", lang), word("positive_energy", lang)), word("entropy", lang))
        for key in ("personal", "current", "desired"):
            question = getattr(v, key)
            if question is not None:
                charts[f"votes_{key}"] = svg.vote_bars(question.top, fmt, question.label)
    missing_note = missing_values_note(o.dimensions, report.min_group_size, lang)
    summary = {"sentences": summary_sentences(report, lang), "generated": long_date(report.generated_at, lang)}
    summary["fieldwork"] = (long_date(report.survey.first_submitted, lang), long_date(report.survey.last_submitted, lang))
    from akhlak_tui.report.precision import pw, weighted_notes, weighted_rows

    env.globals["pw"] = lambda key: pw(key, lang)
    return env.from_string(source).render(
        report=report, lang=lang, charts=charts, missing_note=missing_note, behaviour=_behaviour(report, lang), summary=summary,
        trust=trust_html(report, lang),
        weighted_rows=weighted_rows(report), weighted_notes=weighted_notes(report, lang),
    )  # fmt: skip


def _behaviour(report: ScoreReport, lang: str) -> dict:
    """What the behaviour sections show: the where-to-act sentences and a bar per statement."""
    lowest, units = where_to_act_sentences(report, lang)
    bars = {}
    if report.indicators is not None:
        for i in report.indicators.overall.indicators:
            if i.distribution is not None:
                bars[i.item] = svg.distribution_bar(i.distribution, i.reverse, f"{word('distribution', lang)}: {i.name}")
    if report.values is not None and report.values.gaps:
        rows = [(g.label, g.gap) for g in report.values.gaps]
        bars["_gap"] = svg.gap_bars(rows, lambda v: number(v, lang), word("gap_title", lang))
    c = report.comparison
    if c is not None and any(v.change is not None for v in c.values):
        bars["_change"] = svg.gap_bars([(v.label, v.change) for v in c.values], lambda v: number(v, lang), word("change_per_value", lang), limit=10.0)
    names = {d.id: d.label for d in report.overall.dimensions} | {"engagement": word("engagement", lang)}
    return {
        "lowest": lowest, "units": dict(units), "bars": bars, "value_names": names,
        "since": headline_change(report, lang), "previous_label": previous_label(c, lang) if c else "", "refused": refusal_text(c, lang) if c else "",
    }  # fmt: skip
