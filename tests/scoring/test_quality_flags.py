"""Quality flags from the paradata summaries: each flag on responses built to have it (or not),
per unit, --exclude-flagged, and the report's staff profile comparison."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.loading import parse_questionnaire
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.response import Answer, Event, Response
from akhlak_tui.scoring import score_merged
from akhlak_tui.scoring.quality import FLAGS, QualityError, parse_flags

sys.path.insert(0, str(Path(__file__).parent))
from test_reliability import TOML  # noqa: E402  (the same small questionnaire)

TOML_P = TOML.replace("min_group_size = 5\n", "min_group_size = 5\n\n[scoring.quality]\nstraightline_min_items = 4\n").replace(
    '  { id = "unit", type = "unit", label = { id = "U" } },',
    '  { id = "unit", type = "unit", label = { id = "U" } },\n'
    '  { id = "employment", type = "single", label = { id = "E" }, options = [{ code = "pns", label = { id = "PNS" } }, '
    '{ code = "pppk", label = { id = "PPPK" } }, { code = "x", label = { id = "-" } }] },',
)
LIKERT = ("bp1", "bp2", "bp3", "ak1")
START = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def response(q, number: int, unit: str, codes: tuple[int, ...], *, seconds: float = 20.0, start: datetime = START,
             changes: int = 0, device: str = "dev-a", employment: str | None = "pns") -> Response:  # fmt: skip
    """A submitted response taking `seconds` per statement (and 150 s at least in all)."""
    at = start
    events = [Event(at=stamp(at), kind="started")]
    answers = [Answer(item_id="unit", value=unit, answered_at=stamp(at))]
    if employment:
        answers.append(Answer(item_id="employment", value=employment, answered_at=stamp(at)))
    for item, code in zip(LIKERT, codes):
        events.append(Event(at=stamp(at), kind="shown", item_id=item))
        at += timedelta(seconds=seconds)
        events.append(Event(at=stamp(at), kind="answered", item_id=item, new=code))
        answers.append(Answer(item_id=item, value=code, answered_at=stamp(at)))
    events += [Event(at=stamp(at), kind="changed", item_id="bp1") for _ in range(changes)]
    end = max(at, start + timedelta(seconds=150)) if seconds >= 1 else at
    events.append(Event(at=stamp(end), kind="submitted"))
    return Response(
        id=str(uuid.UUID(int=number, version=4)), survey_id="s1", questionnaire_id=q.id, questionnaire_version=q.version,
        questionnaire_hash=q.content_hash, device_id=device, unit=unit, mode="kiosk", language="id", status="submitted",
        created_at=stamp(start), updated_at=stamp(end), submitted_at=stamp(end), answers=answers, events=events,
    )  # fmt: skip


def build(path, responses, units) -> MergedDatabase:
    mdb = MergedDatabase(path)
    mdb.set_survey("s1", "Uji", TOML_P, units, stamp(START))
    with mdb.db.atomic():
        mdb.insert_responses([(r, "bundle-1") for r in responses])
    return mdb


UNITS = [Unit(code="U1", name="Satu", headcount=100, staff={"employment": {"pns": 70, "pppk": 30}}), Unit(code="U2", name="Dua", headcount=40)]


def world(path=None) -> MergedDatabase:
    """U1: 12 clean responses, 2 speeders, 1 straight-liner, 1 with many changes, 1 at night;
    U2: 6 clean, then the same answers twice in a row on one device."""
    q = parse_questionnaire(TOML_P, "t")
    rs, n = [], 0

    def add(*args, **kw):
        nonlocal n
        n += 1
        rs.append(response(q, n, *args, device=kw.pop("device", f"dev-{n}"), **kw))

    varied = [(4, 3, 2, 5), (5, 4, 1, 4), (3, 3, 3, 2), (2, 4, 2, 3)]
    for i in range(12):
        add("U1", varied[i % 4], start=START + timedelta(minutes=10 * i), employment="pppk" if i < 5 else "pns")
    add("U1", (4, 3, 2, 5), seconds=0.5)  # speeding: 2 s in all, 0.5 s a statement
    add("U1", (5, 4, 2, 4), seconds=1.5)  # speeding: median 1.5 s (total 150 s is fine)
    add("U1", (4, 4, 4, 4))  # straightlining: every statement on 4, reverse-keyed bp3 too
    add("U1", (4, 3, 2, 5), changes=11)  # changes
    add("U1", (4, 3, 2, 5), start=START + timedelta(hours=14))  # off_hours: 22:00 in a unit answering at 08:00-10:00
    for i in range(6):
        add("U2", varied[i % 4])
    add("U2", (2, 2, 4, 1), device="kiosk-9")
    add("U2", (2, 2, 4, 1), device="kiosk-9")  # duplicate of the one before on the same device
    return build(path, rs, UNITS)


def crowd(path=None) -> MergedDatabase:
    """U1: 12 varied responses (5 PPPK) and 1 PPPK straight-liner; U2: 8 varied and 5 speeders, all PNS.
    Leaving out speeding takes 5 from U2; speeding and straightlining, 1 from U1 and PPPK too."""
    q = parse_questionnaire(TOML_P, "t")
    varied = [(4, 3, 2, 5), (5, 4, 1, 4), (3, 3, 3, 2), (2, 4, 2, 3)]
    rs = [response(q, i + 1, "U1", varied[i % 4], device=f"a{i}", employment="pppk" if i < 5 else "pns") for i in range(12)]
    rs.append(response(q, 13, "U1", (4, 4, 4, 4), device="a-sl", employment="pppk"))
    rs += [response(q, 20 + i, "U2", varied[i % 4], device=f"b{i}") for i in range(8)]
    rs += [response(q, 40 + i, "U2", varied[(i + 1) % 4], seconds=0.5, device=f"c{i}") for i in range(5)]
    return build(path, rs, UNITS)


def counts(flags) -> dict[str, int]:
    return {f.flag: f.responses for f in flags.flags}


def test_each_flag_is_counted_in_its_unit():
    report = score_merged(world(), lang="en")
    q = report.quality
    assert q is not None and q.flags == list(FLAGS)
    u1, u2 = q.units
    assert counts(u1) == {"speeding": 2, "straightlining": 1, "changes": 1, "off_hours": 1, "duplicate": 0}
    assert (u1.responses, u1.flagged) == (17, 5)
    assert next(f for f in u1.flags if f.flag == "speeding").share == pytest.approx(11.8)  # 2 / 17
    assert counts(u2) == {"speeding": 0, "straightlining": 0, "changes": 0, "off_hours": 0, "duplicate": 1}
    assert counts(q.overall)["duplicate"] == 1 and q.overall.flagged == 6 and q.overall.responses == 25
    assert q.excluded == [] and q.excluded_responses == 0 and report.respondents == 25


def test_excluding_flagged_responses_scores_without_them_and_says_how_many():
    report = score_merged(crowd(), lang="en", exclude_flagged=["speeding", "straightlining"])
    assert report.respondents == 26 - 6
    assert report.quality.excluded == ["speeding", "straightlining"] and report.quality.excluded_responses == 6
    assert report.quality.units[1].responses == 13  # the flags are still counted over everyone
    everyone = score_merged(world(), lang="en", exclude_flagged=list(FLAGS))
    assert everyone.respondents == 25 - 6


@pytest.mark.parametrize("on_file", [False, True])
def test_excluded_responses_leave_the_intervals_and_weighted_figures_too(tmp_path, on_file):
    """Scored with --exclude-flagged and intervals (as `akhlak report` does), every figure equals
    the same database's with those responses never submitted: the intervals' own scan leaves
    them out as well."""
    excluded = score_merged(crowd(tmp_path / "a.db" if on_file else None), lang="en", intervals=True, weight="headcount", exclude_flagged=["speeding"])
    without = crowd(tmp_path / "b.db" if on_file else None)
    speeders = [str(uuid.UUID(int=n, version=4)) for n in range(40, 45)]
    without.db.conn.executemany("UPDATE responses SET status = 'abandoned' WHERE id = ?", [(i,) for i in speeders])
    without.db.conn.commit()
    reference = score_merged(without, lang="en", intervals=True, weight="headcount", trust=False)
    assert excluded.respondents == reference.respondents == 21
    for got, want in ((excluded.overall, reference.overall), (excluded.weighted, reference.weighted)):
        assert got.model_dump(exclude={"label"}) == want.model_dump(exclude={"label"})
    assert excluded.overall.index_low is not None
    assert [b.model_dump() for b in excluded.breakdowns] == [b.model_dump() for b in reference.breakdowns]


@pytest.mark.parametrize("on_file", [False, True])
def test_many_flagged_responses_are_left_out_through_a_table_the_same(monkeypatch, tmp_path, on_file):
    from akhlak_tui.scoring import quality

    listed = score_merged(crowd(), exclude_flagged=["speeding", "straightlining"])
    monkeypatch.setattr(quality, "MAX_LISTED", 1)  # 6 flagged: more than listed
    tabled = score_merged(crowd(tmp_path / "m.db" if on_file else None), exclude_flagged=["speeding", "straightlining"])
    assert tabled.respondents == listed.respondents == 26 - 6
    assert [b.model_dump() for b in tabled.breakdowns] == [b.model_dump() for b in listed.breakdowns]
    assert tabled.overall.model_dump(exclude={"label"}) == listed.overall.model_dump(exclude={"label"})


def test_excluding_a_flag_nobody_has_leaves_everyone_in(tmp_path):
    q = parse_questionnaire(TOML_P, "t")
    rs = [response(q, i + 1, "U1", (4, 3, 2, 5), device=f"d{i}") for i in range(6)]
    report = score_merged(build(tmp_path / "m.db", rs, UNITS), lang="en", exclude_flagged=["duplicate", "changes"])
    assert (report.respondents, report.quality.excluded_responses) == (6, 0)


def test_a_small_unit_shows_no_flag_counts():
    q = parse_questionnaire(TOML_P, "t")
    rs = [response(q, i + 1, "U1", (4, 3, 2, 5), device=f"d{i}") for i in range(6)] + [response(q, 99, "U2", (1, 1, 1, 1), seconds=0.1)]
    report = score_merged(build(None, rs, UNITS), lang="en")
    u2 = report.quality.units[1]
    assert (u2.status, u2.responses, u2.flagged, u2.flags) == ("suppressed", None, None, [])


def test_flag_names_are_checked():
    assert parse_flags(" speeding,duplicate ,speeding") == ["speeding", "duplicate"]
    with pytest.raises(QualityError) as caught:
        parse_flags("speeding,fast")
    assert str(caught.value) == "unknown flag 'fast': choose from speeding, straightlining, changes, off_hours, duplicate"


def test_staff_profile_is_compared_for_the_units_that_give_it():
    report = score_merged(world(), lang="en")
    [item] = report.staff_profile.items
    assert (item.item, item.status, item.units, item.respondents) == ("employment", "shown", 1, 17)
    pns, pppk = item.shares
    assert (pns.respondents, pns.respondents_share, pns.staff, pns.staff_share, pns.difference) == (12, 70.6, 70, 70.0, 0.6)
    assert (pppk.respondents, pppk.respondents_share, pppk.staff_share, pppk.difference) == (5, 29.4, 30.0, -0.6)


def test_staff_profile_hides_small_answer_groups_and_its_complement():
    q = parse_questionnaire(TOML_P, "t")
    rs = [response(q, i + 1, "U1", (4, 3, 2, 5), device=f"d{i}", employment="pppk" if i < 2 else "pns") for i in range(9)]
    [item] = score_merged(build(None, rs, UNITS), lang="en").staff_profile.items
    assert [(s.code, s.respondents, s.respondents_share) for s in item.shares] == [("pns", None, None), ("pppk", None, None)]
    assert [s.staff_share for s in item.shares] == [70.0, 30.0]


def test_cli_excludes_flagged_and_refuses_unknown_flags(tmp_path: Path):
    from click.testing import CliRunner

    from akhlak_tui.cli import cli

    crowd(tmp_path / "merged.db").close()
    runner = CliRunner()
    bad = runner.invoke(cli, ["report", "--db", str(tmp_path / "merged.db"), "--exclude-flagged", "speedy"])
    assert bad.exit_code != 0
    assert bad.output.strip().splitlines() == ["error: --exclude-flagged: unknown flag 'speedy': choose from speeding, straightlining, changes, off_hours, duplicate"]
    good = runner.invoke(cli, ["report", "--db", str(tmp_path / "merged.db"), "--exclude-flagged", "speeding", "--format", "json"])
    assert good.exit_code == 0, good.output
    data = json.loads(good.output)
    assert data["respondents"] == 21 and data["quality"]["excluded_responses"] == 5
    text = runner.invoke(cli, ["report", "--db", str(tmp_path / "merged.db"), "--exclude-flagged", "speeding", "--lang", "en"])
    assert "5 responses flagged speeding are left out of every score" in " ".join(text.output.split())


def test_one_small_unit_hides_the_next_smallest_too_so_its_flags_cannot_be_worked_out():
    """U2 (2 responses, both speeding) is hidden; were U3 shown, everyone's counts minus U1's
    and U3's would give U2's: so the next smallest unit is hidden with it, as in the breakdowns."""
    q = parse_questionnaire(TOML_P, "t")
    units = [*UNITS, Unit(code="U3", name="Tiga", headcount=20)]
    rs = [response(q, i + 1, "U1", (4, 3, 2, 5), device=f"d{i}") for i in range(9)]
    rs += [response(q, 20 + i, "U3", (5, 4, 1, 4), device=f"e{i}") for i in range(6)]
    rs += [response(q, 40 + i, "U2", (1, 2, 5, 1), seconds=0.1, device=f"f{i}") for i in range(2)]
    report = score_merged(build(None, rs, units), lang="en")
    status = {u.code: (u.status, u.flagged) for u in report.quality.units}
    assert status == {"U1": ("shown", 0), "U2": ("suppressed", None), "U3": ("suppressed", None)}
    assert (report.quality.overall.responses, report.quality.overall.flagged) == (17, 2)


def test_the_earlier_wave_is_compared_without_the_same_flags(tmp_path: Path):
    """--compare with --exclude-flagged: both waves are scored without the flagged responses, so
    a wave compared with the same data shows no change (not the effect of leaving them out)."""
    from click.testing import CliRunner

    from akhlak_tui.cli import cli

    crowd(tmp_path / "now.db").close()
    crowd(tmp_path / "then.db").close()
    args = ["report", "--db", str(tmp_path / "now.db"), "--compare", str(tmp_path / "then.db"), "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "--exclude-flagged", "speeding,straightlining"])
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.output)["comparison"]
    assert comparison["index"]["previous"] == comparison["index"]["current"] and comparison["index"]["change"] == 0
    assert all(v["change"] in (0, None) for v in comparison["values"])


def test_staff_profile_hides_an_option_the_units_left_out_would_give_away():
    """U1 gives staff counts, U2 (not compared) has 2 PPPK respondents: the report's breakdown by
    employment (everyone) minus the profile's PPPK count would give U2's 2, a group too small to
    show, so PPPK is hidden in the profile (and PNS with it, as the only other)."""
    q = parse_questionnaire(TOML_P, "t")
    rs = [response(q, i + 1, "U1", (4, 3, 2, 5), device=f"d{i}", employment="pppk" if i < 6 else "pns") for i in range(16)]
    rs += [response(q, 40 + i, "U2", (4, 3, 2, 5), device=f"e{i}", employment="pppk" if i < 2 else "pns") for i in range(8)]
    report = score_merged(build(None, rs, UNITS), lang="en", by=["employment"])
    groups = {g.key: g.respondents for g in report.breakdown("employment").groups}
    assert groups["pppk"] == 8 and groups["pns"] == 16  # shown for everyone
    [item] = report.staff_profile.items
    assert [(s.code, s.respondents) for s in item.shares] == [("pns", None), ("pppk", None)]
    clear = [r for r in rs if not (r.unit == "U2" and r.answer_map["employment"] == "pppk")]
    [item] = score_merged(build(None, clear, UNITS), lang="en").staff_profile.items
    assert [(s.code, s.respondents) for s in item.shares] == [("pns", 10), ("pppk", 6)]  # U2 has no PPPK: nothing to give away


def test_responses_without_a_unit_count_as_a_small_group_too():
    """Two responses with no unit are in everyone's counts but in no unit's: with U2 shown, everyone
    less U1 and U2 would give their flags, so the smallest unit is hidden."""
    q = parse_questionnaire(TOML_P, "t")
    rs = [response(q, i + 1, "U1", (4, 3, 2, 5), device=f"d{i}") for i in range(9)]
    rs += [response(q, 20 + i, "U2", (5, 4, 1, 4), device=f"e{i}") for i in range(6)]
    rs += [response(q, 40 + i, "U1", (1, 2, 5, 1), seconds=0.1, device=f"f{i}").model_copy(update={"unit": None}) for i in range(2)]
    report = score_merged(build(None, rs, UNITS), lang="en")
    assert {u.code: u.status for u in report.quality.units} == {"U1": "shown", "U2": "suppressed"}
    assert (report.quality.overall.responses, report.quality.overall.flagged) == (17, 2)


def differences(full, part, field: str) -> dict[str | None, int]:
    """Group -> responses fewer in `part` than in `full`, for the groups `part` shows with figures:
    what comparing the two reports reveals the answers of."""
    shown = {g.key: g.respondents for g in part.breakdown(field).groups if g.status == "shown"}
    return {g.key: g.respondents - shown[g.key] for g in full.breakdown(field).groups if g.key in shown and g.status == "shown"}


def test_comparing_with_the_full_report_gives_away_no_unit_members_answers():
    """U1 loses only its straight-liner: shown with 12 instead of 13, its figures minus the full
    report's would be that one person's answers. It is hidden, as is U2 (the other unit that lost
    responses), or U1's figures would follow from everyone's minus U2's; the rest is as before."""
    full = score_merged(crowd(), lang="en")
    part = score_merged(crowd(), lang="en", exclude_flagged=["speeding", "straightlining"])
    assert all(d == 0 or d >= 5 for d in differences(full, part, "unit").values())
    u1, u2 = part.breakdown("unit").groups
    assert (u1.status, u1.suppression, u1.respondents, u1.index) == ("suppressed", "left_out", None, None)
    assert (u2.status, u2.suppression, u2.respondents, u2.index) == ("suppressed", "complementary", None, None)
    assert part.ranking == [] and [g.status for g in part.indicators.units] == ["suppressed", "suppressed"]
    # who took part and their profile are counted over everyone in both reports
    assert part.participation.model_dump() == full.participation.model_dump()
    assert part.staff_profile.model_dump() == full.staff_profile.model_dump()
    assert part.overall.respondents == 20 and part.overall.status == "shown"  # 6 left out: 5 or more


