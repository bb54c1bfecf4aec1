"""The question screen: one item at a time, each answer committed before the next item shows."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Input, Static, TextArea

from akhlak_tui.questionnaire.flow import message as flow_message
from akhlak_tui.questionnaire.model import (
    IntegerItem,
    ItemBase,
    LikertItem,
    MultiItem,
    SingleItem,
    TextItem,
    UnitItem,
    tr,
)
from akhlak_tui.store import StoreError
from akhlak_tui.tui.failures import failure_text
from akhlak_tui.tui.messages import AnswerChanged, AnswerRefused
from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.answer_input import AnswerArea, AnswerInput
from akhlak_tui.tui.widgets.choice_list import Choice, ChoiceList
from akhlak_tui.tui.widgets.filter_picker import FilterPicker
from akhlak_tui.tui.widgets.key_bar import KeyHint, KeyBar

if TYPE_CHECKING:
    from akhlak_tui.tui.app import AkhlakApp
    from akhlak_tui.tui.interview import Interview

MAX_DIGIT_OPTIONS = 10
"""A single item with more options than this gets the filter list instead of digit keys."""


def answer_kind(item: ItemBase) -> str:
    """Which answer widget an item uses (the id of the widget in the screen)."""
    if isinstance(item, LikertItem) or (isinstance(item, SingleItem) and len(item.options) <= MAX_DIGIT_OPTIONS):
        return "choices"
    if isinstance(item, (SingleItem, MultiItem, UnitItem)):
        return "picker"
    if isinstance(item, TextItem):
        return "longtext" if item.multiline else "text"
    if isinstance(item, IntegerItem):
        return "number"
    return "note"


def with_required_mark(label: str, width: int) -> str:
    """The label followed by " *", the mark kept on the line of the label's last word (a line
    break goes before that word rather than leave the mark alone on a line)."""
    marked = f"{label} *"
    last_paragraph = marked.rsplit("\n", 1)[-1]
    lines = textwrap.wrap(last_paragraph, max(width, 3), break_long_words=False, break_on_hyphens=False)
    if len(lines) > 1 and lines[-1] == "*":
        head, _, last_word = label.rstrip().rpartition(" ")
        return f"{head}\n{last_word} *"
    return marked


def digit_span(keys: list[str]) -> str:
    """Digit keys as shown in the key bar: "1-5,9" for 1 2 3 4 5 9."""
    runs: list[list[int]] = []
    for digit in sorted(int(k) for k in keys):
        if runs and digit == runs[-1][-1] + 1:
            runs[-1].append(digit)
        else:
            runs.append([digit])
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


class QuestionScreen(Screen[None]):
    """Shows the interview's current item and turns keys into stored answers and moves."""

    if TYPE_CHECKING:
        app: AkhlakApp

    # Not priority bindings: the focused field sees a key first (the App applies every key in
    # the order typed, see key_order.py). ctrl+x must beat the field's "cut".
    BINDINGS = [
        Binding("enter", "go_on", "Next", show=False),
        Binding("escape", "back", "Back", show=False),
        Binding("ctrl+r", "review", "Review", show=False),
        Binding("ctrl+l", "language", "Language", show=False),
        Binding("ctrl+p", "pause", "Pause", show=False),
        Binding("ctrl+x", "abandon", "Abandon", show=False, priority=True),
    ]

    def __init__(self, interview: Interview, note: str = "") -> None:
        super().__init__()
        self.interview = interview
        self.kind = "choices"
        """Which answer widget the item on screen uses (see `answer_kind`)."""
        self.first_note = note
        """Shown under the first item drawn (e.g. that the response was resumed)."""
        self.from_review = False
        """The item was opened from the review: Enter (once the answer is accepted) and Esc go back there."""
        self.failure_note = ""
        """What the last failed write said (until a write succeeds): a rule's message never hides it."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="where"):
            yield Static(id="section", markup=False)
            yield Static(id="required")
            yield Static(id="progress")
        yield Static(id="intro", markup=False)
        yield Static(id="label", classes="question", markup=False)
        yield Static(id="hint", markup=False)
        with ContentSwitcher(id="answer", initial="choices"):
            yield ChoiceList(id="choices")
            yield FilterPicker(id="picker")
            yield AnswerInput(id="text")
            yield AnswerArea(id="longtext", soft_wrap=True, show_line_numbers=False)
            yield AnswerInput(id="number", type="integer")
            yield Static(id="note")
        yield Static(id="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_item(self.first_note)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("pause", "abandon") and self.app.kiosk is not None:
            return False
        return True

    # -- drawing -------------------------------------------------------------------------------
    def show_item(self, note: str = "", keep_input: bool = False) -> None:
        """Draw the interview's current item (`keep_input`: the same item in another language)."""
        interview = self.interview
        item, lang = interview.item, interview.lang
        number, total = interview.progress()
        self.query_one("#section", Static).update(tr(interview.section.title, lang))
        self.query_one("#progress", Static).update(f"{number} / {total}")
        intro = self.query_one("#intro", Static)
        intro_text = tr(interview.section.intro, lang) if interview.starts_section() else ""
        intro.update(intro_text)
        intro.display = bool(intro_text)
        self._draw_label()
        required = self.query_one("#required", Static)
        required.update(t("answer.required", lang))
        required.display = item.required
        hint = self.query_one("#hint", Static)
        hint.update(tr(item.hint, lang))
        hint.display = bool(item.hint)
        self.kind = answer_kind(item)
        self.query_one("#answer", ContentSwitcher).current = self.kind
        value = interview.answers.get(item.id)
        if self.kind == "choices":
            choices = self.query_one("#choices", ChoiceList)
            choices.load(item.id, self._choices(item), value)
            choices.focus()
        elif self.kind == "picker":
            self._load_picker(item, value, keep_input)
            self.query_one("#picker #filter", Input).focus()
        elif self.kind in ("text", "number"):
            field = self.query_one(f"#{self.kind}", Input)
            if not keep_input:
                field.value = "" if value is None else str(value)
                field.cursor_position = len(field.value)
            if isinstance(item, TextItem):
                field.max_length = item.max_length
            field.placeholder = t("answer.number" if self.kind == "number" else "answer.text", lang)
            field.focus()
        elif self.kind == "longtext":
            area = self.query_one("#longtext", AnswerArea)
            area.max_length = item.max_length if isinstance(item, TextItem) else None
            if area.max_length is not None:
                area.too_long_text = flow_message("too_long", lang, n=area.max_length)
            if not keep_input:
                area.text = value or ""
                area.move_cursor(area.document.end)
            area.placeholder = t("answer.text", lang)
            area.focus()
        else:
            self.query_one("#note", Static).update(t("answer.note", lang))
            self.set_focus(None)
        self.say(note)
        self.query_one(KeyBar).show_keys(self._keys(item))

    def _draw_label(self) -> None:
        item, lang = self.interview.item, self.interview.lang
        label = tr(item.label, lang)
        width = self.app.size.width - 2  # the label's padding
        self.query_one("#label", Static).update(with_required_mark(label, width) if item.required else label)

    def on_resize(self, event: events.Resize) -> None:
        self._draw_label()

    def relabel(self) -> None:
        self.show_item(keep_input=True)

    def say(self, text: str) -> None:
        """Show (or clear) the inline message under the answer."""
        self.query_one("#message", Static).update(text)

    def _choices(self, item: ItemBase) -> list[Choice]:
        lang = self.interview.lang
        if isinstance(item, LikertItem):
            scale = self.interview.flow.questionnaire.scale_for(item)
            points = [*scale.points, *([scale.not_applicable] if scale.not_applicable else [])]
            return [(p.code, tr(p.label, lang), str(p.code) if 0 <= p.code <= 9 else "") for p in points]
        assert isinstance(item, SingleItem)
        return [(o.code, tr(o.label, lang), str((i + 1) % 10)) for i, o in enumerate(item.options)]

    def _load_picker(self, item: ItemBase, value: Any, keep_filter: bool) -> None:
        lang = self.interview.lang
        picker = self.query_one("#picker", FilterPicker)
        if isinstance(item, UnitItem):
            units = self.interview.survey.units
            options = [(u.code, f"{u.name} ({u.code})", False) for u in units]
            order = [u.code for u in units]
        else:
            assert isinstance(item, (SingleItem, MultiItem))
            options = [(o.code, tr(o.label, lang), o.exclusive) for o in item.options]
            order = [o.code for o in item.options]
        multi = isinstance(item, MultiItem)
        picked = list(value or []) if multi else ([value] if value else [])
        picker.load(
            item.id,
            options,
            order,
            picked,
            multi=multi,
            max_picks=item.effective_max if isinstance(item, MultiItem) else None,
            placeholder=t("answer.filter", lang),
            counter_text=t("answer.chosen", lang) if multi else "",
            no_match_text=t("answer.no_match", lang),
            max_message=flow_message("max_picks", lang, n=item.effective_max) if isinstance(item, MultiItem) else "",
            keep_filter=keep_filter,
        )

    def _keys(self, item: ItemBase) -> list[KeyHint]:
        lang = self.interview.lang
        keys: list[KeyHint] = []
        if self.kind == "choices":
            digits = [key for _, _, key in self._choices(item) if key]
            if digits:
                keys.append((digit_span(digits), "screen.go_on", t("key.choose", lang)))
        elif isinstance(item, MultiItem):  # the filter field's placeholder says typing filters
            keys.append(("Space", "screen.toggle", t("key.toggle", lang)))
        elif self.kind == "picker":
            keys.append(("a-z", "screen.go_on", t("key.filter", lang)))
        if self.from_review:
            keys += [("Enter", "screen.go_on", t("key.review", lang)), ("Esc", "screen.back", t("key.back", lang), 1)]
        else:
            keys += [
                ("Enter", "screen.go_on", t("key.next", lang)),
                ("Esc", "screen.back", t("key.back", lang), 1),
                ("^r", "screen.review", t("key.review", lang), 2),
            ]
        keys.append(("^l", "screen.language", t("key.language", lang), 3))
        # When they do not all fit, abandon goes first, then pause (rarely used, well known).
        if self.app.kiosk is None:
            keys += [("^p", "screen.pause", t("key.pause", lang), 4), ("^x", "screen.abandon", t("key.abandon", lang), 5)]
        else:
            keys.append(("^q", "app.quit", t("key.leave_kiosk", lang), 4))
        return keys

    # -- reading the answer widgets -------------------------------------------------------------
    def current_value(self, confirm: bool = False) -> Any:
        """The answer as the widgets hold it. `confirm` (Enter) also takes a highlighted option."""
        if self.kind == "choices":
            choices = self.query_one("#choices", ChoiceList)
            return choices.choose_highlighted() if confirm else choices.chosen
        if self.kind == "picker":
            picker = self.query_one("#picker", FilterPicker)
            return picker.pick_highlighted() if confirm else picker.value
        if self.kind == "text":
            return self.query_one("#text", Input).value.strip() or None
        if self.kind == "longtext":
            return self.query_one("#longtext", TextArea).text.strip() or None
        if self.kind == "number":
            raw = self.query_one("#number", Input).value.strip()
            if not raw:
                return None
            try:
                return int(raw)
            except ValueError:
                return raw  # refused by the check with "enter a whole number"
        return None

    def keep_typed(self) -> bool:
        """Save what is typed but not yet confirmed (before leaving this screen). False when the
        store failed: the screen then says so, and that the answer was not saved."""
        value = self.current_value()
        try:
            self.interview.keep(value)
        except StoreError as error:
            self._failed(error, value)
            return False
        return True

    def _failed(self, error: StoreError, value: Any = None, *, in_hand: bool = True) -> None:
        """A store write failed: redraw the item from what is stored (typed text stays in its field)
        and say what failed, what to do, and whether the answer in hand (`value`) was saved.
        A damaged file ends the interview on the failure screen (it is never written to again), as
        does a response removed from the laptop (its survey uninstalled with --force)."""
        if error.kind in ("damaged", "response_removed"):
            self.app.store_failed(error)
            return
        saved = not in_hand or self.interview.is_saved(value)
        self.failure_note = failure_text(error, self.interview.lang, saved=saved)
        self.show_item(self.failure_note, keep_input=True)

    def _note_cleared(self, cleared: list[str]) -> str:
        return t("answer.cleared", self.interview.lang, n=len(cleared)) if cleared else ""

    # -- events from the answer widgets --------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if self.kind == "choices" and event.character and event.character.isdigit():
            event.stop()
            choices = self.query_one("#choices", ChoiceList)
            if choices.choose_key(event.character):
                self._save(choices.chosen)

    @on(AnswerChanged)
    def _answer_changed(self, event: AnswerChanged) -> None:
        event.stop()
        if event.item_id == self.interview.item.id and event.value != self.interview.answers.get(event.item_id):
            self._save(event.value)

    @on(AnswerRefused)
    def _answer_refused(self, event: AnswerRefused) -> None:
        event.stop()
        self.say(event.text)

    def _save(self, value: Any) -> None:
        try:
            cleared = self.interview.save(value)
        except StoreError as error:
            self._failed(error, value)
            return
        self.failure_note = ""
        number, total = self.interview.progress()
        self.query_one("#progress", Static).update(f"{number} / {total}")
        self.say(self._note_cleared(cleared))

    # -- moves ---------------------------------------------------------------------------------
    def action_go_on(self) -> None:
        interview = self.interview
        before = interview.item.id
        value = self.current_value(confirm=True)
        try:
            problem, cleared = interview.confirm(value) if self.from_review else interview.go_on(value)
        except StoreError as error:
            self._failed(error, value)
            return
        if problem is not None:
            # After a failed write the answer is missing because it could not be saved: say that.
            self.say(self.failure_note or problem)
            return
        self.failure_note = ""
        if self.from_review:
            self.action_review()
            return
        if interview.item.id == before:
            self.action_review()
        else:
            self.show_item(self._note_cleared(cleared))

    def action_toggle(self) -> None:
        picker = self.query_one("#picker", FilterPicker)
        picker.action_toggle()
        if picker.value != self.interview.answers.get(self.interview.item.id):
            self._save(picker.value)

    def action_back(self) -> None:
        if self.from_review:
            self.action_review()
            return
        value = self.current_value()
        try:
            note = self._note_cleared(self.interview.keep(value))
            moved = self.interview.back()
        except StoreError as error:
            self._failed(error, value)
            return
        if moved:
            self.show_item(note)
        else:
            self.say(t("answer.first", self.interview.lang))

    def action_review(self) -> None:
        from akhlak_tui.tui.screens.review import ReviewScreen

        if self._keep_and_record("review"):
            self.from_review = False
            self.app.push_screen(ReviewScreen(self.interview), self._after_review)

    def _keep_and_record(self, kind: str) -> bool:
        """Save what is typed and record a paradata event; False (and said) when the store failed."""
        if not self.keep_typed():
            return False
        try:
            self.interview.record(kind)
        except StoreError as error:
            self._failed(error, in_hand=False)
            return False
        return True

    def _after_review(self, result: str | None) -> None:
        if result == "submitted":
            self.app.finished()
        elif result:
            try:
                self.interview.jump(result)
            except StoreError as error:
                self._failed(error, in_hand=False)
                return
            self.from_review = True
            self.show_item()
        else:
            self.show_item(keep_input=False)

    def action_language(self) -> None:
        self.app.toggle_language()

    def action_pause(self) -> None:
        if self._keep_and_record("paused"):
            self.app.go_home()

    def action_abandon(self) -> None:
        from akhlak_tui.tui.screens.abandon import AbandonScreen

        def abandon(reason: str | None) -> None:
            if reason and self.keep_typed():
                try:
                    self.interview.abandon(reason)
                except StoreError as error:
                    self._failed(error, in_hand=False)
                    return
                self.app.go_home()

        self.app.push_screen(AbandonScreen(), abandon)
