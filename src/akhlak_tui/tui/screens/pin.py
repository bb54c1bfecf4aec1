"""The PIN dialog: the enumerator sets the kiosk PIN (typed twice), or types it to leave kiosk mode."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from akhlak_tui.tui.kiosk import MIN_PIN_LENGTH
from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from akhlak_tui.tui.app import AkhlakApp


class PinScreen(ModalScreen[str | None]):
    """Setting: dismissed with the new PIN (None: cancelled). Checking: dismissed with "ok" for the
    right PIN, None when cancelled; wrong PINs are counted by the kiosk lock and slowed down."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False, priority=True),
        Binding("ctrl+l", "language", "Language", show=False, priority=True),
    ]

    def __init__(self, setting: bool) -> None:
        super().__init__()
        self.setting = setting
        self.first: str | None = None
        """While setting: the PIN typed the first time."""
        self.prompt = "pin.set" if setting else "pin.enter"
        self.message: list[tuple[str, dict[str, int]]] = []
        """What the dialog says under the field, as text keys and their numbers: said again on Ctrl+L."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(id="pin-prompt")
            yield Input(password=True, id="pin", max_length=32)
            yield Static(id="pin-message", classes="message")
            yield KeyBar()

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#pin", Input).focus()

    def relabel(self) -> None:
        """Say the prompt, the message and the keys in the language shown (also on Ctrl+L)."""
        lang = self.app.lang
        self.query_one("#pin-prompt", Static).update(t(self.prompt, lang))
        self.query_one("#pin-message", Static).update(" ".join(t(key, lang, **numbers) for key, numbers in self.message))
        self.query_one(KeyBar).show_keys([("Enter", "screen.submit", t("key.ok", lang)), ("Esc", "screen.cancel", t("key.cancel", lang))])

    def _say(self, prompt: str, *message: tuple[str, dict[str, int]]) -> None:
        self.prompt, self.message = prompt, list(message)
        self.relabel()

    @on(Input.Submitted, "#pin")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        field = self.query_one("#pin", Input)
        pin = field.value
        field.value = ""
        if self.setting:
            if self.first is None:
                if len(pin) < MIN_PIN_LENGTH:
                    self._say("pin.set", ("pin.short", {}))
                    return
                self.first = pin
                self._say("pin.again")
            elif pin == self.first:
                self.dismiss(pin)
            else:
                self.first = None
                self._say("pin.set", ("pin.mismatch", {}))
            return
        lock = self.app.kiosk
        if lock is None:
            self.dismiss(None)
            return
        wait = lock.wait_left()
        if wait > 0:
            self._say("pin.enter", ("pin.wait", {"n": math.ceil(wait)}))
        elif lock.try_pin(pin):
            self.dismiss("ok")
        else:
            self._say("pin.enter", ("pin.wrong", {"n": lock.failures}), ("pin.wait", {"n": math.ceil(lock.wait_left())}))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_language(self) -> None:
        self.app.toggle_language()