def test_comparing_with_the_full_report_gives_away_no_breakdown_groups_answers():
    """By employment, PPPK loses 1 (6 -> 5, both shown before the fix) and PNS 5: both hidden."""
    full = score_merged(crowd(), lang="en", by=["employment"])
    part = score_merged(crowd(), lang="en", by=["employment"], exclude_flagged=["speeding", "straightlining"])
    assert all(d == 0 or d >= 5 for d in differences(full, part, "employment").values())
    status = {g.key: (g.status, g.suppression) for g in part.breakdown("employment").groups}
    assert status == {"pns": ("suppressed", "complementary"), "pppk": ("suppressed", "left_out"), "x": ("empty", None)}
    speeding = score_merged(crowd(), lang="en", by=["employment"], exclude_flagged=["speeding"])  # 5 PNS: nothing hidden
    assert [g.status for g in speeding.breakdown("employment").groups] == ["shown", "shown", "empty"]


def test_leaving_out_fewer_than_min_group_size_in_all_is_refused():
    """Everyone's row with and without the one straight-liner would give that person's answers."""
    from akhlak_tui.scoring.compute import ExclusionError

    with pytest.raises(ExclusionError, match="only 1 of the responses would be left out, fewer than min_group_size 5"):
        score_merged(world(), lang="en", exclude_flagged=["straightlining"])


