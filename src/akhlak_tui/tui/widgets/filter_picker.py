"""A long option list with type-to-filter: many picks with a live counter (multi), or one pick (work unit)."""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from akhlak_tui.tui.messages import AnswerChanged, AnswerRefused
from akhlak_tui.tui.widgets.answer_input import AnswerInput

PickOption = tuple[str, str, bool]
"""(code, label in the current language, exclusive)."""


class FilterInput(AnswerInput):
    """The filter field: it types letters; space and the arrows act on the list below (the App
    applies keys in the order typed, so space toggles what the filter shows after every letter)."""

    BINDINGS = [
        Binding("space", "picker('toggle')", "Toggle", show=False),
        Binding("up", "picker('move', 'cursor_up')", "Up", show=False),
        Binding("down", "picker('move', 'cursor_down')", "Down", show=False),
        Binding("pageup", "picker('move', 'page_up')", "Page up", show=False),
        Binding("pagedown", "picker('move', 'page_down')", "Page down", show=False),
    ]

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key != "space" and super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        # Textual runs Input's handler after this one unless the default is prevented.
        if event.key == "space":
            event.prevent_default()  # not typed: the binding above toggles

    def action_picker(self, action: str, *arguments: str) -> None:
        getattr(self.parent, f"action_{action}")(*arguments)


class FilterPicker(Vertical):
    """Typing filters the options; arrows move; space or a click toggles; a counter shows n / max.
    Enter is left to the screen (it reads `value`, or `pick_highlighted` for a single pick)."""

    DEFAULT_CSS = """
    FilterPicker { height: 1fr; }
    FilterPicker > #filter { height: 1; border: none; padding: 0 1; margin: 0; }
    FilterPicker > #options, FilterPicker > #options:focus { height: 1fr; border: none; padding: 0 1; }
    FilterPicker > #counter { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.options: list[PickOption] = []
        """Every option, in the order shown (alphabetical in the current language)."""
        self.order: dict[str, int] = {}
        """Code -> place in the questionnaire file (the order answers are stored in)."""
        self.picked: list[str] = []
        self.multi = True
        self.max_picks: int | None = None
        self.counter_text = "{n} / {max}"
        self.no_match_text = ""
        self.max_message = ""
        self.shown: list[PickOption] = []
        self.item_id = ""

    def compose(self) -> ComposeResult:
        yield FilterInput(id="filter", compact=True)
        options = OptionList(id="options", markup=False)  # "[x]" marks a tick, it is not markup
        options.can_focus = False  # Tab cannot take the typing away from the filter
        yield options
        yield Static(id="counter")

    # -- loading -------------------------------------------------------------------------------
    def load(
        self,
        item_id: str,
        options: list[PickOption],
        file_order: list[str],
        picked: list[str],
        *,
        multi: bool,
        max_picks: int | None,
        placeholder: str,
        counter_text: str,
        no_match_text: str,
        max_message: str,
        keep_filter: bool = False,
    ) -> None:
        """Show an item's options (sorted by label) with `picked` marked."""
        self.item_id = item_id
        self.options = sorted(options, key=lambda o: o[1].casefold())
        self.order = {code: i for i, code in enumerate(file_order)}
        self.picked = list(picked)
        self.multi = multi
        self.max_picks = max_picks
        self.counter_text = counter_text
        self.no_match_text = no_match_text
        self.max_message = max_message
        filter_input = self.query_one("#filter", Input)
        filter_input.placeholder = placeholder
        if not keep_filter:
            filter_input.value = ""
        self._refilter(filter_input.value)

    @property
    def value(self) -> Any:
        """The picks in file order (multi), or the one code picked (single; None for none)."""
        if self.multi:
            return sorted(self.picked, key=self.order.__getitem__)
        return self.picked[0] if self.picked else None

    # -- showing -------------------------------------------------------------------------------
    def _prompt(self, code: str, label: str) -> str:
        if self.multi:
            return f"{'[x]' if code in self.picked else '[ ]'} {label}"
        return f"{'(*)' if code in self.picked else '( )'} {label}"

    def _refilter(self, text: str) -> None:
        needle = text.strip().casefold()
        self.shown = [o for o in self.options if needle in o[1].casefold() or needle == o[0].casefold()]
        option_list = self.query_one("#options", OptionList)
        option_list.set_options(Option(self._prompt(code, label)) for code, label, _ in self.shown)
        shown_codes = [code for code, _, _ in self.shown]
        first_picked = next((i for i, code in enumerate(shown_codes) if code in self.picked), None)
        if needle or first_picked is None:
            # Multi: space toggles the highlighted one; single: Enter takes a match, never a guess.
            first_picked = 0 if self.shown and (self.multi or needle) else None
        option_list.highlighted = first_picked
        self._update_counter()

    def _update_counter(self) -> None:
        counter = self.query_one("#counter", Static)
        no_match = "" if self.shown else self.no_match_text
        if self.multi:
            chosen = self.counter_text.format(n=len(self.picked), max=self.max_picks or len(self.options))
            counter.update(f"{chosen} · {no_match}" if no_match else chosen)
        else:
            counter.update(no_match)

    def _redraw(self) -> None:
        option_list = self.query_one("#options", OptionList)
        for index, (code, label, _) in enumerate(self.shown):
            option_list.replace_option_prompt_at_index(index, self._prompt(code, label))
        self._update_counter()

    # -- picking -------------------------------------------------------------------------------
    def toggle(self, code: str) -> None:
        """Toggle (multi) or pick (single) one option, keeping the item's rules."""
        if not self.multi:
            if self.picked != [code]:
                self.picked = [code]
                self._redraw()
                self.post_message(AnswerChanged(self.item_id, code))
            return
        exclusive = {c for c, _, ex in self.options if ex}
        if code in self.picked:
            self.picked.remove(code)
        elif code in exclusive:
            self.picked = [code]
        else:
            kept = [c for c in self.picked if c not in exclusive]
            if self.max_picks is not None and len(kept) >= self.max_picks:
                self.post_message(AnswerRefused(self.max_message))
                return
            self.picked = [*kept, code]
        self._redraw()
        self.post_message(AnswerChanged(self.item_id, self.value))

    def pick_highlighted(self) -> Any:
        """For a single pick, Enter takes the highlighted option; returns the value."""
        option_list = self.query_one("#options", OptionList)
        if not self.multi and option_list.highlighted is not None and self.shown:
            self.toggle(self.shown[option_list.highlighted][0])
        return self.value

    def action_toggle(self) -> None:
        option_list = self.query_one("#options", OptionList)
        if option_list.highlighted is not None and self.shown:
            self.toggle(self.shown[option_list.highlighted][0])

    def action_move(self, action: str) -> None:
        getattr(self.query_one("#options", OptionList), f"action_{action}")()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refilter(event.value)

    @on(OptionList.OptionSelected, "#options")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.toggle(self.shown[event.option_index][0])
        self.query_one("#filter", Input).focus()
