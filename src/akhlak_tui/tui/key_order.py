"""OrderedKeys: every key of the app applied in the order typed, each to the screen the key before it left.

Textual hands a key to the focused widget's queue and lets it bubble up from queue to queue:
the widget's own handlers run in one task, the screen's in another, bindings last in the App's.
A key typed while the one before it is still on its way can then overtake it: a digit typed
after Enter reaches the question that Enter was about to leave. Here the App takes every key
into one queue instead and applies it completely (priority bindings, the handlers of the
focused widget and of each of its ancestors, then the other bindings: Textual's own order),
in the App's task, before it looks at the next one. A key waits while the screen is not still:
a screen being mounted, a dismissed screen's result not yet delivered, a message posted by the
key before it (an answer changed, a filter typed) not yet handled.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

from textual import events
from textual._callback import invoke

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.timer import Timer

RETRY_SECONDS = 0.002
"""How soon a key that had to wait for the screen is tried again."""
MAX_WAIT_SECONDS = 1.0
"""The longest a key waits for a screen that never falls still (one that keeps animating): then
it is applied as soon as every screen is mounted, rather than never."""


class OrderedKeys:
    """The App's one path for keys: a queue, applied one key at a time, in order."""

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self.waiting: deque[events.Key] = deque()
        """Keys typed and not yet applied, oldest first."""
        self._scheduled: Timer | bool | None = None
        """The pending call of `apply_next` (a timer while the screen moves), if any."""
        self._waiting_since: float | None = None
        """When the oldest waiting key first found the screen moving."""

    def __len__(self) -> int:
        return len(self.waiting)

    def discard(self) -> None:
        """Forget the keys still waiting (typed for a screen that is gone, by a person who is gone)."""
        self.waiting.clear()

    async def take(self, event: events.Key) -> None:
        """A key from the terminal: it waits behind the keys typed before it."""
        self.waiting.append(event)
        if self._scheduled is None:
            await self.apply_next()

    async def apply_next(self) -> None:
        """Apply the oldest waiting key once the screen is still.

        After each key a turn of the App's queue passes before the next: what the key posted to
        the App (a focus change, a callback) is queued before that turn, so it is done first."""
        self._scheduled = None
        if not self.waiting:
            return
        if not self.screen_is_still() and not self._waited_long_enough():
            self._scheduled = self.app.set_timer(RETRY_SECONDS, self.apply_next, name="ordered-keys")
            return
        self._waiting_since = None
        try:
            await self._apply(self.waiting.popleft())
        finally:  # even when the key's handling failed, the keys after it are applied in turn
            self._scheduled = True
            self.app.call_later(self.apply_next)

    def _waited_long_enough(self) -> bool:
        now = time.monotonic()
        if self._waiting_since is None:
            self._waiting_since = now
        return now - self._waiting_since >= MAX_WAIT_SECONDS and self.screens_mounted()

    def screens_mounted(self) -> bool:
        """True when every screen shown is mounted (a key before that would go nowhere)."""
        return all(screen.is_mounted for screen in self.app.screen_stack)

    def screen_is_still(self) -> bool:
        """True when every screen shown is mounted and nothing posted to the screen on top or to
        its widgets, and no callback of the App or the screen, is waiting to be handled."""
        app = self.app
        if app._next_callbacks or not self.screens_mounted():
            return False
        screen = app.screen
        if screen._callbacks:  # callbacks waiting for the screen's next refresh
            return False
        return all(_idle(node) for node in (screen, *screen.walk_children()))

    async def _apply(self, event: events.Key) -> None:
        """Textual's key path, walked here in one go: nothing else runs in the App until it ends."""
        app = self.app
        if await app._check_bindings(event.key, priority=True):
            return
        event._set_forwarded()
        node: DOMNode | None = app.focused or app.screen
        while node is not None and node is not app:
            if not node.check_message_enabled(event):
                return  # a disabled widget: Textual would drop the key as well
            with node._context():
                for _cls, handler in node._get_dispatch_methods(event.handler_name, event):
                    await invoke(handler, event)
            if event._stop_propagation:
                return
            event._no_default_action = False  # as when a message bubbles to the parent
            node = node._parent
        # Bindings from the focused widget up to the App, then the App's own key handlers.
        for _cls, handler in app._get_dispatch_methods(event.handler_name, event):
            await invoke(handler, event)


def _idle(node: DOMNode) -> bool:
    """Nothing waits in the node's message queue or among its callbacks."""
    return node._message_queue.empty() and not node._next_callbacks
