"""What a report hides so that nothing hidden can be worked out from what it shows: one figure
hidden (a value with its index, a statement), and the rules that hide a second figure beside one
(in the next group, within a value, beside everyone), mixed into scoring.compute.Scorer."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from akhlak_tui.scoring import model as m
from akhlak_tui.scoring.aggregate import ENGAGEMENT, Counts, Tallies, unpack
from akhlak_tui.scoring.formulas import complementary_cell, left_out_cells

if TYPE_CHECKING:
    from akhlak_tui.scoring.compute import Scorer

    _Base = Scorer
else:
    _Base = object


def hide_measure(g: m.GroupScore, measure: str) -> None:
    """Hide one value (with the group's index) or engagement in a shown group."""
    if measure == ENGAGEMENT:
        if g.engagement is not None:
            g.engagement = m.DimensionScore(id=g.engagement.id, label=g.engagement.label, status="suppressed", score=None, exact=None, answers=None)
        return
    j = next(i for i, d in enumerate(g.dimensions) if d.id == measure)
    g.dimensions[j] = m.DimensionScore(id=measure, label=g.dimensions[j].label, status="suppressed", score=None, exact=None, answers=None)
    g.index = g.index_exact = g.category = g.category_label = g.index_low = g.index_high = None  # its interval too, if it has one yet


def measure_of(g: m.GroupScore, measure: str) -> m.DimensionScore:
    """A shown group's score of one value, or of engagement."""
    found = g.engagement if measure == ENGAGEMENT else next((d for d in g.dimensions if d.id == measure), None)
    assert found is not None
    return found


def hide_statement(g: m.IndicatorGroup, j: int) -> None:
    """Hide the j-th statement of a group where it is shown."""
    if g.status == "shown" and g.indicators[j].status == "shown":
        g.indicators[j] = g.indicators[j].model_copy(update={"status": "suppressed", "score": None, "exact": None, "respondents": None, "distribution": None})


def figure_state(group_status: str, figure_status: str | None) -> str:
    """A figure's state in a group for formulas.left_out_cells: shown, hidden, or empty (a known nothing)."""
    if group_status != "shown":
        return "empty" if group_status == "empty" else "hidden"
    return {"shown": "shown", "no_data": "empty"}.get(figure_status or "no_data", "hidden")


class HidingRules(_Base):
    """The rules that hide a figure beside another, so the hidden one cannot be worked out."""

    def _hide_complementary_values(
        self, field: str, groups: list[m.GroupScore], counts: list[Tallies], overall: m.GroupScore | None = None
    ) -> bool:
        """A value hidden in only one group (too few answered it) is hidden in the next smallest too,
        with that group's index, so it cannot be worked out from everyone's score and the others'.
        In a report that leaves responses out, never in a group that lost none of its answers and
        whose value the full report shows (`known_there`): that would protect nothing. Without
        another, everyone's value is hidden instead (`overall`, or later, when not made yet).
        True if any was hidden."""
        hid = False
        for j, measure in enumerate(self._measures()):
            figure, cells = f"m:{measure}", []
            for i, (g, (_, tallies)) in enumerate(zip(groups, counts)):
                answered = unpack(tallies[self.plan.respondents[measure]])[1] if tallies else 0
                dim = (g.dimensions[j] if j < len(g.dimensions) else g.engagement) if g.status == "shown" else None
                cells.append((i, answered, g.status == "suppressed" or (dim is not None and dim.status == "suppressed")))
            if complementary_cell(cells) is None:
                continue
            rest = [(n, i) for i, n, h in cells if not h and n > 0 and not self.known_there(field, groups[i].key, figure)]
            if rest:
                hide_measure(groups[min(rest)[1]], measure)
                hid = True
            elif overall is None:  # no group to hide with that would protect: everyone's goes (made later)
                self.hidden_for_everyone.add(figure)
            elif overall.status == "shown" and measure_of(overall, measure).status == "shown":
                hide_measure(overall, measure)
                hid = True
        return hid

    def known_there(self, field: str | None, key: str | None, figure: str) -> bool:
        """In a report that leaves responses out: whether a group's figure (field None: everyone's)
        is the full report's, as it lost none of its answers, and the full report shows it. Hiding
        such a figure beside another protects nothing."""
        if self.full is None:
            return False
        lost = self.plan.left_out_everyone if field is None else self.plan.left_out_answered.get(field, {}).get(key, {})
        if lost.get(figure, 0) > 0:
            return False
        return figure in self._shown_there.get((field, key), set())

    @cached_property
    def _shown_there(self) -> dict[tuple[str | None, str | None], set[str]]:
        """The figures the full report shows, per group (field None: everyone), indexed once."""
        cache: dict[tuple[str | None, str | None], set[str]] = {}
        full = self.full
        if full is not None:

            def measures(g: m.GroupScore) -> set[str]:
                if g.status != "shown":
                    return set()
                dims = [*g.dimensions, *([g.engagement] if g.engagement else [])]
                return {f"m:{ENGAGEMENT if d.id == 'engagement' else d.id}" for d in dims if d.status == "shown"}

            def statements(g: m.IndicatorGroup) -> set[str]:
                return {f"s:{i.item}" for i in g.indicators if i.status == "shown"} if g.status == "shown" else set()

            values = {f"v:{q.item}" for q in (full.values.personal, full.values.current, full.values.desired) if q} if full.values and full.values.status == "shown" else set()
            cache[(None, None)] = measures(full.overall) | (statements(full.indicators.overall) if full.indicators else set()) | values
            for b in full.breakdowns:
                for g in b.groups:
                    cache[(b.field, g.key)] = measures(g)
            unit = self.plan.unit
            for g in full.indicators.units if full.indicators else []:
                cache[(unit, g.key)] = cache.get((unit, g.key), set()) | statements(g)
            spec = self.q.scoring.values
            asked = [f"v:{i}" for i in ((spec.current, spec.desired) if spec else ()) if i]
            for u in full.culture_units:
                if u.status == "shown":
                    cache[(unit, u.code)] = cache.get((unit, u.code), set()) | set(asked)
        return cache

    def _hide_beside_everyone(
        self, everyone: m.IndicatorGroup, groups: list[m.IndicatorGroup], scored: list[list[int]], scored_all: list[int],
        overall: m.GroupScore, tables: Sequence[m.Breakdown], counts: Counts,
    ) -> bool:  # fmt: skip
        """Everyone is the sum of the groups of any breakdown: a statement hidden for everyone but
        shown in every unit that answered it, or a value hidden for everyone but shown in every
        group of a breakdown that answered it, would be their sum. So the unit (group) with the
        fewest answers hides it too. True if any was hidden."""
        hid = False
        for j in range(len(self.plan.items)):
            if everyone.status != "shown" or everyone.indicators[j].status != "suppressed" or not scored_all[j]:
                continue
            answered = [(scored[i][j], i) for i in range(len(groups)) if scored[i][j] > 0]
            if answered and all(groups[i].status == "shown" and groups[i].indicators[j].status == "shown" for _, i in answered):
                hide_statement(groups[min(answered)[1]], j)
                hid = True
        for measure in self._measures():
            dim = overall.engagement if measure == ENGAGEMENT else next((d for d in overall.dimensions if d.id == measure), None)
            if overall.status != "shown" or dim is None or dim.status != "suppressed":
                continue
            for table in tables:
                rows = dict(counts.groups.get(table.field, []))
                answered = [(unpack(rows[g.key][1][self.plan.respondents[measure]])[1] if g.key in rows else 0, i) for i, g in enumerate(table.groups)]
                answered = [(n, i) for n, i in answered if n > 0]
                shown = [i for _, i in answered if table.groups[i].status == "shown" and measure_of(table.groups[i], measure).status == "shown"]
                if answered and len(shown) == len(answered):
                    hide_measure(table.groups[min(answered)[1]], measure)
                    hid = True
        return hid

    def _hide_statements_beside(self, everyone: m.IndicatorGroup, groups: list[m.IndicatorGroup], scored: list[list[int]]) -> bool:
        """A statement hidden in one unit only (with answers) is hidden in the unit with the fewest
        answers to it too, or everyone's minus the others' would give it; in a report that leaves
        responses out, not in one whose statement is the full report's (`known_there`), and without
        another, everyone's is hidden instead. True if any was hidden."""
        hid = False
        for j, spec in enumerate(self.plan.items):
            cells = [(i, scored[i][j], g.status == "suppressed" or (g.status == "shown" and g.indicators[j].status == "suppressed")) for i, g in enumerate(groups)]
            if complementary_cell(cells) is None:
                continue
            figure = f"s:{spec.item.id}"
            rest = [(n, i) for i, n, h in cells if not h and n > 0 and not self.known_there(self.plan.unit or "", groups[i].key, figure)]
            if rest:
                hide_statement(groups[min(rest)[1]], j)
                hid = True
            elif everyone.status == "shown" and everyone.indicators[j].status == "shown":
                hide_statement(everyone, j)
                hid = True
        return hid

    def _hide_statements_within(self, values: list[m.GroupScore], groups: list[m.IndicatorGroup], scored: list[list[int]]) -> bool:
        """A value (or engagement) is its statements pooled: in a group showing it, a statement
        hidden alone among them could be worked out as the value minus the others, and a value
        hidden with all its statements shown as their sum. So the shown statement with the fewest
        answers is hidden too; with none shown (the others unanswered there), the value itself.
        In a report that leaves responses out, the statements hidden in a group showing the value
        must also have lost none of their answers together, or `min_group_size` or more
        (formulas.left_out_cells), else the value shown there and in the full report would give
        them. True if any was hidden."""
        hid = False
        unit_field = self.plan.unit or ""
        for position, (value, group, answers) in enumerate(zip(values, groups, scored)):
            if group.status != "shown":
                continue
            for measure in self._measures():
                dim = value.engagement if measure == ENGAGEMENT else next((d for d in value.dimensions if d.id == measure), None)
                if dim is None:
                    continue
                mine = [j for j, spec in enumerate(self.plan.items) if spec.item.dimension == measure or (measure == ENGAGEMENT and spec.item.id in self.q.scoring.engagement_items)]
                if self.plan.left_out is not None and dim.status == "shown":
                    # everyone comes first; the group that gave no unit also has the key None
                    lost = self.plan.left_out_everyone if position == 0 else self.plan.left_out_answered.get(unit_field, {}).get(group.key, {})
                    states = [(j, lost.get(f"s:{self.plan.items[j].item.id}", 0), figure_state("shown", group.indicators[j].status)) for j in mine]
                    try:
                        for j in left_out_cells(states, self.min_size, False):  # type: ignore[arg-type]
                            if group.indicators[j].status == "shown":  # type: ignore[index]
                                hide_statement(group, j)  # type: ignore[arg-type]
                                hid = True
                    except ValueError:  # no other statement to hide with them: the value goes
                        hide_measure(value, measure)
                        hid = True
                        continue
                hidden = [j for j in mine if group.indicators[j].status == "suppressed" and answers[j] > 0]
                value_hidden = dim.status == "suppressed"
                if len(hidden) + value_hidden != 1 or (value_hidden and not any(answers[j] for j in mine)):
                    continue
                field = None if position == 0 else unit_field
                shown = [(answers[j], j) for j in mine if group.indicators[j].status == "shown" and not self.known_there(field, group.key, f"s:{self.plan.items[j].item.id}")]
                if shown:
                    hide_statement(group, min(shown)[1])
                    hid = True
                elif not value_hidden:  # the value is that statement alone here
                    hide_measure(value, measure)
                    hid = True
        return hid
