"""The figures on how far a report can be trusted, hooked into score_merged: reliability, quality flags, staff profile."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.model import tr
from akhlak_tui.scoring import model as m
from akhlak_tui.scoring.aggregate import SUBMITTED, Counts, Plan, figure_tests
from akhlak_tui.scoring.profile import staff_profile
from akhlak_tui.scoring.quality import exclusion, left_out_counts, quality_report
from akhlak_tui.scoring.trust import Quality
from akhlak_tui.scoring.reliability import ReliabilitySums, hide_left_out, reliability_report


class TrustFigures:
    """Set up before the counting (extra sums, responses left out), filled in after it."""

    def __init__(self, mdb: MergedDatabase, plan: Plan, exclude_flagged: Sequence[str] = (), figures: bool = True) -> None:
        self.mdb, self.plan, self.figures = mdb, plan, figures
        self.q = mdb.questionnaire
        self.excluded = list(exclude_flagged)
        self.sums = ReliabilitySums(self.q, plan.unit) if figures else None
        if self.excluded:
            conn = mdb.db.conn
            setup, plan.exclude = exclusion(conn, self.q.scoring.quality_thresholds, self.excluded)
            plan.setup += setup
            for sql in setup:
                conn.execute(sql)
            tests = figure_tests(plan, self.q) | (self.sums.complete_tests() if self.sums else {})
            lost = left_out_counts(conn, plan.keys, SUBMITTED, plan.exclude, tests)
            plan.left_out_total, plan.left_out = lost.total, lost.groups
            plan.left_out_answered, plan.left_out_everyone = lost.answered, lost.everyone
        if self.sums is not None:
            self.slot = len(plan.sliced)
            plan.sliced.append(self.sums)
            plan.folded.append(self.sums)  # counted by the intervals' combined scan when there is one
        self.units = mdb.units
        self.quality: Future[Quality] | None = None
        if (figures or self.excluded) and mdb.path is not None:  # counted meanwhile, on a connection of its own
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quality")
            self.quality = self.pool.submit(self._quality, mdb.path)

    def close(self) -> None:
        """No report after all: let the quality counting finish and its thread go."""
        if self.quality is not None:
            self.pool.shutdown()

    def _quality(self, path: Path) -> Quality:
        conn = sqlite3.connect(str(path), timeout=30)
        try:
            return self._count_quality(conn)
        finally:
            conn.close()

    def _count_quality(self, conn: sqlite3.Connection) -> Quality:
        t = self.q.scoring
        return quality_report(conn, t.quality_thresholds, self.units, t.min_group_size, "", self.excluded)

    def fill(self, report: m.ScoreReport, counts: Counts, lang: str) -> None:
        q, conn = self.q, self.mdb.db.conn
        if self.quality is not None:
            try:
                report.quality = self.quality.result()
            finally:
                self.pool.shutdown()
        elif self.figures or self.excluded:
            report.quality = self._count_quality(conn)
        if report.quality is not None:
            report.quality.overall.name = report.overall.label
        if not self.figures:
            return
        unit_id = report.unit_field
        units = report.breakdown(unit_id) if unit_id else None
        from akhlak_tui.scoring.compute import WORDS, Scorer

        if units is None and unit_id:
            units = Scorer(q, self.mdb.units, self.plan, lang).breakdown(unit_id, counts.groups.get(unit_id, []))
        engagement = tr(WORDS["engagement"], lang)
        assert self.sums is not None
        if self.sums.at is None:
            slices = counts.sliced[self.slot]
        else:
            slices = self.sums.from_cells(counts.overall[1], counts.groups.get(self.plan.unit, []) if self.plan.unit else [])
        report.reliability = reliability_report(q, self.sums, slices, units, report.overall, engagement, lang)
        if self.plan.left_out is not None:
            per_unit = self.plan.left_out_answered.get(unit_id, {}) if unit_id else {}
            hide_left_out(report.reliability, self.plan.left_out_everyone, per_unit, q.scoring.min_group_size)
        # over every submitted response, as the participation: the same with or without
        # --exclude-flagged, so comparing the two reports gives away no one's profile answers
        report.staff_profile = staff_profile(conn, q, self.mdb.units, unit_id, SUBMITTED, q.scoring.min_group_size, lang)
