"""The report's trust sections (reliability, response quality, staff profile) as tables, notes, terminal grids and html."""

from __future__ import annotations

from rich import box
from rich.table import Table as RichTable
from rich.text import Text

from akhlak_tui.report.i18n import number
from akhlak_tui.report.tables import Cell, Table
from akhlak_tui.scoring.model import ScoreReport
from akhlak_tui.scoring.trust import MeasureReliability, UnitFlags

WORDS: dict[str, dict[str, str]] = {
    "reliability": {"id": "Reliabilitas (alpha Cronbach)", "en": "Reliability (Cronbach's alpha)"},
    "item_rest": {"id": "Korelasi butir-sisa", "en": "Item-rest correlations"},
    "quality": {"id": "Kualitas jawaban", "en": "Quality of responses"},
    "profile": {"id": "Profil responden dan profil pegawai", "en": "Respondents' profile and staff profile"},
    "group": {"id": "Kelompok", "en": "Group"},
    "value": {"id": "Nilai", "en": "Value"},
    "statements": {"id": "Pernyataan", "en": "Statements"},
    "cases": {"id": "Kasus lengkap", "en": "Complete cases"},
    "items_short": {"id": "Butir", "en": "Items"},
    "alpha": {"id": "Alpha", "en": "Alpha"},
    "note": {"id": "Catatan", "en": "Note"},
    "item": {"id": "Butir", "en": "Item"},
    "statement": {"id": "Pernyataan", "en": "Statement"},
    "reverse": {"id": "Terbalik", "en": "Reverse-keyed"},
    "correlation": {"id": "Korelasi butir-sisa", "en": "Item-rest correlation"},
    "code": {"id": "Kode", "en": "Code"},
    "unit": {"id": "Unit kerja", "en": "Work unit"},
    "responses": {"id": "Respons", "en": "Responses"},
    "flagged": {"id": "Ditandai", "en": "Flagged"},
    "share": {"id": "%", "en": "%"},
    "option": {"id": "Pilihan", "en": "Option"},
    "respondents": {"id": "Responden", "en": "Respondents"},
    "respondents_share": {"id": "% responden", "en": "% of respondents"},
    "staff": {"id": "Pegawai", "en": "Staff"},
    "staff_share": {"id": "% pegawai", "en": "% of staff"},
    "difference": {"id": "Selisih (poin)", "en": "Difference (points)"},
    "yes": {"id": "ya", "en": "yes"},
    "low": {"id": "rendah", "en": "low"},
    "too_few": {"id": "terlalu sedikit kasus lengkap", "en": "too few complete cases"},
    "single_item": {"id": "satu pernyataan: tidak ada alpha", "en": "one statement: no alpha"},
    "no_variance": {"id": "tidak ada variasi", "en": "no variation"},
    "left_out": {"id": "disembunyikan: terlalu sedikit kasus dikeluarkan", "en": "hidden: too few cases left out"},
    "suppressed": {"id": "disembunyikan", "en": "suppressed"},
    "everyone": {"id": "Semua", "en": "All"},
    "low_note": {
        "id": "Alpha di bawah {t}: pernyataan-pernyataan nilai ini belum tentu mengukur satu hal yang sama, jadi baca skornya dengan hati-hati dan lihat pernyataannya satu per satu.",
        "en": "Alpha below {t}: the statements of this value may not measure one thing, so read its score with care and look at its statements one by one.",
    },
    "alpha_rule": {
        "id": "Alpha dihitung dari kasus lengkap (responden yang menjawab semua pernyataan nilai itu pada skala; 'tidak berlaku' dan tidak dijawab tidak dihitung), pernyataan terbalik dibalik dulu; per unit hanya bila unit ditampilkan dan punya paling sedikit {n} kasus lengkap.",
        "en": "Alpha is computed over complete cases (respondents who answered every statement of the value on the scale; 'not applicable' and unanswered leave them out), reverse-keyed statements reversed first; per unit only when the unit is shown and has at least {n} complete cases.",
    },
    "low_units": {"id": "Alpha rendah di unit", "en": "Low alpha in units"},
    "flags_note": {
        "id": "Tanda dihitung dari paradata setiap respons (docs/scoring.md). Bawaannya semua respons tetap dihitung; tanda hanya memberi tahu.",
        "en": "Flags come from each response's paradata (docs/scoring.md). By default every response is still scored; the flags only inform.",
    },
    "excluded": {
        "id": "{n} respons dengan tanda {flags} tidak dihitung dalam skor mana pun (--exclude-flagged).",
        "en": "{n} responses flagged {flags} are left out of every score (--exclude-flagged).",
    },
    "excluded_one": {
        "id": "1 respons dengan tanda {flags} tidak dihitung dalam skor mana pun (--exclude-flagged).",
        "en": "1 response flagged {flags} is left out of every score (--exclude-flagged).",
    },
    "unsummarised": {"id": "{n} respons tanpa ringkasan paradata (tidak pernah ditandai).", "en": "{n} responses have no paradata summary (never flagged)."},
    "profile_note": {
        "id": "Hanya unit yang memberi profil pegawai dibandingkan; 'tidak ingin menyebutkan' dan tidak dijawab tidak dihitung. Selisih negatif: kelompok itu kurang terwakili.",
        "en": "Only units whose staff profile is given are compared; 'prefer not to say' and unanswered are left out. A negative difference: the group is under-represented.",
    },
    "speeding": {"id": "Terlalu cepat", "en": "Speeding"},
    "straightlining": {"id": "Jawaban seragam", "en": "Straight-lining"},
    "changes": {"id": "Banyak perubahan", "en": "Many changes"},
    "off_hours": {"id": "Di luar jam biasa", "en": "Off hours"},
    "duplicate": {"id": "Jawaban kembar", "en": "Duplicate"},
    "speeding_short": {"id": "cepat", "en": "speed"},
    "straightlining_short": {"id": "seragam", "en": "straight"},
    "changes_short": {"id": "ubah", "en": "changes"},
    "off_hours_short": {"id": "jam", "en": "hours"},
    "duplicate_short": {"id": "kembar", "en": "dupl."},
}


