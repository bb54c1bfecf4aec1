"""The demo survey's work units: offices, a hospital and puskesmas of a fictional regency."""

from __future__ import annotations

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


def demo_units() -> list[Unit]:
    """Sixteen units of the demo regency, with headcounts (hospital and schools office the largest)."""
    return [Unit(code=code, name=name, headcount=headcount) for code, name, headcount in _UNITS]
