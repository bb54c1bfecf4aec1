"""The home screen: the survey in use, today's counts per unit, and what the enumerator can do."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar, KeyHint

if TYPE_CHECKING:
    from akhlak_tui.tui.app import AkhlakApp

ACTIONS = ("interview", "kiosk", "resume", "export", "quit")


def start_of_today() -> str:
    """Local midnight as the store's UTC timestamp text (for today's counts)."""
    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def slovin_target(headcount: int | None, margin: float) -> int | None:
    """Respondents a unit of `headcount` people needs (Slovin's minimum); None without a headcount."""
    if not headcount:
        return None
    from akhlak_tui.scoring.formulas import slovin_minimum

    return slovin_minimum(headcount, margin)


class HomeScreen(Screen[None]):
    """What the enumerator sees first: the survey, counts, and the actions."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [
        Binding("n", "interview", "Interview", show=False),
        Binding("k", "kiosk", "Kiosk", show=False),
        Binding("r", "resume", "Resume", show=False),
        Binding("e", "export", "Export", show=False),
        Binding("q", "app.quit", "Quit", show=False),
        Binding("ctrl+l", "language", "Language", show=False),
    ]

    def compose(self) -> ComposeResult:
        # The first frame's text from the start, so that it is drawn in one go.
        yield Static("akhlak", id="home-title", classes="title")
        yield Static(t("home.loading", self.app.lang), id="home-survey")
        # the counts and the menu are mounted above the key bar with the survey (_show_loaded)
        yield KeyBar()

    def on_mount(self) -> None:
        self._waiting: list[Callable[[], None]] = []
        self._counts: Static | None = None
        self._menu: OptionList | None = None
        self.relabel()
        if self.app.core is None and self.app.load_error is None:
            self.app.after_first_frame(self._load)
        else:
            self.call_later(self._offer_resume)

    def _load(self) -> None:
        self.app.load_core()
        self.relabel()
        waiting, self._waiting = self._waiting, []
        if waiting and self.app.core is not None:
            self.app.offer_resume = False
            for action in waiting:  # keys typed while the survey was loading, in order
                if self.app.screen is not self:
                    break  # an earlier one left the home screen
                action()
        else:
            self._offer_resume()

    def _when_loaded(self, action: Callable[[], None]) -> bool:
        """True if the survey is loaded; else `action` waits until it is (or is dropped if it
        cannot load), so that a key typed before the survey is there still does what it says."""
        if self.app.core is not None:
            return True
        if self.app.load_error is None:
            self._waiting.append(action)
        return False

    def _offer_resume(self) -> None:
        app = self.app
        if app.core is not None and app.offer_resume:
            app.offer_resume = False
            if app.core.store.drafts():
                self.action_resume()

    # -- drawing -------------------------------------------------------------------------------
    def relabel(self) -> None:
        app = self.app
        lang: str = app.lang
        core = app.core
        title = self.query_one("#home-title", Static)
        info = self.query_one("#home-survey", Static)
        key_bar = self.query_one(KeyBar)
        if core is None:
            # The first frame, before the survey is loaded: the title and the keys (typed now,
            # they wait for the survey).
            title.update("akhlak")
            error = app.load_error
            info.update(app.load_error_text(lang) if error else t("home.loading", lang))
            key_bar.show_keys([("q", "app.quit", t("key.quit", lang))] if error else self._keys(lang))
            return
        survey = core.survey
        questionnaire = survey.questionnaire
        from akhlak_tui.questionnaire.model import tr

        title.update(f"akhlak · {tr(questionnaire.questionnaire.title, lang)}")
        lines = [
            f"{t('home.survey', lang)}: {t('home.practice_name', lang) if survey.is_practice else survey.name}",
            f"{t('home.questionnaire', lang)}: {questionnaire.id} {questionnaire.version} · "
            f"{len(questionnaire.answerable_items)} {t('home.items', lang)}",
        ]
        if survey.is_practice:
            lines.append(t("home.practice", lang))
        info.update("\n".join(lines))
        labels = {
            "interview": t("home.interview", lang),
            "kiosk": t("home.kiosk", lang),
            "resume": t("home.resume", lang, n=len(core.store.drafts())),
            "export": t("home.export", lang),
            "quit": t("home.quit", lang),
        }
        keys = {"interview": "n", "kiosk": "k", "resume": "r", "export": "e", "quit": "q"}
        self._show_loaded(self._counts_text(lang), [Option(f"{keys[a]}  {labels[a]}", id=a) for a in ACTIONS])
        key_bar.show_keys(self._keys(lang))

    def _show_loaded(self, counts: str, options: list[Option]) -> None:
        """Today's counts and the menu: mounted the first time (they are not in the first frame)."""
        if self._menu is None:
            self._counts = Static(counts, id="home-counts")
            box = VerticalScroll(self._counts, id="home-counts-box")
            self._menu = OptionList(*options, id="home-menu")
            self.mount(box, self._menu, before=self.query_one(KeyBar))
            self._menu.highlighted = 0
            if self.focused is None:
                box.focus()  # as when it was composed: arrows scroll the counts
            return
        assert self._counts is not None
        self._counts.update(counts)
        highlighted = self._menu.highlighted
        self._menu.set_options(options)
        self._menu.highlighted = highlighted if highlighted is not None else 0

    @staticmethod
    def _keys(lang: str) -> list[KeyHint]:
        return [
            ("n", "screen.interview", t("key.next_interview", lang)),
            ("k", "screen.kiosk", t("key.kiosk", lang)),
            ("r", "screen.resume", t("key.resume", lang), 1),
            ("e", "screen.export", t("key.export", lang), 1),
            ("^l", "screen.language", t("key.language", lang)),
            ("q", "app.quit", t("key.quit", lang)),
        ]

    def _counts_text(self, lang: str) -> str:
        core = self.app.core
        survey = core.survey
        today = core.store.counts_by_unit(since=start_of_today(), survey_id=survey.survey_id)
        ever = core.store.counts_by_unit(survey_id=survey.survey_id)
        margin = survey.questionnaire.scoring.slovin_margin
        rows = []
        for unit in survey.units:
            target = slovin_target(unit.headcount, margin)
            done_today = today.get(unit.code, {}).get("submitted", 0)
            done = ever.get(unit.code, {}).get("submitted", 0)
            if done_today or done:
                rows.append((unit.code, unit.name, done_today, done, target))
        header = f"{t('home.unit', lang):<40} {t('home.today', lang):>8} {t('home.submitted', lang):>9} {t('home.target', lang):>7}"
        if not rows:
            return header + "\n" + t("home.no_responses", lang)
        lines = [header]
        for code, name, done_today, done, target in rows:
            label = textwrap.shorten(f"{code} {name}", 40, placeholder=" …")  # whole words only
            lines.append(f"{label:<40} {done_today:>8} {done:>9} {target if target is not None else '-':>7}")
        lines.append(
            f"{t('home.total', lang):<40} {sum(r[2] for r in rows):>8} {sum(r[3] for r in rows):>9}"
        )
        return "\n".join(lines)

    # -- actions -------------------------------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        action = event.option.id
        if action == "quit":
            self.app.exit()
        elif action is not None:
            getattr(self, f"action_{action}")()

    def action_interview(self) -> None:
        if self._when_loaded(self.action_interview):
            self.app.show_welcome("enumerator")

    def action_kiosk(self) -> None:
        if self._when_loaded(self.action_kiosk):
            self.app.ask_kiosk_pin()

    def action_resume(self) -> None:
        if not self._when_loaded(self.action_resume):
            return
        core = self.app.core
        if not core.store.drafts():
            self.app.tell(lambda lang: t("home.no_drafts", lang))
            return
        from akhlak_tui.tui.screens.resume import ResumeScreen

        self.app.push_screen(ResumeScreen(), self._resumed)

    def _resumed(self, response_id: str | None) -> None:
        if response_id:
            self.app.resume(response_id)
        else:
            self.relabel()

    def action_export(self) -> None:
        if not self._when_loaded(self.action_export):
            return
        from akhlak_tui.tui.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(), lambda _: self.relabel())

    def action_language(self) -> None:
        if self._when_loaded(self.action_language):
            self.app.toggle_language()
