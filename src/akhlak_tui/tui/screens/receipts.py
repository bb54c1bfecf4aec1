"""The receipts dialog: what the coordinator's receipts on the stick marked received, and the offer to purge them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from akhlak_tui.receipt.laptop import FolderImport
    from akhlak_tui.tui.app import AkhlakApp


class ReceiptsScreen(ModalScreen[int]):
    """Shows each receipt imported (or refused); Enter deletes the received responses, Esc keeps them.

    It closes with the number of responses purged (0 if none)."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [
        Binding("enter", "purge", "Delete", show=False, priority=True),
        Binding("escape", "close", "Close", show=False, priority=True),
        Binding("ctrl+l", "language", "Language", show=False),
    ]

    def __init__(self, found: FolderImport) -> None:
        super().__init__()
        self.found = found
        self.purged = False
        self.purging = False
        self.done = 0
        """Responses purged."""
        self.said: Callable[[str], str] = self._offer
        """What the last line says, in any language (said again in the other one on Ctrl+L)."""

    def _offer(self, lang: str) -> str:
        return t("receipt.offer", lang, n=self.found.purgeable) if self.found.purgeable else t("receipt.nothing", lang)

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(classes="dialog wide"):
            yield Static(t("receipt.title", lang), classes="title")
            with VerticalScroll(id="receipt-lines"):  # many receipts or refusals scroll; the offer and keys stay
                for result in self.found.imported:
                    n = result.marked + result.already
                    yield Static(t("receipt.imported", lang, file=Path(result.path).name, n=n, new=result.marked), markup=False)
                    if result.ignored:
                        yield Static(t("receipt.ignored", lang, n=result.ignored), markup=False)
                for refusal in self.found.refused:
                    reason = t(f"receipt.why.{refusal.kind}", lang)
                    yield Static(t("receipt.refused", lang, file=refusal.path.name, reason=reason), markup=False, classes="message")
            yield Static(self.said(lang), id="receipt-message", markup=False)
            yield KeyBar()

    def on_mount(self) -> None:
        self._show_keys()

    def relabel(self) -> None:
        self.call_later(self._relabel)

    async def _relabel(self) -> None:
        """Say everything again in the language shown (Ctrl+L)."""
        await self.recompose()
        self._show_keys()

    def action_language(self) -> None:
        self.app.toggle_language()

    def _say(self, said: Callable[[str], str]) -> None:
        self.said = said
        self.query_one("#receipt-message", Static).update(said(self.app.lang))

    def _show_keys(self) -> None:
        lang = self.app.lang
        if self.found.purgeable and not self.purged:
            keys = [("Enter", "screen.purge", t("receipt.purge", lang)), ("Esc", "screen.close", t("receipt.keep", lang))]
        else:
            keys = [("Esc", "screen.close", t("key.close", lang))]
        self.query_one(KeyBar).show_keys(keys)

    def action_purge(self) -> None:
        if not self.found.purgeable or self.purged or self.purging:
            return
        self.purging = True
        self._say(lambda lang: t("receipt.purging", lang))
        self.purge()

    @work(thread=True, exclusive=True, exit_on_error=False, group="purge")
    def purge(self) -> tuple[int, bool]:
        """Purge the received responses of the receipts' surveys (the core opens its own store: another thread)."""
        from akhlak_tui.receipt.laptop import purge_received

        done, emptied = 0, True
        for survey_id, waiting in (self.found.waiting or {}).items():
            if waiting:
                result = purge_received(self.app.data_dir, survey_id)
                done, emptied = done + result.purged, emptied and result.wal_emptied
        return done, emptied

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "purge":
            return
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.purging = False
        if event.state == WorkerState.SUCCESS:
            done, emptied = event.worker.result  # type: ignore[misc]
            self.purged, self.done = True, done
            self._say(lambda lang: t("receipt.purged", lang, n=done) + ("" if emptied else " " + t("receipt.wal", lang)))
            self._show_keys()
        elif event.state == WorkerState.ERROR:
            assert event.worker.error is not None
            self._say(self.app.worker_failure_text(event.worker.error, "receipt.failed"))

    def action_close(self) -> None:
        if not self.purging:  # a purge under way finishes first: it is one transaction, then the WAL
            self.dismiss(self.done)
