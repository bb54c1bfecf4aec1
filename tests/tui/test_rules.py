"""Required, constraints, relevance, the multi-select, language switch and review, driven by keys."""

from __future__ import annotations

from .support import clear_filter, load, ready, screen_name, screen_text, type_text


async def start(pilot) -> None:
    await ready(pilot)
    await pilot.press("n", "enter")
    assert screen_name(pilot) == "QuestionScreen"


async def to_item(pilot, item_id: str) -> None:
    """Answer the rules questionnaire up to `item_id` (unit DINKES, role fungsional, likert 4s)."""
    app = pilot.app
    steps = {
        "unit": ["d", "i", "n", "enter"],
        "role": ["1", "enter"],
        "bp1": ["4", "enter"],
        "bp2": ["4", "enter"],
    }
    while app.interview.item.id != item_id:
        await pilot.press(*steps[app.interview.item.id])


def message(pilot) -> str:
    return str(pilot.app.screen.query_one("#message").render())


async def test_required_item_refuses_enter_without_answer(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await start(pilot)
        await to_item(pilot, "bp1")
        await pilot.press("enter")
        assert app.interview.item.id == "bp1"
        assert message(pilot) == "Pertanyaan ini wajib dijawab."
        assert "bp1" not in app.interview.store.answers(app.interview.response_id)
        await pilot.press("7")  # no option has key 7: nothing chosen
        await pilot.press("enter")
        assert app.interview.item.id == "bp1"
        await pilot.press("3")
        assert app.interview.store.answers(app.interview.response_id)["bp1"] == 3  # saved on the key
        await pilot.press("enter")
        assert app.interview.item.id == "bp2"


async def test_unit_question_filters_a_long_list(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("enter")
        assert message(pilot) == "Pertanyaan ini wajib dijawab."
        await type_text(pilot, "puskes")
        assert "Puskesmas Bukit Sentosa (PKM-01)" in screen_text(pilot)
        assert "RSUD Tanjung Harapan" not in screen_text(pilot)
        await pilot.press("enter")
        assert app.interview.answers["unit"] == "PKM-01"
        assert load(app.data_dir, app.interview.response_id).unit == "PKM-01"


async def test_integer_constraint_and_range(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await start(pilot)
        app.interview.jump("years")
        app.screen.show_item()
        await pilot.pause()
        await pilot.press("1", "3", "enter")
        assert message(pilot) == "Bukan 13."
        await pilot.press("backspace", "backspace", "5", "0", "enter")
        assert message(pilot) == "Angka paling besar adalah 45."
        await pilot.press("a", "b")  # letters are not typed into a number
        assert app.screen.query_one("#number").value == "50"
        await pilot.press("backspace", "backspace", "7", "enter")
        assert app.interview.item.id == "comment"
        assert app.interview.store.answers(app.interview.response_id)["years"] == 7


async def test_text_longer_than_allowed_is_refused(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await start(pilot)
        app.interview.jump("comment")
        app.screen.show_item()
        await pilot.pause()
        app.screen.query_one("#text").max_length = 0  # as if pasted past the field's limit
        await type_text(pilot, "lebih banyak pelatihan kerja")
        await pilot.press("enter")
        assert message(pilot) == "Paling banyak 20 karakter."
        assert "comment" not in app.interview.answers


async def test_changed_answer_clears_items_made_irrelevant(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await start(pilot)
        await to_item(pilot, "bp2")
        assert str(app.screen.query_one("#progress").render()) == "4 / 7"
        await pilot.press("5", "enter")
        assert app.interview.item.id == "picks"
        for _ in range(3):
            await pilot.press("escape")
        assert app.interview.item.id == "role"
        await pilot.press("2")  # "prefer not to say": bp2 no longer applies
        assert "1 pertanyaan" in message(pilot)
        assert str(app.screen.query_one("#progress").render()) == "2 / 6"
        await pilot.press("enter", "4", "enter")
        assert app.interview.item.id == "picks"  # bp2 skipped
        response = load(app.data_dir, app.interview.response_id)
        assert "bp2" not in response.answer_map
        cleared = [(e.item_id, e.old, e.detail) for e in response.events if e.kind == "cleared"]
        assert cleared == [("bp2", 5, "irrelevant")]
        backs = [e.item_id for e in response.events if e.kind == "back"]
        assert backs == ["picks", "bp2", "bp1"]


async def test_multi_select_filter_toggle_max_and_exclusive(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await start(pilot)
        app.interview.jump("picks")
        app.screen.show_item()
        await pilot.pause()
        picker = app.screen.query_one("#picker")
        # alphabetical by label, whatever the file order
        assert [label for _, label, _ in picker.shown] == ["Jujur", "Kerja silo", "Ramah", "Tidak ada"]
        await pilot.press("enter")
        assert message(pilot) == "Pertanyaan ini wajib dijawab."
        await type_text(pilot, "ram")
        assert [label for _, label, _ in picker.shown] == ["Ramah"]
        await pilot.press("space")
        await clear_filter(pilot, 3)  # the highlight stays on Ramah
        await pilot.press("up", "up", "space")  # Jujur
        assert "2 / 2 dipilih" in screen_text(pilot)
        await pilot.press("down", "space")  # a third one: over the maximum
        assert message(pilot) == "Pilih paling banyak 2."
        assert app.interview.store.answers(app.interview.response_id)["picks"] == ["jujur", "ramah"]
        await pilot.press("up", "space")  # untoggle Jujur
        assert app.interview.answers["picks"] == ["ramah"]
        await type_text(pilot, "tidak")
        await pilot.press("space")  # exclusive: clears the others
        assert app.interview.answers["picks"] == ["none"]
        await clear_filter(pilot, 5)
        await pilot.press("up", "up", "up", "space")  # Jujur: clears the exclusive one
        assert app.interview.answers["picks"] == ["jujur"]
        assert "1 / 2 dipilih" in screen_text(pilot)
        await pilot.press("enter")
        assert app.interview.item.id == "years"
    stored = load(app.data_dir, app.interview.response_id)
    assert [e.new for e in stored.events if e.item_id == "picks" and e.kind in ("answered", "changed", "cleared")] == [
        ["ramah"],
        ["jujur", "ramah"],
        ["ramah"],
        ["none"],
        ["jujur"],
    ]


async def test_language_switch_keeps_everything(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await start(pilot)
        await to_item(pilot, "bp1")
        await pilot.press("4")
        assert "Saya melayani dengan ramah." in screen_text(pilot)
        await pilot.press("ctrl+l")
        assert "I serve people in a friendly way." in screen_text(pilot)
        assert "(*) 4  Agree" in screen_text(pilot)
        assert "Enter Next" in screen_text(pilot).replace("\u00a0", " ")
        await pilot.press("enter", "enter")  # bp2 unanswered is fine; on to picks
        await type_text(pilot, "hon")
        assert [label for _, label, _ in app.screen.query_one("#picker").shown] == ["Honest"]
        await pilot.press("ctrl+l")  # back to Bahasa Indonesia with the filter kept
        assert app.screen.query_one("#picker #filter").value == "hon"
        await clear_filter(pilot, 3)
        await type_text(pilot, "juj")
        await pilot.press("space", "enter", "2", "enter")
        await type_text(pilot, "lebih baik")
        await pilot.press("ctrl+l")
        assert app.screen.query_one("#text").value == "lebih baik"
        assert app.interview.answers == {"unit": "DINKES", "role": "fungsional", "bp1": 4, "picks": ["jujur"], "years": 2}
        response = load(app.data_dir, app.interview.response_id)
        assert [e.new for e in response.events if e.kind == "language"] == ["en", "id", "en"]
        assert response.language == "en"


async def test_review_marks_missing_and_jumps(app_factory, rules_survey):
    app = app_factory(survey=rules_survey)
    async with app.run_test() as pilot:
        await start(pilot)
        await to_item(pilot, "bp1")
        response_id = app.interview.response_id
        await pilot.press("ctrl+r")
        assert screen_name(pilot) == "ReviewScreen"
        text = screen_text(pilot)
        assert "2 pertanyaan perlu diperbaiki" in text
        lines = {line.split(".")[0].strip(): line for line in text.splitlines() if line[:1] in "! "}
        assert lines["!  3"].endswith("belum dijawab")  # bp1, required
        assert "Dinas Kesehatan" in lines["1"]
        await pilot.press("s")  # refused: highlights the first problem
        assert screen_name(pilot) == "ReviewScreen"
        assert app.interview.store.status(app.interview.response_id) == "draft"
        await pilot.press("home", "down", "enter")  # open item 2 (role)
        assert screen_name(pilot) == "QuestionScreen"
        assert app.interview.item.id == "role"
        await pilot.press("enter")  # its answer stands: back to the review
        assert screen_name(pilot) == "ReviewScreen"
        await pilot.press("down", "enter", "5", "enter")  # open bp1 and answer it: back to the review
        assert screen_name(pilot) == "ReviewScreen"
        assert "1 pertanyaan perlu diperbaiki" in screen_text(pilot)  # picks still missing
        await pilot.press("escape")
        assert app.interview.item.id == "bp1"  # escape returns to the question last shown
        await pilot.press("ctrl+r")
        option_list = app.screen.query_one("#review-list")
        option_list.highlighted = [o.id for o in option_list.options].index("picks")
        await pilot.press("enter", "space", "enter")
        assert screen_name(pilot) == "ReviewScreen"
        await pilot.press("s")
        assert screen_name(pilot) == "ThanksScreen"
        assert app.interview is None
    response = load(app.data_dir, response_id)
    assert response.status == "submitted"
    assert response.answer_map == {"unit": "DINKES", "role": "fungsional", "bp1": 5, "picks": ["jujur"]}


async def test_a_long_comment_takes_no_more_than_its_limit_and_says_so(app_factory, builtin_survey):
    """Text past the limit was kept in the field, then silently dropped on Esc or Ctrl+R."""
    from textual import events

    app = app_factory(survey=builtin_survey)
    async with app.run_test() as pilot:
        await start(pilot)
        app.interview.jump("comment")
        app.screen.show_item()
        await pilot.pause()
        app.screen.query_one("#longtext").post_message(events.Paste("a" * 990 + " " + "b" * 109))
        await pilot.pause()
        await type_text(pilot, "cd")
        area = app.screen.query_one("#longtext")
        assert len(area.text) == 1000 and area.text.endswith("b" * 9)
        assert message(pilot) == "Paling banyak 1000 karakter."
        await pilot.press("ctrl+r")  # leaving keeps what is typed: all of it fits
        assert screen_name(pilot) == "ReviewScreen"
        assert len(app.interview.store.answers(app.interview.response_id)["comment"]) == 1000
