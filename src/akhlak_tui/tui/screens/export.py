"""The export dialog: write submitted responses as one bundle to a folder (a USB drive), with progress.

Afterwards it looks in the folder for the coordinator's receipts for this laptop, imports them
and opens the receipts dialog (tui/screens/receipts.py), which offers to purge what they marked.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, ProgressBar, Static
from textual.worker import Worker, WorkerState

from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar
from akhlak_tui.tui.widgets.tick_box import TickBox

if TYPE_CHECKING:
    from akhlak_tui.bundle.export import ExportError, NothingToExport
    from akhlak_tui.receipt.laptop import FolderImport
    from akhlak_tui.tui.app import AkhlakApp

Said = Callable[[str], str]
"""A message of the dialog in a language (it is said again in the other one on Ctrl+L)."""


def nothing_text(nothing: NothingToExport, lang: str) -> str:
    """Why there was nothing to export, in `lang`, naming the dialog's own box rather than a CLI flag."""
    if nothing.exported:
        return t("export.all_exported", lang, survey=nothing.survey_name, n=nothing.exported, again=t("export.all", lang))
    if nothing.purged:
        return t("export.all_purged", lang, survey=nothing.survey_name, n=nothing.purged)
    return t("export.none_submitted", lang, survey=nothing.survey_name)


STICK_FAILURES = {"full": "export.stick_full", "read_only": "export.stick_read_only"}
"""A bundle that could not be written, by the kind of the file error (else export.stick_error)."""
SAID_REASONS = ("device_key", "record_too_large", "practice", "not_a_folder", "setup")
"""Export failures the app says in its own words (texts export.<reason>)."""
PATH_WIDTH = 44
"""A folder named in a message is cut to this many characters, so the dialog fits 80x24."""


def short_path(path: object, width: int = PATH_WIDTH) -> str:
    """The path, or its last part from a separator on after an ellipsis when longer than `width`."""
    text = str(path)
    if len(text) <= width:
        return text
    tail = text[-(width - 1):]
    cut = min((i for i in (tail.find("/"), tail.find("\\")) if i > 0), default=0)
    return "…" + tail[cut:]


