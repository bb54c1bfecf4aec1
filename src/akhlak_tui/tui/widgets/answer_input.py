"""Text fields of the question screen that leave Enter to the screen, so Enter always means "go on"."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea


class AnswerInput(Input):
    """A one-line answer. Enter is not handled here: it goes on to the screen's binding."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "submit" and super().check_action(action, parameters)


class AnswerArea(TextArea):
    """A multi-line answer that wraps; Enter goes on (it does not start a new line)."""

    async def _on_key(self, event: events.Key) -> None:
        # Textual runs TextArea's handler after this one unless the default is prevented.
        if event.key == "enter":
            event.prevent_default()  # no new line: the key bubbles on to the screen's Enter
