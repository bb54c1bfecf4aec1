"""Answering rules shared by the TUI and the merge: relevance, navigation, answer checks, response checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from akhlak_tui.questionnaire.conditions import Node, evaluate, parse_condition
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
        self._relevant: dict[str, Node] = {}
        self._constraint: dict[str, Node] = {}
        # Allowed answers per item, built once: the merge checks a million responses with them.
        self._likert_codes: dict[str, set[int]] = {}
        self._options: dict[str, dict[str, Any]] = {}
        for item in self.items:
            if isinstance(item, LikertItem):
                self._likert_codes[item.id] = questionnaire.scale_for(item).allowed()
            elif isinstance(item, (SingleItem, MultiItem)):
                self._options[item.id] = {o.code: o for o in item.options}
            if item.relevant:
                self._relevant[item.id] = parse_condition(item.relevant)
            if item.constraint:
                self._constraint[item.id] = parse_condition(item.constraint)

    # -- relevance and navigation ------------------------------------------------------------
    def is_relevant(self, item: ItemBase, answers: Mapping[str, Any]) -> bool:
        node = self._relevant.get(item.id)
        return node is None or evaluate(node, answers)

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
        problem = self._check_type(item, value, lang)
        if problem:
            return problem
        node = self._constraint.get(item.id)
        if node is not None and not evaluate(node, answers, self_value=value):
            return tr(item.constraint_message, lang)
        return None

    def _check_type(self, item: ItemBase, value: Any, lang: str) -> str | None:
        if isinstance(item, LikertItem):
            if isinstance(value, bool) or not isinstance(value, int) or value not in self._likert_codes[item.id]:
                return message("choose_one", lang)
        elif isinstance(item, SingleItem):
            if not isinstance(value, str) or value not in self._options[item.id]:
                return message("choose_one", lang)
        elif isinstance(item, MultiItem):
            codes = self._options[item.id]
            if not isinstance(value, list) or not all(isinstance(v, str) and v in codes for v in value):
                return message("choose_one", lang)
            if len(set(value)) != len(value):
                return message("duplicate", lang)
            if len(value) > item.effective_max:
                return message("max_picks", lang, n=item.effective_max)
            if len(value) < item.min_picks:
                return message("min_picks", lang, n=item.min_picks)
            exclusive = [codes[v] for v in value if codes[v].exclusive]
            if exclusive and len(value) > 1:
                return message("exclusive", lang, label=tr(exclusive[0].label, lang))
        elif isinstance(item, TextItem):
            if not isinstance(value, str):
                return message("choose_one", lang)
            if len(value) > item.max_length:
                return message("too_long", lang, n=item.max_length)
        elif isinstance(item, IntegerItem):
            if isinstance(value, bool) or not isinstance(value, int):
                return message("not_number", lang)
            if item.min is not None and value < item.min:
                return message("min", lang, n=item.min)
            if item.max is not None and value > item.max:
                return message("max", lang, n=item.max)
        elif isinstance(item, UnitItem):
            if not isinstance(value, str) or (self.unit_codes is not None and value not in self.unit_codes):
                return message("unit", lang)
        else:
            return message("no_answer", lang)
        return None

    # -- checking a whole response -----------------------------------------------------------
    def response_problems(self, answers: Mapping[str, Any], complete: bool = True) -> list[str]:
        """Every reason a response's answers break the questionnaire, in English, one line each.

        `complete` also requires every relevant required item to be answered (a submitted response).
        """
        problems: list[str] = []
        for item_id in answers:
            if item_id not in self.index:
                problems.append(f"{item_id}: unknown item")
        known = {k: v for k, v in answers.items() if k in self.index}
        for item in self.items:
            if item.id not in known or is_empty(known[item.id]):
                continue
            if not self.is_relevant(item, known):
                problems.append(f"{item.id}: answered although its relevance condition does not hold")
                continue
            problem = self.check(item, known[item.id], known, lang="en")
            if problem:
                problems.append(f"{item.id}: {problem} (got {known[item.id]!r})")
        if complete:
            for item in self.missing_required(known):
                problems.append(f"{item.id}: required but not answered")
        return problems