def test_cli_refuses_an_exclusion_that_could_be_compared_and_labels_what_it_hides(tmp_path: Path):
    from click.testing import CliRunner

    from akhlak_tui.cli import cli

    world(tmp_path / "w.db").close()
    crowd(tmp_path / "c.db").close()
    runner = CliRunner()
    refused = runner.invoke(cli, ["report", "--db", str(tmp_path / "w.db"), "--exclude-flagged", "straightlining", "--lang", "en"])
    assert refused.exit_code != 0
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --exclude-flagged: ") and "only 1 of the responses would be left out, fewer than min_group_size 5" in lines[0]
    refused_id = runner.invoke(cli, ["report", "--db", str(tmp_path / "w.db"), "--exclude-flagged", "straightlining"])
    assert refused_id.exit_code != 0 and "kurang dari min_group_size 5" in refused_id.output
    args = ["report", "--db", str(tmp_path / "c.db"), "--exclude-flagged", "speeding,straightlining", "--by", "employment"]
    for lang, words in (("en", "hidden: too few responses left out to compare safely"), ("id", "terlalu sedikit respons dikeluarkan")):
        for fmt in ("csv", "html"):
            out = runner.invoke(cli, [*args, "--lang", lang, "--format", fmt])
            assert out.exit_code == 0, out.output
            assert words in out.output, (lang, fmt)
        text = runner.invoke(cli, [*args, "--lang", lang])
        note = {"en": "lost 1 to 4 responses to --exclude-flagged are hidden", "id": "kehilangan 1 sampai 4 respons karena --exclude-flagged"}[lang]
        assert text.exit_code == 0 and note in " ".join(text.output.split())
    data = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    assert [g["suppression"] for g in data["breakdowns"][0]["groups"]][:2] == ["complementary", "left_out"]


