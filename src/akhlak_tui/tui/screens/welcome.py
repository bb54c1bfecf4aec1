"""The welcome screen: what the survey is, that it is anonymous, and consent (declining stores nothing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from akhlak_tui.questionnaire.model import tr
from akhlak_tui.tui.failures import failure_text
from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from akhlak_tui.tui.app import AkhlakApp


class WelcomeScreen(Screen[None]):
    """Shown before every response; in kiosk mode it is where each respondent starts."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [
        Binding("enter,y", "agree", "Agree", show=False, priority=True),
        Binding("n", "decline", "Decline", show=False),
        Binding("ctrl+l", "language", "Language", show=False, priority=True),
        Binding("escape", "home", "Home", show=False),
    ]

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode
        """"enumerator" or "kiosk"."""
        self.agreed = False
        """Set on the first Enter: a second one, typed ahead while the first item opens, starts nothing."""
        self.message: Callable[[str], str] | None = None
        """What the line under the question says, in a language (said again on Ctrl+L)."""

    def compose(self) -> ComposeResult:
        yield Static(id="welcome-title", classes="title", markup=False)
        with VerticalScroll(id="welcome-body"):
            yield Static(id="welcome-text", markup=False)
        yield Static(id="welcome-question", classes="question")
        yield Static(id="welcome-message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        lang = self.app.lang
        meta = self.app.core.survey.questionnaire.questionnaire  # type: ignore[union-attr]
        self.query_one("#welcome-title", Static).update(tr(meta.title, lang))
        paragraphs = [tr(meta.description, lang), tr(meta.consent, lang) or t("welcome.anonymous", lang)]
        self.query_one("#welcome-text", Static).update("\n\n".join(p for p in paragraphs if p))
        self.query_one("#welcome-question", Static).update(t("welcome.question", lang))
        self.query_one("#welcome-message", Static).update(self.message(lang) if self.message else "")
        keys = [
            ("Enter", "screen.agree", t("key.agree", lang)),
            ("n", "screen.decline", t("key.decline", lang)),
            ("^l", "screen.language", t("key.language", lang)),
        ]
        if self.mode == "kiosk":
            keys.append(("^q", "app.quit", t("key.leave_kiosk", lang)))
        else:
            keys.append(("Esc", "screen.home", t("key.home", lang)))
        self.query_one(KeyBar).show_keys(keys)

    def action_agree(self) -> None:
        from akhlak_tui.store import StoreError

        if not self.agreed:
            self.agreed = True
            try:
                self.app.begin(self.mode)
            except StoreError as error:  # no response could be started: the welcome stays
                self.agreed = False
                if error.kind == "damaged":
                    self.app.store_failed(error)
                    return
                # under the question, where a notice in the corner would have covered it
                self._say(lambda lang, error=error: failure_text(error, lang), failed=True)

    def _say(self, message: Callable[[str], str], *, failed: bool = False) -> None:
        self.message = message
        self.query_one("#welcome-message", Static).set_class(failed, "failed")
        self.relabel()

    def action_decline(self) -> None:
        if self.mode != "kiosk":
            self.app.tell(lambda lang: t("welcome.declined", lang))
            self.app.go_home()
            return
        # In kiosk mode the welcome stays for the next person: the thanks goes on its own line
        # under the question (a notice in the corner would cover it), and goes away by itself.
        # Then a fresh welcome, in the questionnaire's first language, for the next person.
        self._say(lambda lang: t("welcome.declined", lang))
        self.set_timer(max(self.app.thanks_seconds, 1.0), self._next_person)

    def _next_person(self) -> None:
        if self.app.screen is self:
            self.app.show_welcome("kiosk")

    def action_language(self) -> None:
        self.app.toggle_language()

    def action_home(self) -> None:
        if self.mode != "kiosk" and self.app.kiosk is None:
            self.app.go_home()
