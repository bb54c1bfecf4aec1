"""The coordinator's dashboard screen: index and category, the seven values as bars, the unit table."""

from __future__ import annotations

import textwrap
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from akhlak_tui.report.i18n import number, word
from akhlak_tui.report.tables import missing_values_note
from akhlak_tui.report.text import BAND_STYLES, HIDDEN, NO_DATA, dim_cell, bar
from akhlak_tui.scoring.model import ScoreReport
from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar


def database_signature(path: Path) -> tuple[int, ...]:
    """Changes whenever the merged database (or its write-ahead log) is written."""
    signature: list[int] = []
    for part in (path, path.with_name(path.name + "-wal")):
        try:
            stat = part.stat()
            signature += [stat.st_mtime_ns, stat.st_size]
        except OSError:
            signature += [0, 0]
    return tuple(signature)


class DashboardScreen(Screen[None]):
    """Scores of the merged database, recomputed in a thread when the file changes or on `r`."""

    BINDINGS = [
        Binding("r", "rescore", "Refresh", show=False, id="dashboard.refresh"),
        Binding("e", "review", "Evaluation", show=False, id="dashboard.evaluation"),
        Binding("q", "app.quit", "Quit", show=False, id="dashboard.quit"),
    ]

    def __init__(self, db_path: Path, lang: str, poll_seconds: float) -> None:
        super().__init__()
        self.db_path = db_path
        """The merged database shown."""
        self.lang = lang
        """Language of labels and numbers (id or en)."""
        self.poll_seconds = poll_seconds
        """How often to look for a changed database."""
        self.signature: tuple[int, ...] | None = None
        """The database's signature when last scored."""
        self.report: ScoreReport | None = None
        """The scores shown."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="dashboard-top"):
            yield Static(id="dashboard-headline")
            yield Static(id="dashboard-values")
        yield DataTable(id="dashboard-units", zebra_stripes=True, cursor_type="row")
        yield Static(id="dashboard-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(KeyBar).show_keys(
            [
                ("r", "screen.rescore", t("key.refresh", self.lang)),
                ("e", "screen.review", t("key.evaluation", self.lang)),
                ("q", "app.quit", t("key.quit", self.lang)),
            ]
        )
        self.query_one("#dashboard-status", Static).update(word("respondents", self.lang) + ": …")
        self.action_rescore()
        self.set_interval(self.poll_seconds, self.check_changed)

    def check_changed(self) -> None:
        if database_signature(self.db_path) != self.signature:
            self.action_rescore()

    def action_review(self) -> None:
        from akhlak_tui.tui.screens.evaluation_review import EvaluationReviewScreen

        self.app.push_screen(EvaluationReviewScreen(self.db_path, self.lang), lambda _: self.action_rescore())

    def action_rescore(self) -> None:
        self.signature = database_signature(self.db_path)
        self.score()

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-score")
    def score(self) -> None:
        from akhlak_tui.merge.database import MergedDatabase, MergedDatabaseError
        from akhlak_tui.scoring import score_merged
        from akhlak_tui.scoring.compute import unit_field

        worker = get_current_worker()
        try:
            with MergedDatabase(self.db_path) as mdb:
                unit = unit_field(mdb.questionnaire)
                report = score_merged(mdb, lang=self.lang, by=[unit] if unit else None, trust=False)  # shows no trust figures
        except (MergedDatabaseError, OSError) as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.show_error, str(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show, report)

    def show_error(self, message: str) -> None:
        self.query_one("#dashboard-status", Static).update(Text(message, style="bold red"))

    def show(self, report: ScoreReport) -> None:
        self.report = report
        lang = self.lang
        o = report.overall
        headline = Text()
        headline.append(word("index", lang) + "\n", style="bold")
        if o.status == "shown" and o.index is not None:
            headline.append(number(o.index, lang) + "\n", style="bold")
            headline.append(f"{o.category} {o.category_label}\n", style=BAND_STYLES.get(o.category or "", "bold"))
        elif o.status == "shown":  # a value without data, or hidden: say which, never "no respondents"
            headline.append(word("no_index", lang) + "\n", style="italic")
            headline.append(missing_values_note(o.dimensions, report.min_group_size, lang) + "\n", style="bold")
        else:
            headline.append(word("suppressed" if o.status == "suppressed" else "empty", lang) + "\n", style="italic")
        headline.append(f"\n{word('respondents', lang)}: {number(report.respondents, lang)}")
        ev = report.evaluation.organisation if report.evaluation else None
        if ev is not None and ev.basis == "composite":
            headline.append(f"\n{word('composite_index', lang)}: ")
            headline.append(f"{number(ev.index, lang)} {ev.category}", style=BAND_STYLES.get(ev.category or "", "bold"))
        self.query_one("#dashboard-headline", Static).update(headline)
        values = Table.grid(padding=(0, 1))
        for d in o.dimensions:
            values.add_row(Text(d.label, no_wrap=True, overflow="ellipsis"), dim_cell(d, lang), bar(d.score, 14))
        self.query_one("#dashboard-values", Static).update(values)
        self._fill_units(report)
        p = report.participation
        status = f"{word('respondents', lang)}: {number(report.respondents, lang)} · {p.units_below_minimum} {word('below_minimum', lang)}"
        self.query_one("#dashboard-status", Static).update(status)

    def _fill_units(self, report: ScoreReport) -> None:
        lang = self.lang
        table = self.query_one("#dashboard-units", DataTable)
        table.clear(columns=True)
        dims = [d.id for d in report.overall.dimensions]
        table.add_columns(
            word("unit", lang), "n", t("dashboard.minimum", lang), t("dashboard.index", lang), t("dashboard.category", lang), *dims
        )
        participation = {u.code: u for u in report.participation.units}
        units = report.breakdown(report.unit_field) if report.unit_field else None
        for g in units.groups if units else []:
            u = participation.get(g.key or "")
            label = textwrap.shorten(g.label, 28, placeholder=" …")  # whole words only
            n = Text(number(u.respondents if u else 0, lang) + (" !" if u and u.implausible else ""), style="bold red" if u and u.implausible else "")
            minimum = Text(number(u.minimum, lang, 0) if u and u.minimum else "", style="red" if u and u.meets_minimum is False else "")
            if g.status == "shown":
                scores = [dim_cell(d, lang) for d in g.dimensions]
                index = number(g.index, lang) if g.index is not None else Text(HIDDEN if any(d.status == "suppressed" for d in g.dimensions) else NO_DATA, style="dim")
                row = [label, n, minimum, index, Text(f"{g.category or ''}", style=BAND_STYLES.get(g.category or "", "")), *scores]
            else:
                hidden = Text(word("suppressed" if g.status == "suppressed" else "empty", lang), style="italic dim")
                row = [label, n, minimum, hidden, "", *[Text(HIDDEN if g.status == "suppressed" else NO_DATA, style="dim")] * len(dims)]
            table.add_row(*row, key=g.key or "-")