def test_left_out_groups_hide_a_second_group_that_also_lost_responses():
    from akhlak_tui.scoring.formulas import left_out_groups

    # (key, left out, still counted): B lost 1; C lost none so shows the same in both reports
    assert left_out_groups([("A", 7, 10), ("B", 1, 20), ("C", 0, 3), ("D", 6, 9)], 5) == {"B": "left_out", "D": "complementary"}
    # A and B hidden lost 3 together: the total minus the groups shown would give those 3 away
    assert left_out_groups([("A", 2, 10), ("B", 1, 20), ("C", 0, 3), ("D", 6, 9)], 5) == {"A": "left_out", "B": "left_out", "D": "complementary"}
    assert left_out_groups([("A", 2, 10), ("B", 3, 20), ("C", 0, 3), ("D", 6, 9)], 5) == {"A": "left_out", "B": "left_out"}  # 5 together
    with pytest.raises(ValueError):
        left_out_groups([("A", 2, 10), ("B", 1, 20), ("C", 0, 3)], 5)
    assert left_out_groups([("A", 0, 10), ("B", 5, 20)], 5) == {}
    with pytest.raises(ValueError):  # only the hidden group lost any: it would follow from the total
        left_out_groups([("A", 0, 10), ("B", 1, 20), ("C", 6, 0)], 5)


