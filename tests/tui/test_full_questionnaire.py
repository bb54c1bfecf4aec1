"""Answer the whole built-in BerAKHLAK questionnaire by keys and check exactly what was stored."""

from __future__ import annotations

from akhlak_tui.tui.interview import Interview
from .support import clear_filter, load, ready, screen_name, screen_text, type_text

LIKERT_IDS = [
    "bp1", "bp2", "bp3", "bp4", "ak1", "ak2", "ak3", "ko1", "ko2", "ko3", "ha1", "ha2", "ha3",
    "lo1", "lo2", "lo3", "ad1", "ad2", "ad3", "kl1", "kl2", "kl3",
]  # fmt: skip
ENGAGEMENT_IDS = ["eng_proud", "eng_recommend", "eng_extra", "eng_stay", "eng_meaning"]
LIKERT_KEYS = "45349" * 6  # one digit per statement, 9 = not applicable


async def pick(pilot, words: list[str]) -> None:
    """Filter by each word and toggle the first match, then clear the filter."""
    for word in words:
        await type_text(pilot, word)
        await pilot.press("space")
        await clear_filter(pilot, len(word))


async def test_whole_builtin_questionnaire_by_keys(app_factory, data_dir):
    app = app_factory()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("n")  # start an interview
        await pilot.press("enter")  # consent
        assert screen_name(pilot) == "QuestionScreen"
        interview: Interview = app.interview
        response_id = interview.response_id
        await type_text(pilot, "rsud")
        await pilot.press("enter")  # unit: the one match
        for key in "21324":  # gender m, employment pns, age 35_44, service 5_10, position x
            await pilot.press(key, "enter")
        assert interview.item.id == "bp1"
        likert = list(zip(LIKERT_IDS + ENGAGEMENT_IDS, LIKERT_KEYS))
        for item_id, key in likert[: len(LIKERT_IDS)]:
            assert interview.item.id == item_id
            await pilot.press(key, "enter")
        assert interview.item.id == "values_note"
        await pilot.press("enter")
        await pick(pilot, ["jujur", "disiplin", "ramah"])
        await pilot.press("enter")
        await pick(pilot, ["birokratis", "silo"])
        await pilot.press("enter")
        await pick(pilot, ["inovatif", "tim", "adil", "jujur"])
        await pilot.press("enter")
        for item_id, key in likert[len(LIKERT_IDS):]:
            assert interview.item.id == item_id
            await pilot.press(key, "enter")
        assert interview.item.id == "join_reason"
        await pick(pilot, ["karier", "kontribusi"])
        await pilot.press("enter")
        assert interview.item.id == "comment"
        await type_text(pilot, "Lebih banyak pelatihan")
        await pilot.press("enter")  # the last item: on to the review
        assert screen_name(pilot) == "ReviewScreen"
        await pilot.press("s")
        assert screen_name(pilot) == "ThanksScreen"
        await pilot.press("enter")
        assert screen_name(pilot) == "HomeScreen"

    response = load(data_dir, response_id)
    expected = {
        "unit": "RSUD",
        "gender": "m",
        "employment": "pns",
        "age_band": "35_44",
        "service_years": "5_10",
        "position": "x",
        **{item_id: int(key) for item_id, key in likert},
        "values_self": ["ramah", "jujur", "disiplin"],  # stored in the file's order
        "values_now": ["silo", "birokratis"],
        "values_wanted": ["jujur", "adil", "inovatif", "kerja_sama"],
        "join_reason": ["kontribusi", "karier_jelas"],
        "comment": "Lebih banyak pelatihan",
    }
    assert response.status == "submitted"
    assert response.unit == "RSUD"
    assert response.mode == "enumerator"
    assert response.answer_map == expected

    # Every step is in the paradata: each item shown once, in order, then answered (multi
    # items once per toggle), the review opened, then submitted.
    kinds = [(e.kind, e.item_id) for e in response.events]
    assert kinds[0] == ("started", None)
    assert kinds[-2:] == [("review", "comment"), ("submitted", None)]
    shown = [item for kind, item in kinds if kind == "shown"]
    assert shown == [item.id for item in app.core.survey.questionnaire.items]
    toggles = [(e.kind, e.item_id, e.new) for e in response.events if e.item_id == "values_self" and e.kind != "shown"]
    assert toggles == [
        ("answered", "values_self", ["jujur"]),
        ("changed", "values_self", ["jujur", "disiplin"]),
        ("changed", "values_self", ["ramah", "jujur", "disiplin"]),
    ]
    single = [(e.kind, e.new) for e in response.events if e.item_id == "gender" and e.kind != "shown"]
    assert single == [("answered", "m")]
    assert not [e for e in response.events if e.kind in ("cleared", "back", "abandoned")]


async def test_values_list_is_alphabetical_and_capped_at_ten(app_factory, data_dir):
    app = app_factory()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("n", "enter")
        app.interview.jump("values_now")
        app.screen.show_item()
        await pilot.pause()
        picker = app.screen.query_one("#picker")
        labels = [label for _, label, _ in picker.shown]
        assert len(labels) == 55
        assert labels == sorted(labels, key=str.casefold)
        assert labels.index("Koruptif") < labels.index("Ramah")  # hindering words are not kept last
        for _ in range(10):
            await pilot.press("space", "down")
        assert "10 / 10 dipilih" in screen_text(pilot)
        await pilot.press("space")
        assert str(app.screen.query_one("#message").render()) == "Pilih paling banyak 10."
        assert len(app.interview.store.answers(app.interview.response_id)["values_now"]) == 10
        await pilot.press("ctrl+l")
        english = [label for _, label, _ in picker.shown]
        assert english == sorted(english, key=str.casefold) and english[0] == "Authoritarian"
        assert "10 / 10 chosen" in screen_text(pilot)