def t(key: str, lang: str) -> str:
    entry = WORDS[key]
    return entry.get(lang) or entry["id"]


def measure_note(measure: MeasureReliability, lang: str) -> str:
    if measure.status != "shown":
        return t(measure.status, lang)
    return t("low", lang) if measure.low else ""


def reliability_tables(report: ScoreReport, lang: str) -> list[Table]:
    r = report.reliability
    if r is None:
        return []
    table = Table("reliability", t("reliability", lang), [t("code", lang), t("group", lang), t("value", lang), t("statements", lang), t("cases", lang), t("alpha", lang), t("note", lang)])
    rests = Table("item-rest", t("item_rest", lang), [t("code", lang), t("group", lang), t("value", lang), t("item", lang), t("statement", lang), t("reverse", lang), t("correlation", lang)])
    for group in [r.overall, *r.units]:
        for m in group.measures:
            table.rows.append([group.key or "", group.label, m.label, m.items, m.cases, m.alpha, measure_note(m, lang)])
            for i in m.item_rest:
                rests.rows.append([group.key or "", group.label, m.label, i.item, i.statement, t("yes", lang) if i.reverse else "", i.correlation])
    return [table, rests]


def alpha_matrix(report: ScoreReport, lang: str) -> list[Table]:
    """One row per group, one alpha column per value (compact, for the html page); item-rest for everyone."""
    r = report.reliability
    if r is None:
        return []
    measures = r.overall.measures
    table = Table("reliability", t("reliability", lang), [t("code", lang), t("group", lang), *(m.label for m in measures), t("note", lang)])
    for group in [r.overall, *r.units]:
        low = [m.label for m in group.measures if m.low]
        table.rows.append([group.key or "", group.label, *(m.alpha for m in group.measures), f"{t('low', lang)}: {', '.join(low)}" if low else ""])
    rests = Table("item-rest", t("item_rest", lang), [t("value", lang), t("item", lang), t("statement", lang), t("reverse", lang), t("correlation", lang)])
    for m in measures:
        for i in m.item_rest:
            rests.rows.append([m.label, i.item, i.statement, t("yes", lang) if i.reverse else "", i.correlation])
    return [table, *([rests] if rests.rows else [])]


