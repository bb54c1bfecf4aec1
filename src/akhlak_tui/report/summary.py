"""The executive summary: one page of short Bahasa (or English) sentences, and dates written out."""

from __future__ import annotations

from akhlak_tui.report.i18n import number
from akhlak_tui.scoring.model import ScoreReport

MONTHS = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
}

SAY = {
    "index": {"id": "Indeks BerAKHLAK {index}, kategori {category} ({label}).", "en": "The BerAKHLAK Index is {index}, category {category} ({label})."},
    "no_index": {"id": "Indeks BerAKHLAK tidak dapat dihitung: {why}.", "en": "The BerAKHLAK Index cannot be computed: {why}."},
    "hidden": {"id": "Semua angka disembunyikan: kurang dari {k} responden.", "en": "Every number is suppressed: fewer than {k} respondents."},
    "empty": {"id": "Belum ada responden.", "en": "There are no respondents yet."},
    "up": {"id": "Naik {change} poin sejak {label} ({previous}).", "en": "Up {change} points since {label} ({previous})."},
    "down": {"id": "Turun {change} poin sejak {label} ({previous}).", "en": "Down {change} points since {label} ({previous})."},
    "same": {"id": "Sama dengan {label} ({previous}).", "en": "The same as {label} ({previous})."},
    "strong_weak": {"id": "Nilai terkuat: {strong} ({s}). Nilai terlemah: {weak} ({w}).", "en": "Strongest value: {strong} ({s}). Weakest value: {weak} ({w})."},
    "act": {"id": "Perilaku yang perlu ditangani lebih dulu: {items}.", "en": "Behaviours to act on first: {items}."},
    "participation": {"id": "Partisipasi: {n} responden dari {head} pegawai ({rate}%).", "en": "Participation: {n} respondents of {head} staff ({rate}%)."},
    "participation_n": {"id": "Partisipasi: {n} responden.", "en": "Participation: {n} respondents."},
    "below": {"id": "{count} unit di bawah sampel minimum: {names}.", "en": "{count} units below the minimum sample: {names}."},
    "all_meet": {"id": "Semua unit memenuhi sampel minimum.", "en": "Every unit meets the minimum sample."},
    "implausible": {
        "id": "Periksa {names}: responden melebihi jumlah pegawai (data ganda atau jumlah pegawai salah).",
        "en": "Check {names}: more respondents than staff (duplicates or a wrong headcount).",
    },
    "fieldwork": {"id": "Pengisian survei: {first} sampai {last}.", "en": "Fieldwork: {first} to {last}."},
    "fieldwork_one": {"id": "Pengisian survei: {first}.", "en": "Fieldwork: {first}."},
}


def say(key: str, lang: str, **kw: object) -> str:
    entry = SAY[key]
    return (entry.get(lang) or entry["id"]).format(**kw)


def long_date(iso: str | None, lang: str) -> str:
    """2026-11-26 (or a full timestamp) as "26 November 2026"."""
    if not iso or len(iso) < 10:
        return ""
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    return f"{day} {MONTHS.get(lang, MONTHS['id'])[month - 1]} {year}"


def _names(items: list[str], limit: int = 5) -> str:
    return ", ".join(items[:limit]) + (f" (+{len(items) - limit})" if len(items) > limit else "")


def summary_sentences(report: ScoreReport, lang: str) -> list[str]:
    """The executive summary in short sentences, in the order a head of region reads them out."""
    o, k = report.overall, report.min_group_size
    out = []
    if o.status == "suppressed":
        out.append(say("hidden", lang, k=k))
    elif o.status == "empty":
        out.append(say("empty", lang))
    elif o.index is not None:
        out.append(say("index", lang, index=number(o.index, lang), category=o.category, label=o.category_label))
    else:
        from akhlak_tui.report.tables import missing_values_note

        out.append(say("no_index", lang, why=missing_values_note(o.dimensions, k, lang)))
    c = report.comparison
    if c is not None and c.index.change is not None:
        key = "up" if c.index.change > 0 else ("down" if c.index.change < 0 else "same")
        out.append(say(key, lang, change=number(abs(c.index.change), lang), label=c.previous.label, previous=number(c.index.previous, lang)))
    shown = [d for d in o.dimensions if d.status == "shown" and d.exact is not None] if o.status == "shown" else []
    if len(shown) >= 2:
        strong = max(shown, key=lambda d: d.exact)  # type: ignore[arg-type,return-value]
        weak = min(shown, key=lambda d: d.exact)  # type: ignore[arg-type,return-value]
        out.append(say("strong_weak", lang, strong=strong.label, s=number(strong.score, lang), weak=weak.label, w=number(weak.score, lang)))
    w = report.where_to_act
    if w is not None and w.lowest:
        out.append(say("act", lang, items="; ".join(f"{i.name} ({i.value_label}, {number(i.score, lang)})" for i in w.lowest)))
    p = report.participation
    if o.status != "suppressed":
        if p.total_headcount:
            out.append(say("participation", lang, n=number(p.total_respondents, lang), head=number(p.total_headcount, lang), rate=number(p.total_rate, lang)))
        else:
            out.append(say("participation_n", lang, n=number(p.total_respondents, lang)))
    below = [u.name for u in p.units if u.meets_minimum is False]
    if below:
        out.append(say("below", lang, count=len(below), names=_names(below)))
    elif p.units and all(u.meets_minimum for u in p.units if u.headcount):
        out.append(say("all_meet", lang))
    implausible = [u.name for u in p.units if u.implausible]
    if implausible:
        out.append(say("implausible", lang, names=_names(implausible)))
    first, last = report.survey.first_submitted, report.survey.last_submitted
    if first:
        out.append(say("fieldwork", lang, first=long_date(first, lang), last=long_date(last, lang)) if last and last != first else say("fieldwork_one", lang, first=long_date(first, lang)))
    return out
