"""The figures on how far a report can be trusted, hooked into score_merged: reliability, quality flags, staff profile."""

from __future__ import annotations

from collections.abc import Sequence

from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.model import tr
from akhlak_tui.scoring import model as m
from akhlak_tui.scoring.aggregate import Counts, Plan
from akhlak_tui.scoring.profile import staff_profile
from akhlak_tui.scoring.quality import exclusion_condition, quality_report
from akhlak_tui.scoring.reliability import add_reliability_tallies, reliability_report


class TrustFigures:
    """Set up before the counting (extra sums, responses left out), filled in after it."""

    def __init__(self, mdb: MergedDatabase, plan: Plan, exclude_flagged: Sequence[str] = (), figures: bool = True) -> None:
        self.mdb, self.plan, self.figures = mdb, plan, figures
        self.q = mdb.questionnaire
        self.excluded = list(exclude_flagged)
        if self.excluded:
            plan.exclude = exclusion_condition(mdb.db.conn, self.q.scoring.quality_thresholds, self.excluded)
        self.sums = add_reliability_tallies(plan, self.q) if figures else []

    def fill(self, report: m.ScoreReport, counts: Counts, lang: str) -> None:
        q, conn = self.q, self.mdb.db.conn
        if self.figures or self.excluded:
            report.quality = quality_report(
                conn, q.scoring.quality_thresholds, self.mdb.units, q.scoring.min_group_size, report.overall.label, self.excluded
            )
        if not self.figures:
            return
        unit_id = report.unit_field
        units = report.breakdown(unit_id) if unit_id else None
        from akhlak_tui.scoring.compute import WORDS, Scorer

        if units is None and unit_id:
            units = Scorer(q, self.mdb.units, self.plan, lang).breakdown(unit_id, counts.groups.get(unit_id, []))
        engagement = tr(WORDS["engagement"], lang)
        report.reliability = reliability_report(q, self.sums, counts.overall, counts.groups.get(unit_id, []) if unit_id else [], units, report.overall, engagement, lang)
        report.staff_profile = staff_profile(conn, q, self.mdb.units, unit_id, self.plan.where, q.scoring.min_group_size, lang)