def test_a_small_unit_that_loses_every_response_keeps_its_complement_hidden():
    """U3 (3 responses, all speeding) is hidden in the full report with U2 beside it. Without it,
    U2 must stay hidden, or the full report's everyone minus U1 minus U2 would give U3's answers;
    and U1, which also lost some, is hidden too, so U3's left-out share cannot be worked out."""
    q = parse_questionnaire(TOML_P, "t")
    units = [*UNITS, Unit(code="U3", name="Tiga", headcount=10)]
    varied = [(4, 3, 2, 5), (5, 4, 1, 4), (3, 3, 3, 2), (2, 4, 2, 3)]
    rs = [response(q, i + 1, "U1", varied[i % 4], device=f"a{i}") for i in range(10)]
    rs += [response(q, 20 + i, "U1", varied[i % 4], seconds=0.5, device=f"s{i}") for i in range(6)]
    rs += [response(q, 40 + i, "U2", varied[i % 4], device=f"b{i}") for i in range(7)]
    rs += [response(q, 60 + i, "U3", varied[i % 4], seconds=0.5, device=f"c{i}") for i in range(3)]
    full = score_merged(build(None, rs, units), lang="en")
    assert {g.key: g.suppression for g in full.breakdown("unit").groups} == {"U1": None, "U2": "complementary", "U3": "small"}
    part = score_merged(build(None, rs, units), lang="en", exclude_flagged=["speeding"])
    status = {g.key: (g.status, g.suppression) for g in part.breakdown("unit").groups}
    # U3 keeps the full report's reason: "left out" would tell that its small group was all flagged
    assert status == {"U1": ("suppressed", "complementary"), "U2": ("suppressed", "complementary"), "U3": ("suppressed", "small")}


