"""Whether a report's shown figures fix any hidden one through the sums they satisfy (a value is its
statements pooled; everyone is the sum of any breakdown's groups), solved exactly over the whole
table, and the rule that hides more until none is fixed; mixed into scoring.compute.Scorer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from akhlak_tui.questionnaire.model import tr
from akhlak_tui.scoring import model as m
from akhlak_tui.scoring.aggregate import ENGAGEMENT, Counts, unpack
from akhlak_tui.scoring.errors import ExclusionError
from akhlak_tui.scoring.hiding import figure_state, hide_measure, hide_statement, measure_of
from akhlak_tui.scoring.left_out import REFUSALS

if TYPE_CHECKING:
    from akhlak_tui.scoring.compute import Scorer

    _Base = Scorer
else:
    _Base = object

PRIME = (1 << 61) - 1
"""The equations are solved modulo this prime: exact and fast. Their coefficients are 0 and 1 (-1
for a total), so the rank modulo the prime differs from the rank over the rationals only when the
prime divides a minor of the table: with minors of tables this size far below 2^61, never."""


def fixed(equations: Iterable[Mapping[Hashable, int]], unknown: Collection[Hashable]) -> set[Hashable]:
    """The unknown cells that the equations fix when every other cell is known.

    Each equation is a sum of cells times whole coefficients that comes to a known number (the
    known cells' part of it). An unknown is fixed exactly when some combination of the equations
    leaves it alone: then, brought to reduced row echelon form, one row holds it and nothing else.
    """
    pivots: dict[Hashable, dict[Hashable, int]] = {}
    holders: dict[Hashable, set[Hashable]] = defaultdict(set)  # a cell -> the pivot rows holding it besides their pivot
    for equation in equations:
        row = {c: v % PRIME for c, v in equation.items() if c in unknown and v % PRIME}
        for c in [c for c in row if c in pivots]:  # pivot rows hold no other pivot, so one pass reduces
            factor = row.pop(c)
            for d, v in pivots[c].items():
                if d != c:
                    row[d] = (row.get(d, 0) - factor * v) % PRIME
                    if not row[d]:
                        del row[d]
        if not row:
            continue
        pivot = next(iter(row))
        scale = pow(row[pivot], PRIME - 2, PRIME)
        row = {d: v * scale % PRIME for d, v in row.items()}
        for key in holders.pop(pivot, set()):  # keep every pivot row free of the new pivot
            other = pivots[key]
            factor = other.pop(pivot)
            for d, v in row.items():
                if d != pivot:
                    other[d] = (other.get(d, 0) - factor * v) % PRIME
                    if other[d]:
                        holders[d].add(key)
                    else:
                        del other[d]
                        holders[d].discard(key)
        pivots[pivot] = row
        for d in row:
            if d != pivot:
                holders[d].add(pivot)
    return {c for c, row in pivots.items() if len(row) == 1}


@dataclass
class Cell:
    """One figure of one group as the equations see it."""

    answered: int
    hidden: bool
    hide: Callable[[], None] | None = None


Row = tuple  # ("all",) for everyone, ("unit", key), or ("group", field, key) of another breakdown
Key = tuple  # (row, figure): figure "s:<statement>" or "m:<value or engagement>"


class FixedSums(_Base):
    """The last rule of the hiding: no hidden figure may be fixed by the sums of the shown ones."""

    def _value_cells(self, cells: dict[Key, Cell], row: Row, g: m.GroupScore, answered: Callable[[str], int]) -> None:
        """One group's values (and engagement) as cells, each shown one with how to hide it."""
        for measure in self._measures():
            figure = f"m:{measure}"
            state = figure_state(g.status, measure_of(g, measure).status if g.status == "shown" else None)
            cells[(row, figure)] = Cell(answered(figure), state == "hidden", (lambda g=g, x=measure: hide_measure(g, x)) if state == "shown" else None)

    def _statement_cells(self, cells: dict[Key, Cell], row: Row, g: m.IndicatorGroup, answered: Callable[[str], int]) -> None:
        """One group's statements as cells, each shown one with how to hide it."""
        for j, spec in enumerate(self.plan.items):
            figure = f"s:{spec.item.id}"
            state = figure_state(g.status, g.indicators[j].status if g.status == "shown" else None)
            cells[(row, figure)] = Cell(answered(figure), state == "hidden", (lambda g=g, j=j: hide_statement(g, j)) if state == "shown" else None)

    def _sum_cells(
        self, everyone: m.IndicatorGroup, groups: list[m.IndicatorGroup], overall: m.GroupScore, units: m.Breakdown | None,
        tables: Sequence[m.Breakdown], counts: Counts, scored: list[list[int]], scored_all: list[int],
    ) -> dict[Key, Cell]:  # fmt: skip
        """This report's cells of the unit table (everyone and each unit, each statement and value)
        and of the other breakdowns (each group's values)."""
        cells: dict[Key, Cell] = {}
        position = {f"s:{spec.item.id}": j for j, spec in enumerate(self.plan.items)}

        def respondents(tallies: list[int] | None) -> Callable[[str], int]:
            return lambda figure: unpack(tallies[self.plan.respondents[figure[2:]]])[1] if tallies else 0

        self._value_cells(cells, ("all",), overall, respondents(counts.overall[1]))
        self._statement_cells(cells, ("all",), everyone, lambda figure: scored_all[position[figure]])
        if units is not None:
            rows = dict(counts.groups.get(units.field, []))
            for g, ig, answered in zip(units.groups, groups, scored):
                self._value_cells(cells, ("unit", g.key), g, respondents(rows[g.key][1] if g.key in rows else None))
                self._statement_cells(cells, ("unit", g.key), ig, lambda figure, answered=answered: answered[position[figure]])
        for table in tables:
            if units is None or table.field != units.field:
                rows = dict(counts.groups.get(table.field, []))
                for g in table.groups:
                    self._value_cells(cells, ("group", table.field, g.key), g, respondents(rows[g.key][1] if g.key in rows else None))
        return cells

    def _sum_equations(self, rows: Iterable[Row]) -> list[dict[Key, int]]:
        """The sums every report's cells satisfy, over the rows given (each coming to zero)."""
        rows = list(rows)
        statements = [f"s:{spec.item.id}" for spec in self.plan.items]
        engagement = set(self.q.scoring.engagement_items)
        mine = {
            measure: [f"s:{spec.item.id}" for spec in self.plan.items if spec.item.dimension == measure or (measure == ENGAGEMENT and spec.item.id in engagement)]
            for measure in self._measures()
        }  # fmt: skip
        unit_rows = [r for r in rows if r[0] == "unit"]
        equations: list[dict[Key, int]] = []
        for row in [("all",), *unit_rows]:  # a value is its statements pooled (not under "votes": its share of the votes)
            for measure, items in mine.items():
                if measure in self.plan.likert:
                    equations.append({**{(row, s): 1 for s in items}, (row, f"m:{measure}"): -1})
        if unit_rows:  # everyone is the sum of the units
            for figure in [*statements, *(f"m:{x}" for x in mine)]:
                equations.append({**{(r, figure): 1 for r in unit_rows}, (("all",), figure): -1})
        for field in dict.fromkeys(r[1] for r in rows if r[0] == "group"):  # and of any other breakdown's groups
            table = [r for r in rows if r[0] == "group" and r[1] == field]
            for measure in mine:
                equations.append({**{(r, f"m:{measure}"): 1 for r in table}, (("all",), f"m:{measure}"): -1})
        return equations

    def _full_cells(self, rows: Iterable[Row], here: Mapping[Key, Cell]) -> dict[Key, Cell]:
        """With responses left out: the full report's cells of the rows given (`here`: this
        report's cells) and of the groups only it has, each with its answers there (those counted
        here and those left out). Only this report's cells are ever hidden."""
        full = self.full
        assert full is not None
        cells: dict[Key, Cell] = {}

        def answered(row: Row) -> Callable[[str], int]:
            return lambda figure: (here[(row, figure)].answered if (row, figure) in here else 0) + self._lost(row, figure)

        self._value_cells(cells, ("all",), full.overall, answered(("all",)))
        if full.indicators is not None:
            self._statement_cells(cells, ("all",), full.indicators.overall, answered(("all",)))
        unit = self.plan.unit
        if unit is not None and (table := full.breakdown(unit)) is not None:
            for g in table.groups:
                self._value_cells(cells, ("unit", g.key), g, answered(("unit", g.key)))
            for ig in full.indicators.units if full.indicators is not None else []:
                self._statement_cells(cells, ("unit", ig.key), ig, answered(("unit", ig.key)))
        for field in dict.fromkeys(r[1] for r in rows if r[0] == "group"):
            if (table := full.breakdown(field)) is not None:
                for g in table.groups:
                    self._value_cells(cells, ("group", field, g.key), g, answered(("group", field, g.key)))
        return cells

    def _lost(self, row: Row, figure: str) -> int:
        """Of a cell's answers, how many the report left out."""
        if row[0] == "all":
            return self.plan.left_out_everyone.get(figure, 0)
        field = self.plan.unit if row[0] == "unit" else row[1]
        return self.plan.left_out_answered.get(field or "", {}).get(row[-1], {}).get(figure, 0)

    def _hide_fixed(
        self, everyone: m.IndicatorGroup, groups: list[m.IndicatorGroup], overall: m.GroupScore, units: m.Breakdown | None,
        tables: Sequence[m.Breakdown], counts: Counts, scored: list[list[int]], scored_all: list[int],
    ) -> bool:  # fmt: skip
        """No hidden figure that 1 to min_group_size - 1 people answered may be fixed by the sums
        the shown ones satisfy, however many rows and columns the working out goes through (the
        rules before look at one row or column at a time). With responses left out, the full
        report's figures are known too: then no such figure of either report, nor what 1 to
        min_group_size - 1 left out gave to a figure, may be fixed. Where one is, the shown figure
        beside it (same group or same figure) with the fewest answers whose hiding sets it free is
        hidden. True if any was hidden."""
        cells = self._sum_cells(everyone, groups, overall, units, tables, counts, scored, scored_all)
        system = [{("here", k): v for k, v in eq.items()} for eq in self._sum_equations(dict.fromkeys(k[0] for k in cells))]
        unknown = {("here", k) for k, c in cells.items() if c.hidden and c.answered > 0}
        full: dict[Key, Cell] = {}
        if self.full is not None:
            full = self._full_cells(dict.fromkeys(k[0] for k in cells), cells)
            system += [{("full", k): v for k, v in eq.items()} for eq in self._sum_equations(dict.fromkeys(k[0] for k in full))]
            system += [{("full", k): 1, ("here", k): -1, ("lost", k): -1} for k in full]
            unknown |= {("full", k) for k, c in full.items() if c.hidden and c.answered > 0}
            unknown |= {("lost", k) for k in full if self._lost(*k) > 0}

        def known_there(k: Key) -> bool:  # the same figure shown in the full report, nothing left out of it
            return k in full and not full[k].hidden and self._lost(*k) == 0

        def few(n: int) -> bool:
            return 0 < n < self.min_size

        def leaks(found: set[Hashable]) -> list[tuple[str, Key]]:  # fixed, and the answers of a few people
            out = []
            for copy, k in found:  # type: ignore[misc]
                if (copy == "here" and few(cells[k].answered) and not known_there(k)) or (copy == "full" and few(full[k].answered)) or (copy == "lost" and few(self._lost(*k))):
                    out.append((copy, k))
            return sorted(out, key=repr)

        found = leaks(fixed(system, unknown))
        if not found:
            return False
        copy, (row, figure) = found[0]
        order = {k: i for i, k in enumerate(cells)}
        candidates = sorted(
            (k for k, c in cells.items() if c.hide is not None and c.answered > 0 and not known_there(k)),
            key=lambda k: (k[0] != row and k[1] != figure, k[0] == ("all",), cells[k].answered, order[k]),
        )  # beside it first (same group or figure), a group's before everyone's, the fewest answers first
        if not candidates:  # nothing shown is left to hide with it: only comparing two reports can get here
            if self.full is None:
                return False
            name = self.word("engagement") if figure == f"m:{ENGAGEMENT}" else figure.split(":", 1)[1]
            raise ExclusionError(tr(REFUSALS["sums"], self.lang).format(figure=name))
        target = found[0]  # the first that sets it free, else the first: the loop goes on, hiding more
        chosen = next((k for k in candidates[:40] if target not in fixed(system, unknown | {("here", k)})), candidates[0])
        hide = cells[chosen].hide
        assert hide is not None
        hide()
        return True
