"""What a report without the flagged responses (--exclude-flagged) hides beyond the usual, so that
comparing it with the report counting everyone gives no few people's answers away; mixed into
scoring.compute.Scorer (docs/scoring.md, "Leaving responses out must not give them away")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from akhlak_tui.questionnaire.model import tr
from akhlak_tui.scoring import model as m
from akhlak_tui.scoring.aggregate import ENGAGEMENT, Counts, Tallies, unpack
from akhlak_tui.scoring.errors import ExclusionError
from akhlak_tui.scoring.formulas import Suppression, left_out_cells, left_out_groups
from akhlak_tui.scoring.hiding import figure_state, hide_measure, hide_statement, measure_of

if TYPE_CHECKING:
    from akhlak_tui.scoring.compute import Scorer

    _Base = Scorer
else:
    _Base = object

REFUSALS = {
    "total": {
        "id": "hanya {n} respons yang dikeluarkan, kurang dari min_group_size {k}: membandingkan laporan ini dengan laporan yang menghitung semua responden akan membuka jawaban mereka; laporan tidak dibuat",
        "en": "only {n} of the responses would be left out, fewer than min_group_size {k}: comparing this report with the one counting everyone would give their answers away; no report made",
    },
    "group": {
        "id": "{field} {group}: terlalu sedikit respons dikeluarkan dan tidak ada kelompok lain yang dapat disembunyikan bersamanya; laporan tidak dibuat",
        "en": "{field} {group}: too few responses left out and no other group to hide with it; no report made",
    },
    "sums": {
        "id": "{figure}: angka yang disembunyikan dapat dihitung dengan membandingkan laporan ini dengan laporan yang menghitung semua responden, dan tidak ada angka lain yang dapat disembunyikan; laporan tidak dibuat",
        "en": "{figure}: a hidden figure could be worked out by comparing this report with the one counting everyone, and nothing else is left to hide; no report made",
    },
}


class LeftOutHiding(_Base):
    """The hiding of a report that leaves responses out (Scorer.plan.left_out is set)."""

    def _hide_left_out(
        self, field: str, hidden: dict[str | None, Suppression], counted: dict[str | None, Tallies], gone: dict[str | None, int]
    ) -> dict[str | None, Suppression]:
        """More groups to hide in a report that leaves responses out (--exclude-flagged), so that
        comparing it with the report counting everyone gives no one away: each group that lost 1
        to min_group_size - 1 responses and, when only one did, another that lost some
        (formulas.left_out_groups); and every group the full report hides, or what it hides could
        be worked out from this report's figures of a group that lost none."""
        keys = list(dict.fromkeys([*counted, *gone]))
        kept = {k: counted.get(k, (0, []))[0] for k in keys}
        try:
            lost = left_out_groups([(k, gone.get(k, 0), kept[k]) for k in keys], self.min_size)
        except ValueError:
            key = next(k for k in keys if 0 < gone.get(k, 0) < self.min_size)
            raise ExclusionError(tr(REFUSALS["group"], self.lang).format(field=field, group=key if key is not None else self.word("not_answered"))) from None
        there = self.full.breakdown(field) if self.full is not None else None
        full = {g.key: g.suppression for g in there.groups if g.status == "suppressed"} if there is not None else {}
        out = dict(hidden)
        for k, reason in [*lost.items(), *full.items()]:
            if out.get(k) != "small" and not (out.get(k) == "left_out" and reason == "complementary"):
                out[k] = reason  # small in the full report stays small here: whether it lost some is not told
        # A group hidden here that lost none and is shown there has its figures known from the full
        # report: it hides nothing. When one hidden group with responses is left whose figures are
        # not known so, another that lost some is hidden beside it (else no report).
        unknown = [k for k in out if kept.get(k, 0) > 0 and (gone.get(k, 0) > 0 or k in full)]
        if len(unknown) == 1:
            rest = [(kept[k], i, k) for i, k in enumerate(keys) if k not in out and gone.get(k, 0) > 0 and kept[k] > 0]
            if not rest:
                key = unknown[0]
                raise ExclusionError(tr(REFUSALS["group"], self.lang).format(field=field, group=key if key is not None else self.word("not_answered")))
            out[min(rest)[2]] = "complementary"
        return out

    def lost_everyone(self) -> set[str]:
        """In a report that leaves responses out (--exclude-flagged): the figures (aggregate.py,
        figure_tests) hidden for everyone, as 1 to min_group_size - 1 of those left out answered
        them, or as a breakdown has no other group to hide one with (`lost_figures`)."""
        if self.plan.left_out is None:
            return set()
        return {figure for figure, n in self.plan.left_out_everyone.items() if 0 < n < self.min_size} | self.hidden_for_everyone

    def _hide_as_full_report(self, field: str, groups: list[m.GroupScore]) -> None:
        """Hide each value and engagement where the report counting everyone (`full`) hides it."""
        there = self.full.breakdown(field) if self.full is not None else None
        if there is not None:
            full = {g.key: g for g in there.groups}
            self._hide_as_full_groups(groups, [full.get(g.key) for g in groups])

    def _hide_statements_as_full_report(self, everyone: m.IndicatorGroup, groups: list[m.IndicatorGroup]) -> None:
        """Hide each statement, for everyone and per unit, where the report counting everyone hides it."""
        if self.full is None or self.full.indicators is None:
            return
        there = {g.key: g for g in self.full.indicators.units}
        for g, full_group in [(everyone, self.full.indicators.overall), *((g, there.get(g.key)) for g in groups)]:
            for j, statement in enumerate(full_group.indicators if full_group is not None else []):
                if statement.status == "suppressed":
                    hide_statement(g, j)

    def _hide_culture_as_full_report(self, out: list[m.UnitCulture]) -> None:
        """Hide each unit's culture where the report counting everyone hides it."""
        hidden = {u.code for u in self.full.culture_units if u.status == "suppressed"} if self.full is not None else set()
        for i, u in enumerate(out):
            if u.code in hidden and u.status == "shown":
                out[i] = m.UnitCulture(code=u.code, name=u.name, status="suppressed", suppression="left_out")

    @staticmethod
    def _hide_as_full_groups(groups: Sequence[m.GroupScore], full: Sequence[m.GroupScore | None]) -> None:
        for g, there in zip(groups, full):
            if there is None or g.status != "shown" or there.status != "shown":
                continue
            for d in [*there.dimensions, *([there.engagement] if there.engagement else [])]:
                if d.status == "suppressed":
                    hide_measure(g, ENGAGEMENT if d.id == "engagement" else d.id)

    def lost_figures(self, field: str, cells: Mapping[str, list[tuple[str | None, str]]]) -> dict[str | None, set[str]]:
        """Per group of breakdown `field`, the figures it must hide as well in a report that leaves
        responses out (formulas.left_out_cells): `cells` gives, per figure, each group's key and
        state ("shown", "hidden", "empty"). Comparing it with the report counting everyone must not
        give away the answers of fewer than min_group_size of those left out, figure by figure."""
        if self.plan.left_out is None:
            return {}
        everyone, answered = self.lost_everyone(), self.plan.left_out_answered.get(field, {})
        out: dict[str | None, set[str]] = {}
        for figure, groups in cells.items():
            lost = [(key, answered.get(key, {}).get(figure, 0), state) for key, state in groups]
            try:
                hidden = left_out_cells(lost, self.min_size, figure in everyone)
            except ValueError:  # no other group to hide it with: hidden for everyone, that is enough
                self.hidden_for_everyone.add(figure)
                hidden = left_out_cells(lost, self.min_size, True)
            for key in hidden:
                out.setdefault(key, set()).add(figure)
        return out

    def _hide_lost_values(self, field: str | None, groups: list[m.GroupScore]) -> None:
        """In a report that leaves responses out: hide each value (and engagement) in the groups
        where too few of those left out answered it (`lost_figures`; for everyone, `lost_everyone`)."""
        if self.plan.left_out is None:
            return

        def state(g: m.GroupScore, measure: str) -> str:
            dim = g.engagement if measure == ENGAGEMENT else next((d for d in g.dimensions if d.id == measure), None)
            return figure_state(g.status, dim.status if dim else None)

        if field is None:
            hide = {g.key: self.lost_everyone() for g in groups}
        else:
            hide = self.lost_figures(field, {f"m:{d}": [(g.key, state(g, d)) for g in groups] for d in self._measures()})
        for g in groups:
            for figure in hide.get(g.key, set()):
                if figure.startswith("m:") and g.status == "shown":
                    hide_measure(g, figure.removeprefix("m:"))

    def _hide_lost_culture(self, out: list[m.UnitCulture], field: str) -> None:
        """In a report that leaves responses out: hide a unit's culture where too few of those left
        out answered "organisation now" or "organisation wanted" (as `_hide_lost_values`)."""
        spec = self.q.scoring.values
        if self.plan.left_out is None or spec is None:
            return
        figures = [f"v:{i}" for i in (spec.current, spec.desired) if i]
        states = [(u.code, {"shown": "shown", "empty": "empty"}.get(u.status, "hidden")) for u in out]
        states.append((None, "hidden"))  # those who did not answer the unit question show no culture of their own
        hide = self.lost_figures(field, {f: states for f in figures})
        for i, u in enumerate(out):
            if hide.get(u.code) and u.status == "shown":
                out[i] = m.UnitCulture(code=u.code, name=u.name, status="suppressed", suppression="left_out")

    def _hide_lost_statements(self, everyone: m.IndicatorGroup, groups: list[m.IndicatorGroup], field: str | None) -> None:
        """In a report that leaves responses out: hide each statement where too few of those left
        out answered it, for everyone and per unit (as `_hide_lost_values`)."""
        if self.plan.left_out is None:
            return

        def state(g: m.IndicatorGroup, j: int) -> str:
            return figure_state(g.status, g.indicators[j].status if g.status == "shown" else None)

        figures = [f"s:{spec.item.id}" for spec in self.plan.items]
        per_unit = self.lost_figures(field, {f: [(g.key, state(g, j)) for g in groups] for j, f in enumerate(figures)}) if field is not None else {}
        for g, hide in [(everyone, self.lost_everyone()), *((g, per_unit.get(g.key, set())) for g in groups)]:
            for j, figure in enumerate(figures):
                if figure in hide:
                    hide_statement(g, j)

    def _hide_everyones_beside_known(
        self, everyone: m.IndicatorGroup, groups: list[m.IndicatorGroup], scored: list[list[int]], overall: m.GroupScore,
        tables: Sequence[m.Breakdown], counts: Counts,
    ) -> bool:  # fmt: skip
        """In a report that leaves responses out: where, of the groups hiding a figure, all but one
        are known from the full report (they lost none of its answers and it shows them:
        `known_there`), and that one has 1 to min_group_size - 1 left here, everyone's figure minus
        the others would give those few, so everyone's is hidden. A group can lose responses and
        none of a figure's answers, so this is looked at figure by figure. True if any was hidden."""
        if self.full is None:
            return False
        hid = False
        unit = self.plan.unit or ""
        for j, spec in enumerate(self.plan.items):
            if everyone.status != "shown" or everyone.indicators[j].status != "shown":
                continue
            figure = f"s:{spec.item.id}"
            unknown = [
                scored[i][j] for i, g in enumerate(groups)
                if scored[i][j] > 0 and (g.status == "suppressed" or g.indicators[j].status == "suppressed") and not self.known_there(unit, g.key, figure)
            ]  # fmt: skip
            if len(unknown) == 1 and unknown[0] < self.min_size:
                hide_statement(everyone, j)
                hid = True
        for measure in self._measures():
            if overall.status != "shown" or measure_of(overall, measure).status != "shown":
                continue
            figure = f"m:{measure}"
            for table in tables:
                rows = dict(counts.groups.get(table.field, []))
                unknown = []
                for g in table.groups:
                    n = unpack(rows[g.key][1][self.plan.respondents[measure]])[1] if g.key in rows else 0
                    hidden = g.status == "suppressed" or (g.status == "shown" and measure_of(g, measure).status == "suppressed")
                    if n > 0 and hidden and not self.known_there(table.field, g.key, figure):
                        unknown.append(n)
                if len(unknown) == 1 and unknown[0] < self.min_size:
                    hide_measure(overall, measure)
                    hid = True
                    break
        return hid

