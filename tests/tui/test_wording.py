"""Every screen in Bahasa Indonesia and in English at 80x24: no word from outside the app's text
table and the questionnaire, and key bars on one line with two spaces between keys."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from merged_fixtures import build_merged

from akhlak_tui.questionnaire import flow
from akhlak_tui.questionnaire.loading import load_questionnaire
from akhlak_tui.questionnaire.model import Questionnaire
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.report.i18n import WORDS
from akhlak_tui.tui.dashboard_app import make_dashboard_app
from akhlak_tui.tui.screens.export import drive_placeholder
from akhlak_tui.tui.texts import TEXTS
from akhlak_tui.tui.widgets.key_bar import KeyBar
from .support import ready, screen_name, terminal_text, type_text

PIN = "2468"
KEY_WORDS = {"enter", "esc", "space", "pgup", "pgdn", "a", "z", "l", "n", "k", "r", "e", "q", "s", "p", "x"}
"""Key names as the key bars write them ("^l", "a-z" ...): the same in every language."""
TYPED = "bagorg rsud lebih baik banyak pelatihan"
"""What the walk types (Indonesian words, so they belong to neither check)."""


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.casefold()))


def language_texts(node: Any, lang: str, languages: list[str]) -> Iterator[str]:
    """Every text of `lang` in a questionnaire's model: its {"id": ..., "en": ...} tables (Bahasa
    Indonesia where `lang` is missing, as the screens show it)."""
    if isinstance(node, dict):
        if node and set(node) <= set(languages) and all(isinstance(v, str) for v in node.values()):
            yield node.get(lang) or node.get("id", "")
            return
        for value in node.values():
            yield from language_texts(value, lang, languages)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from language_texts(value, lang, languages)


def vocabulary(lang: str, questionnaire: Questionnaire, *data: str) -> set[str]:
    """The words a screen in `lang` may show: the app's table, the questionnaire and the built-in
    messages of its rules, the report words (dashboard), and data (unit names, ids, typed text)."""
    tables = [TEXTS, flow._MESSAGES, WORDS]
    texts = [entry.get(lang) or entry["id"] for table in tables for entry in table.values()]
    texts += language_texts(questionnaire.model_dump(), lang, questionnaire.languages)
    return set().union(*(words(text) for text in [*texts, *data])) | KEY_WORDS


def foreign_words(shown: str, allowed: set[str]) -> set[str]:
    """Words on screen that come from neither the table, the questionnaire nor the data."""
    return words(re.sub(r"\{[a-z_]+\}", " ", shown)) - allowed


class Walk:
    """Checks each screen it is shown: its words, and its key bar at 80 columns."""

    def __init__(self, pilot, questionnaire: Questionnaire, data: list[str]) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.questionnaire = questionnaire
        self.data = data
        self.allowed = {lang: vocabulary(lang, questionnaire, *data) for lang in questionnaire.languages}
        self.seen: list[str] = []
        """The screens checked ("HomeScreen/id" ...)."""

    async def check(self, lang: str) -> str:
        await self.pilot.pause()
        assert self.app.lang == lang, screen_name(self.pilot)
        shown = terminal_text(self.app, under=False)  # what is under a dialog was checked before
        where = f"{screen_name(self.pilot)} in {lang}:\n{shown}"
        assert foreign_words(shown, self.allowed[lang]) == set(), where
        bars = self.app.screen.query(KeyBar)
        for bar in bars:
            assert bar.size.height == 1 and len(bar.plain()) <= bar.size.width, where
            assert bar.plain() in shown, where  # two spaces between keys, as `plain` joins them
        self.seen.append(f"{screen_name(self.pilot)}/{lang}")
        return shown


def builtin_data(app) -> list[str]:
    survey = app.core.survey
    return [
        *(f"{u.code} {u.name}" for u in survey.units),
        survey.questionnaire.id,
        "akhlak",
        drive_placeholder(),
        TYPED,
    ]


async def walk_questions(walk: Walk, lang: str, unit: str = "bagorg") -> None:
    """Answer every question from the first, checking each screen; ends on the review."""
    pilot, app = walk.pilot, walk.app
    interview = app.interview
    first_likert = True
    while screen_name(pilot) == "QuestionScreen":
        item_id, kind = interview.item.id, app.screen.kind
        await walk.check(lang)
        if item_id == "unit":
            await type_text(pilot, unit)
        elif kind == "choices" and interview.item.required and first_likert:
            first_likert = False
            await pilot.press("enter")  # refused: the message says it needs an answer
            assert flow.message("required", lang) in await walk.check(lang)
            await pilot.press("4")
        elif kind == "choices":
            await pilot.press("1" if not interview.item.required else "4")
        elif kind == "picker":
            await pilot.press("space")
            await walk.check(lang)
        elif kind in ("text", "longtext"):
            await type_text(pilot, "lebih baik" if kind == "text" else "lebih banyak pelatihan")
        elif kind == "number":
            await type_text(pilot, "7")
        await pilot.press("enter")
        assert interview.item.id != item_id or screen_name(pilot) == "ReviewScreen", item_id


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_every_screen_speaks_one_language_and_its_keys_fit(app_factory, lang):
    app = app_factory(idle_timeout=60, idle_warning=30, thanks_seconds=60, pin_delay=0.01)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        walk = Walk(pilot, app.core.survey.questionnaire, builtin_data(app))
        if lang == "en":
            await pilot.press("ctrl+l")
        await walk.check(lang)  # home
        await pilot.press("n")
        await walk.check(lang)  # welcome
        await pilot.press("enter")
        await walk_questions(walk, lang)  # the longest unit name: cut on the home screen
        await walk.check(lang)  # review
        await pilot.press("up", "enter")  # open a question from the review
        assert screen_name(pilot) == "QuestionScreen"
        await walk.check(lang)
        await pilot.press("escape")
        assert screen_name(pilot) == "ReviewScreen"
        await pilot.press("escape", "ctrl+x")
        await walk.check(lang)  # abandon
        await pilot.press("enter")
        assert t_in(await walk.check(lang), "abandon.needed", lang)
        await pilot.press("escape", "ctrl+q")
        await walk.check(lang)  # quit?
        await pilot.press("escape", "ctrl+p")
        assert screen_name(pilot) == "HomeScreen"
        await pilot.press("ctrl+c")
        assert t_in(await walk.check(lang), "app.quit_hint", lang)
        await pilot.press("r")
        await walk.check(lang)  # resume
        await pilot.press("enter")
        await pilot.press("ctrl+r", "s")
        assert screen_name(pilot) == "ThanksScreen"
        await walk.check(lang)
        await pilot.press("enter")
        assert "BAGORG Bagian Organisasi Sekretariat …" in await walk.check(lang)  # home, today's count
        await pilot.press("e")
        assert t_in(await walk.check(lang), "export.practice", lang)
        await pilot.press("escape", "k")
        await walk.check(lang)  # set the PIN
        await type_text(pilot, "12")
        await pilot.press("enter")
        assert t_in(await walk.check(lang), "pin.short", lang)
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        assert screen_name(pilot) == "WelcomeScreen"
        if lang == "en":  # each respondent starts in the questionnaire's first language
            await walk.check("id")
            await pilot.press("ctrl+l")
        await walk.check(lang)  # kiosk welcome
        await pilot.press("n")
        assert t_in(await walk.check(lang), "welcome.declined", lang)
        await pilot.press("enter")
        await walk.check(lang)  # a kiosk question
        app.last_input -= 31
        await pilot.pause(1.2)
        assert screen_name(pilot) == "IdleScreen"
        await walk.check(lang)
        await pilot.press("x", "ctrl+c")
        await walk.check(lang)  # leave kiosk: the PIN
        await type_text(pilot, "0000")
        await pilot.press("enter")
        assert t_in(await walk.check(lang), "pin.wrong", lang)
        await pilot.press("escape")
        app.finished()
        await walk.check(lang)  # kiosk thanks
        await pilot.press("enter", "ctrl+q")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        assert screen_name(pilot) == "HomeScreen" and app.kiosk is None
        for name in ("HomeScreen", "WelcomeScreen", "QuestionScreen", "ReviewScreen", "AbandonScreen", "QuitScreen",
                     "ResumeScreen", "ThanksScreen", "ExportScreen", "PinScreen", "IdleScreen"):  # fmt: skip
            assert f"{name}/{lang}" in walk.seen


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_number_and_one_line_text_questions_speak_one_language(app_factory, rules_survey, lang):
    app = app_factory(survey=rules_survey)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        data = [*(f"{u.code} {u.name}" for u in rules_survey.units), "rules", TYPED]
        walk = Walk(pilot, rules_survey.questionnaire, data)
        if lang == "en":
            await pilot.press("ctrl+l")
        await pilot.press("n", "enter")
        await walk_questions(walk, lang, unit="rsud")
        await walk.check(lang)  # review
        assert {"years", "comment"} <= set(app.interview.answers)


def t_in(shown: str, key: str, lang: str) -> bool:
    """The table's text `key` is on screen (perhaps wrapped over lines)."""
    text = TEXTS[key][lang].split("{")[0]
    return " ".join(text.split()) in " ".join(re.sub(r"[\u2500-\u259f]", " ", shown).split())  # no frames


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_dashboard_speaks_one_language_and_its_keys_fit(tmp_path, monkeypatch, lang):
    toml = Path(__file__).parents[1] / "scoring" / "worked_example.toml"
    units = [Unit(code="U1", name="Unit Satu", headcount=10), Unit(code="U2", name="Unit Dua", headcount=4)]
    people = [{"unit": unit, "gender": "f", "bp1": 5, "bp2": 1, "ak1": 4, "values_now": ["jujur"]} for unit in ["U1", "U2"] * 3]
    monkeypatch.chdir(tmp_path)  # the header shows the database's path: a short one
    db = Path("merged.db")
    build_merged(db, toml.read_text("utf-8"), units, people).close()
    app = make_dashboard_app(db, lang, poll_seconds=60)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        walk = Walk(pilot, load_questionnaire(toml), [str(db), "Unit Satu Unit Dua", "BP AK"])
        shown = await walk.check(lang)
        assert ("Hitung ulang" if lang == "id" else "Refresh") in shown


async def test_a_word_from_outside_the_table_is_caught(app_factory):
    """The check above fails on a planted English notice on a Bahasa Indonesia screen."""
    app = app_factory()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        walk = Walk(pilot, app.core.survey.questionnaire, builtin_data(app))
        await walk.check("id")
        app.notify("Press q to quit the app")
        with pytest.raises(AssertionError):
            await walk.check("id")
        assert {"press", "quit", "app"} <= foreign_words(terminal_text(app), walk.allowed["id"])
