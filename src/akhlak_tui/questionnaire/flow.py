"""Answering rules shared by the TUI and the merge: relevance, navigation, answer checks, response checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Optional

from akhlak_tui.questionnaire.conditions import Condition, compile_condition, parse_condition
from akhlak_tui.questionnaire.model import (
    IntegerItem,
    ItemBase,
    LikertItem,
    MultiItem,
    Questionnaire,
    SingleItem,
    TextItem,
    UnitItem,
    tr,
)

_MESSAGES = {
    "required": {"id": "Pertanyaan ini wajib dijawab.", "en": "This question needs an answer."},
    "choose_one": {"id": "Pilih salah satu jawaban yang tersedia.", "en": "Choose one of the answers offered."},
    "not_number": {"id": "Masukkan bilangan bulat.", "en": "Enter a whole number."},
    "min": {"id": "Angka paling kecil adalah {n}.", "en": "The smallest number allowed is {n}."},
    "max": {"id": "Angka paling besar adalah {n}.", "en": "The largest number allowed is {n}."},
    "too_long": {"id": "Paling banyak {n} karakter.", "en": "At most {n} characters."},
    "min_picks": {"id": "Pilih paling sedikit {n}.", "en": "Choose at least {n}."},
    "max_picks": {"id": "Pilih paling banyak {n}.", "en": "Choose at most {n}."},
    "exclusive": {
        "id": "\"{label}\" tidak dapat dipilih bersama jawaban lain.",
        "en": "\"{label}\" cannot be chosen together with other answers.",
    },
    "duplicate": {"id": "Jawaban yang sama dipilih dua kali.", "en": "The same answer is chosen twice."},
    "unit": {"id": "Pilih unit kerja dari daftar.", "en": "Choose a work unit from the list."},
    "no_answer": {"id": "Catatan ini tidak dijawab.", "en": "A note takes no answer."},
}


def message(key: str, lang: str, **values: Any) -> str:
    """A built-in message in `lang`, with its placeholders filled in."""
    return tr(_MESSAGES[key], lang).format(**values)


Problem = tuple[str, dict[str, Any]]
"""Why an answer is refused: a message key and its values (a `label` value is a Text)."""
TypeCheck = Callable[[Any], Optional[Problem]]
"""Checks a (non-empty) answer's type and range for one item; None if acceptable."""
_CHOOSE_ONE: Problem = ("choose_one", {})
_INT_ONLY = frozenset({int})


def say(problem: Problem, lang: str) -> str:
    """A problem as a message in `lang`."""
    key, values = problem
    return message(key, lang, **{k: tr(v, lang) if k == "label" else v for k, v in values.items()})


def is_empty(value: Any) -> bool:
    """True for no answer: None, an empty string or an empty list."""
    return value is None or value == "" or value == []


