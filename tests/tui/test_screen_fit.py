"""What an 80x24 terminal shows: one-line key bars, ticks and typed brackets drawn as text, clear wording."""

from __future__ import annotations

from textual.widgets import OptionList, TextArea

from akhlak_tui.tui.widgets.key_bar import KeyBar
from .support import clear_filter, open_item, ready, screen_name, screen_text, type_text
from .test_kiosk import enter_kiosk


def bar_fits(pilot) -> bool:
    """The key bar of the screen on top takes one line, two spaces between keys."""
    bar = pilot.app.screen.query_one(KeyBar)
    return bar.size.height == 1 and len(bar.plain()) <= bar.size.width


def option_lines(pilot, selector: str) -> list[str]:
    """The lines an option list draws, as the terminal shows them."""
    option_list = pilot.app.screen.query_one(selector, OptionList)
    return [option_list.render_line(y).text.strip() for y in range(option_list.size.height)]


async def open_values_question(app, pilot) -> None:
    """Start a response and show the values question (after a note)."""
    await open_item(pilot, "values_self")


async def walk_checking_bars(pilot) -> list[str]:
    """Answer every item of the built-in questionnaire; on each, check the bar in both languages.
    Returns the ids of the items whose bar did not fit."""
    interview = pilot.app.interview
    misfits: list[str] = []
    while screen_name(pilot) == "QuestionScreen":
        item_id = interview.item.id
        for _ in range(2):  # Bahasa Indonesia, then English, then back
            await pilot.pause()
            if not bar_fits(pilot):
                misfits.append(f"{item_id}/{interview.lang}")
            await pilot.press("ctrl+l")
        kind = pilot.app.screen.kind
        if item_id == "unit":
            await type_text(pilot, "rsud")
        elif kind == "choices":
            await pilot.press("1")
        elif kind == "picker":
            await pilot.press("space")
        elif kind in ("text", "longtext", "number"):
            await type_text(pilot, "7")
        await pilot.press("enter")
        assert interview.item.id != item_id or screen_name(pilot) == "ReviewScreen", item_id
    return misfits


async def test_key_bar_is_one_line_on_every_question_in_both_languages(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert bar_fits(pilot)  # home
        await pilot.press("n")
        assert bar_fits(pilot)  # welcome
        await pilot.press("enter")
        assert await walk_checking_bars(pilot) == []
        assert screen_name(pilot) == "ReviewScreen"
        assert bar_fits(pilot)


async def test_key_bar_is_one_line_in_kiosk_mode(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_kiosk(pilot)
        assert bar_fits(pilot)  # kiosk welcome, with the key that leaves kiosk mode
        await pilot.press("enter")
        assert "^q" in app.screen.query_one(KeyBar).plain()
        assert await walk_checking_bars(pilot) == []


async def test_ticked_values_word_is_drawn_with_its_mark(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_values_question(app, pilot)
        await type_text(pilot, "adil")
        await pilot.press("space")
        await pilot.pause()
        assert option_lines(pilot, "#picker #options")[0] == "[x] Adil"
        await clear_filter(pilot, 4)
        await pilot.pause()
        assert "[ ] Anti kritik" in option_lines(pilot, "#picker #options")


async def test_values_filter_without_a_match_says_so(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_values_question(app, pilot)
        await type_text(pilot, "fair")  # an English word while the words are in Bahasa Indonesia
        await pilot.pause()
        assert "0 / 10 dipilih · Tidak ada pilihan yang cocok." in screen_text(pilot)
        await clear_filter(pilot, 4)
        await pilot.press("ctrl+l")
        await type_text(pilot, "fair")
        await pilot.pause()
        assert "No option matches." not in screen_text(pilot)


async def test_typed_brackets_show_as_typed_in_the_review(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_item(pilot, "comment")
        assert app.screen.query_one("#longtext", TextArea).placeholder == "ketik jawaban Anda"
        await type_text(pilot, "[/] lebih [b]jelas")
        await pilot.press("enter")
        assert screen_name(pilot) == "ReviewScreen"
        await pilot.pause()
        assert any(line.endswith("[/] lebih [b]jelas") for line in option_lines(pilot, "#review-list"))


async def test_review_numbers_items_as_the_progress_does(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_values_question(app, pilot)
        interview = app.interview
        number, _ = interview.progress()
        await pilot.press("ctrl+r")
        assert screen_name(pilot) == "ReviewScreen"
        review_list = app.screen.query_one("#review-list", OptionList)
        line = str(review_list.get_option("values_self").prompt)
        assert line[1:].lstrip().startswith(f"{number}. ")


async def test_abandon_dialog_keys_say_which_way_each_goes(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("n", "enter", "ctrl+x")
        assert screen_name(pilot) == "AbandonScreen"
        assert app.screen.query_one(KeyBar).plain() == "Enter Ya, batalkan  Esc Tidak, kembali"
        await pilot.press("escape")
        assert screen_name(pilot) == "QuestionScreen"
        assert app.interview is not None


async def test_tab_leaves_typing_in_the_filter(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("n", "enter", "tab")
        await type_text(pilot, "rsud")
        await pilot.press("enter")
        assert app.interview.answers["unit"] == "RSUD"


async def test_review_tells_apart_questions_that_start_alike(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("n", "enter", "ctrl+r")
        review_list = app.screen.query_one("#review-list", OptionList)
        ids = ("values_self", "values_now", "values_wanted")
        rows = {i: str(review_list.get_option(i).prompt).split(". ", 1)[1] for i in ids}  # no numbers
        assert len(set(rows.values())) == 3
        assert "sebagai pribadi?" in rows["values_self"]
        assert str(review_list.get_option("unit").prompt).split(". ", 1)[1].startswith("Unit kerja Anda ")