def _flag_cells(u: UnitFlags, flags: list[str]) -> list[Cell]:
    if u.status != "shown":
        return [None] * (2 + 2 * len(flags))
    cells: list[Cell] = [u.flagged, u.flagged_share]
    for f in u.flags:
        cells += [f.responses, f.share]
    return cells


def quality_tables(report: ScoreReport, lang: str) -> list[Table]:
    q = report.quality
    if q is None:
        return []
    headers = [t("code", lang), t("unit", lang), t("responses", lang), t("flagged", lang), f"{t('flagged', lang)} %"]
    for f in q.flags:
        headers += [t(f, lang), f"{t(f, lang)} %"]
    table = Table("quality", t("quality", lang), [*headers, t("note", lang)])
    for u in [q.overall, *q.units]:
        note = "" if u.status == "shown" else t("suppressed", lang)
        table.rows.append([u.code or "", u.name, u.responses, *_flag_cells(u, q.flags), note])
    return [table]


def profile_tables(report: ScoreReport, lang: str) -> list[Table]:
    p = report.staff_profile
    if p is None:
        return []
    table = Table(
        "staff-profile", t("profile", lang),
        [t("item", lang), t("code", lang), t("option", lang), t("respondents", lang), t("respondents_share", lang), t("staff", lang), t("staff_share", lang), t("difference", lang), t("note", lang)],
    )  # fmt: skip
    for item in p.items:
        if item.status != "shown":
            table.rows.append([item.label, "", "", None, None, None, None, None, t("suppressed", lang)])
        for s in item.shares:
            note = "" if s.respondents is not None else t("suppressed", lang)
            table.rows.append([item.label, s.code, s.label, s.respondents, s.respondents_share, s.staff, s.staff_share, s.difference, note])
    return [table]


def trust_tables(report: ScoreReport, lang: str) -> list[Table]:
    """Every trust table (for csv and xlsx)."""
    return [*reliability_tables(report, lang), *quality_tables(report, lang), *profile_tables(report, lang)]


def trust_notes(report: ScoreReport, lang: str) -> dict[str, list[str]]:
    """The plain sentences under each section: what a low alpha means, what was excluded, ..."""
    notes: dict[str, list[str]] = {"reliability": [], "quality": [], "profile": []}
    r = report.reliability
    if r is not None:
        notes["reliability"].append(t("alpha_rule", lang).format(n=r.min_cases))
        low = [(g, m) for g in [r.overall, *r.units] for m in g.measures if m.low]
        if low:
            notes["reliability"].append(t("low_note", lang).format(t=number(r.threshold, lang)))
        units = [
            f"{g.label} ({', '.join(f'{m.id} {number(m.alpha, lang, 2)}' for m in g.measures if m.low)})" for g in r.units if any(m.low for m in g.measures)
        ]
        if units:
            notes["reliability"].append(f"{t('low_units', lang)}: {'; '.join(units)}")
    q = report.quality
    if q is not None:
        notes["quality"].append(t("flags_note", lang))
        if q.excluded:
            wording = "excluded_one" if q.excluded_responses == 1 else "excluded"
            notes["quality"].append(t(wording, lang).format(n=number(q.excluded_responses, lang), flags=", ".join(q.excluded)))
        if q.unsummarised:
            notes["quality"].append(t("unsummarised", lang).format(n=number(q.unsummarised, lang)))
    if report.staff_profile is not None:
        notes["profile"].append(t("profile_note", lang))
    return notes


def _grid(title: str) -> RichTable:
    return RichTable(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 0, 0, 1), header_style="bold")


def _num(value: float | int | None, lang: str, places: int = 1) -> Text:
    return Text("-" if value is None else number(value, lang, places), justify="right")


