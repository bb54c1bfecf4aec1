"""--exclude-flagged, figure by figure: the group that did not answer the unit question, and everyone, each keep their own hiding."""

from __future__ import annotations

import sys
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_quality_flags import LIKERT, START, TOML_P, UNITS, build, stamp  # noqa: E402

from akhlak_tui.questionnaire.loading import parse_questionnaire  # noqa: E402
from akhlak_tui.response import Answer, Event, Response  # noqa: E402
from akhlak_tui.scoring import score_merged  # noqa: E402

q = parse_questionnaire(TOML_P, "t")


def response(number, unit, codes, seconds=20.0, device="d"):
    at = START
    events = [Event(at=stamp(at), kind="started")]
    answers = [Answer(item_id="unit", value=unit, answered_at=stamp(at))] if unit else []
    answers.append(Answer(item_id="employment", value="pns", answered_at=stamp(at)))
    for item, code in zip(LIKERT, codes):
        events.append(Event(at=stamp(at), kind="shown", item_id=item))
        at += timedelta(seconds=seconds)
        if code is not None:
            events.append(Event(at=stamp(at), kind="answered", item_id=item, new=code))
            answers.append(Answer(item_id=item, value=code, answered_at=stamp(at)))
    end = max(at, START + timedelta(seconds=150)) if seconds >= 1 else at
    events.append(Event(at=stamp(end), kind="submitted"))
    return Response(id=str(uuid.UUID(int=number, version=4)), survey_id="s1", questionnaire_id=q.id, questionnaire_version=q.version,
        questionnaire_hash=q.content_hash, device_id=device, unit=unit, mode="kiosk", language="id", status="submitted",
        created_at=stamp(START), updated_at=stamp(end), submitted_at=stamp(end), answers=answers, events=events)


def test_everyone_and_the_group_without_a_unit_hide_their_own_statements():
    """Everyone lost 2 scored answers to ak1 (hidden for everyone); the group that gave no unit lost
    2 to bp1 (hidden there), while everyone lost 7 to bp1 (shown for everyone)."""
    varied = [(4, 3, 2, 5), (5, 4, 1, 4), (3, 3, 3, 2), (2, 4, 2, 3)]
    rs = [response(i + 1, "U1", varied[i % 4], device=f"a{i}") for i in range(12)]
    rs += [response(20 + i, "U2", varied[i % 4], device=f"b{i}") for i in range(8)]
    rs += [response(40 + i, "U2", (5, 5, 1, 1 if i < 2 else None), seconds=0.5, device=f"c{i}") for i in range(5)]
    rs += [response(60 + i, None, varied[i % 4], device=f"e{i}") for i in range(8)]
    rs += [response(80 + i, None, (5 if i < 2 else None, 5, 1, None), seconds=0.5, device=f"f{i}") for i in range(5)]
    left = score_merged(build(None, rs, UNITS), lang="en", exclude_flagged=["speeding"])
    status = {g.key if g is not left.indicators.overall else "everyone": {i.item: i.status for i in g.indicators} for g in [left.indicators.overall, *left.indicators.units]}
    assert status["everyone"]["ak1"] == "suppressed" and status["everyone"]["bp1"] == "shown"
