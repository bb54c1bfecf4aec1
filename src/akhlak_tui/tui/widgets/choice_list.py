"""The options of a single or likert item: digits choose, arrows move, Enter or a click confirms."""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from akhlak_tui.tui.messages import AnswerChanged

Choice = tuple[Any, str, str]
"""(value stored, label, key that chooses it)."""


class ChoiceList(OptionList):
    """A list of choices with at most one chosen; the chosen one is marked and highlighted."""

    DEFAULT_CSS = """
    ChoiceList, ChoiceList:focus { height: auto; max-height: 100%; border: none; padding: 0 1; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)  # "[x]" or a "[" in a label is text, not markup
        self.choices: list[Choice] = []
        self.chosen: Any = None
        """The value chosen (None: nothing chosen yet)."""
        self.item_id = ""

    def load(self, item_id: str, choices: list[Choice], chosen: Any) -> None:
        """Show an item's choices (a new item, or the same one in another language)."""
        self.item_id = item_id
        self.choices = choices
        self.chosen = chosen
        self._render_choices()
        values = [value for value, _, _ in choices]
        self.highlighted = values.index(chosen) if chosen in values else None

    def _render_choices(self) -> None:
        self.set_options(
            Option(f"{'(*)' if value == self.chosen else '( )'} {key}  {label}")
            for value, label, key in self.choices
        )

    def choose_index(self, index: int) -> None:
        """Choose the option at `index` (announced with AnswerChanged when it differs)."""
        value = self.choices[index][0]
        self.highlighted = index
        if value != self.chosen:
            self.chosen = value
            self._render_choices()
            self.highlighted = index
            self.post_message(AnswerChanged(self.item_id, value))

    def choose_key(self, key: str) -> bool:
        """Choose the option a key stands for; False when no option has that key."""
        for index, (_, _, option_key) in enumerate(self.choices):
            if option_key == key:
                self.choose_index(index)
                return True
        return False

    def choose_highlighted(self) -> Any:
        """Choose the highlighted option (what Enter does) and return the chosen value."""
        if self.highlighted is not None and self.choices:
            self.choose_index(self.highlighted)
        return self.chosen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter is the screen's ("go on", taking the highlighted option); a click still selects.
        return action != "select" and super().check_action(action, parameters)

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose_index(event.option_index)
