"""Comparison with an earlier survey wave: another merged database, or a small file of published figures.

The change is the difference of the figures as shown (one decimal): 78.0 - 62.3 = +15.7, as people
read it off the two reports. Values are compared by their code whatever the questionnaires;
statements are compared one by one only when both questionnaires ask them the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from akhlak_tui.questionnaire.model import LikertItem, Questionnaire, tr
from akhlak_tui.scoring import model as m
from akhlak_tui.scoring.formulas import exact

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_BASELINE_BYTES = 1_000_000


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message names the file, the place and the problem."""


@dataclass
class Figures:
    """The figures of an earlier wave, as shown (rounded to one decimal)."""

    label: str
    kind: str  # "database" or "baseline"
    year: int | None = None
    source: str | None = None
    method: str | None = None
    index: float | None = None
    values: dict[str, float] = field(default_factory=dict)
    units: dict[str, tuple[str, float | None, dict[str, float]]] = field(default_factory=dict)  # code -> (name, index, values)
    items: dict[str, float] = field(default_factory=dict)
    questionnaire: Questionnaire | None = None


def figures_from_report(report: m.ScoreReport, questionnaire: Questionnaire, label: str) -> Figures:
    """The shown figures of an earlier wave's report (suppressed groups and values carry none)."""
    def values(group: m.GroupScore) -> dict[str, float]:
        return {d.id: d.score for d in group.dimensions if d.status == "shown" and d.score is not None}

    o = report.overall
    units = {}
    unit_breakdown = report.breakdown(report.unit_field) if report.unit_field else None
    for g in unit_breakdown.groups if unit_breakdown else []:
        if g.key is not None and g.status != "empty":
            units[g.key] = (g.label, g.index if g.status == "shown" else None, values(g) if g.status == "shown" else {})
    items = {}
    if report.indicators is not None:
        items = {i.item: i.score for i in report.indicators.overall.indicators if i.status == "shown" and i.score is not None}
    return Figures(
        label=label, kind="database", method=report.method, index=o.index if o.status == "shown" else None,
        values=values(o) if o.status == "shown" else {}, units=units, items=items, questionnaire=questionnaire,
    )  # fmt: skip


def previous_figures(path: Path, lang: str, exclude_flagged: Sequence[str] = ()) -> Figures:
    """The figures of an earlier wave's merged database: overall, per value, statement and unit
    (no votes are counted), without the responses with `exclude_flagged` quality flags as this
    wave's. Opens its own connection, so it may run in its own thread."""
    from akhlak_tui.merge.database import MergedDatabase
    from akhlak_tui.scoring.compute import score_merged, unit_field

    with MergedDatabase(path) as earlier:
        unit = unit_field(earlier.questionnaire)
        # leaving responses out, every breakdown the earlier wave's own report shows is checked too
        by = [unit] if unit and not exclude_flagged else None
        report = score_merged(earlier, lang=lang, by=by, votes=False, trust=False, exclude_flagged=exclude_flagged)
        return figures_from_report(report, earlier.questionnaire, report.survey.name)


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise BaselineError(f"{where}: expected a score from 0 to 100, got {value!r}")
    return float(value)


def _scores(table: object, where: str, codes: set[str]) -> dict[str, float]:
    if not isinstance(table, Mapping):
        raise BaselineError(f"{where}: expected a table of value codes and scores")
    out = {}
    for code, score in table.items():
        if code not in codes:
            raise BaselineError(f"{where}.{code}: unknown value code (the questionnaire has {', '.join(sorted(codes))})")
        out[code] = _number(score, f"{where}.{code}")
    return out


