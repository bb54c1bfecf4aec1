"""For any small data set, the SQL scores equal a plain recomputation, and no group below the
minimum size (nor a lone hidden group's complement) ever shows a number."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from merged_fixtures import build_merged

from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring import score_merged

TOML = (Path(__file__).parent / "worked_example.toml").read_text("utf-8")
UNITS = [Unit(code=c, name=c, headcount=8) for c in ("U1", "U2", "U3")]
ITEMS = {"bp1": ("BP", False), "bp2": ("BP", True), "ak1": ("AK", False)}
MIN_SIZE = 3

answer = st.sampled_from([None, 1, 2, 3, 4, 5, 9])
person = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(["U1", "U2", "U3"]),
        "gender": st.sampled_from(["f", "m", None]),
        "bp1": answer,
        "bp2": answer,
        "ak1": answer,
        "values_now": st.lists(st.sampled_from(["jujur", "ramah", "silo", "otoriter"]), unique=True, max_size=4),
    }
)


def expected_scores(people: list[dict]) -> dict[str, float | None]:
    """Plain scores; None also for a value fewer than MIN_SIZE respondents answered (suppressed)."""
    fav, valid = {"BP": 0, "AK": 0}, {"BP": 0, "AK": 0}
    answered: dict[str, set] = {"BP": set(), "AK": set()}
    for i, p in enumerate(people):
        for item, (dim, reverse) in ITEMS.items():
            code = p[item]
            if code in (1, 2, 3, 4, 5):
                valid[dim] += 1
                fav[dim] += (6 - code if reverse else code) >= 4
                answered[dim].add(i)
    return {
        d: None if len(answered[d]) < MIN_SIZE else float((Decimal(100 * fav[d]) / valid[d]).quantize(Decimal("0.1"), ROUND_HALF_UP))
        for d in fav
    }


def expected_hidden(sizes: dict) -> set:
    small = {k for k, n in sizes.items() if 0 < n < MIN_SIZE}
    if len(small) == 1:
        rest = sorted((n, i, k) for i, (k, n) in enumerate(sizes.items()) if n > 0 and k not in small)
        if rest:
            small.add(rest[0][2])
    return small


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(person, max_size=14))
def test_sql_equals_plain_recomputation_and_small_groups_stay_hidden(people):
    with build_merged(None, TOML, UNITS, people) as mdb:
        report = score_merged(mdb)
    if len(people) >= MIN_SIZE:
        assert {d.id: d.score for d in report.overall.dimensions} == expected_scores(people)
        # A value answered by fewer than MIN_SIZE respondents shows no number, and then no index.
        for d in report.overall.dimensions:
            if d.status == "suppressed":
                assert d.answers is None and d.respondents is None and report.overall.index is None
    else:
        assert report.overall.status == ("empty" if not people else "suppressed")
    for field, keys in (("unit", ["U1", "U2", "U3"]), ("gender", ["f", "m", None])):
        sizes = {k: sum(p[field] == k for p in people) for k in keys}
        hidden = expected_hidden(sizes)
        expected = {k: expected_scores([p for p in people if p[field] == k]) for k in keys}
        for dim, items in (("BP", ("bp1", "bp2")), ("AK", ("ak1",))):
            # A value hidden in one group only (too few answered it) is hidden in the next smallest too.
            answered = {k: sum(1 for p in people if p[field] == k and any(p[i] in (1, 2, 3, 4, 5) for i in items)) for k in keys}
            cells = [(k, answered[k], k in hidden or (sizes[k] > 0 and expected[k][dim] is None)) for k in keys]
            lone = [k for k, n, h in cells if h and n > 0]
            rest = sorted((n, i, k) for i, (k, n, h) in enumerate(cells) if not h and n > 0)
            if len(lone) == 1 and rest:
                expected[rest[0][2]][dim] = None
        for group in report.breakdown(field).groups:
            members = [p for p in people if p[field] == group.key]
            if group.key in hidden:
                assert group.status == "suppressed" and group.respondents is None and group.dimensions == []
            elif members:
                assert group.status == "shown" and group.respondents == len(members)
                shown = {d.id: d.score for d in group.dimensions}
                if field == "unit":
                    # units also hide a value whose statements would give it (or it them) away: a
                    # value shown has its plain score, one expected hidden is hidden
                    plain = {k: v for k, v in expected_scores(members).items()}
                    assert all(v is None or v == plain[d] for d, v in shown.items()), (shown, plain)
                    assert all(shown[d] is None for d, v in expected[group.key].items() if v is None)
                else:
                    assert shown == expected[group.key]
