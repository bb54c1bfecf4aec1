"""The export dialog: write submitted responses as one bundle to a folder (a USB drive), with progress.

Afterwards it looks in the folder for the coordinator's receipts for this laptop, imports them
and opens the receipts dialog (tui/screens/receipts.py), which offers to purge what they marked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, ProgressBar, Static
from textual.worker import Worker, WorkerState

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from akhlak_tui.receipt.laptop import FolderImport
    from akhlak_tui.tui.app import AkhlakApp


def drive_placeholder() -> str:
    """What a removable drive's path looks like on this system (a hint; the user types the path)."""
    if sys.platform == "win32":
        return "E:\\"
    user = os.environ.get("USER", "user")
    return f"/media/{user}/USB"


class ExportScreen(ModalScreen[None]):
    """Asks for the folder, runs the export in a thread and shows how it went."""

    if TYPE_CHECKING:
        app: AkhlakApp

    BINDINGS = [Binding("escape", "close", "Close", show=False, priority=True)]

    folder: Path | None = None
    """The folder of the last export: where receipts are looked for."""

    @property
    def practice(self) -> bool:
        """Practice is active: nothing can be exported, and the dialog says so instead of asking."""
        return self.app.core is None or self.app.core.survey.is_practice

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(classes="dialog wide"):
            yield Static(t("export.title", lang), classes="title")
            if self.practice:
                yield Static(t("export.practice", lang), id="export-message")
            else:
                yield Static(t("export.where", lang))
                yield Input(placeholder=drive_placeholder(), id="export-dir")
                yield Checkbox(t("export.all", lang), id="export-all", compact=True)
                yield ProgressBar(id="export-progress", show_eta=False)
                yield Static(id="export-message", classes="message", markup=False)
            yield KeyBar()

    def on_mount(self) -> None:
        lang = self.app.lang
        if self.practice:
            self.query_one(KeyBar).show_keys([("Esc", "screen.close", t("key.close", lang))])
            return
        self.query_one(KeyBar).show_keys(
            [("Enter", "screen.start", t("export.start", lang)), ("Esc", "screen.close", t("key.cancel", lang))]
        )
        self.query_one("#export-dir", Input).focus()

    @on(Input.Submitted, "#export-dir")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        if self.practice:
            return
        lang = self.app.lang
        folder = self.query_one("#export-dir", Input).value.strip()
        message = self.query_one("#export-message", Static)
        if not folder:
            message.update(t("export.no_folder", lang, example=drive_placeholder()))
            return
        path = Path(folder).expanduser()
        if not path.is_dir():
            message.update(t("export.not_a_folder", lang, path=path))
            return
        message.update(t("export.running", lang))
        self.folder = path
        self.export(path, self.query_one("#export-all", Checkbox).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export(self, folder: Path, include_all: bool) -> str:
        """Run the export (it opens its own store: this is another thread); returns the result line."""
        try:
            from akhlak_tui.bundle.export import ExportError, export_bundle
        except ImportError:
            return t("export.unavailable", self.app.lang)
        bar = self.query_one("#export-progress", ProgressBar)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        try:
            result = export_bundle(self.app.data_dir, folder, include_all=include_all, progress=progress)
        except ExportError as exc:
            return str(exc)
        return t("export.done", self.app.lang, n=result.count, path=result.path)

    @work(thread=True, exclusive=True, exit_on_error=False, group="receipts")
    def import_receipts(self, folder: Path) -> FolderImport:
        """Import this laptop's receipts found in the folder (the core opens its own store)."""
        from akhlak_tui.receipt.laptop import import_folder

        return import_folder(self.app.data_dir, folder)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "receipts":
            self._receipts_done(event)
            return
        if event.worker.group != "export":
            return
        message = self.query_one("#export-message", Static)
        if event.state == WorkerState.SUCCESS:
            message.update(str(event.worker.result))
            self.import_receipts(self.folder)
        elif event.state == WorkerState.ERROR:
            assert event.worker.error is not None
            message.update(self.app.worker_failure_text(event.worker.error, "failure.export"))

    def _receipts_done(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS:
            found = event.worker.result
            if found is not None and found.found:  # type: ignore[attr-defined]
                from akhlak_tui.tui.screens.receipts import ReceiptsScreen

                self.app.push_screen(ReceiptsScreen(found))  # type: ignore[arg-type]
        elif event.state == WorkerState.ERROR:
            assert event.worker.error is not None
            self.query_one("#export-message", Static).update(self.app.worker_failure_text(event.worker.error, "receipt.import_failed"))

    def action_close(self) -> None:
        self.dismiss(None)
