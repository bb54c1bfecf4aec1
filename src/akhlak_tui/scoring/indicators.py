"""Behaviour indicators: the score, answer distribution and non-answers of each statement, and where to act.

Each Likert statement of a value (and each engagement statement) is one indicator. Its answers are
counted per scale point in the same scan as the values (three points packed in one integer per
tally), for everyone and per unit; the score follows the questionnaire's method (percent
favourable, or the rescaled mean), and a statement fewer than min_group_size respondents answered
is suppressed like a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from akhlak_tui.questionnaire.model import LikertItem, Questionnaire, tr
from akhlak_tui.scoring import model as m
from akhlak_tui.scoring.formulas import percent, round_half_up

FIELD_BITS = 21
PER_TALLY = 3
MAX_COUNT = (1 << FIELD_BITS) - 1
"""Three counts of 21 bits share one 64-bit SQLite integer: up to 2,097,151 answers per code and group."""

BUILTIN_ID = "berakhlak"
NAMES: dict[str, dict[str, str]] = {
    # The official behaviour indicators (panduan perilaku, SE MenPANRB 20/2021), short; engagement statements.
    "bp1": {"id": "memahami dan memenuhi kebutuhan masyarakat", "en": "understands and meets the public's needs"},
    "bp2": {"id": "ramah, cekatan, solutif dan dapat diandalkan", "en": "friendly, quick, solution-minded, reliable"},
    "bp3": {"id": "pelayanan yang cekatan (pernyataan terbalik)", "en": "quick service (reverse-keyed)"},
    "bp4": {"id": "melakukan perbaikan tiada henti", "en": "improves without end"},
    "ak1": {"id": "melaksanakan tugas dengan jujur dan berintegritas", "en": "works honestly and with integrity"},
    "ak2": {"id": "menggunakan barang milik negara secara bertanggung jawab", "en": "uses state property responsibly"},
    "ak3": {"id": "tidak menyalahgunakan kewenangan jabatan", "en": "does not abuse the authority of office"},
    "ko1": {"id": "meningkatkan kompetensi diri", "en": "raises own competence"},
    "ko2": {"id": "membantu orang lain belajar", "en": "helps others learn"},
    "ko3": {"id": "melaksanakan tugas dengan kualitas terbaik", "en": "does work to the best quality"},
    "ha1": {"id": "menghargai setiap orang apa pun latar belakangnya", "en": "respects everyone whatever their background"},
    "ha2": {"id": "suka menolong orang lain", "en": "likes to help others"},
    "ha3": {"id": "membangun lingkungan kerja yang kondusif", "en": "builds a conducive workplace"},
    "lo1": {"id": "memegang teguh Pancasila, UUD 1945 dan NKRI", "en": "holds to Pancasila, UUD 1945 and NKRI"},
    "lo2": {"id": "menjaga nama baik ASN, pimpinan, instansi dan negara", "en": "guards the good name of ASN, leaders, agency, state"},
    "lo3": {"id": "menjaga rahasia jabatan dan negara", "en": "keeps official and state secrets"},
    "ad1": {"id": "cepat menyesuaikan diri menghadapi perubahan", "en": "adapts quickly to change"},
    "ad2": {"id": "terus berinovasi dan mengembangkan kreativitas", "en": "keeps innovating and developing creativity"},
    "ad3": {"id": "bertindak proaktif", "en": "acts proactively"},
    "kl1": {"id": "memberi kesempatan berbagai pihak berkontribusi", "en": "gives various parties the chance to contribute"},
    "kl2": {"id": "terbuka bekerja sama untuk nilai tambah", "en": "open to cooperation that adds value"},
    "kl3": {"id": "menggerakkan sumber daya untuk tujuan bersama", "en": "mobilises resources for shared goals"},
    "eng_proud": {"id": "bangga bekerja di instansi", "en": "proud to work for the agency"},
    "eng_recommend": {"id": "menyarankan instansi sebagai tempat kerja", "en": "recommends the agency as a workplace"},
    "eng_extra": {"id": "memberi lebih dari yang diminta", "en": "gives more than is asked"},
    "eng_stay": {"id": "ingin tetap bekerja di instansi", "en": "wants to stay with the agency"},
    "eng_meaning": {"id": "pekerjaan terasa bermakna", "en": "work feels meaningful"},
}


def indicator_items(q: Questionnaire) -> list[LikertItem]:
    """The statements reported one by one: those of a value, then the engagement statements."""
    likert = [i for i in q.items if isinstance(i, LikertItem)]
    values = {d.id for d in q.dimensions}
    return [i for i in likert if i.dimension in values] + [i for i in likert if i.id in q.scoring.engagement_items and i.dimension not in values]


def indicator_name(q: Questionnaire, item: LikertItem, lang: str) -> str:
    """The short indicator name of the built-in questionnaire's statements, else the statement itself."""
    if q.id == BUILTIN_ID and item.id in NAMES:
        return tr(NAMES[item.id], lang)
    return tr(item.label, lang)


