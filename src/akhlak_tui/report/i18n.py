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
    "status": {"id": "Status", "en": "Status"},
    "shown": {"id": "ditampilkan", "en": "shown"},
    "note": {"id": "Catatan", "en": "Note"},
    "category_code": {"id": "Kategori", "en": "Category"},
    "category_label": {"id": "Label kategori", "en": "Category label"},
    "number": {"id": "Angka", "en": "Number"},
    "text": {"id": "Keterangan", "en": "Text"},
    "hidden_small": {"id": "disembunyikan (n < {k})", "en": "suppressed (n < {k})"},
    "hidden_complementary": {
        "id": "disembunyikan agar kelompok kecil lain tidak dapat dihitung",
        "en": "suppressed so that another small group cannot be worked out",
    },
    "hidden_value": {"id": "disembunyikan (kurang dari {k} yang menjawab)", "en": "suppressed (fewer than {k} answered)"},
    "values_no_data": {"id": "tidak ada data untuk nilai: {names}", "en": "no data for the value: {names}"},
    "values_hidden": {
        "id": "disembunyikan karena kurang dari {k} responden menjawab nilai: {names}",
        "en": "suppressed because fewer than {k} respondents answered the value: {names}",
    },
    "no_index": {"id": "tidak ada indeks", "en": "no index"},
    "implausible": {
        "id": "tidak wajar: responden melebihi jumlah pegawai (data ganda? jumlah pegawai salah?)",
        "en": "implausible: more respondents than the headcount (duplicates? wrong headcount?)",
    },
    "implausible_short": {"id": "tidak wajar", "en": "implausible"},
    "implausible_units": {"id": "unit dengan responden melebihi jumlah pegawai", "en": "units with more respondents than their headcount"},
    "org_hidden": {
        "id": "Seluruh organisasi memiliki kurang dari {k} responden: semua angka disembunyikan.",
        "en": "The whole organisation has fewer than {k} respondents: every number is suppressed.",
    },
    "empty_breakdown": {"id": "Tidak ada rincian yang diminta.", "en": "No breakdown was asked for."},
    "empty_ranking": {
        "id": "Peringkat kosong: tidak ada unit dengan indeks yang dapat ditampilkan (unit kecil disembunyikan).",
        "en": "No ranking: no unit has an index that may be shown (small units are suppressed).",
    },
    "values_suppressed_why": {
        "id": "Pemilihan nilai disembunyikan: kurang dari {k} responden.",
        "en": "Values selection suppressed: fewer than {k} respondents.",
    },
    "no_values_question": {"id": "Kuesioner ini tidak memiliki pertanyaan pemilihan nilai.", "en": "This questionnaire has no values-selection questions."},
    "no_units": {"id": "Tidak ada daftar unit kerja.", "en": "There is no list of work units."},
    "indicators": {"id": "Indikator perilaku", "en": "Behaviour indicators"},
    "executive_summary": {"id": "Ringkasan eksekutif", "en": "Executive summary"},
    "fieldwork": {"id": "Pengisian", "en": "Fieldwork"},
    "comparison": {"id": "Perbandingan dengan", "en": "Compared with"},
    "level": {"id": "Tingkat", "en": "Level"},
    "name": {"id": "Nama", "en": "Name"},
    "previous": {"id": "Sebelumnya", "en": "Before"},
    "now": {"id": "Sekarang", "en": "Now"},
    "change": {"id": "Perubahan", "en": "Change"},
    "unit_new": {"id": "unit baru (tidak ada pada survei sebelumnya)", "en": "new unit (not in the earlier wave)"},
    "unit_no_figure": {"id": "tidak ada angka sebelumnya", "en": "no earlier figure"},
    "unit_gone": {"id": "tidak ada responden sekarang", "en": "no respondents now"},
    "items_refused": {
        "id": "Pernyataan tidak dibandingkan satu per satu: {reason}. Nilai tetap dibandingkan.",
        "en": "Statements are not compared one by one: {reason}. The values still are.",
    },
    "since": {"id": "{change} sejak {label} ({previous})", "en": "{change} since {label} ({previous})"},
    "change_per_value": {"id": "Perubahan per nilai", "en": "Change per value"},
    "gap_title": {"id": "Budaya saat ini dan yang diharapkan per nilai", "en": "Culture now and wanted, per value"},
    "current_share": {"id": "Saat ini (% suara)", "en": "Now (% of votes)"},
    "desired_share": {"id": "Diharapkan (% suara)", "en": "Wanted (% of votes)"},
    "gap": {"id": "Selisih", "en": "Gap"},
    "gap_note": {
        "id": "Selisih = diharapkan - saat ini, dalam poin persentase suara: positif berarti pegawai ingin lebih banyak nilai itu daripada yang mereka lihat sekarang.",
        "en": "Gap = wanted - now, in percentage points of the votes: positive means staff want more of the value than they see now.",
    },
    "culture_units": {"id": "Budaya kerja per unit", "en": "Work culture by unit"},
    "indicator": {"id": "Indikator", "en": "Indicator"},
    "item": {"id": "Butir", "en": "Item"},
    "answered": {"id": "Menjawab", "en": "Answered"},
    "na_rate": {"id": "% tidak berlaku", "en": "% not applicable"},
    "missing_rate": {"id": "% tidak dijawab", "en": "% unanswered"},
    "distribution": {"id": "Sebaran jawaban (%)", "en": "Distribution of answers (%)"},
    "where_to_act": {"id": "Di mana perlu bertindak", "en": "Where to act"},
    "indicators_note": {
        "id": "Skor tiap pernyataan dihitung seperti nilainya. Sebaran: bagian jawaban pada tiap titik skala, dari sangat tidak setuju (kiri) sampai sangat setuju (kanan); hijau selalu sisi yang baik.",
        "en": "Each statement is scored like its value. Distribution: share of answers at each scale point, strongly disagree (left) to strongly agree (right); green is always the good side.",
    },
    "reverse_note": {"id": "pernyataan terbalik: setuju berarti tidak baik", "en": "reverse-keyed: agreeing is bad"},
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
