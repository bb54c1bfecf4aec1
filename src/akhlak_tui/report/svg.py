"""Inline SVG charts of the html report: values against the bands, radar, ranking, participation, votes.

Every label is escaped here; each function returns markup ready to place in the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from akhlak_tui.scoring.model import BandInfo, DimensionScore, OptionVotes, RankedUnit, UnitParticipation

BAND_COLOURS = {"A": "#d8f0d2", "B": "#fbf0c4", "C": "#fbdcc0", "D": "#f6c9c9"}
CATEGORY_COLOURS = {"A": "#2e7d32", "B": "#b58900", "C": "#d35400", "D": "#c0392b"}
BAR = "#1f4e79"
LIMITING = "#c0392b"
FONT = "font-family=\"DejaVu Sans, Arial, sans-serif\""

Fmt = Callable[[float | int | None], str]


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" style="max-width:100%;height:auto" role="img" {FONT} font-size="12">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def band_bars(dimensions: Sequence[DimensionScore], bands: Sequence[BandInfo], fmt: Fmt, title: str) -> Markup:
    """Horizontal bars of the scores over coloured band regions (A/B/C/D)."""
    left, plot, row = 190, 400, 30
    height = 30 + row * len(dimensions)
    body = []
    upper = 100.0
    for band in bands:  # highest first
        x0, x1 = left + plot * band.min / 100, left + plot * upper / 100
        body.append(f'<rect x="{x0:.1f}" y="18" width="{x1 - x0:.1f}" height="{height - 18}" fill="{BAND_COLOURS.get(band.code, "#eee")}"/>')
        body.append(f'<text x="{(x0 + x1) / 2:.1f}" y="13" text-anchor="middle" font-weight="bold">{escape(band.code)}</text>')
        upper = band.min
    for i, d in enumerate(dimensions):
        y = 24 + i * row
        body.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(_short(d.label, 28))}</text>')
        if d.score is not None:
            body.append(f'<rect x="{left}" y="{y + 3}" width="{plot * d.score / 100:.1f}" height="16" fill="{BAR}"/>')
            body.append(f'<text x="{left + plot * d.score / 100 + 4:.1f}" y="{y + 15}">{escape(fmt(d.score))}</text>')
    return _svg(left + plot + 50, height, body, title)


def radar(dimensions: Sequence[DimensionScore], fmt: Fmt, title: str, no_data: str = "-", hidden: str = "*") -> Markup:
    """The seven values on a radar with rings at 25, 50, 75 and 100; a value without a score is
    named as such and the outline goes round it (dashed), so the others still show."""
    width, size, centre, radius = 560, 400, 200, 130
    n = max(len(dimensions), 3)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return width / 2 + radius * value / 100 * math.cos(angle), centre + radius * value / 100 * math.sin(angle)

    body = []
    for ring in (25, 50, 75, 100):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        body.append(f'<polygon points="{pts}" fill="none" stroke="#bbb"/>')
        body.append(f'<text x="{width / 2 + 3}" y="{centre - radius * ring / 100 + 11:.1f}" fill="#888" font-size="10">{ring}</text>')
    for i, d in enumerate(dimensions):
        x, y = point(i, 100)
        body.append(f'<line x1="{width / 2}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccc"/>')
        lx, ly = point(i, 122)
        anchor = "middle" if abs(lx - width / 2) < 20 else ("start" if lx > width / 2 else "end")
        shown = fmt(d.score) if d.score is not None else (hidden if d.status == "suppressed" else no_data)
        body.append(f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}">{escape(_short(d.label, 22))} {escape(shown)}</text>')
    scored = [(i, d.score) for i, d in enumerate(dimensions) if d.score is not None]
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, s) for i, s in scored))
    if len(scored) == len(dimensions) and scored:
        body.append(f'<polygon points="{pts}" fill="{BAR}" fill-opacity="0.25" stroke="{BAR}" stroke-width="2"/>')
    elif scored:
        body.append(f'<polygon points="{pts}" fill="none" stroke="{BAR}" stroke-width="2" stroke-dasharray="6 4"/>')
        for x, y in (point(i, s) for i, s in scored):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BAR}"/>')
    return _svg(width, size, body, title)


def ranking_bars(ranking: Sequence[RankedUnit], fmt: Fmt, title: str) -> Markup:
    """Units from the highest index down, coloured by category."""
    left, plot, row = 250, 360, 24
    body = [f'<line x1="{left + plot * p / 100:.1f}" y1="0" x2="{left + plot * p / 100:.1f}" y2="{row * len(ranking) + 4}" stroke="#ddd"/>' for p in (25, 50, 75, 100)]
    for i, r in enumerate(ranking):
        y = 4 + i * row
        body.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{r.rank}. {escape(_short(r.name, 28))}</text>')
        body.append(f'<rect x="{left}" y="{y + 2}" width="{plot * r.index / 100:.1f}" height="16" fill="{CATEGORY_COLOURS.get(r.category, BAR)}"/>')
        body.append(f'<text x="{left + plot * r.index / 100 + 4:.1f}" y="{y + 14}">{escape(fmt(r.index))} {escape(r.category)}</text>')
    return _svg(left + plot + 70, max(row * len(ranking) + 8, 30), body, title)


def participation_bars(units: Sequence[UnitParticipation], fmt_int: Fmt, title: str, implausible: str = "!") -> Markup:
    """Respondents against headcount per unit, with a mark at Slovin's minimum (red when below it);
    more respondents than the headcount is no full green bar but a hatched grey one, flagged."""
    left, plot, row = 250, 300, 24
    body = []
    for i, u in enumerate(units):
        y = 4 + i * row
        body.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{escape(_short(u.name, 32))}</text>')
        if u.headcount:
            share = min(u.respondents / u.headcount, 1.0)
            colour = "url(#implausible)" if u.implausible else ("#2e7d32" if u.meets_minimum else LIMITING)
            body.append(f'<rect x="{left}" y="{y + 2}" width="{plot}" height="16" fill="#eee"/>')
            body.append(f'<rect x="{left}" y="{y + 2}" width="{plot * share:.1f}" height="16" fill="{colour}"/>')
            mark = left + plot * min((u.minimum or 0) / u.headcount, 1.0)
            body.append(f'<line x1="{mark:.1f}" y1="{y}" x2="{mark:.1f}" y2="{y + 20}" stroke="#000" stroke-width="2"/>')
            label = f"{fmt_int(u.respondents)} / {fmt_int(u.headcount)} (min {fmt_int(u.minimum)})"
            if u.implausible:
                label = f"!! {implausible}: {label}"
        else:
            label = fmt_int(u.respondents)
        flag = f' fill="{LIMITING}" font-weight="bold"' if u.implausible else ""
        body.append(f'<text x="{left + plot + 6}" y="{y + 14}"{flag}>{escape(label)}</text>')
    if any(u.implausible for u in units):
        body.insert(0, '<defs><pattern id="implausible" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                    '<rect width="8" height="8" fill="#bbb"/><line x1="0" y1="0" x2="0" y2="8" stroke="#c0392b" stroke-width="3"/></pattern></defs>')
    return _svg(left + plot + 260, max(row * len(units) + 8, 30), body, title)


def vote_bars(options: Sequence[OptionVotes], fmt: Fmt, title: str) -> Markup:
    """Votes of the top options as bars; limiting options in red."""
    left, plot, row = 220, 300, 22
    top = max([o.votes for o in options] + [1])
    body = []
    for i, o in enumerate(options):
        y = 4 + i * row
        colour = LIMITING if o.tag == "limiting" else BAR
        body.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{escape(_short(o.label, 27))}</text>')
        body.append(f'<rect x="{left}" y="{y + 2}" width="{plot * o.votes / top:.1f}" height="14" fill="{colour}"/>')
        body.append(f'<text x="{left + plot * o.votes / top + 4:.1f}" y="{y + 13}">{escape(fmt(o.percent))}%</text>')
    return _svg(left + plot + 60, max(row * len(options) + 8, 30), body, title)


def entropy_bar(entropy: float, positive: float, fmt: Fmt, labels: tuple[str, str], title: str) -> Markup:
    """One bar split into limiting (entropy) and positive energy."""
    width = 600
    cut = width * entropy / 100
    body = [
        f'<rect x="0" y="0" width="{cut:.1f}" height="26" fill="{LIMITING}"/>',
        f'<rect x="{cut:.1f}" y="0" width="{width - cut:.1f}" height="26" fill="#2e7d32"/>',
        f'<text x="4" y="44">{escape(labels[0])}: {escape(fmt(entropy))}%</text>',
        f'<text x="{width - 4}" y="44" text-anchor="end">{escape(labels[1])}: {escape(fmt(positive))}%</text>',
    ]
    return _svg(width, 50, body, title)


SCALE_COLOURS = ("#c0392b", "#e67e22", "#bdbdbd", "#7cb342", "#2e7d32")


def distribution_bar(shares: Sequence[float], reverse: bool, title: str) -> Markup:
    """One statement's answers as a stacked bar, lowest point left (red) to highest right (green);
    a reverse-keyed statement's colours are turned round, so green is always the favourable side."""
    width, x, body = 200, 0.0, []
    colours = list(SCALE_COLOURS) if len(shares) == len(SCALE_COLOURS) else ["#1f4e79"] * len(shares)
    if reverse:
        colours.reverse()
    for share, colour in zip(shares, colours):
        body.append(f'<rect x="{x:.1f}" y="0" width="{width * share / 100:.1f}" height="12" fill="{colour}"/>')
        x += width * share / 100
    return _svg(width, 12, body, title)


def gap_bars(rows: Sequence[tuple[str, float | None]], fmt: Fmt, title: str, limit: float = 20.0) -> Markup:
    """Diverging bars around zero: green to the right (wanted more than seen), red to the left."""
    left, half, row = 190, 200, 24
    scale = max([abs(v) for _, v in rows if v is not None] + [limit])
    centre = left + half
    body = [f'<line x1="{centre}" y1="0" x2="{centre}" y2="{row * len(rows) + 4}" stroke="#888"/>']
    for i, (label, value) in enumerate(rows):
        y = 4 + i * row
        body.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{escape(_short(label, 28))}</text>')
        if value is None:
            continue
        length = half * abs(value) / scale
        x = centre if value >= 0 else centre - length
        colour = "#2e7d32" if value >= 0 else LIMITING
        body.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{length:.1f}" height="16" fill="{colour}"/>')
        tx = centre + length + 4 if value >= 0 else centre - length - 4
        anchor = "start" if value >= 0 else "end"
        body.append(f'<text x="{tx:.1f}" y="{y + 14}" text-anchor="{anchor}">{escape(("+" if value > 0 else "") + fmt(value))}</text>')
    return _svg(left + 2 * half + 60, max(row * len(rows) + 8, 30), body, title)