def failed_text(failure: ExportError, lang: str) -> str:
    """Why the export could not be done, in `lang`: the stick full or locked, a replaced device
    key, a response too large, the laptop's store or survey unreadable; any other reason after
    "the export failed" in its own words."""
    from akhlak_tui.tui.failures import failure_kind

    values = {k: short_path(v) if k == "path" else v for k, v in failure.values.items()}
    if failure.reason == "write" and isinstance(failure.cause, OSError):
        key = STICK_FAILURES.get(failure_kind(failure.cause), "export.stick_error")
        return t(key, lang, path=values.get("path"), detail=failure.cause.strerror or str(failure.cause))
    kind = failure_kind(failure.cause) if failure.reason == "store" and failure.cause is not None else "other"
    if kind in ("full", "read_only", "damaged"):  # the laptop's own store: what to do, as the app says it anywhere
        return f"{t(f'export.store_{kind}', lang)} {t(f'failure.{kind}_do', lang)} {t('export.kept', lang)}"
    if failure.reason in SAID_REASONS:
        return t(f"export.{failure.reason}", lang, **values)
    return t("export.failed", lang, detail=str(failure))


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

    BINDINGS = [
        # Enter exports wherever the focus is (the checkbox would otherwise take it as a toggle; Space toggles it)
        Binding("enter", "start", "Export", show=False, priority=True),
        Binding("escape", "close", "Close", show=False, priority=True),
        Binding("ctrl+l", "language", "Language", show=False),
    ]

    folder: Path | None = None
    """The folder of the last export: where receipts are looked for."""
    said: Said | None = None
    """What the message line says, in any language."""
    nothing: bool = False
    """The last export found nothing to export (its message is said again after a purge)."""
    running: bool = False

    @property
    def practice(self) -> bool:
        """Practice is active: nothing can be exported, and the dialog says so instead of asking."""
        return self.app.core is None or self.app.core.survey.is_practice

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(classes="dialog wide"):
            yield Static(t("export.title", lang), id="export-title", classes="title")
            if self.practice:
                yield Static(t("export.practice", lang), id="export-message")
            else:
                yield Static(t("export.where", lang), id="export-where")
                yield Input(self.app.export_folder, placeholder=drive_placeholder(), id="export-dir")
                yield TickBox(t("export.all", lang), id="export-all", compact=True)
                yield ProgressBar(id="export-progress", show_eta=False)
                yield Static(id="export-message", classes="message", markup=False)
            yield KeyBar()

    def on_mount(self) -> None:
        if not self.practice:
            self.query_one("#export-dir", Input).focus()
        self.relabel()

    def relabel(self) -> None:
        """Say everything again in the language shown (Ctrl+L); what was typed and ticked stays."""
        lang = self.app.lang
        self.query_one("#export-title", Static).update(t("export.title", lang))
        if self.practice:
            self.query_one("#export-message", Static).update(t("export.practice", lang))
            self.query_one(KeyBar).show_keys([("Esc", "screen.close", t("key.close", lang))])
            return
        self.query_one("#export-where", Static).update(t("export.where", lang))
        self.query_one("#export-all", TickBox).label = t("export.all", lang)
        self.query_one(KeyBar).show_keys(
            [("Enter", "screen.start", t("export.start", lang)), ("Esc", "screen.close", t("key.cancel", lang))]
        )
        if self.said is not None:
            self.query_one("#export-message", Static).update(self.said(lang))

    def say(self, said: Said) -> None:
        self.said = said
        self.query_one("#export-message", Static).update(said(self.app.lang))

    def action_language(self) -> None:
        self.app.toggle_language()

    def action_start(self) -> None:
        if self.practice or self.running:
            return
        folder = self.query_one("#export-dir", Input).value.strip()
        if not folder:
            self.say(lambda lang: t("export.no_folder", lang, example=drive_placeholder()))
            return
        path = Path(folder).expanduser()
        if not path.is_dir():
            self.say(lambda lang: t("export.not_a_folder", lang, path=short_path(path)))
            return
        self.say(lambda lang: t("export.running", lang))
        self.folder, self.running = path, True
        self.app.export_folder = folder  # offered again the next time the dialog opens
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True  # shown only while an export runs, and after one that wrote a bundle
        self.export(path, self.query_one("#export-all", TickBox).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export(self, folder: Path, include_all: bool) -> Said:
        """Run the export (it opens its own store: this is another thread); returns the result line."""
        try:
            from akhlak_tui.bundle.export import ExportError, NothingToExport, export_bundle
        except ImportError:
            return lambda lang: t("export.unavailable", lang)
        bar = self.query_one("#export-progress", ProgressBar)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        try:
            result = export_bundle(self.app.data_dir, folder, include_all=include_all, progress=progress)
        except NothingToExport as nothing:
            self.nothing = True
            self.app.call_from_thread(setattr, bar, "display", False)
            return partial(nothing_text, nothing)
        except ExportError as exc:
            self.app.call_from_thread(setattr, bar, "display", False)
            return partial(failed_text, exc)
        self.nothing = False
        return lambda lang: t("export.done", lang, n=result.count, path=short_path(result.path))

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
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.running = False
        if event.state == WorkerState.SUCCESS:
            self.say(event.worker.result)  # type: ignore[arg-type]
            self.import_receipts(self.folder)
        elif event.state == WorkerState.ERROR:
            assert event.worker.error is not None
            self.query_one("#export-progress", ProgressBar).display = False
            self.say(self.app.worker_failure_text(event.worker.error, "failure.export"))

    def _receipts_done(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS:
            found = event.worker.result
            if found is not None and found.found:  # type: ignore[attr-defined]
                from akhlak_tui.tui.screens.receipts import ReceiptsScreen

                self.app.push_screen(ReceiptsScreen(found), self._after_receipts)  # type: ignore[arg-type]
        elif event.state == WorkerState.ERROR:
            assert event.worker.error is not None
            self.say(self.app.worker_failure_text(event.worker.error, "receipt.import_failed"))

    def _after_receipts(self, purged: int | None) -> None:
        """After a purge, "nothing to export" is counted again: the purged responses cannot be exported again."""
        core = self.app.core
        if purged and self.nothing and core is not None and core.survey.survey_id is not None:
            from akhlak_tui.bundle.export import nothing_to_export

            self.say(partial(nothing_text, nothing_to_export(core.store, core.survey.survey_id, core.survey.name)))

    def action_close(self) -> None:
        self.dismiss(None)
