"""The words of the reports in Bahasa Indonesia and English, and numbers written the local way."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "report_title": {"id": "Laporan Survei Budaya Kerja BerAKHLAK", "en": "BerAKHLAK Work Culture Survey Report"},
    "index": {"id": "Indeks BerAKHLAK", "en": "BerAKHLAK Index"},
    "category": {"id": "Kategori", "en": "Category"},
    "respondents": {"id": "Responden", "en": "Respondents"},
    "group": {"id": "Kelompok", "en": "Group"},
    "code": {"id": "Kode", "en": "Code"},
    "unit": {"id": "Unit kerja", "en": "Work unit"},
    "units": {"id": "Hasil per unit kerja", "en": "Results by work unit"},
    "value": {"id": "Nilai", "en": "Value"},
    "score": {"id": "Skor", "en": "Score"},
    "measure": {"id": "Ukuran", "en": "Measure"},
    "summary": {"id": "Ringkasan", "en": "Summary"},
    "seven_values": {"id": "Tujuh nilai dasar", "en": "The seven core values"},
    "radar": {"id": "Profil tujuh nilai", "en": "Profile of the seven values"},
    "ranking": {"id": "Peringkat unit kerja", "en": "Ranking of work units"},
    "rank": {"id": "Peringkat", "en": "Rank"},
    "participation": {"id": "Partisipasi per unit kerja", "en": "Participation by work unit"},
    "headcount": {"id": "Jumlah pegawai", "en": "Headcount"},
    "rate": {"id": "Tingkat partisipasi (%)", "en": "Response rate (%)"},
    "minimum": {"id": "Sampel minimum (Slovin)", "en": "Minimum sample (Slovin)"},
    "meets": {"id": "Memenuhi minimum", "en": "Meets minimum"},
    "yes": {"id": "ya", "en": "yes"},
    "no": {"id": "belum", "en": "no"},
    "total": {"id": "Total", "en": "Total"},
    "engagement": {"id": "Keterikatan kerja", "en": "Engagement"},
    "entropy": {"id": "Entropi budaya (%)", "en": "Cultural entropy (%)"},
    "positive_energy": {"id": "Energi positif (%)", "en": "Positive energy (%)"},
    "alignment_pc": {"id": "Keselarasan nilai pribadi dan organisasi saat ini", "en": "Alignment of personal and current values"},
    "alignment_cd": {"id": "Keselarasan budaya saat ini dan yang diharapkan", "en": "Alignment of current and desired culture"},
    "values": {"id": "Pemilihan nilai", "en": "Values selection"},
    "top_values": {"id": "Nilai teratas", "en": "Top values"},
    "option": {"id": "Pilihan", "en": "Option"},
    "tag": {"id": "Kelompok nilai", "en": "Value group"},
    "votes": {"id": "Suara", "en": "Votes"},
    "percent_respondents": {"id": "% responden", "en": "% of respondents"},
    "votes_by_value": {"id": "Suara per nilai BerAKHLAK", "en": "Votes per BerAKHLAK value"},
    "personal": {"id": "Diri sendiri", "en": "Yourself"},
    "current": {"id": "Organisasi saat ini", "en": "Organisation now"},
    "desired": {"id": "Organisasi yang diharapkan", "en": "Organisation wanted"},
    "join_reasons": {"id": "Alasan bergabung menjadi ASN", "en": "Reasons for joining the civil service"},
    "reason": {"id": "Alasan", "en": "Reason"},
    "limiting": {"id": "menghambat", "en": "limiting"},
    "suppressed": {"id": "disembunyikan", "en": "suppressed"},
    "empty": {"id": "tidak ada responden", "en": "no respondents"},
    "no_data": {"id": "tidak ada data", "en": "no data"},
    "breakdown": {"id": "Rincian", "en": "Breakdown"},
    "bands": {"id": "Kategori indeks", "en": "Index categories"},
    "method": {"id": "Metode", "en": "Method"},
    "percent_favourable": {"id": "persentase jawaban positif (setuju atau sangat setuju)", "en": "share of favourable answers"},
    "mean_scaled": {"id": "rata-rata jawaban diskalakan ke 0-100", "en": "mean answer rescaled to 0-100"},
    "votes_method": {"id": "persentase responden yang memilih nilai tersebut", "en": "share of respondents voting for the value"},
    "generated": {"id": "Dibuat", "en": "Generated"},
    "survey": {"id": "Survei", "en": "Survey"},
    "questionnaire": {"id": "Kuesioner", "en": "Questionnaire"},
    "suppression_note": {
        "id": "Kelompok dengan kurang dari {k} responden disembunyikan agar jawaban tetap anonim; bila hanya satu kelompok disembunyikan, kelompok terkecil berikutnya juga disembunyikan agar tidak dapat dihitung dari total.",
        "en": "Groups with fewer than {k} respondents are suppressed to keep answers anonymous; where only one group is suppressed, the next smallest is suppressed too so it cannot be worked out from the total.",
    },
    "band_note": {"id": "Label kategori D disimpulkan, tidak dipublikasikan.", "en": "The label of category D is inferred, not published."},
    "below_minimum": {"id": "unit di bawah sampel minimum", "en": "units below the minimum sample"},
    "scores": {"id": "Skor", "en": "Scores"},
    "breakdown_field": {"id": "Rincian menurut", "en": "Broken down by"},
    "everyone": {"id": "Semua", "en": "All"},
    "evaluation": {"id": "Evaluasi implementasi BerAKHLAK", "en": "BerAKHLAK implementation evaluation"},
    "composite": {"id": "Indeks BerAKHLAK (survei dan evaluasi)", "en": "BerAKHLAK Index (survey and evaluation)"},
    "survey_index": {"id": "Indeks survei", "en": "Survey index"},
    "evaluation_index": {"id": "Indeks evaluasi", "en": "Evaluation index"},
    "composite_index": {"id": "Indeks komposit", "en": "Composite index"},
    "weights": {"id": "Bobot: {s}% survei + {e}% evaluasi", "en": "Weights: {s}% survey + {e}% evaluation"},
    "basis": {"id": "Dasar", "en": "Basis"},
    "basis_composite": {"id": "komposit", "en": "composite"},
    "basis_survey_only": {"id": "survei saja", "en": "survey only"},
    "basis_evaluation_only": {"id": "evaluasi saja, tanpa komposit", "en": "evaluation only, no composite"},
    "basis_suppressed": {"id": "disembunyikan", "en": "suppressed"},
    "basis_none": {"id": "tidak ada data", "en": "no data"},
    "evaluation_status": {"id": "Status evaluasi", "en": "Evaluation status"},
    "status_verified": {"id": "terverifikasi", "en": "verified"},
    "status_in_review": {"id": "sedang diperiksa", "en": "in review"},
    "status_returned": {"id": "sudah dikirim, belum diperiksa", "en": "returned, not yet checked"},
    "status_missing": {"id": "belum dikirim", "en": "missing"},
    "stages": {"id": "Evaluasi per tahap", "en": "Evaluation by stage"},
    "evidence": {"id": "Bukti yang diperiksa", "en": "Evidence looked at"},
    "criterion": {"id": "Kriteria", "en": "Criterion"},
    "claimed": {"id": "Diklaim", "en": "Claimed"},
    "verified": {"id": "Diverifikasi", "en": "Verified"},
    "note": {"id": "Catatan", "en": "Note"},
    "file": {"id": "File", "en": "File"},
    "size": {"id": "Ukuran (bita)", "en": "Size (bytes)"},
    "source": {"id": "Sumber", "en": "Source"},
    "computed": {"id": "dihitung dari data", "en": "computed from the data"},
    "organisation": {"id": "Organisasi", "en": "Organisation"},
    "instrument": {"id": "Instrumen evaluasi", "en": "Evaluation instrument"},
    "composite_note": {
        "id": "Unit tanpa evaluasi terverifikasi menampilkan indeks survei saja; komposit tidak dibuat dari data yang tidak ada.",
        "en": "A unit without a verified evaluation shows its survey index only; no composite is made up from missing data.",
    },
}


def word(key: str, lang: str) -> str:
    """A report word in `lang` (Indonesian when the language is not offered)."""
    entry = WORDS[key]
    return entry.get(lang) or entry["id"]


def number(value: float | int | None, lang: str, places: int = 1) -> str:
    """A number as people of `lang` write it: 60,9 and 1.234 in Indonesian; 60.9 and 1,234 in English."""
    if value is None:
        return ""
    text = f"{value:,.{places}f}" if isinstance(value, float) else f"{value:,d}"
    if lang == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
