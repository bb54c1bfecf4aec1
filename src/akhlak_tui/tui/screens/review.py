"""The review screen: every item with its answer, problems marked, jump to any item, submit."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from akhlak_tui.questionnaire.flow import is_empty
from akhlak_tui.questionnaire.model import ItemBase, LikertItem, MultiItem, SingleItem, UnitItem, tr
from akhlak_tui.store import StoreError
from akhlak_tui.tui.failures import failure_text
from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from akhlak_tui.tui.app import AkhlakApp
    from akhlak_tui.tui.interview import Interview


def answer_text(interview: Interview, item: ItemBase, value: Any) -> str:
    """An answer as the respondent knows it (labels, not codes), in the interview's language."""
    lang = interview.lang
    if is_empty(value):
        return ""
    if isinstance(item, LikertItem):
        scale = interview.flow.questionnaire.scale_for(item)
        for point in [*scale.points, *([scale.not_applicable] if scale.not_applicable else [])]:
            if point.code == value:
                return f"{value} {tr(point.label, lang)}"
    if isinstance(item, (SingleItem, MultiItem)):
        labels = {o.code: tr(o.label, lang) for o in item.options}
        codes = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(code, str(code)) for code in codes)
    if isinstance(item, UnitItem):
        return interview.survey.unit_name(value)
    return " ".join(str(value).split())


class ReviewScreen(Screen[str | None]):
    """Dismissed with an item id (jump there), "submitted", or None (back to the item)."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [
        Binding("s", "submit", "Submit", show=False),
        Binding("escape", "close", "Back", show=False, priority=True),
        Binding("ctrl+l", "language", "Language", show=False, priority=True),
    ]

    def __init__(self, interview: Interview) -> None:
        super().__init__()
        self.interview = interview
        self.item_ids: list[str] = []
        self.refused = False
        """Submitting was refused for a problem: its message shows under the count (again on Ctrl+L)."""
        self.failed: StoreError | None = None
        """Submitting failed in the store: said under the title (again on Ctrl+L)."""

    def compose(self) -> ComposeResult:
        yield Static(id="review-title", classes="title")
        yield Static(id="review-status")
        yield OptionList(id="review-list", markup=False)  # typed answers may hold "["
        yield KeyBar()

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#review-list", OptionList).focus()

    def relabel(self) -> None:
        interview, lang = self.interview, self.interview.lang
        found = interview.problems()
        problems = {p.item.id: p.message for p in found}
        numbers, _ = interview.question_numbers()  # as the question screen and the home screen count
        options = []
        self.item_ids = []
        for item in interview.flow.visible_items(interview.answers):
            if not item.answerable:
                continue
            answer = answer_text(interview, item, interview.answers.get(item.id)) or (
                t("review.missing", lang) if item.id in problems else t("review.empty", lang)
            )
            mark = "!" if item.id in problems else " "
            row = review_row(f"{mark}{numbers[item.id]:>3}. ", tr(item.label, lang), answer, self.app.size.width - 4)
            options.append(Option(row, id=item.id))
            self.item_ids.append(item.id)
        option_list = self.query_one("#review-list", OptionList)
        highlighted = option_list.highlighted
        option_list.set_options(options)
        if self.interview.item.id in self.item_ids and highlighted is None:
            highlighted = self.item_ids.index(self.interview.item.id)
        option_list.highlighted = highlighted
        self.query_one("#review-title", Static).update(t("review.title", lang))
        status = t("review.problems", lang, n=len(problems)) if problems else t("review.ready", lang)
        if self.refused and found:
            status += f"\n! {found[0].message}"
        if self.failed is not None:
            status = failure_text(self.failed, lang, note="failure.not_submitted")
        self.query_one("#review-status", Static).update(status)
        keys = [
            ("Enter", "screen.open", t("key.jump", lang)),
            ("s", "screen.submit", t("key.submit", lang)),
            ("Esc", "screen.close", t("key.back", lang)),
            ("^l", "screen.language", t("key.language", lang)),
        ]
        if self.app.kiosk is not None:
            keys.append(("^q", "app.quit", t("key.leave_kiosk", lang)))
        self.query_one(KeyBar).show_keys(keys)

    def on_resize(self, event: events.Resize) -> None:
        self.relabel()  # the rows are laid out for the terminal's width

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_open(self) -> None:
        self.query_one("#review-list", OptionList).action_select()

    def action_submit(self) -> None:
        try:
            problems = self.interview.submit()
        except StoreError as error:
            if error.kind in ("damaged", "response_removed"):
                self.app.store_failed(error)
            else:
                self.failed = error
                self.relabel()
            return
        self.failed = None
        if not problems:
            self.dismiss("submitted")
            return
        self.refused = True
        self.relabel()
        option_list = self.query_one("#review-list", OptionList)
        option_list.highlighted = self.item_ids.index(problems[0].item.id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_language(self) -> None:
        self.app.toggle_language()


def review_row(prefix: str, label: str, answer: str, width: int) -> str:
    """One question of the review in `width` columns: the number, the whole label wrapped, and the
    answer in a column on the right (at most three lines). Words are never cut: a long answer ends
    with "…" after its last whole word that fits."""
    answer_width = max(20, (width - len(prefix)) // 3)
    label_width = max(10, width - len(prefix) - 2 - answer_width)
    label_lines = textwrap.wrap(" ".join(label.split()), label_width, break_on_hyphens=False) or [""]
    answer_lines = textwrap.wrap(" ".join(answer.split()), answer_width, max_lines=3, placeholder=" …") or [""]
    lines = []
    for index in range(max(len(label_lines), len(answer_lines))):
        left = label_lines[index] if index < len(label_lines) else ""
        right = answer_lines[index] if index < len(answer_lines) else ""
        start = prefix if index == 0 else " " * len(prefix)
        lines.append(f"{start}{left:<{label_width}}  {right}".rstrip())
    return "\n".join(lines)
