"""Text fields of the question screen that leave Enter to the screen, so Enter always means "go on"."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea
from textual.widgets.text_area import EditResult, Location

from akhlak_tui.tui.messages import AnswerRefused


class AnswerInput(Input):
    """A one-line answer. Enter is not handled here: it goes on to the screen's binding."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "submit" and super().check_action(action, parameters)


class AnswerArea(TextArea):
    """A multi-line answer that wraps; Enter goes on (it does not start a new line). Like a
    one-line field with a maximum length, it takes no more characters than the item allows
    (typed or pasted), and says so, instead of holding text that could never be saved."""

    max_length: int | None = None
    """The most characters the answer may have (None: no limit)."""
    too_long_text = ""
    """What is said when typing goes past `max_length`."""

    def _replace_via_keyboard(self, insert: str, start: Location, end: Location) -> EditResult | None:
        if self.max_length is not None and insert:
            room = self.max_length - (len(self.text) - len(self.get_text_range(start, end)))
            if len(insert) > room:
                insert = insert[: max(room, 0)]
                self.post_message(AnswerRefused(self.too_long_text))
                if not insert:
                    return None
        return super()._replace_via_keyboard(insert, start, end)

    async def _on_key(self, event: events.Key) -> None:
        # Textual runs TextArea's handler after this one unless the default is prevented.
        if event.key == "enter":
            event.prevent_default()  # no new line: the key bubbles on to the screen's Enter