def few_answered(ak_answers: int, path=None) -> MergedDatabase:
    """U1: 12 varied responses; U2: 8 varied and 5 speeders, of whom only `ak_answers` scored ak1
    (the others said "not applicable"): leaving out speeding takes 5 responses from U2 (enough to
    show U2) but only `ak_answers` answers to the value AK."""
    q = parse_questionnaire(TOML_P, "t")
    varied = [(4, 3, 2, 5), (5, 4, 1, 4), (3, 3, 3, 2), (2, 4, 2, 3)]
    rs = [response(q, i + 1, "U1", varied[i % 4], device=f"a{i}") for i in range(12)]
    rs += [response(q, 20 + i, "U2", varied[i % 4], device=f"b{i}") for i in range(8)]
    rs += [response(q, 40 + i, "U2", (5, 5, 1, 5 if i < ak_answers else 9), seconds=0.5, device=f"c{i}") for i in range(5)]
    return build(path, rs, UNITS)


def dim(group, value: str):
    return next(d for d in group.dimensions if d.id == value)


@pytest.mark.parametrize("ak_answers", [1, 4])
def test_a_value_too_few_of_those_left_out_answered_is_hidden_with_the_index(ak_answers):
    """Comparing AK in U2 (or for everyone) with the report counting everyone would give away the
    AK answers of fewer than min_group_size speeders: AK and the index are hidden there; BP, which
    all 5 answered, and U1, which lost none, still show."""
    mdb = few_answered(ak_answers)
    full = score_merged(mdb, lang="en", intervals=True)
    left = score_merged(mdb, lang="en", intervals=True, exclude_flagged=["speeding"])
    assert left.quality.excluded_responses == 5
    units = {g.key: g for g in left.breakdown("unit").groups}
    full_units = {g.key: g for g in full.breakdown("unit").groups}
    assert units["U2"].status == "shown" and dim(units["U2"], "BP").status == "shown"
    assert dim(units["U2"], "AK").status == "suppressed" and units["U2"].index is None
    assert dim(left.overall, "AK").status == "suppressed" and left.overall.index is None  # 1-4 answers lost in all
    assert dim(left.overall, "BP").status == "shown" and dim(left.overall, "BP").low is not None
    assert dim(units["U1"], "BP").score == dim(full_units["U1"], "BP").score  # lost none: the same in both
    # U1 lost none: its AK is the full report's, so hiding it beside U2's would protect nothing;
    # everyone's AK is hidden instead (above)
    assert dim(units["U1"], "AK").status == "shown" and dim(units["U1"], "AK").score == dim(full_units["U1"], "AK").score
    assert dim(full_units["U2"], "AK").status == "shown" and dim(full.overall, "AK").status == "shown"
    assert left.weighted is None or all(d.score is None for d in left.weighted.dimensions if d.id == "AK")
    ak1 = next(i for i in left.indicators.overall.indicators if i.item == "ak1")
    assert ak1.status == "suppressed"  # its score and distribution count scale points: as few lost as AK


