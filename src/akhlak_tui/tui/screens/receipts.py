"""The receipts dialog: what the coordinator's receipts on the stick marked received, and the offer to purge them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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


class ReceiptsScreen(ModalScreen[None]):
    """Shows each receipt imported (or refused); Enter deletes the received responses, Esc keeps them."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [
        Binding("enter", "purge", "Delete", show=False, priority=True),
        Binding("escape", "close", "Close", show=False, priority=True),
    ]

    def __init__(self, found: FolderImport) -> None:
        super().__init__()
        self.found = found
        self.purged = False
        self.purging = False

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
                for reason in self.found.refused:
                    yield Static(t("receipt.refused", lang, reason=reason), markup=False, classes="message")
            offer = t("receipt.offer", lang, n=self.found.purgeable) if self.found.purgeable else t("receipt.nothing", lang)
            yield Static(offer, id="receipt-message", markup=False)
            yield KeyBar()

    def on_mount(self) -> None:
        self._show_keys()

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
        self.query_one("#receipt-message", Static).update(t("receipt.purging", self.app.lang))
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
        message = self.query_one("#receipt-message", Static)
        lang = self.app.lang
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.purging = False
        if event.state == WorkerState.SUCCESS:
            done, emptied = event.worker.result  # type: ignore[misc]
            self.purged = True
            message.update(t("receipt.purged", lang, n=done) + ("" if emptied else " " + t("receipt.wal", lang)))
            self._show_keys()
        elif event.state == WorkerState.ERROR:
            assert event.worker.error is not None
            message.update(self.app.worker_failure_text(event.worker.error, "receipt.failed"))

    def action_close(self) -> None:
        if not self.purging:  # a purge under way finishes first: it is one transaction, then the WAL
            self.dismiss(None)