@dataclass(frozen=True)
class ItemTallies:
    """Where one statement's counts per code are: (tally index, slot) for each scale point, and n/a."""

    item: LikertItem
    points: list[tuple[int, int]]
    not_applicable: tuple[int, int] | None


def tally_expressions(column: str, codes: Sequence[int]) -> list[str]:
    """CASE expressions counting `codes` into packed tallies, three codes per tally."""
    out = []
    for start in range(0, len(codes), PER_TALLY):
        whens = " ".join(f"WHEN {code} THEN {1 << (FIELD_BITS * slot)}" for slot, code in enumerate(codes[start : start + PER_TALLY]))
        out.append(f"CASE {column} {whens} ELSE 0 END")
    return out


def field(total: int, slot: int) -> int:
    return (total >> (FIELD_BITS * slot)) & MAX_COUNT


@dataclass(frozen=True)
class Counted:
    """One statement in one group: answers per scale point, not applicable, and the group's size."""

    per_point: list[int]
    not_applicable: int
    respondents: int

    @property
    def scored(self) -> int:
        return sum(self.per_point)


def counted(spec: ItemTallies, tallies: Sequence[int], respondents: int) -> Counted:
    per_point = [field(tallies[t], slot) for t, slot in spec.points]
    na = field(tallies[spec.not_applicable[0]], spec.not_applicable[1]) if spec.not_applicable else 0
    return Counted(per_point, na, respondents)


def item_score(c: Counted, codes: Sequence[int], item: LikertItem, method: str, favourable_min: int) -> Fraction | None:
    """The statement's score from its counts per point: share favourable (after reversing) or rescaled mean."""
    if not c.scored:
        return None
    low, high = codes[0], codes[-1]
    turned = [low + high - code if item.reverse else code for code in codes]
    if method == "mean_scaled":
        return Fraction(100 * sum(n * (code - low) for n, code in zip(c.per_point, turned)), c.scored * (high - low))
    return percent(sum(n for n, code in zip(c.per_point, turned) if code >= favourable_min), c.scored)


def indicator_score(q: Questionnaire, spec: ItemTallies, c: Counted, lang: str, min_size: int) -> m.IndicatorScore:
    """One statement's numbers in one group, suppressed when fewer than `min_size` answered it."""
    item, scale = spec.item, q.scale_for(spec.item)
    method = "mean_scaled" if q.scoring.method == "mean_scaled" else "percent_favourable"
    rates = {
        "not_applicable": round_half_up(percent(c.not_applicable, c.respondents) or Fraction(0)),
        "missing": round_half_up(percent(c.respondents - c.scored - c.not_applicable, c.respondents) or Fraction(0)),
    }
    base = {"item": item.id, "value": item.dimension or "engagement", "name": indicator_name(q, item, lang), "statement": tr(item.label, lang), "reverse": item.reverse, "codes": scale.codes}
    if c.scored == 0:
        return m.IndicatorScore(**base, status="no_data", score=None, exact=None, respondents=0, distribution=None, **rates)
    if c.scored < min_size:
        return m.IndicatorScore(**base, status="suppressed", score=None, exact=None, respondents=None, distribution=None, **rates)
    value = item_score(c, scale.codes, item, method, q.scoring.favourable_min)
    return m.IndicatorScore(
        **base,
        status="shown",
        score=round_half_up(value),  # type: ignore[arg-type]
        exact=float(value),  # type: ignore[arg-type]
        respondents=c.scored,
        distribution=[round_half_up(Fraction(100 * n, c.scored)) for n in c.per_point],
        **rates,
    )
