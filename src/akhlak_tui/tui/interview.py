"""One response being answered: the item on screen, the answers so far, every step committed to the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from akhlak_tui.active import ActiveSurvey
from akhlak_tui.questionnaire.flow import Flow, is_empty
from akhlak_tui.questionnaire.model import ItemBase, Section, UnitItem
from akhlak_tui.store import Store


@dataclass(frozen=True)
class Problem:
    """An item the review screen marks: it needs an answer or its answer breaks a rule."""

    item: ItemBase
    message: str


class Interview:
    """The answering state of one draft response. Each method that changes it writes to the store
    first (one transaction), so what the screen shows is always already saved."""

    def __init__(
        self,
        store: Store,
        survey: ActiveSurvey,
        flow: Flow,
        response_id: str,
        *,
        mode: str,
        lang: str,
        answers: dict[str, Any] | None = None,
    ) -> None:
        self.store = store
        self.survey = survey
        self.flow = flow
        self.response_id = response_id
        self.mode = mode
        self.lang = lang
        self.answers: dict[str, Any] = dict(answers or {})
        """Item id -> the stored answer (a mirror of the store, updated after each write)."""
        self.item: ItemBase = flow.items[0]
        """The item on screen."""

    # -- starting ------------------------------------------------------------------------------
    @classmethod
    def begin(cls, store: Store, survey: ActiveSurvey, flow: Flow, *, device_id: str, mode: str, lang: str) -> Interview:
        """Create a draft and show its first item."""
        response_id = store.start_response(
            survey.questionnaire, device_id=device_id, mode=mode, language=lang, survey_id=survey.survey_id  # type: ignore[arg-type]
        )
        interview = cls(store, survey, flow, response_id, mode=mode, lang=lang)
        first = flow.next_item(None, interview.answers)
        assert first is not None, "a questionnaire has at least one item"
        interview.show(first)
        return interview

    @classmethod
    def resume(cls, store: Store, survey: ActiveSurvey, flow: Flow, response_id: str) -> Interview:
        """Reopen a draft exactly where it stopped, with every answer stored so far."""
        response = store.load(response_id)
        interview = cls(
            store, survey, flow, response_id, mode=response.mode, lang=response.language, answers=store.answers(response_id)
        )
        store.record_event(response_id, "resumed")
        position = store.position(response_id)
        item = flow.questionnaire.item_by_id.get(position) if position else None
        if item is None or not flow.is_relevant(item, interview.answers):
            item = interview.first_open_item()
        interview.show(item)
        return interview

    def first_open_item(self) -> ItemBase:
        """The first visible item without an answer (or the last item when all are answered)."""
        visible = self.flow.visible_items(self.answers)
        for item in visible:
            if item.answerable and is_empty(self.answers.get(item.id)):
                return item
        return visible[-1]

    # -- where we are --------------------------------------------------------------------------
    @property
    def section(self) -> Section:
        return self.flow.questionnaire.section_of[self.item.id]

    def question_numbers(self) -> tuple[dict[str, int], int]:
        """(item id -> its number, number of questions) for the items shown given the answers so
        far. Only questions are numbered, as the home screen counts them; a note has the number of
        the question it leads to."""
        visible = self.flow.visible_items(self.answers)
        total = sum(1 for item in visible if item.answerable)
        numbers: dict[str, int] = {}
        count = 0
        for item in visible:
            numbers[item.id] = min(count + 1, total)
            count += item.answerable
        return numbers, total

    def progress(self) -> tuple[int, int]:
        """(number of the item on screen, number of questions to show) given the answers so far."""
        numbers, total = self.question_numbers()
        return numbers[self.item.id], total

    def starts_section(self) -> bool:
        """True when the item on screen is the first shown item of its section."""
        previous = self.flow.previous_item(self.item.id, self.answers)
        return previous is None or self.flow.questionnaire.section_of[previous.id].id != self.section.id

    def is_first(self) -> bool:
        return self.flow.previous_item(self.item.id, self.answers) is None

    # -- answering -----------------------------------------------------------------------------
    def show(self, item: ItemBase) -> None:
        """Put an item on screen: recorded, and made the resume point."""
        self.store.show_item(self.response_id, item.id)
        self.item = item

    def save(self, value: Any) -> list[str]:
        """Store the answer of the item on screen (None removes it), then clear answers of items
        it made irrelevant. Returns the ids of the answers cleared."""
        if is_empty(value):
            value = None
        self.store.save_answer(self.response_id, self.item.id, value, is_unit=isinstance(self.item, UnitItem))
        if value is None:
            self.answers.pop(self.item.id, None)
        else:
            self.answers[self.item.id] = value
        stale = self.flow.stale_answers(self.answers)
        if stale:
            self.store.clear_answers(self.response_id, stale, reason="irrelevant")
            for item_id in stale:
                self.answers.pop(item_id, None)
        return stale

    def check(self, value: Any) -> str | None:
        """Why `value` cannot be the answer of the item on screen (in the current language), or None."""
        return self.flow.check(self.item, value, {**self.answers, self.item.id: value}, self.lang)

    def keep(self, value: Any) -> list[str]:
        """Save a value typed but not confirmed (before leaving the item), if it is acceptable."""
        if value != self.answers.get(self.item.id) and (is_empty(value) or self.check(value) is None):
            return self.save(value)
        return []

    def confirm(self, value: Any) -> tuple[str | None, list[str]]:
        """Check and save the answer, staying on the item. Returns (problem, cleared ids)."""
        problem = self.check(value)
        if problem is not None:
            return problem, []
        return None, self.save(value)

    def go_on(self, value: Any) -> tuple[str | None, list[str]]:
        """Check and save the answer, then show the next item. Returns (problem, cleared ids); the
        item stays when there is a problem. At the end `at_end()` is True and the item stays."""
        problem, cleared = self.confirm(value)
        if problem is not None:
            return problem, []
        following = self.flow.next_item(self.item.id, self.answers)
        if following is not None:
            self.show(following)
        return None, cleared

    def at_end(self) -> bool:
        return self.flow.next_item(self.item.id, self.answers) is None

    def back(self) -> bool:
        """Show the previous item; False (nothing done) at the first item."""
        previous = self.flow.previous_item(self.item.id, self.answers)
        if previous is None:
            return False
        self.store.record_event(self.response_id, "back", self.item.id)
        self.show(previous)
        return True

    def jump(self, item_id: str) -> None:
        """Show any visible item (from the review screen)."""
        self.show(self.flow.questionnaire.item_by_id[item_id])

    def set_language(self, lang: str) -> None:
        self.store.record_event(self.response_id, "language", old=self.lang, new=lang)
        self.lang = lang

    def record(self, kind: str, detail: str | None = None) -> None:
        """Record a paradata event about the item on screen (review, paused, idle ...)."""
        self.store.record_event(self.response_id, kind, self.item.id, detail=detail)

    # -- finishing -----------------------------------------------------------------------------
    def problems(self) -> list[Problem]:
        """Visible items whose answer is missing (when required) or breaks a rule, in order."""
        found = []
        for item in self.flow.visible_items(self.answers):
            if not item.answerable:
                continue
            message = self.flow.check(item, self.answers.get(item.id), self.answers, self.lang)
            if message is not None:
                found.append(Problem(item, message))
        return found

    def submit(self) -> list[Problem]:
        """Submit (sealed for a real survey) when nothing is missing; else return the problems."""
        problems = self.problems()
        if not problems:
            self.store.submit(self.response_id, seal=self.survey.sealer())
        return problems

    def abandon(self, reason: str) -> None:
        """End the response unfinished: kept for audit, never scored."""
        self.store.abandon(self.response_id, reason, seal=self.survey.sealer())