def load_baseline(path: Path, codes: set[str]) -> Figures:
    """Published figures from a TOML file (docs/scoring.md, "Waves"); BaselineError names what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BASELINE_BYTES:
        raise BaselineError(f"{path}: too large for a file of published figures ({len(raw)} bytes)")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise BaselineError(f"{path}: not valid TOML: {exc}") from None
    known = {"year", "source", "label", "index", "values", "units"}
    for key in data:
        if key not in known:
            raise BaselineError(f"{path}: {key}: unknown key (expected {', '.join(sorted(known))})")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        raise BaselineError(f"{path}: year: expected the year of the figures, e.g. year = 2023")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise BaselineError(f"{path}: source: say where the figures come from, e.g. source = \"KemenPAN-RB 2023\"")
    figures = Figures(label=str(data.get("label") or year), kind="baseline", year=year, source=source.strip())
    if "index" in data:
        figures.index = _number(data["index"], f"{path}: index")
    if "values" in data:
        figures.values = _scores(data["values"], f"{path}: values", codes)
    units = data.get("units", {})
    if not isinstance(units, Mapping):
        raise BaselineError(f"{path}: units: expected tables like [units.PKM-01]")
    for code, unit in units.items():
        where = f"{path}: units.{code}"
        if not isinstance(unit, Mapping) or not set(unit) <= {"name", "index", "values"}:
            raise BaselineError(f"{where}: expected name, index and values")
        index = _number(unit["index"], f"{where}.index") if "index" in unit else None
        figures.units[str(code)] = (str(unit.get("name", code)), index, _scores(unit.get("values", {}), f"{where}.values", codes))
    if figures.index is None and not figures.values and not figures.units:
        raise BaselineError(f"{path}: no figures: give index, [values] or [units.CODE]")
    return figures


def _change(previous: float | None, current: float | None) -> float | None:
    if previous is None or current is None:
        return None
    return float(exact(current) - exact(previous))


def _item_key(q: Questionnaire, item: LikertItem) -> tuple:
    scale = q.scale_for(item)
    return (item.dimension, item.reverse, tuple(scale.codes), item.label.get("id"), q.scoring.favourable_min, q.scoring.method)


REASONS = {
    "baseline": {"id": "berkas angka terbitan tidak memuat pernyataan", "en": "a file of published figures has no statements"},
    "differ": {
        "id": "kuesionernya berbeda (pernyataan dengan kata, arah, skala atau cara skor yang lain, atau tidak ada di keduanya: {named})",
        "en": "the questionnaires differ (statements worded, keyed, scaled or scored differently, or not in both: {named})",
    },
}


def item_comparison_refusal(now: Questionnaire, before: Questionnaire | None, lang: str = "id") -> str | None:
    """Why the statements cannot be compared one by one (None when they can)."""
    if before is None:
        return tr(REASONS["baseline"], lang)
    if now.content_hash == before.content_hash:
        return None
    a = {i.id: _item_key(now, i) for i in now.items if isinstance(i, LikertItem)}
    b = {i.id: _item_key(before, i) for i in before.items if isinstance(i, LikertItem)}
    differ = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    only = sorted(a.keys() ^ b.keys())
    if differ or only:
        named = ", ".join((differ + only)[:5]) + (" ..." if len(differ) + len(only) > 5 else "")
        return tr(REASONS["differ"], lang).format(named=named)
    return None


def compare(report: m.ScoreReport, questionnaire: Questionnaire, before: Figures, lang: str = "id") -> m.Comparison:
    """Previous figures and changes beside the index, each value, each statement and each unit."""
    o = report.overall
    shown = o.status == "shown"
    values = [
        m.FigureChange(code=d.id, label=d.label, previous=before.values.get(d.id), current=d.score if shown and d.status == "shown" else None)
        for d in o.dimensions
    ]
    for v in values:
        v.change = _change(v.previous, v.current)
    index = m.FigureChange(code="index", label="index", previous=before.index, current=o.index if shown else None)
    index.change = _change(index.previous, index.current)
    refusal = item_comparison_refusal(questionnaire, before.questionnaire, lang)
    items: list[m.FigureChange] = []
    if refusal is None and report.indicators is not None:
        for i in report.indicators.overall.indicators:
            current = i.score if i.status == "shown" else None
            items.append(m.FigureChange(code=i.item, label=i.name, previous=before.items.get(i.item), current=current, change=_change(before.items.get(i.item), current)))
    units = []
    unit_breakdown = report.breakdown(report.unit_field) if report.unit_field else None
    now_units = {g.key: g for g in (unit_breakdown.groups if unit_breakdown else []) if g.key is not None}
    if unit_breakdown is None:  # broken down by something else (--by): units from the ranking and participation
        ranked = {r.code: r for r in report.ranking}
        for u in report.participation.units:
            r = ranked.get(u.code)
            status = "shown" if r else ("empty" if u.respondents == 0 else "suppressed")
            now_units[u.code] = m.GroupScore(key=u.code, label=u.name, status=status, respondents=None, index=r.index if r else None)
    for code, g in now_units.items():
        answered_now, answered_before = g.status != "empty", code in before.units
        if not answered_now and not answered_before:
            continue
        status = "both" if answered_now and answered_before else ("new" if answered_now else "gone")
        if status == "new" and before.kind == "baseline":
            if not before.units:
                continue  # published figures without units say nothing about them
            status = "no_figure"
        previous = before.units[code][1] if answered_before else None
        current = g.index if g.status == "shown" else None
        units.append(m.UnitChange(code=code, name=g.label, status=status, hidden=g.status == "suppressed", previous=previous, current=current, change=_change(previous, current)))
    for code, (name, previous, _) in before.units.items():
        if code not in now_units:
            units.append(m.UnitChange(code=code, name=name, status="gone", hidden=False, previous=previous, current=None))
    notes = []
    if before.method and before.method != report.method:
        notes.append(f"method: {before.method} before, {report.method} now")
    return m.Comparison(
        previous=m.PreviousWave(kind=before.kind, label=before.label, year=before.year, source=before.source),
        index=index, values=values, items=items, items_refused=refusal, units=units, notes=notes,
    )  # fmt: skip
