"""The survey app: home, interviews in enumerator and kiosk mode, resume after a crash; `make_app` builds it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, messages
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from akhlak_tui.tui.app_failures import FailureHandling
from akhlak_tui.tui.key_order import OrderedKeys
from akhlak_tui.tui.terminal_keys import read_escape_then_key
from akhlak_tui.tui.screens.home import HomeScreen
from akhlak_tui.tui.texts import t

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from akhlak_tui.active import ActiveSurvey
    from akhlak_tui.questionnaire.flow import Flow
    from akhlak_tui.store import Store
    from akhlak_tui.tui.interview import Interview
    from akhlak_tui.tui.kiosk import KioskLock

DEFAULT_IDLE_TIMEOUT = 300.0
"""Seconds without a key or click before a kiosk response is abandoned."""


@dataclass
class Core:
    """What the screens work with, loaded after the first screen is drawn (for a fast start)."""

    survey: ActiveSurvey
    flow: Flow
    store: Store
    device_id: str


class AkhlakApp(FailureHandling, App[None]):
    """The survey app. Screens replace one another (never stack up), so nothing of a finished
    response stays reachable; modal screens (PIN, review, idle warning) sit on top."""

    TITLE = "akhlak"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            tooltip="Quit (in kiosk mode: leave kiosk mode, with the PIN)",
            id="quit",
            show=False,
            priority=True,
        ),
    ]
    """ctrl+c (Textual's "how to quit" hint) is App's own binding; `action_help_quit` gates it too."""

    def __init__(
        self,
        data_dir: Path,
        *,
        survey: ActiveSurvey | None = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        idle_warning: float = 30.0,
        thanks_seconds: float = 5.0,
        pin_delay: float = 1.0,
        offer_resume: bool = True,
        debug: bool = False,
    ) -> None:
        super().__init__()
        read_escape_then_key()  # Esc then a key, typed fast, is two keys (see terminal_keys.py)
        self.show_tracebacks = debug
        """Unexpected errors end the app with Textual's traceback (otherwise: logged, and the app goes on)."""
        self.unlogged = 0
        """Unexpected errors that could not be written to the log (said on stderr after the app ended)."""
        self.exit_note = ""
        """One line said on stderr after the app ended, when it had to stop."""
        self._failure_times: list[float] = []
        self._old_signals: dict[int, Any] = {}
        self.data_dir = Path(data_dir)
        self._survey_override = survey
        self.idle_timeout = float(idle_timeout)
        """Kiosk mode: seconds without input before the response is abandoned and the screen reset."""
        self.idle_warning = min(float(idle_warning), self.idle_timeout / 2)
        """Kiosk mode: seconds before the timeout when the warning with its countdown shows."""
        self.thanks_seconds = thanks_seconds
        """Kiosk mode: seconds the thank-you screen stays before the welcome screen returns."""
        self.pin_delay = pin_delay
        """Seconds of wait after the first wrong PIN (doubling with each further one)."""
        self.offer_resume = offer_resume
        """Offer unfinished responses when the home screen first opens."""
        self.lang = "id"
        """The language shown (a code of the questionnaire's languages)."""
        self.core: Core | None = None
        """The survey, store and device, once loaded (None while the first screen shows)."""
        self.load_error: str | None = None
        """Why the survey could not be loaded (shown on the home screen), if it could not."""
        self._load_failure: Exception | None = None
        self.interview: Interview | None = None
        """The response being answered, if any."""
        self.kiosk: KioskLock | None = None
        """Set while kiosk mode is on: the PIN that leaving it needs."""
        self.last_input = time.monotonic()
        self.ordered_keys = OrderedKeys(self)
        """Every key goes through it: applied in the order typed, to the screen it was typed for."""
        self._idle_timer: Any = None
        self._idle_warned = False
        self._first_frame_shown = False
        self._after_first_frame: list[Callable[[], None]] = []
        self.export_folder = ""
        """The folder of the last export started: the export dialog offers it again."""
        self._enumerator_lang: str | None = None
        """The language shown when kiosk mode began: the enumerator's, given back on leaving it."""
        self._toast: tuple[Callable[[str], str], str, float | None] | None = None
        """The toast shown last (its text in a language, severity, timeout): said again on Ctrl+L."""

    # -- start ---------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self._catch_signals()
        # Pushed now, not after the mount: a key typed ahead of the start is then applied to the
        # home screen (pushed later, the key reached the blank default screen and was lost).
        self.push_screen(HomeScreen())

    def on_ready(self) -> None:
        """The mount is over: the home screen is drawn whole at once, then what waited for the
        first frame runs (loading the survey)."""
        # The home screen's first frame, drawn during the mount, was held back by Textual, which
        # then counts it as shown: without this the terminal got only the key bar, and the rest
        # of the screen a refresh (up to 1/60 s) later.
        self.screen.post_message(messages.Update(self.screen))
        self._first_frame_shown = True
        waiting, self._after_first_frame = self._after_first_frame, []
        for callback in waiting:
            self.call_after_refresh(callback)

    def after_first_frame(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the first frame has reached the terminal, so that slow work (loading
        the survey) never keeps the screen blank. (`call_after_refresh` alone is not enough at
        start: Textual holds every frame back until the app is mounted.)"""
        if self._first_frame_shown:
            self.call_after_refresh(callback)
        else:
            self._after_first_frame.append(callback)

    def load_core(self) -> None:
        """Load the survey, open the store and the device key (once; after the first screen shows)."""
        if self.core is not None or self.load_error is not None:
            return
        from akhlak_tui import locations
        from akhlak_tui.active import active_survey_in
        from akhlak_tui.crypto.device import load_or_create_device
        from akhlak_tui.questionnaire.flow import Flow

        try:
            store = self._open_store(locations.store_path(self.data_dir))
            try:
                survey = self._survey_override or active_survey_in(store)
            except Exception:
                store.close()
                raise
            device_id = load_or_create_device(self.data_dir).id
        except Exception as exc:  # noqa: BLE001 - shown on the home screen in one line
            self._load_failed(exc)
            return
        self.core = Core(survey, Flow(survey.questionnaire, survey.unit_codes), store, device_id)
        self.lang = survey.questionnaire.languages[0]

    @staticmethod
    def _open_store(path: Path) -> Store:
        """The store, refused (StoreError) when it cannot take answers now: damaged, read-only, full."""
        from akhlak_tui.store import Store, StoreError

        store = Store(path)
        try:
            store.require_writable()
        except StoreError:
            store.close()
            raise
        return store

    def _load_failed(self, error: Exception) -> None:
        """The survey cannot be opened: say why on the home screen (and log what is unexpected)."""
        from akhlak_tui.store import StoreError

        self._load_failure = error
        if not isinstance(error, (StoreError, OSError)):
            self.log_failure(error)
        self.load_error = self.load_error_text(self.lang)

    def load_error_text(self, lang: str) -> str:
        """Why the survey cannot be opened, in `lang`: a full disk, a read-only folder and a damaged
        file each say so and what to do; anything else in one line, never a class name."""
        from akhlak_tui import locations
        from akhlak_tui.tui.failures import start_text

        if self._load_failure is None:
            return self.load_error or ""
        return start_text(self._load_failure, lang, locations.store_path(self.data_dir))

    def on_unmount(self) -> None:
        self._restore_signals()
        if self.core is not None:
            self.core.store.close()

    # -- moving between screens ----------------------------------------------------------------
    def replace_all(self, screen: Screen[Any]) -> None:
        """Show `screen` instead of everything shown now (modals included)."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(screen)

    def go_home(self) -> None:
        self.interview = None
        self.replace_all(HomeScreen())

    def show_welcome(self, mode: str) -> None:
        from akhlak_tui.tui.screens.welcome import WelcomeScreen

        self.interview = None
        if mode == "kiosk":
            # Each respondent starts afresh: keys the previous one typed ahead do not reach the
            # next one's welcome (an Enter there would give consent in someone else's name).
            self.ordered_keys.discard()
            self.clear_toast()  # nothing left over covers the welcome question
            if self.core is not None:
                self.lang = self.core.survey.questionnaire.languages[0]
        self.replace_all(WelcomeScreen(mode))

    def begin(self, mode: str) -> None:
        """Consent given: create the draft and show its first item."""
        from akhlak_tui.tui.interview import Interview

        assert self.core is not None
        core = self.core
        self.interview = Interview.begin(core.store, core.survey, core.flow, device_id=core.device_id, mode=mode, lang=self.lang)
        self._show_interview()

    def resume(self, response_id: str) -> None:
        """Reopen a draft where it stopped. A kiosk draft reopens in kiosk mode (a PIN is set first)."""
        from akhlak_tui.store import StoreError
        from akhlak_tui.tui.interview import Interview

        assert self.core is not None
        core = self.core
        try:
            if core.store.status(response_id) != "draft":
                return
            mode = core.store.load(response_id).mode
            if mode == "kiosk" and self.kiosk is None:
                self.ask_kiosk_pin(lambda: self.resume(response_id))
                return
            self.interview = Interview.resume(core.store, core.survey, core.flow, response_id)
        except StoreError as error:
            self.store_failed(error)
            if self.kiosk is not None:  # kiosk mode was just turned on for this draft: never home
                self.show_welcome("kiosk")
            return
        self.lang = self.interview.lang
        self._show_interview(t("answer.resumed", self.lang))

    def _show_interview(self, note: str = "") -> None:
        from akhlak_tui.tui.screens.question import QuestionScreen

        assert self.interview is not None
        self.replace_all(QuestionScreen(self.interview, note))

    def finished(self) -> None:
        """The response was submitted: thank the respondent, forget the response."""
        from akhlak_tui.tui.screens.thanks import ThanksScreen

        self.interview = None
        self.replace_all(ThanksScreen("kiosk" if self.kiosk else "enumerator"))

    def after_response(self) -> None:
        """Where a finished, declined or abandoned response leads: kiosk welcome, or home."""
        if self.kiosk is not None:
            self.show_welcome("kiosk")
        else:
            self.go_home()

    def tell(self, text: Callable[[str], str], *, severity: SeverityLevel = "information", timeout: float | None = None) -> None:
        """A toast in the language shown. It replaces the one before (repeated keys do not pile
        them up), Ctrl+L says it again in the other language, and a dialog opening takes it away."""
        from akhlak_tui.tui.screens.pin import PinScreen

        self.clear_notifications()
        self._toast = (text, severity, timeout)
        if isinstance(self.screen, PinScreen):  # nothing covers the PIN dialog
            return
        self.notify(text(self.lang), severity=severity, timeout=timeout, markup=False)

    def clear_toast(self) -> None:
        """Nothing in the corner: before a dialog or a screen a toast would cover."""
        self.clear_notifications()
        self._toast = None

    def toggle_language(self) -> str:
        """Switch to the next language of the questionnaire; the screen redraws in it."""
        languages = self.core.survey.questionnaire.languages if self.core else ["id", "en"]
        self.lang = languages[(languages.index(self.lang) + 1) % len(languages)] if self.lang in languages else languages[0]
        if self.interview is not None:
            from akhlak_tui.store import StoreError

            try:
                self.interview.set_language(self.lang)
            except StoreError as error:
                self.lang = self.interview.lang
                self.store_failed(error)
        for screen in self.screen_stack:  # a dialog's and the screen beneath it, whose keys show below it
            relabel = getattr(screen, "relabel", None)
            if relabel is not None:
                relabel()
        if self._toast is not None and len(self._notifications):
            self.tell(self._toast[0], severity=self._toast[1], timeout=self._toast[2])  # type: ignore[arg-type]
        return self.lang

    # -- kiosk mode ----------------------------------------------------------------------------
    def ask_kiosk_pin(self, then: Callable[[], None] | None = None) -> None:
        """Let the enumerator set the PIN, then turn kiosk mode on (and run `then`, else welcome)."""
        from akhlak_tui.tui.kiosk import KioskLock
        from akhlak_tui.tui.screens.pin import PinScreen

        def got_pin(pin: str | None) -> None:
            if not pin:
                return
            self.kiosk = KioskLock(pin, delay_base=self.pin_delay)
            self._enumerator_lang = self.lang  # each respondent starts in the questionnaire's; leaving gives it back
            self.last_input = time.monotonic()
            tick = max(0.05, min(1.0, self.idle_timeout / 20))
            self._idle_timer = self.set_interval(tick, self._idle_tick)
            if then is not None:
                then()
            else:
                self.show_welcome("kiosk")

        self.clear_toast()  # nothing covers the PIN dialog
        self.push_screen(PinScreen(setting=True), got_pin)

    def request_leave_kiosk(self) -> None:
        """Ask for the PIN; the right one leaves kiosk mode (a response in progress is abandoned)."""
        from akhlak_tui.tui.screens.pin import PinScreen

        if self.kiosk is None or isinstance(self.screen, PinScreen):
            return
        self.clear_toast()  # nothing covers the PIN dialog

        def checked(ok: str | None) -> None:
            if ok:
                self.leave_kiosk()

        self.push_screen(PinScreen(setting=False), checked)

    def leave_kiosk(self) -> None:
        self.lang = self._enumerator_lang or self.lang  # what is said from now on is for the enumerator
        if self.interview is not None:
            from akhlak_tui.store import StoreError
            from akhlak_tui.tui.failures import failure_text

            try:
                self.interview.abandon("kiosk mode closed")
            except StoreError as error:  # the PIN was right: kiosk mode ends, the draft stays to resume
                self.tell(lambda lang, error=error: failure_text(error, lang, note="failure.draft_kept"), severity="error", timeout=15)
        self.kiosk = None
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        self.go_home()

    @property
    def keys_waiting(self) -> int:
        """Keys typed and not yet applied."""
        return len(self.ordered_keys)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.last_input = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            if not self.app_focus:
                self.app_focus = True
            await self.ordered_keys.take(event)
            return
        await super().on_event(event)

    def _idle_tick(self) -> None:
        from akhlak_tui.tui.screens.idle import IdleScreen

        if self.kiosk is None or self.interview is None:
            self._idle_warned = False
            return
        idle = time.monotonic() - self.last_input
        if idle >= self.idle_timeout:  # the screen is reset even if the abandon cannot be stored (a draft then)
            self._store_quietly(self.interview.abandon, "idle timeout")
            self._idle_warned = False
            self.show_welcome("kiosk")
        elif idle >= self.idle_timeout - self.idle_warning:
            if not isinstance(self.screen, IdleScreen):
                if not self._idle_warned:
                    self._store_quietly(self.interview.record, "idle")
                self._idle_warned = True
                self.push_screen(IdleScreen(self.idle_timeout - idle))
        else:
            self._idle_warned = False

    # -- leaving -------------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Quit; in kiosk mode, ask for the PIN to leave kiosk mode instead. During a response,
        what is typed is saved and the enumerator confirms first (a second Ctrl+Q quits)."""
        from akhlak_tui.tui.screens.quit import QuitScreen

        if self.kiosk is not None:
            self.request_leave_kiosk()
            return
        keep = getattr(self.screen, "keep_typed", None)
        if keep is not None and keep() is False:  # the screen says the answer was not saved
            self.tell(lambda lang: t("failure.quit_unsaved", lang), severity="warning")
        if self.interview is not None and not isinstance(self.screen, QuitScreen):
            self.push_screen(QuitScreen(), lambda confirmed: self.exit() if confirmed else None)
            return
        self.exit()

    def action_help_quit(self) -> None:
        """Ctrl+C: in kiosk mode ask for the PIN; otherwise say, in the language shown, how to quit."""
        if self.kiosk is not None:
            self.request_leave_kiosk()
        else:
            self.tell(lambda lang: t("app.quit_hint", lang))


def make_app(
    data_dir: Path,
    *,
    survey: ActiveSurvey | None = None,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    **options: Any,
) -> AkhlakApp:
    """Build the app for a data dir (shared by the CLI and the tests).

    `survey` replaces the data dir's active survey (tests); `idle_timeout` is the kiosk idle
    timeout in seconds; further options: idle_warning, thanks_seconds, pin_delay, offer_resume,
    debug (unexpected errors end the app with a traceback instead of being logged).
    """
    return AkhlakApp(data_dir, survey=survey, idle_timeout=idle_timeout, **options)