class Flow:
    """The answering rules of one questionnaire, with conditions parsed once."""

    def __init__(self, questionnaire: Questionnaire, unit_codes: Sequence[str] | None = None) -> None:
        self.questionnaire = questionnaire
        self.unit_codes = set(unit_codes) if unit_codes is not None else None
        self.items = questionnaire.items
        self.index = {item.id: i for i, item in enumerate(self.items)}
        # Conditions compiled and answer checks built once: the merge checks a million responses with them.
        self._relevant: dict[str, Condition] = {}
        self._constraint: dict[str, Condition] = {}
        self._type_check: dict[str, TypeCheck] = {}
        for item in self.items:
            self._type_check[item.id] = self._type_check_for(item)
            if item.relevant:
                self._relevant[item.id] = compile_condition(parse_condition(item.relevant))
            if item.constraint:
                self._constraint[item.id] = compile_condition(parse_condition(item.constraint))
        self._plan = [
            (item, item.id, item.required, self._relevant.get(item.id), self._type_check[item.id], self._constraint.get(item.id))
            for item in self.items
        ]
        # Likert items without relevance or constraint (most of a response): when each holds a code of
        # its scale, they are checked at once (`_plan_to_check`).
        plain_likert: dict[frozenset[int], list[str]] = {}
        for item in self.items:
            if isinstance(item, LikertItem) and item.id not in self._relevant and item.id not in self._constraint:
                plain_likert.setdefault(frozenset(questionnaire.scale_for(item).allowed()), []).append(item.id)
        self._likert_groups = [(ids, codes) for codes, ids in plain_likert.items()]
        grouped = {item_id for ids, _ in self._likert_groups for item_id in ids}
        self._plan_after_likert = [step for step in self._plan if step[1] not in grouped]

    # -- relevance and navigation ------------------------------------------------------------
    def is_relevant(self, item: ItemBase, answers: Mapping[str, Any]) -> bool:
        relevant = self._relevant.get(item.id)
        return relevant is None or relevant(answers, None)

    def visible_items(self, answers: Mapping[str, Any]) -> list[ItemBase]:
        """The items to show, in order, given the answers so far."""
        return [item for item in self.items if self.is_relevant(item, answers)]

    def next_item(self, item_id: str | None, answers: Mapping[str, Any]) -> ItemBase | None:
        """The first relevant item after `item_id` (from the start for None); None at the end."""
        start = 0 if item_id is None else self.index[item_id] + 1
        for item in self.items[start:]:
            if self.is_relevant(item, answers):
                return item
        return None

    def previous_item(self, item_id: str, answers: Mapping[str, Any]) -> ItemBase | None:
        """The last relevant item before `item_id`; None at the start."""
        for item in reversed(self.items[: self.index[item_id]]):
            if self.is_relevant(item, answers):
                return item
        return None

    def stale_answers(self, answers: Mapping[str, Any]) -> list[str]:
        """Answered items that are no longer relevant, in order: their answers must be cleared.

        Clearing one can make later ones irrelevant in turn, so this iterates to a fixed point.
        """
        current = dict(answers)
        stale: list[str] = []
        changed = True
        while changed:
            changed = False
            for item in self.items:
                if item.id in current and not is_empty(current[item.id]) and not self.is_relevant(item, current):
                    stale.append(item.id)
                    del current[item.id]
                    changed = True
        return stale

    def missing_required(self, answers: Mapping[str, Any]) -> list[ItemBase]:
        """Relevant required items without an answer."""
        return [
            item
            for item in self.visible_items(answers)
            if item.required and is_empty(answers.get(item.id))
        ]

    # -- checking one answer -----------------------------------------------------------------
    def check(self, item: ItemBase, value: Any, answers: Mapping[str, Any], lang: str = "id") -> str | None:
        """Why `value` is not an acceptable answer to `item` (in `lang`), or None if it is."""
        if is_empty(value):
            if item.required:
                return tr(item.required_message, lang) or message("required", lang)
            return None
        problem = self._type_check[item.id](value)
        if problem is not None:
            return say(problem, lang)
        constraint = self._constraint.get(item.id)
        if constraint is not None and not constraint(answers, value):
            return tr(item.constraint_message, lang)
        return None

    def _type_check_for(self, item: ItemBase) -> TypeCheck:
        """The type and range check of `item`'s answers, as a function built once."""
        if isinstance(item, LikertItem):
            codes = self.questionnaire.scale_for(item).allowed()

            def likert(value: Any) -> Problem | None:
                if type(value) is int or (isinstance(value, int) and not isinstance(value, bool)):
                    return None if value in codes else _CHOOSE_ONE
                return _CHOOSE_ONE

            return likert
        if isinstance(item, SingleItem):
            single_codes = frozenset(o.code for o in item.options)
            return lambda value: None if isinstance(value, str) and value in single_codes else _CHOOSE_ONE
        if isinstance(item, MultiItem):
            return self._multi_check(item)
        if isinstance(item, TextItem):
            max_length = item.max_length

            def text(value: Any) -> Problem | None:
                if not isinstance(value, str):
                    return _CHOOSE_ONE
                return ("too_long", {"n": max_length}) if len(value) > max_length else None

            return text
        if isinstance(item, IntegerItem):
            low, high = item.min, item.max

            def integer(value: Any) -> Problem | None:
                if isinstance(value, bool) or not isinstance(value, int):
                    return ("not_number", {})
                if low is not None and value < low:
                    return ("min", {"n": low})
                if high is not None and value > high:
                    return ("max", {"n": high})
                return None

            return integer
        if isinstance(item, UnitItem):

            def unit(value: Any) -> Problem | None:
                if not isinstance(value, str) or (self.unit_codes is not None and value not in self.unit_codes):
                    return ("unit", {})
                return None

            return unit
        return lambda value: ("no_answer", {})

    @staticmethod
    def _multi_check(item: MultiItem) -> TypeCheck:
        options = {o.code: o for o in item.options}
        codes = frozenset(options)
        exclusive = frozenset(o.code for o in item.options if o.exclusive)
        most, least = item.effective_max, item.min_picks

        def multi(value: Any) -> Problem | None:
            if not isinstance(value, list):
                return _CHOOSE_ONE
            try:
                picked = set(value)
            except TypeError:  # a list or an object among the picks
                return _CHOOSE_ONE
            if not picked <= codes:  # codes are strings: anything else is not among them
                return _CHOOSE_ONE
            if len(picked) != len(value):
                return ("duplicate", {})
            if len(value) > most:
                return ("max_picks", {"n": most})
            if len(value) < least:
                return ("min_picks", {"n": least})
            if exclusive and len(value) > 1 and not exclusive.isdisjoint(picked):
                first = next(v for v in value if v in exclusive)
                return ("exclusive", {"label": options[first].label})
            return None

        return multi

    # -- checking a whole response -----------------------------------------------------------
    def _plan_to_check(self, answers: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The items to check one by one: all of them, or all but the plain likert items when each has an allowed code."""
        for ids, codes in self._likert_groups:
            values = list(map(answers.get, ids))
            # exactly ints first: a set test alone would let True pass for 1, and fail on a list
            if not (set(map(type, values)) <= _INT_ONLY and codes.issuperset(values)):
                return self._plan
        return self._plan_after_likert

    def response_problems(self, answers: Mapping[str, Any], complete: bool = True) -> list[str]:
        """Every reason a response's answers break the questionnaire, in English, one line each.

        `complete` also requires every relevant required item to be answered (a submitted response).
        """
        problems: list[str] = []
        known = answers
        if not answers.keys() <= self.index.keys():
            problems.extend(f"{item_id}: unknown item" for item_id in answers if item_id not in self.index)
            known = {k: v for k, v in answers.items() if k in self.index}
        missing: list[str] = []
        for item, item_id, required, relevant, type_check, constraint in self._plan_to_check(known):
            value = known.get(item_id)
            if value is None or (not value and (value == "" or value == [])):  # is_empty, quick for answers
                if complete and required and (relevant is None or relevant(known, None)):
                    missing.append(f"{item_id}: required but not answered")
                continue
            if relevant is not None and not relevant(known, None):
                problems.append(f"{item_id}: answered although its relevance condition does not hold")
                continue
            problem = type_check(value)
            if problem is not None:
                problems.append(f"{item_id}: {say(problem, 'en')} (got {value!r})")
            elif constraint is not None and not constraint(known, value):
                problems.append(f"{item_id}: {tr(item.constraint_message, 'en')} (got {value!r})")
        return problems + missing
