"""At 80x24: the review keeps whole words and numbers questions as the home screen counts them and
takes the respondent back after a fix; the required mark; Ctrl+Q, declining and export prompts."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from textual.widgets import OptionList, Static

from akhlak_tui.active import ActiveSurvey, practice_survey
from akhlak_tui.questionnaire.model import tr
from akhlak_tui.tui.screens.question import with_required_mark
from akhlak_tui.tui.screens.review import answer_text
from akhlak_tui.tui.widgets.key_bar import fitting
from .support import load, open_item, ready, screen_name, screen_text, terminal_text, type_text
from .test_kiosk import enter_kiosk


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


async def test_review_rows_keep_whole_words_and_number_as_home_and_progress_do(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert "· 38 butir" in screen_text(pilot)  # the home screen's count
        await pilot.press("n", "enter")
        assert str(app.screen.query_one("#progress", Static).render()) == "1 / 38"
        interview = app.interview
        interview.jump("values_note")
        app.screen.show_item()
        await pilot.pause()
        assert str(app.screen.query_one("#progress", Static).render()) == "29 / 38"  # the note leads to question 29
        await pilot.press("enter")
        assert interview.item.id == "values_self"
        assert str(app.screen.query_one("#progress", Static).render()) == "29 / 38"
        await pilot.press("ctrl+r")
        assert screen_name(pilot) == "ReviewScreen"
        review_list = app.screen.query_one("#review-list", OptionList)
        numbers = []
        for option in review_list.options:
            prompt = str(option.prompt)
            numbers.append(int(prompt[1:].split(".")[0]))
            item = interview.flow.questionnaire.item_by_id[option.id]
            label = tr(item.label, "id")
            answer = answer_text(interview, item, interview.answers.get(item.id)) or "belum dijawab -"
            shown = words(prompt[prompt.index(".") + 1 :])
            assert set(words(label)) <= set(shown), option.id  # the whole label
            assert set(shown) <= set(words(label)) | set(words(answer)), option.id  # no cut-off word
        assert numbers == list(range(1, 39))  # no number skipped at the note

        def bp1_lines() -> int:
            return len(str(app.screen.query_one("#review-list", OptionList).get_option("bp1").prompt).splitlines())

        assert bp1_lines() == 3
        await pilot.resize_terminal(120, 24)  # a wider terminal: the rows are laid out again
        await pilot.pause()
        assert bp1_lines() == 2


async def test_enter_and_esc_on_a_question_opened_from_the_review_return_to_it(app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("n", "enter")
        await type_text(pilot, "rsud")
        await pilot.press("enter", "ctrl+r")
        review_list = app.screen.query_one("#review-list", OptionList)
        review_list.highlighted = [o.id for o in review_list.options].index("bp2")
        await pilot.press("enter")
        assert (screen_name(pilot), app.interview.item.id) == ("QuestionScreen", "bp2")
        assert "Enter Tinjau  Esc Kembali" in terminal_text(app)
        await pilot.press("enter")  # no answer yet: refused, the question stays
        assert screen_name(pilot) == "QuestionScreen"
        assert "Pertanyaan ini wajib dijawab." in screen_text(pilot)
        await pilot.press("4", "enter")  # fixed: back to the review, not on to bp3
        assert screen_name(pilot) == "ReviewScreen"
        assert app.screen.query_one("#review-list", OptionList).highlighted_option.id == "bp2"
        await pilot.press("up", "enter")  # bp1
        assert app.interview.item.id == "bp1"
        await pilot.press("escape")  # Esc too goes back to the review (not to the unit)
        assert screen_name(pilot) == "ReviewScreen"
        await pilot.press("escape")
        assert (screen_name(pilot), app.interview.item.id) == ("QuestionScreen", "bp1")
        await pilot.press("escape")  # from there on, Esc goes back one question again
        assert app.interview.item.id == "position"
        answers = load(data_dir, app.interview.response_id).answer_map
    assert answers == {"unit": "RSUD", "bp2": 4}


def test_required_mark_stays_with_the_last_word():
    assert with_required_mark("satu dua", 9) == "satu\ndua *"  # "satu dua *" would leave "*" alone
    assert with_required_mark("satu dua", 10) == "satu dua *"
    assert with_required_mark("satu dua", 7) == "satu dua *"  # each word on its line anyway: "dua *" fits


async def test_required_mark_is_explained_once_and_never_alone_on_a_line(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("n", "enter")
        assert screen_text(pilot).count("* wajib dijawab") == 1  # the unit is required
        await type_text(pilot, "rsud")
        await pilot.press("enter")  # gender: optional, no mark and no legend
        assert "*" not in terminal_text(app)
        app.interview.jump("bp2")
        app.screen.show_item()
        await pilot.press("ctrl+l")  # in English, at 80 columns, " *" used to wrap alone here
        label = tr(app.interview.item.label, "en")
        assert textwrap.wrap(f"{label} *", 78)[-1] == "*"
        lines = [line.strip() for line in terminal_text(app).splitlines()]
        assert "*" not in lines
        assert "way. *" in lines
        assert sum(line.count("* needs an answer") for line in lines) == 1
        # the same after a resize, in Bahasa Indonesia, at a width where bp1's mark would be alone
        app.interview.jump("bp1")
        await pilot.press("ctrl+l")
        label = tr(app.interview.item.label, "id")
        width = next(w for w in range(40, 120) if textwrap.wrap(f"{label} *", w - 2)[-1] == "*")
        await pilot.resize_terminal(width, 24)
        await pilot.pause()
        lines = [line.strip() for line in terminal_text(app).splitlines()]
        assert "*" not in lines
        assert any(line.endswith("layanan. *") for line in lines)


async def test_ctrl_q_during_an_interview_asks_first_and_keeps_the_draft(app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_item(pilot, "comment")
        await type_text(pilot, "lebih sering")
        await pilot.press("ctrl+q")
        assert screen_name(pilot) == "QuitScreen"
        assert "Keluar dari aplikasi?" in screen_text(pilot)
        response_id = app.interview.response_id
        assert load(data_dir, response_id).answer_map == {"comment": "lebih sering"}  # kept before asking
        await pilot.press("escape")
        assert (screen_name(pilot), app.interview.item.id) == ("QuestionScreen", "comment")
        await type_text(pilot, " lagi")
        await pilot.press("ctrl+q", "enter")
        await pilot.pause()
        assert not app.is_running
    response = load(data_dir, response_id)
    assert (response.status, response.answer_map) == ("draft", {"comment": "lebih sering lagi"})


async def test_kiosk_decline_leaves_the_welcome_question_readable(app_factory):
    app = app_factory(thanks_seconds=60)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await enter_kiosk(pilot)
        await pilot.press("n")
        await pilot.pause()
        lines = [line.strip() for line in terminal_text(app).splitlines()]
        assert "Apakah Anda bersedia mengisi survei ini?" in lines
        assert "Terima kasih. Tidak ada jawaban yang disimpan." in lines
        assert not app.screen.query("Toast")
        assert screen_name(pilot) == "WelcomeScreen" and app.interview is None


async def test_kiosk_after_a_decline_the_next_person_starts_in_bahasa(app_factory):
    app = app_factory(thanks_seconds=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_kiosk(pilot)
        await pilot.press("ctrl+l", "n")  # the respondent reads it in English, and declines
        assert app.lang == "en" and "Thank you" in screen_text(pilot)
        await pilot.pause(1.2)
        assert screen_name(pilot) == "WelcomeScreen" and app.kiosk is not None
        assert app.lang == "id" and "Apakah Anda bersedia mengisi survei ini?" in screen_text(pilot)
        assert "Thank you" not in screen_text(pilot)


def real_survey() -> ActiveSurvey:
    practice = practice_survey()
    return ActiveSurvey("uji-2026", "Survei uji", practice.questionnaire, practice.units, coordinator_box_key=bytes(32))


async def test_export_says_what_is_missing_in_the_folder_field(app_factory, tmp_path):
    app = app_factory(survey=real_survey())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        assert screen_name(pilot) == "ExportScreen"
        await pilot.press("enter")
        assert "Ketik dulu folder tujuan, misalnya" in screen_text(pilot)
        await type_text(pilot, str(tmp_path / "tidak-ada"))
        await pilot.press("enter")
        assert "tidak ada. Apakah flashdisk sudah terpasang?" in screen_text(pilot)
        assert not Path(tmp_path / "tidak-ada").exists()


def test_key_bar_drops_the_least_important_keys_and_keeps_two_spaces():
    keys = [("1-5", "a", "Pilih"), ("Enter", "b", "Lanjut"), ("Esc", "c", "Kembali", 1), ("^p", "d", "Jeda", 3), ("^x", "e", "Batal", 2)]
    assert fitting(keys, 80) == keys
    assert [k[0] for k in fitting(keys, 48)] == ["1-5", "Enter", "Esc", "^x"]  # "^p" (rank 3) goes first
    assert [k[0] for k in fitting(keys, 40)] == ["1-5", "Enter", "Esc"]
    assert [k[0] for k in fitting(keys, 30)] == ["1-5", "Enter"]
    assert [k[0] for k in fitting(keys, 10)] == ["1-5", "Enter"]  # rank 0 always shows


async def test_the_reason_a_submit_was_refused_switches_language_with_ctrl_l(app_factory):
    """On the review, s with a required answer missing says why under the count; Ctrl+L used to drop
    that line instead of saying it in the other language."""
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("n", "enter")
        await type_text(pilot, "rsud")
        await pilot.press("enter", "ctrl+r", "s")
        status = str(app.screen.query_one("#review-status", Static).render())
        assert "! Pertanyaan ini wajib dijawab." in status, status
        await pilot.press("ctrl+l")
        status = str(app.screen.query_one("#review-status", Static).render())
        assert "! This question needs an answer." in status and "wajib" not in status, status
