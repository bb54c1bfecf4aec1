"""A checkbox whose mark says whether it is ticked without colour: "X" ticked, blank not."""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    """Textual's checkbox shows the same "X" ticked or not, told apart by colour alone, which a
    monochrome or washed-out laptop screen loses; this one leaves the box empty when not ticked."""

    BUTTON_INNER = " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()
        self.refresh()