def trust_renderables(report: ScoreReport, lang: str, label_width: int = 18) -> list:
    """The trust sections for the terminal, within 80 columns."""
    from akhlak_tui.report.text import distinct_labels

    out: list = []
    notes = trust_notes(report, lang)
    r = report.reliability
    if r is not None:
        grid = _grid(t("reliability", lang))
        for header in (t("value", lang), t("items_short", lang), "n", t("alpha", lang), t("note", lang)):
            grid.add_column(header, justify="left" if header in (t("value", lang), t("note", lang)) else "right")
        labels = distinct_labels([m.label for m in r.overall.measures], label_width)
        for label, m in zip(labels, r.overall.measures):
            grid.add_row(label, str(m.items), _num(m.cases, lang, 0), _num(m.alpha, lang, 3), Text(measure_note(m, lang), style="bold red" if m.low else "dim"))
        out += [grid, *(Text(n, style="dim") for n in notes["reliability"])]
    q = report.quality
    if q is not None:
        grid = _grid(t("quality", lang))
        grid.add_column(t("unit", lang))
        grid.add_column("n", justify="right")
        grid.add_column(t("flagged", lang), justify="right")
        for f in q.flags:
            grid.add_column(t(f"{f}_short", lang), justify="right")
        rows = [q.overall, *q.units]
        for label, u in zip(distinct_labels([u.name for u in rows], label_width), rows):
            if u.status != "shown":
                grid.add_row(label, *(Text("*", style="italic dim", justify="right") for _ in range(2 + len(q.flags))))
                continue
            cells = [f"{number(u.flagged, lang, 0)}\n{number(u.flagged_share, lang)}%"]
            cells += [f"{number(f.responses, lang, 0)}\n{number(f.share, lang)}%" for f in u.flags]
            grid.add_row(label, _num(u.responses, lang, 0), *(Text(c, justify="right") for c in cells))
        out += [grid, Text(", ".join(f"{t(f + '_short', lang)} = {t(f, lang)}" for f in q.flags), style="dim")]
        out += [Text(n, style="bold" if "--exclude" in n else "dim") for n in notes["quality"]]
    p = report.staff_profile
    if p is not None:
        grid = _grid(t("profile", lang))
        for header in (t("option", lang), t("respondents", lang)[:4], "%", t("staff", lang)[:7], "%", "+/-"):
            grid.add_column(header, justify="left" if header == t("option", lang) else "right")
        for item in p.items:
            grid.add_row(Text(item.label[:label_width + 12], style="bold"), *([Text("*", style="italic dim", justify="right")] * 5 if item.status != "shown" else [""] * 5))
            for s in item.shares:
                grid.add_row(f"  {s.label}"[: label_width + 12], _num(s.respondents, lang, 0), _num(s.respondents_share, lang), _num(s.staff, lang, 0), _num(s.staff_share, lang), _num(s.difference, lang))
        out += [grid, *(Text(n, style="dim") for n in notes["profile"])]
    return out


HTML = """
{% for section, title, tables in sections %}
<section id="{{ section }}">
<h2>{{ title }}</h2>
{% for table in tables %}
<table data-table="{{ table.name }}">
<tr>{% for h in table.headers %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in table.rows %}
<tr>{% for c in row %}{% if c is number %}<td class="r">{{ num(c, table.name) }}</td>{% elif c is none %}<td class="r muted">-</td>{% else %}<td>{{ c }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}
</table>
{% endfor %}
{% for n in notes[section] %}<p class="note">{{ n }}</p>{% endfor %}
</section>
{% endfor %}
"""


def trust_html(report: ScoreReport, lang: str) -> str:
    """The trust sections as escaped html (a Markup for the report template)."""
    from jinja2 import Environment, select_autoescape
    from markupsafe import Markup

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True, lstrip_blocks=True)

    def num(value: float | int, table: str) -> str:
        """Alphas and correlations with three decimals, shares with one, counts whole."""
        if not isinstance(value, float):
            return number(value, lang, 0)
        return number(value, lang, 3 if table in ("reliability", "item-rest") else 1)

    sections = [
        (name, t(key, lang), tables)
        for name, key, tables in (
            ("reliability", "reliability", alpha_matrix(report, lang)),
            ("quality", "quality", quality_tables(report, lang)),
            ("profile", "profile", profile_tables(report, lang)),
        )
        if tables
    ]
    return Markup(env.from_string(HTML).render(sections=sections, notes=trust_notes(report, lang), num=num))
