"""FailureHandling, the survey app's side of failures: store failures told, unexpected errors logged, signals caught, kiosk mode kept."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from akhlak_tui.tui.texts import t

if TYPE_CHECKING:
    from akhlak_tui.store import StoreError
    from akhlak_tui.tui.app import AkhlakApp

    _Base = AkhlakApp
else:
    _Base = object

MAX_FAILURES = 4
"""Unexpected errors within FAILURE_WINDOW seconds after which the failure screen shows, for good
(twice as many: even that fails, and the app ends with status 1)."""
FAILURE_WINDOW = 10.0


class FailureHandling(_Base):
    """Mixed into AkhlakApp: what the app does when the store or anything else fails, and on signals."""

    # -- failures --------------------------------------------------------------------------------
    def store_failed(self, error: StoreError, *, saved: bool = True) -> None:
        """Say that the store failed (a toast); a damaged file, or a response removed from the
        laptop under the interview, stops the interview (failure screen)."""
        from akhlak_tui.tui.failures import failure_text

        if error.kind == "response_removed":
            self.interview = None  # nothing of it is left to save, resume or promise on quitting
        if error.kind in ("damaged", "response_removed"):
            self.show_failure(failure_text(error, self.lang, saved=saved), retry=False)
        else:
            self.tell(lambda lang: failure_text(error, lang, saved=saved), severity="error", timeout=15)

    def show_failure(self, text: str, *, retry: bool = True) -> None:
        """Replace every screen with the failure screen (in kiosk mode it stays until the PIN)."""
        from akhlak_tui.tui.screens.failure import FailureScreen

        self.replace_all(FailureScreen(text, retry=retry))

    def reopen(self, note: str = "") -> None:
        """Show afresh where things are: the response's question, the kiosk welcome, or home."""
        if self.interview is not None:
            self._show_interview(note)
            return
        if self.kiosk is not None:
            self.show_welcome("kiosk")
        else:
            self.go_home()
        if note:
            self.tell(lambda lang: note, severity="error", timeout=15)

    def _store_quietly(self, call: Callable[..., Any], *args: Any) -> bool:
        """Run a store call whose failure the person at the keyboard need not act on: logged, False."""
        from akhlak_tui.store import StoreError

        try:
            call(*args)
        except StoreError as error:
            self.log_failure(error)
            return False
        return True

    def log_failure(self, error: BaseException) -> None:
        from akhlak_tui.tui.failures import log_error

        if not log_error(self.data_dir, error):
            self.unlogged += 1

    def worker_failure_text(self, error: BaseException, heading: str) -> Callable[[str], str]:
        """What a dialog says when its worker failed, in a language (said again in the other on
        Ctrl+L): the disk's problem after `heading` (a text key), or, for anything unexpected,
        that it happened (the error is logged, once)."""
        from akhlak_tui.tui.failures import failure_kind, failure_text

        if failure_kind(error) == "other":
            self.log_failure(error)
            return lambda lang: t("failure.unexpected", lang)
        return lambda lang: f"{t(heading, lang)} {failure_text(error, lang)}"

    async def _dispatch_message(self, message: Any) -> None:
        """Keys, timers and callbacks run here: an exception in them must not end the app's own
        message loop (Textual ends it), so it is handled like any other unexpected error."""
        try:
            await super()._dispatch_message(message)
        except Exception as error:  # noqa: BLE001 - every unexpected error goes to _handle_exception
            if self.show_tracebacks:
                raise
            self._handle_exception(error)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's last resort for an exception nothing handled. With --debug: Textual's own
        (the app ends with the traceback). Otherwise the error is logged (no answers, no local
        variables), nothing reaches the screen but a message, and the app goes on: in kiosk mode
        it stays locked, whatever failed. After MAX_FAILURES in a row the failure screen stays
        (only Ctrl+Q, with the PIN in kiosk mode); if even that fails, the app ends with status 1."""
        if self.show_tracebacks:
            super()._handle_exception(error)
            return
        from textual._context import active_message_pump
        from textual.worker import WorkerFailed

        if isinstance(error, WorkerFailed) and isinstance(error.error, Exception):
            error = error.error
        self.log_failure(error)
        now = time.monotonic()
        self._failure_times = [at for at in self._failure_times if now - at < FAILURE_WINDOW] + [now]
        if len(self._failure_times) > 2 * MAX_FAILURES:
            self.exit_note = "akhlak: stopped after repeated unexpected errors (see akhlak-errors.log in the data folder)"
            self.exit(return_code=1)
            return
        pump = active_message_pump.get(None)
        self.call_later(self._recover, error, pump is not None and pump is not self)

    def _recover(self, error: Exception, pump_died: bool) -> None:
        """After an unexpected error: tell, and if a screen's message loop died, show a fresh one.
        A store or disk failure is told by its kind; anything else as an unexpected error."""
        from akhlak_tui.store import StoreError
        from akhlak_tui.tui.failures import failure_kind, failure_text

        kind = failure_kind(error)
        if isinstance(error, StoreError) and kind in ("damaged", "response_removed"):
            self.store_failed(error)  # the interview cannot go on
            return
        told = isinstance(error, StoreError) or kind != "other"

        def text(lang: str) -> str:
            return failure_text(error, lang) if told else t("failure.unexpected", lang)

        if told and kind == "damaged":
            self.show_failure(text(self.lang), retry=False)
            return
        if len(self._failure_times) >= MAX_FAILURES:
            self.show_failure(text(self.lang), retry=False)
        elif pump_died:
            self.reopen(text(self.lang))
        else:
            self.tell(text, severity="error", timeout=15)

    # -- signals -------------------------------------------------------------------------------
    def _catch_signals(self) -> None:
        """SIGINT and SIGTERM: in kiosk mode ignored (only the PIN leaves), else a normal quit with
        status 128 + the signal; SIGHUP (the terminal is gone): quit with status 129, draft kept.
        SIGTSTP (suspend, which would give the terminal back to the shell): ignored in kiosk mode,
        else Textual's own handling."""
        import asyncio
        import threading

        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        suspend = getattr(signal, "SIGTSTP", None)

        def handler(signum: int, frame: Any) -> None:
            if signum != suspend:
                loop.call_soon_threadsafe(self._on_signal, signum)
            elif self.kiosk is None and callable(self._old_signals.get(signum)):
                self._old_signals[signum](signum, frame)

        for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGTSTP"):
            number = getattr(signal, name, None)
            if number is not None:
                self._old_signals[number] = signal.signal(number, handler)

    def _restore_signals(self) -> None:
        for number, old in self._old_signals.items():
            signal.signal(number, old)
        self._old_signals.clear()

    def _on_signal(self, signum: int) -> None:
        if signum != getattr(signal, "SIGHUP", None) and self.kiosk is not None:
            return
        keep = getattr(self.screen, "keep_typed", None)
        if keep is not None:
            keep()
        self.exit(return_code=128 + signum)
