"""Culture measures per unit and the gap between the culture people see and want: tables for the reports."""

from __future__ import annotations

from akhlak_tui.report.i18n import word
from akhlak_tui.report.tables import Table, hidden_label
from akhlak_tui.scoring.model import OptionVotes, ScoreReport

TOP_SHOWN = 3


def top_names(options: list[OptionVotes], n: int = TOP_SHOWN) -> str:
    return ", ".join(o.label for o in options[:n])


def gap_table(report: ScoreReport, lang: str) -> list[Table]:
    """Organisation-wide: each value's share of the votes now and wanted, and the gap."""
    v = report.values
    if v is None or v.status != "shown" or not v.gaps:
        return []
    table = Table("values-gap", word("gap_title", lang), [word("code", lang), word("value", lang), word("current_share", lang), word("desired_share", lang), word("gap", lang)])
    table.rows = [[g.value, g.label, g.current, g.desired, g.gap] for g in v.gaps]
    return [table]


def culture_units_table(report: ScoreReport, lang: str) -> list[Table]:
    """Per unit: entropy, positive energy, the top values now and wanted, and the gap per value."""
    units = report.culture_units
    if not units:
        return []
    values = [g.value for g in next((u.gaps for u in units if u.gaps), [])]
    headers = [
        word("code", lang), word("unit", lang), word("status", lang), word("respondents", lang), word("entropy", lang), word("positive_energy", lang),
        f"{word('top_values', lang)}: {word('current', lang)}", f"{word('top_values', lang)}: {word('desired', lang)}",
        *(f"{word('gap', lang)} {v}" for v in values),
    ]  # fmt: skip
    table = Table("culture-units", word("culture_units", lang), headers)
    for u in units:
        if u.status != "shown":
            table.rows.append([u.code, u.name, hidden_label(u, report.min_group_size, lang), *([None] * (5 + len(values)))])  # type: ignore[arg-type]
            continue
        gaps = {g.value: g.gap for g in u.gaps}
        table.rows.append(
            [u.code, u.name, word("shown", lang), u.respondents, u.entropy, u.positive_energy, top_names(u.top_current), top_names(u.top_desired), *(gaps.get(v) for v in values)]
        )
    return [table]
