"""The resume dialog: unfinished responses (after a pause or a crash) to reopen or to abandon."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from akhlak_tui.store import DraftInfo
    from akhlak_tui.tui.app import AkhlakApp


def local_time(stamp: str) -> str:
    """A store timestamp (UTC ISO) as local 'YYYY-MM-DD HH:MM'."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


class ResumeScreen(ModalScreen[str | None]):
    """Dismissed with the id of the draft to resume, or None. Drafts are listed newest first
    without any of their answers: only when, the unit, how many answers, and the mode."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False, priority=True),
        Binding("a", "abandon", "Abandon", show=False),
        Binding("ctrl+l", "language", "Language", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.message = ""
        """The text key of what the dialog says under the list ("" for nothing): said again on Ctrl+L."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(id="resume-title", classes="title")
            yield OptionList(id="drafts", markup=False)
            yield Static(id="resume-message", classes="message")
            yield KeyBar()

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#drafts", OptionList).focus()

    def relabel(self) -> None:
        """Say it all in the language shown (also on Ctrl+L), the same line highlighted."""
        lang = self.app.lang
        self.query_one("#resume-title", Static).update(t("resume.title", lang))
        self.query_one("#resume-message", Static).update(t(self.message, lang) if self.message else "")
        self.query_one(KeyBar).show_keys(
            [
                ("Enter", "screen.open", t("key.resume", lang)),
                ("a", "screen.abandon", t("resume.abandon", lang)),
                ("Esc", "screen.cancel", t("key.close", lang)),
            ]
        )
        self._fill()

    def action_language(self) -> None:
        self.app.toggle_language()

    def _drafts(self) -> list[DraftInfo]:
        assert self.app.core is not None
        return self.app.core.store.drafts()

    def _fill(self) -> None:
        assert self.app.core is not None
        lang = self.app.lang
        option_list = self.query_one("#drafts", OptionList)
        highlighted = option_list.highlighted
        option_list.set_options(
            Option(
                t(
                    "resume.line",
                    lang,
                    when=local_time(d.updated_at),
                    unit=(d.unit or "-")[:20],
                    n=d.answered,
                    mode=t(f"mode.{d.mode}", lang),
                ),
                id=d.id,
            )
            for d in self._drafts()
        )
        option_list.highlighted = min(highlighted or 0, option_list.option_count - 1) if option_list.option_count else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        assert self.app.core is not None
        draft = next((d for d in self._drafts() if d.id == event.option.id), None)
        if draft is None:
            return
        if draft.questionnaire_hash != self.app.core.survey.questionnaire.content_hash:
            self.message = "resume.other_questionnaire"
            self.query_one("#resume-message", Static).update(t(self.message, self.app.lang))
            return
        self.dismiss(draft.id)

    def action_open(self) -> None:
        self.query_one("#drafts", OptionList).action_select()

    def action_abandon(self) -> None:
        """Abandon the highlighted draft as interrupted (kept for audit, never scored)."""
        assert self.app.core is not None
        core = self.app.core
        option = self.query_one("#drafts", OptionList).highlighted_option
        if option is None or option.id is None:
            return
        draft = next(d for d in self._drafts() if d.id == option.id)
        if draft.survey_id == core.survey.survey_id:
            seal = core.survey.sealer()
        else:  # a draft of another installed survey is sealed to that survey's coordinator
            from akhlak_tui.active import sealer_for

            seal = sealer_for(self.app.data_dir, draft.survey_id)
        core.store.abandon(draft.id, "interrupted", seal=seal)
        if self._drafts():
            self._fill()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
