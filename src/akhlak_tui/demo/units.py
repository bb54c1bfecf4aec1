"""The demo survey's work units: offices, a hospital and puskesmas of a fictional regency."""

from __future__ import annotations

import math

from akhlak_tui.questionnaire.units import Unit

REGENCY = "Kabupaten Tanjung Harapan"

_UNITS = (
    ("SETDA", "Sekretariat Daerah", 96),
    ("BAGORG", "Bagian Organisasi Setda", 24),
    ("DINKES", "Dinas Kesehatan", 88),
    ("DISDIK", "Dinas Pendidikan dan Kebudayaan", 140),
    ("DPMPTSP", "Dinas Penanaman Modal dan PTSP", 46),
    ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", 58),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", 52),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", 44),
    ("RSUD", "RSUD Tanjung Harapan", 420),
    ("PKM-01", "Puskesmas Bukit Sentosa", 42),
    ("PKM-02", "Puskesmas Sungai Rindang", 36),
    ("PKM-03", "Puskesmas Karang Lestari", 27),
    ("PKM-04", "Puskesmas Teluk Damai", 31),
    ("PKM-05", "Puskesmas Lembah Hijau", 24),
    ("KEC-HLR", "Kecamatan Harapan Hilir", 19),
    ("KEC-HLU", "Kecamatan Harapan Hulu", 17),
)


DEMO_RATE = 0.6
"""The demo's respondents are at most this share of the headcount, so every unit's count fits its headcount."""


def headcount_factor(respondents: int | None) -> int:
    """How many times the base headcounts the demo needs so `respondents` stay within DEMO_RATE of them."""
    total = sum(h for _, _, h in _UNITS)
    return max(1, math.ceil((respondents or 0) / (DEMO_RATE * total)))


def demo_units(respondents: int | None = None) -> list[Unit]:
    """Sixteen units of the demo regency, with headcounts (hospital and schools office the largest),
    scaled up when `respondents` would not fit in them (units are drawn in proportion to headcount)."""
    factor = headcount_factor(respondents)
    return [Unit(code=code, name=name, headcount=headcount * factor) for code, name, headcount in _UNITS]
