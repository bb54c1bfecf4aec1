"""The evaluator's review screen (dashboard `e`): units x stages, a unit's criteria, and setting the verified level with a note."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from akhlak_tui.evaluation.model import Criterion
from akhlak_tui.evaluation.store import EvaluationState, EvaluationStore
from akhlak_tui.questionnaire.model import tr
from akhlak_tui.report.i18n import number, word
from akhlak_tui.scoring.composite import evaluation_index, stage_scores
from akhlak_tui.tui.texts import t
from akhlak_tui.tui.widgets.key_bar import KeyBar


class EvaluationReviewScreen(Screen[None]):
    """Review the evaluation: each change of a verified level is one committed transaction with its history row."""

    CSS_PATH = "../evaluation_review.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", show=False, id="evaluation.back"),
        *(Binding(str(n), f"level({n})", show=False) for n in range(1, 10)),
    ]

    def __init__(self, db_path: Path, lang: str) -> None:
        super().__init__()
        self.db_path = db_path
        """The merged database reviewed."""
        self.lang = lang
        """Language of the labels."""
        self.unit: str | None = None
        """The unit opened, or None on the unit list."""
        self.pending: tuple[str, int] | None = None
        """(criterion, level) waiting for its note."""
        self.mdb = None
        self.store: EvaluationStore | None = None
        self.state: EvaluationState | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="review-title")
        yield DataTable(id="review-table", zebra_stripes=True, cursor_type="row")
        yield Static(id="review-detail")
        yield Input(id="review-note")
        yield Static(id="review-help")
        yield KeyBar()

    def on_mount(self) -> None:
        from akhlak_tui.merge.database import MergedDatabase

        self.mdb = MergedDatabase(self.db_path)
        self.store = EvaluationStore(self.mdb.db) if EvaluationStore.has_evaluation(self.mdb.db) else None
        self.query_one("#review-note", Input).display = False
        self.query_one(KeyBar).show_keys([("Esc", "screen.back", t("key.back", self.lang))])
        self.show_units()

    def on_unmount(self) -> None:
        if self.mdb is not None:
            self.mdb.close()

    # -- the unit list --------------------------------------------------------------------------
    def show_units(self, keep: str | None = None) -> None:
        self.unit = None
        lang = self.lang
        table = self.query_one("#review-table", DataTable)
        table.clear(columns=True)
        self.query_one("#review-detail", Static).update("")
        if self.store is None:
            self.query_one("#review-title", Static).update(Text(t("review.none", lang), style="italic"))
            self.query_one("#review-help", Static).update(t("review.units_help", lang))
            return
        self.state = state = self.store.state()
        ins = state.instrument
        self.query_one("#review-title", Static).update(Text(f"{t('review.title', lang)}: {tr(ins.evaluation.title, lang)}", style="bold"))
        table.add_columns(word("unit", lang), "Status", "Eval", *(f"T{i}" for i in range(1, len(ins.stages) + 1)))
        for unit in self.mdb.units:
            levels = {c: row["level"] for c, row in state.verified.get(unit.code, {}).items() if c in ins.criterion_by_id}
            stages = stage_scores(ins, levels)
            overall = evaluation_index(ins, levels)
            status = "verified" if overall is not None else "in_review" if levels else "returned" if unit.code in state.returned else "missing"
            table.add_row(
                unit.code,
                t(f"review.{status}", lang),
                number(float(overall), lang) if overall is not None else "-",
                *(number(float(s), lang) if s is not None else "-" for s in stages.values()),
                key=unit.code,
            )
        if keep is not None:
            table.move_cursor(row=table.get_row_index(keep))
        table.focus()
        self.query_one("#review-help", Static).update(t("review.units_help", lang))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.unit is None and self.store is not None:
            self.show_unit(str(event.row_key.value))

    # -- one unit's criteria --------------------------------------------------------------------
    def show_unit(self, unit: str, keep: str | None = None, saved: str = "") -> None:
        self.unit = unit
        lang = self.lang
        self.state = state = self.store.state()  # type: ignore[union-attr]
        ins = state.instrument
        claims, verified = state.claims.get(unit, {}), state.verified.get(unit, {})
        name = next((u.name for u in self.mdb.units if u.code == unit), unit)
        title = Text(f"{name} ({unit})", style="bold")
        if saved:
            title.append(f"  {saved}", style="green")
        self.query_one("#review-title", Static).update(title)
        table = self.query_one("#review-table", DataTable)
        table.clear(columns=True)
        table.add_columns("", word("criterion", lang), word("claimed", lang), word("verified", lang), word("note", lang))
        stage_number = {s.id: i for i, s in enumerate(ins.stages, start=1)}
        for c in ins.criteria:
            claim, check = claims.get(c.id), verified.get(c.id)
            table.add_row(
                f"T{stage_number[ins.stage_of[c.id].id]}",
                c.id,
                "-" if claim is None or claim["level"] is None else str(claim["level"]),
                Text("-" if check is None else str(check["level"]), style="bold" if check else "dim"),
                (check["note"] if check else "")[:30],
                key=c.id,
            )
        if keep is not None:
            table.move_cursor(row=table.get_row_index(keep))
        table.focus()
        self.show_detail()

    def current_criterion(self) -> Criterion | None:
        if self.unit is None or self.state is None:
            return None
        table = self.query_one("#review-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.state.instrument.criterion_by_id.get(str(key))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.unit is not None:
            self.show_detail()

    def show_detail(self) -> None:
        c = self.current_criterion()
        if c is None or self.state is None:
            return
        lang = self.lang
        ins = self.state.instrument
        levels = ins.scale_for(c).levels
        claim = self.state.claims.get(self.unit or "", {}).get(c.id)
        files = [e["name"] for e in self.state.evidence.get(self.unit or "", []) if e["criterion"] == c.id]
        detail = Text()
        detail.append(f"{t('review.asked', lang)}: ", style="bold")
        detail.append(tr(c.question, lang) + "\n")
        detail.append(f"{t('review.counts', lang)}: ", style="bold")
        detail.append(tr(c.evidence, lang) + "\n")
        detail.append(f"{t('review.given', lang)}: ", style="bold")
        detail.append((claim["evidence"] if claim and claim["evidence"] else "-") + "\n")
        if files:
            detail.append(f"{t('review.files', lang)}: ", style="bold")
            detail.append(", ".join(files) + "\n")
        detail.append("  ".join(f"[{i}] {lv.score} {tr(lv.label, lang)}" for i, lv in enumerate(levels, start=1)), style="dim")
        self.query_one("#review-detail", Static).update(detail)
        keys = "/".join(str(i) for i in range(1, len(levels) + 1))
        self.query_one("#review-help", Static).update(t("review.criteria_help", lang, keys=keys))

    # -- setting a level ------------------------------------------------------------------------
    def action_level(self, n: int) -> None:
        c = self.current_criterion()
        if c is None or self.pending is not None or self.state is None:
            return
        levels = self.state.instrument.scale_for(c).levels
        if not 1 <= n <= len(levels):
            self.app.bell()
            return
        self.pending = (c.id, levels[n - 1].score)
        note = self.query_one("#review-note", Input)
        note.value = ""
        note.placeholder = t("review.note_prompt", self.lang, level=levels[n - 1].score, criterion=c.id)
        self.query_one("#review-help", Static).update(note.placeholder)
        note.display = True
        note.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.pending is None or self.unit is None or self.store is None:
            return
        criterion, level = self.pending
        # Committed (synchronous=FULL) before the screen moves on: nothing is lost on a crash.
        self.store.verify(self.unit, criterion, level, event.value.strip())
        self.pending = None
        event.input.display = False
        self.show_unit(self.unit, keep=criterion, saved=t("review.saved", self.lang, unit=self.unit, criterion=criterion, level=level))

    def action_back(self) -> None:
        if self.pending is not None:
            self.pending = None
            self.query_one("#review-note", Input).display = False
            self.query_one("#review-table", DataTable).focus()
            self.show_detail()
        elif self.unit is not None:
            self.show_units(keep=self.unit)
        else:
            self.dismiss()