def test_a_value_all_of_those_left_out_answered_shows():
    mdb = few_answered(5)
    left = score_merged(mdb, lang="en", intervals=True, exclude_flagged=["speeding"])
    units = {g.key: g for g in left.breakdown("unit").groups}
    assert dim(units["U2"], "AK").status == "shown" and units["U2"].index is not None
    assert dim(left.overall, "AK").status == "shown" and left.overall.index is not None


def test_a_statement_too_few_of_those_left_out_answered_is_hidden():
    """Two of U2's five speeders left ak1 unanswered: its distribution would give away three."""
    q = parse_questionnaire(TOML_P, "t")
    varied = [(4, 3, 2, 5), (5, 4, 1, 4), (3, 3, 3, 2), (2, 4, 2, 3)]
    rs = [response(q, i + 1, "U1", varied[i % 4], device=f"a{i}") for i in range(12)]
    rs += [response(q, 20 + i, "U2", varied[i % 4], device=f"b{i}") for i in range(8)]
    rs += [response(q, 40 + i, "U2", (5, 5, 1, 4) if i < 3 else (5, 5, 1), seconds=0.5, device=f"c{i}") for i in range(5)]
    left = score_merged(build(None, rs, UNITS), lang="en", exclude_flagged=["speeding"])
    statement = {g.key: next(i for i in g.indicators if i.item == "ak1") for g in [left.indicators.overall, *left.indicators.units]}
    assert statement[None].status == "suppressed" and statement["U2"].status == "suppressed"
    assert statement["U1"].status == "shown"  # it lost none: the full report's, so hiding it would protect nothing; everyone's is hidden
    bp1 = next(i for i in left.indicators.overall.indicators if i.item == "bp1")
    assert bp1.status == "shown"


def test_left_out_cells_hide_a_figure_where_few_of_those_left_out_answered_it():
    from akhlak_tui.scoring.formulas import left_out_cells

    # (key, left out who answered it, state): B lost 1 answer; D, shown, lost the fewest of the rest
    assert left_out_cells([("A", 7, "shown"), ("B", 1, "shown"), ("C", 0, "shown"), ("D", 6, "shown")], 5, False) == {"B", "D"}
    # C hides the figure already (too few answered it here): with B it lost 5, enough
    assert left_out_cells([("A", 7, "shown"), ("B", 1, "shown"), ("C", 4, "hidden")], 5, False) == {"B"}
    # an empty group shows a known nothing: it covers none and is never the one hidden beside
    with pytest.raises(ValueError):
        left_out_cells([("A", 0, "shown"), ("B", 1, "shown"), ("C", 6, "empty")], 5, False)
    # hidden for everyone too: the groups that lost some hide it, no more is needed
    assert left_out_cells([("A", 0, "shown"), ("B", 1, "shown"), ("C", 2, "shown")], 5, True) == {"B", "C"}
    assert left_out_cells([("A", 0, "shown"), ("B", 5, "shown")], 5, False) == set()
