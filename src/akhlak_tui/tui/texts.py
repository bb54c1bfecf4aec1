"""The words of the survey app itself, in Bahasa Indonesia and English (questionnaire texts live in the file).

Loaded with the first screen, so it imports nothing else of the package (no pydantic at start-up).
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    # keys shown in the key bar
    "key.choose": {"id": "Pilih", "en": "Choose"},
    "key.next": {"id": "Lanjut", "en": "Next"},
    "key.back": {"id": "Kembali", "en": "Back"},
    "key.review": {"id": "Tinjau", "en": "Review"},
    "key.language": {"id": "English", "en": "Bahasa"},
    "key.pause": {"id": "Jeda", "en": "Pause"},
    "key.abandon": {"id": "Batalkan", "en": "Abandon"},
    "key.toggle": {"id": "Centang", "en": "Toggle"},
    "key.filter": {"id": "Saring", "en": "Filter"},
    "key.submit": {"id": "Kirim", "en": "Submit"},
    "key.jump": {"id": "Buka", "en": "Open"},
    "key.agree": {"id": "Setuju, mulai", "en": "Agree, start"},
    "key.decline": {"id": "Tidak bersedia", "en": "Decline"},
    "key.home": {"id": "Beranda", "en": "Home"},
    "key.leave_kiosk": {"id": "Keluar (PIN)", "en": "Leave kiosk (PIN)"},
    "key.quit": {"id": "Keluar", "en": "Quit"},
    "key.cancel": {"id": "Batal", "en": "Cancel"},
    "key.close": {"id": "Tutup", "en": "Close"},
    "key.abandon_confirm": {"id": "Ya, batalkan", "en": "Yes, abandon"},
    "key.abandon_keep": {"id": "Tidak, kembali", "en": "No, go back"},
    "key.ok": {"id": "OK", "en": "OK"},
    "key.resume": {"id": "Lanjutkan", "en": "Resume"},
    "key.next_interview": {"id": "Wawancara baru", "en": "New interview"},
    # home
    "home.survey": {"id": "Survei", "en": "Survey"},
    "home.questionnaire": {"id": "Kuesioner", "en": "Questionnaire"},
    "home.items": {"id": "butir", "en": "items"},
    "home.practice": {
        "id": "Mode latihan: belum ada survei terpasang; jawaban tidak akan diekspor.",
        "en": "Practice mode: no survey installed; answers are never exported.",
    },
    "home.loading": {"id": "Memuat survei ...", "en": "Loading the survey ..."},
    "home.unit": {"id": "Unit", "en": "Unit"},
    "home.today": {"id": "Hari ini", "en": "Today"},
    "home.submitted": {"id": "Selesai", "en": "Submitted"},
    "home.target": {"id": "Target", "en": "Target"},
    "home.no_responses": {"id": "Belum ada jawaban hari ini.", "en": "No responses yet today."},
    "home.total": {"id": "Jumlah", "en": "Total"},
    "home.interview": {"id": "Mulai wawancara (mode pencacah)", "en": "Start an interview (enumerator mode)"},
    "home.kiosk": {"id": "Mulai mode kios (responden mengisi sendiri)", "en": "Start kiosk mode (respondents answer alone)"},
    "home.resume": {"id": "Lanjutkan jawaban yang belum selesai ({n})", "en": "Resume an unfinished response ({n})"},
    "home.export": {"id": "Ekspor ke flashdisk", "en": "Export to a USB drive"},
    "home.quit": {"id": "Keluar", "en": "Quit"},
    "home.no_drafts": {"id": "Tidak ada jawaban yang belum selesai.", "en": "There is no unfinished response."},
    "home.error": {"id": "Survei tidak dapat dibuka: {error}", "en": "The survey cannot be opened: {error}"},
    # welcome
    "welcome.anonymous": {
        "id": "Survei ini anonim: tidak ada nama atau NIP yang diminta.",
        "en": "This survey is anonymous: no name or NIP is asked for.",
    },
    "welcome.question": {"id": "Apakah Anda bersedia mengisi survei ini?", "en": "Are you willing to take part?"},
    "welcome.declined": {
        "id": "Terima kasih. Tidak ada jawaban yang disimpan.",
        "en": "Thank you. No answers were stored.",
    },
    # answering
    "answer.first": {"id": "Ini pertanyaan pertama.", "en": "This is the first question."},
    "answer.cleared": {
        "id": "Jawaban untuk {n} pertanyaan yang tidak lagi berlaku telah dihapus.",
        "en": "Answers to {n} questions that no longer apply were removed.",
        "en_one": "The answer to 1 question that no longer applies was removed.",
    },
    "answer.chosen": {"id": "{n} / {max} dipilih", "en": "{n} / {max} chosen"},
    "answer.filter": {"id": "ketik untuk menyaring", "en": "type to filter"},
    "answer.no_match": {"id": "Tidak ada pilihan yang cocok.", "en": "No option matches."},
    "answer.number": {"id": "angka", "en": "number"},
    "answer.text": {"id": "ketik jawaban Anda", "en": "type your answer"},
    "answer.note": {"id": "Tekan Enter untuk melanjutkan.", "en": "Press Enter to go on."},
    "answer.resumed": {"id": "Dilanjutkan dari pertanyaan terakhir.", "en": "Resumed at the last question."},
    # review
    "review.title": {"id": "Tinjau jawaban", "en": "Review your answers"},
    "review.missing": {"id": "belum dijawab", "en": "not answered"},
    "review.empty": {"id": "-", "en": "-"},
    "review.problems": {
        "id": "{n} pertanyaan perlu diperbaiki (ditandai !). Pilih untuk membukanya.",
        "en": "{n} questions need attention (marked !). Choose one to open it.",
        "en_one": "1 question needs attention (marked !). Choose it to open it.",
    },
    "review.ready": {"id": "Semua siap. Tekan s untuk mengirim.", "en": "All set. Press s to submit."},
    # thanks
    "thanks.title": {"id": "Terima kasih!", "en": "Thank you!"},
    "thanks.body": {"id": "Jawaban Anda telah tersimpan.", "en": "Your answers have been saved."},
    "thanks.kiosk": {"id": "Layar akan kembali ke awal dalam {n} detik.", "en": "The screen returns to the start in {n} seconds.", "en_one": "The screen returns to the start in 1 second."},
    # kiosk and PIN
    "pin.set": {"id": "Tentukan PIN untuk keluar dari mode kios (paling sedikit 4 karakter).", "en": "Set a PIN to leave kiosk mode (at least 4 characters)."},
    "pin.again": {"id": "Ketik PIN sekali lagi.", "en": "Type the PIN once more."},
    "pin.mismatch": {"id": "PIN tidak sama. Ulangi.", "en": "The PINs differ. Try again."},
    "pin.short": {"id": "PIN paling sedikit 4 karakter.", "en": "The PIN needs at least 4 characters."},
    "pin.enter": {"id": "PIN untuk keluar dari mode kios", "en": "PIN to leave kiosk mode"},
    "pin.wrong": {"id": "PIN salah ({n} kali).", "en": "Wrong PIN (attempt {n})."},
    "pin.wait": {"id": "Tunggu {n} detik sebelum mencoba lagi.", "en": "Wait {n} s before trying again."},
    "idle.title": {"id": "Masih di sini?", "en": "Still there?"},
    "idle.body": {
        "id": "Tanpa aktivitas, jawaban ini dibatalkan dalam {n} detik. Tekan tombol apa saja untuk melanjutkan.",
        "en": "With no activity, this response is abandoned in {n} seconds. Press any key to go on.",
        "en_one": "With no activity, this response is abandoned in 1 second. Press any key to go on.",
    },
    # enumerator
    "abandon.title": {"id": "Batalkan jawaban ini? Tulis alasannya.", "en": "Abandon this response? Give the reason."},
    "abandon.placeholder": {"id": "misalnya: responden harus pergi", "en": "e.g. the respondent had to leave"},
    "abandon.needed": {"id": "Alasan wajib diisi.", "en": "A reason is needed."},
    "resume.title": {"id": "Jawaban yang belum selesai", "en": "Unfinished responses"},
    "resume.line": {"id": "{when} · {unit} · {n} jawaban · {mode}", "en": "{when} · {unit} · answers: {n} · {mode}"},
    "resume.abandon": {"id": "Batalkan (terputus)", "en": "Abandon (interrupted)"},
    "resume.other_questionnaire": {
        "id": "Jawaban ini memakai kuesioner lain dan tidak dapat dilanjutkan di sini.",
        "en": "This response uses another questionnaire and cannot be resumed here.",
    },
    # export
    "export.title": {"id": "Ekspor jawaban yang sudah dikirim", "en": "Export submitted responses"},
    "export.where": {"id": "Folder tujuan (misalnya flashdisk):", "en": "Destination folder (e.g. a USB drive):"},
    "export.all": {"id": "Sertakan juga yang sudah pernah diekspor", "en": "Also include responses exported before"},
    "export.unavailable": {"id": "Ekspor belum tersedia pada versi ini.", "en": "Export is not available in this build."},
    "export.done": {"id": "{n} jawaban diekspor ke {path}", "en": "{n} responses exported to {path}", "en_one": "1 response exported to {path}"},
    "export.running": {"id": "Mengekspor ...", "en": "Exporting ..."},
    "export.start": {"id": "Ekspor", "en": "Export"},
    "export.none_submitted": {
        "id": "Belum ada yang bisa diekspor untuk survei {survey}: belum ada jawaban yang dikirim.",
        "en": "Nothing to export for survey {survey}: no response submitted yet.",
    },
    "export.all_exported": {
        "id": "Tidak ada jawaban baru untuk survei {survey}: {n} jawaban sudah pernah diekspor. "
        "Untuk mengekspornya lagi, centang \"{again}\".",
        "en": "Nothing new to export for survey {survey}: {n} responses were exported before. "
        "To export them again, tick \"{again}\".",
        "en_one": "Nothing new to export for survey {survey}: 1 response was exported before. To export it again, tick \"{again}\".",
    },
    "export.all_purged": {
        "id": "Tidak ada yang perlu diekspor untuk survei {survey}: {n} jawaban sudah diterima koordinator "
        "dan dihapus dari laptop ini.",
        "en": "Nothing to export for survey {survey}: {n} responses were received by the coordinator "
        "and deleted from this laptop.",
        "en_one": "Nothing to export for survey {survey}: 1 response was received by the coordinator and deleted from this laptop.",
    },
    # receipts found on the stick after an export
    "receipt.title": {"id": "Tanda terima dari koordinator", "en": "Receipts from the coordinator"},
    "receipt.imported": {
        "id": "{file}: {n} jawaban sudah diterima koordinator ({new} baru dicatat).",
        "en": "{file}: {n} responses received by the coordinator ({new} newly marked).",
        "en_one": "{file}: 1 response received by the coordinator ({new} newly marked).",
    },
    "receipt.ignored": {
        "id": "{n} nomor jawaban diabaikan: tidak ada di laptop ini atau tidak diekspor dari sini.",
        "en": "{n} response ids ignored: not on this laptop or not exported from it.",
        "en_one": "1 response id ignored: not on this laptop or not exported from it.",
    },
    "receipt.refused": {"id": "Tanda terima ditolak: {file}: {reason}", "en": "Receipt refused: {file}: {reason}"},
    "receipt.why.altered": {
        "id": "isinya diubah, atau tidak ditandatangani koordinator survei ini.",
        "en": "altered, or not signed by the coordinator of this survey.",
    },
    "receipt.why.other_laptop": {"id": "untuk laptop lain.", "en": "for another laptop."},
    "receipt.why.not_installed": {
        "id": "untuk survei yang tidak terpasang di laptop ini.",
        "en": "for a survey not installed on this laptop.",
    },
    "receipt.why.unreadable": {"id": "berkas rusak atau tidak dapat dibaca.", "en": "the file is damaged or cannot be read."},
    "receipt.offer": {
        "id": "{n} jawaban yang sudah diterima bisa dihapus dari laptop ini (jumlahnya tetap tercatat). Hapus sekarang?",
        "en": "{n} received responses can be deleted from this laptop (their counts are kept). Delete them now?",
        "en_one": "1 received response can be deleted from this laptop (its count is kept). Delete it now?",
    },
    "receipt.nothing": {"id": "Tidak ada jawaban yang perlu dihapus.", "en": "No response is waiting to be deleted."},
    "receipt.purging": {"id": "Menghapus ...", "en": "Deleting ..."},
    "receipt.purged": {
        "id": "{n} jawaban dihapus dari laptop ini; jumlahnya tetap tercatat.",
        "en": "{n} responses deleted from this laptop; their counts are kept.",
        "en_one": "1 response deleted from this laptop; its count is kept.",
    },
    "receipt.wal": {
        "id": "Salinan lama terhapus saat program lain menutup basis datanya.",
        "en": "Old copies go once another program closes the database.",
    },
    "receipt.purge": {"id": "Hapus", "en": "Delete"},
    "receipt.keep": {"id": "Simpan", "en": "Keep"},
    "receipt.failed": {"id": "Penghapusan gagal.", "en": "Deleting failed."},
    "receipt.import_failed": {"id": "Tanda terima tidak dapat dicatat.", "en": "The receipts could not be recorded."},
    # -- Bahasa throughout: names, notices and dialogs that were in English or missing -----------
    "mode.enumerator": {"id": "wawancara", "en": "interview"},
    "mode.kiosk": {"id": "kios", "en": "kiosk"},
    "mode.demo": {"id": "simulasi", "en": "simulated"},
    "key.kiosk": {"id": "Kios", "en": "Kiosk"},
    "key.export": {"id": "Ekspor", "en": "Export"},
    "home.practice_name": {"id": "Latihan (kuesioner BerAKHLAK bawaan)", "en": "Practice (the built-in BerAKHLAK questionnaire)"},
    "app.quit_hint": {"id": "Tekan Ctrl+Q untuk keluar.", "en": "Press Ctrl+Q to quit."},
    "quit.title": {"id": "Keluar dari aplikasi?", "en": "Quit the app?"},
    "quit.body": {
        "id": "Jawaban sejauh ini tetap tersimpan; lanjutkan nanti dengan r di beranda.",
        "en": "The answers so far stay saved; resume later with r on the home screen.",
    },
    "key.quit_confirm": {"id": "Ya, keluar", "en": "Yes, quit"},
    "key.quit_keep": {"id": "Tidak, kembali", "en": "No, go back"},
    "answer.required": {"id": "* wajib dijawab", "en": "* needs an answer"},
    "export.practice": {
        "id": "Ini mode latihan: jawaban latihan tidak pernah diekspor. Untuk survei yang sebenarnya, "
        "minta koordinator memasang berkas surveinya di laptop ini.",
        "en": "This is practice: practice responses are never exported. For the real survey, ask the "
        "coordinator to install its survey file on this laptop.",
    },
    "export.no_folder": {"id": "Ketik dulu folder tujuan, misalnya {example}", "en": "Type the destination folder first, e.g. {example}"},
    "export.stick_full": {
        "id": "Ekspor gagal: flashdisk penuh. Kosongkan sebagian isinya atau pakai flashdisk lain, lalu ekspor lagi. "
        "Jawaban tetap tersimpan di laptop ini.",
        "en": "The export failed: the USB drive is full. Free some space on it or use another one, then export again. "
        "The responses stay saved on this laptop.",
    },
    "export.stick_read_only": {
        "id": "Ekspor gagal: folder {path} tidak dapat ditulisi (flashdisk terkunci atau hanya-baca). Buka kuncinya "
        "atau pakai folder lain, lalu ekspor lagi. Jawaban tetap tersimpan di laptop ini.",
        "en": "The export failed: the folder {path} cannot be written (the USB drive is locked or read-only). Unlock it "
        "or use another folder, then export again. The responses stay saved on this laptop.",
    },
    "export.stick_error": {
        "id": "Ekspor gagal: bundel tidak dapat ditulis ke {path} ({detail}). Coba lagi atau pakai flashdisk lain. "
        "Jawaban tetap tersimpan di laptop ini.",
        "en": "The export failed: the bundle could not be written to {path} ({detail}). Try again or use another USB "
        "drive. The responses stay saved on this laptop.",
    },
    "export.device_key": {
        "id": "Ekspor gagal: {count} jawaban dibuat dengan kunci perangkat lain ({others}), bukan kunci laptop ini "
        "({device}); berkas device.key telah diganti. Kembalikan device.key yang asli ke folder data, lalu ekspor "
        "lagi; bila tidak ada, hubungi koordinator. Jawaban tetap tersimpan.",
        "en": "The export failed: {count} responses were made under another device key ({others}), not this "
        "laptop's ({device}); the device.key file was replaced. Put the original device.key back in the data "
        "folder, then export again; if you do not have it, call the coordinator. The responses stay saved.",
    },
    "export.record_too_large": {
        "id": "Ekspor gagal: satu jawaban terlalu besar untuk sebuah bundel. Hubungi koordinator; jawaban tetap tersimpan.",
        "en": "The export failed: one response is too large for a bundle. Call the coordinator; the responses stay saved.",
    },
    "export.failed": {"id": "Ekspor gagal: {detail}", "en": "The export failed: {detail}"},
    "export.kept": {"id": "Jawaban tetap tersimpan di laptop ini.", "en": "The responses stay saved on this laptop."},
    "export.store_full": {"id": "Ekspor gagal: disk laptop ini penuh.", "en": "The export failed: this laptop's disk is full."},
    "export.store_read_only": {
        "id": "Ekspor gagal: folder data laptop ini tidak dapat ditulisi.",
        "en": "The export failed: this laptop's data folder cannot be written.",
    },
    "export.store_damaged": {"id": "Ekspor gagal: berkas data laptop ini rusak.", "en": "The export failed: this laptop's data file is damaged."},
    "export.setup": {
        "id": "Ekspor gagal: survei atau kunci perangkat laptop ini tidak dapat dibaca ({detail}). Hubungi koordinator; "
        "jawaban tetap tersimpan di laptop ini.",
        "en": "The export failed: this laptop's survey or device key cannot be read ({detail}). Call the coordinator; "
        "the answers stay saved on this laptop.",
    },
    "export.not_a_folder": {
        "id": "Folder {path} tidak ada. Apakah flashdisk sudah terpasang?",
        "en": "There is no folder {path}. Is the USB drive plugged in?",
    },
    "dashboard.title": {"id": "akhlak · dasbor", "en": "akhlak · dashboard"},
    "dashboard.minimum": {"id": "Min.", "en": "Min."},
    "dashboard.index": {"id": "Indeks", "en": "Index"},
    "dashboard.category": {"id": "Kat.", "en": "Cat."},
    "key.refresh": {"id": "Hitung ulang", "en": "Refresh"},
    "key.evaluation": {"id": "Evaluasi", "en": "Evaluation"},
    "evaluation_review.title": {"id": "Pemeriksaan evaluasi", "en": "Evaluation review"},
    "evaluation_review.none": {"id": "Belum ada evaluasi yang diimpor (akhlak evaluation import FILE...).", "en": "No evaluation imported yet (akhlak evaluation import FILE...)."},
    "evaluation_review.units_help": {"id": "Enter: buka unit · Esc: kembali ke dasbor", "en": "Enter: open the unit · Esc: back to the dashboard"},
    "evaluation_review.criteria_help": {"id": "{keys}: tetapkan tingkat terverifikasi · Esc: kembali ke daftar unit", "en": "{keys}: set the verified level · Esc: back to the units"},
    "evaluation_review.note_prompt": {"id": "Catatan untuk tingkat {level} ({criterion}), lalu Enter; Esc membatalkan", "en": "Note for level {level} ({criterion}), then Enter; Esc cancels"},
    "evaluation_review.saved": {"id": "Tersimpan: {unit} {criterion} = {level}", "en": "Saved: {unit} {criterion} = {level}"},
    "evaluation_review.asked": {"id": "Pertanyaan", "en": "Question"},
    "evaluation_review.counts": {"id": "Bukti yang diterima", "en": "Evidence that counts"},
    "evaluation_review.given": {"id": "Bukti dari unit", "en": "Evidence given"},
    "evaluation_review.files": {"id": "File yang disalin", "en": "Files kept"},
    "evaluation_review.verified": {"id": "terverifikasi", "en": "verified"},
    "evaluation_review.in_review": {"id": "diperiksa", "en": "in review"},
    "evaluation_review.returned": {"id": "dikirim", "en": "returned"},
    "evaluation_review.missing": {"id": "belum ada", "en": "missing"},
    # store failures and unexpected errors (what the enumerator or respondent is told, and what to do)
    "failure.full": {"id": "Jawaban tidak dapat disimpan: disk penuh.", "en": "The answer cannot be saved: the disk is full."},
    "failure.full_do": {
        "id": "Kosongkan ruang di disk, lalu coba lagi (responden: panggil petugas).",
        "en": "Free some disk space, then try again (respondents: call the enumerator).",
    },
    "failure.read_only": {
        "id": "Jawaban tidak dapat disimpan: folder data tidak dapat ditulisi.",
        "en": "The answer cannot be saved: the data folder cannot be written.",
    },
    "failure.read_only_do": {
        "id": "Pastikan folder data dapat ditulisi (drive hanya-baca? izin?), lalu coba lagi (responden: panggil petugas).",
        "en": "Make sure the data folder can be written (a read-only drive? permissions?), then try again (respondents: call the enumerator).",
    },
    "failure.damaged": {
        "id": "Jawaban tidak dapat disimpan: berkas data rusak.",
        "en": "The answer cannot be saved: the data file is damaged.",
    },
    "failure.damaged_do": {
        "id": "Jangan hapus berkas responses.db. Salin seluruh folder data ke flashdisk dan hubungi koordinator.",
        "en": "Do not delete the file responses.db. Copy the whole data folder to a USB drive and call the coordinator.",
    },
    "failure.survey_removed": {
        "id": "Survei ini sudah dilepas dari laptop ini: wawancara baru tidak dapat dimulai.",
        "en": "This survey was removed from this laptop: no new interview can start.",
    },
    "failure.survey_removed_do": {
        "id": "Tutup aplikasi lalu buka lagi; aplikasi akan memakai survei yang aktif sekarang (responden: panggil petugas).",
        "en": "Close the app and open it again; it will use the survey active now (respondents: call the enumerator).",
    },
    "failure.busy": {
        "id": "Jawaban belum dapat disimpan: data sedang dipakai program lain (akhlak di jendela lain).",
        "en": "The answer cannot be saved yet: another program is using the data (akhlak in another window).",
    },
    "failure.busy_do": {
        "id": "Tunggu sebentar, lalu coba lagi (responden: panggil petugas).",
        "en": "Wait a moment, then try again (respondents: call the enumerator).",
    },
    "failure.response_removed": {
        "id": "Wawancara ini sudah dihapus dari laptop ini bersama surveinya: jawabannya tidak ada lagi.",
        "en": "This interview was removed from this laptop with its survey: its answers are gone.",
    },
    "failure.response_removed_do": {
        "id": "Wawancara tidak dapat dilanjutkan. Tutup aplikasi lalu buka lagi (responden: panggil petugas).",
        "en": "The interview cannot go on. Close the app and open it again (respondents: call the enumerator).",
    },
    "failure.other": {"id": "Jawaban tidak dapat disimpan.", "en": "The answer cannot be saved."},
    "failure.other_do": {"id": "Coba lagi; bila tetap gagal, hubungi koordinator (responden: panggil petugas).", "en": "Try again; if it still fails, call the coordinator (respondents: call the enumerator)."},
    "failure.not_saved": {"id": "Jawaban terakhir BELUM tersimpan.", "en": "The last answer was NOT saved."},
    "failure.kept": {"id": "Jawaban sebelumnya tetap tersimpan.", "en": "The answers before it are kept."},
    "failure.not_submitted": {
        "id": "Jawaban BELUM terkirim; semua jawaban yang sudah tersimpan tetap aman.",
        "en": "The response was NOT submitted; every answer saved so far is kept.",
    },
    "failure.draft_kept": {
        "id": "Jawaban responden ini tetap tersimpan sebagai belum selesai (r di beranda).",
        "en": "This respondent's answers are kept as an unfinished response (r on the home screen).",
    },
    "failure.export": {"id": "Ekspor gagal.", "en": "The export failed."},
    "failure.start_full": {
        "id": "Survei tidak dapat dibuka: disk penuh. Kosongkan ruang di disk, lalu buka aplikasi lagi.",
        "en": "The survey cannot be opened: the disk is full. Free some disk space, then open the app again.",
    },
    "failure.start_read_only": {
        "id": "Survei tidak dapat dibuka: folder data {folder} tidak dapat ditulisi. Buat dapat ditulisi (drive hanya-baca? izin?), lalu buka aplikasi lagi.",
        "en": "The survey cannot be opened: the data folder {folder} cannot be written. Make it writable (a read-only drive? permissions?), then open the app again.",
    },
    "failure.start_damaged": {
        "id": "Survei tidak dapat dibuka: berkas data {file} rusak. Jangan hapus atau timpa berkas itu; salin seluruh folder data ke flashdisk dan hubungi koordinator.",
        "en": "The survey cannot be opened: the data file {file} is damaged. Do not delete or replace it; copy the whole data folder to a USB drive and call the coordinator.",
    },
    "failure.title": {"id": "Ada masalah", "en": "Something went wrong"},
    "failure.unexpected": {
        "id": "Terjadi kesalahan tak terduga. Jawaban yang sudah tersimpan tetap aman. Jika terulang, panggil petugas.",
        "en": "An unexpected error happened. Every answer saved so far is kept. If it happens again, call the enumerator.",
    },
    "failure.quit_unsaved": {
        "id": "Jawaban yang sedang diketik BELUM tersimpan: jika keluar sekarang, jawaban itu hilang.",
        "en": "The answer being typed is NOT saved: quitting now loses it.",
    },
    "key.retry": {"id": "Coba lagi", "en": "Try again"},
}


def t(key: str, lang: str, **values: Any) -> str:
    """The app text `key` in `lang` (else Bahasa Indonesia), with placeholders filled in; in English
    with n = 1, its singular form when it has one ("en_one": "1 second", not "1 seconds")."""
    entry = TEXTS[key]
    text = (values.get("n") == 1 and entry.get(f"{lang}_one")) or entry.get(lang) or entry["id"]
    return text.format(**values) if values else text
