"""Helpers for scoring and report tests: small merged databases built from plain answer dicts,
and the lookup of a report number by the data-key used in docs/scoring.md and the html report."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.loading import parse_questionnaire
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.response import Answer, Response

AT = "2026-03-02T08:00:00.000Z"
HOSTILE = "<script>alert('x')</script> & Co"
"""A unit name that must come out escaped in every report."""


def make_response(q, answers: dict[str, Any], number: int, status: str = "submitted", device: str = "dev-a") -> Response:
    unit_item = next((i.id for i in q.items if i.type == "unit"), None)
    return Response(
        id=str(uuid.UUID(int=number, version=4)),
        survey_id="s1",
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        questionnaire_hash=q.content_hash,
        device_id=device,
        unit=answers.get(unit_item) if unit_item else None,
        mode="kiosk",
        language="id",
        status=status,  # type: ignore[arg-type]
        abandon_reason="walked away" if status == "abandoned" else None,
        created_at=AT,
        updated_at=AT,
        submitted_at=AT if status == "submitted" else None,
        answers=[Answer(item_id=k, value=v, answered_at=AT) for k, v in answers.items() if v is not None],
    )


def build_merged(path: Path | None, toml_text: str, units: Sequence[Unit], submitted: Sequence[dict], abandoned: Sequence[dict] = ()) -> MergedDatabase:
    """A merged database (file, or in memory for None) holding these responses."""
    q = parse_questionnaire(toml_text, "test")
    mdb = MergedDatabase(path)
    mdb.set_survey("s1", "Survei uji <b>&</b>", toml_text, list(units), AT)
    rows = [(make_response(q, a, i + 1), "bundle-1") for i, a in enumerate(submitted)]
    rows += [(make_response(q, a, 10_000 + i, status="abandoned"), "bundle-1") for i, a in enumerate(abandoned)]
    with mdb.db.atomic():
        mdb.insert_responses(rows)
    return mdb


def value_at(report: dict, key: str) -> Any:
    """The number (or code) a data-key names in a report's JSON, e.g. `overall.dim.BP`."""
    parts = key.split(".")
    head = parts[0]
    if head == "respondents":
        return report["respondents"]
    if head in ("overall", "breakdown"):
        if head == "overall":
            group, rest = report["overall"], parts[1:]
        else:
            breakdown = next(b for b in report["breakdowns"] if b["field"] == parts[1])
            wanted = None if parts[2] == "-" else parts[2]
            group, rest = next(g for g in breakdown["groups"] if g["key"] == wanted), parts[3:]
        if rest == ["suppressed"]:
            return "suppressed" if group["status"] == "suppressed" else group["status"]
        if group["status"] != "shown":
            return group["status"]
        if rest[0] == "dim":
            dim = next(d for d in group["dimensions"] if d["id"] == rest[1])
            return dim["score"] if dim.get("status", "shown") == "shown" else dim["status"]
        if rest[0] == "engagement":
            return group["engagement"]["score"]
        return group[rest[0]]
    if head == "ranking":
        return next(r for r in report["ranking"] if r["code"] == parts[1])[parts[2]]
    if head == "participation":
        return next(u for u in report["participation"]["units"] if u["code"] == parts[1])[parts[2]]
    if head == "values":
        values = report["values"]
        if len(parts) == 2:
            return values[parts[1]]
        if parts[1] == "by_value":
            return next(v for v in values["votes_by_value"] if v["value"] == parts[2])[parts[3]]
        return next(o for o in values[parts[1]]["top"] if o["code"] == parts[2])[parts[3]]
    if head == "indicators":  # indicators.<overall|unit code>.<item>.<field>
        ind = report["indicators"]
        group = ind["overall"] if parts[1] == "overall" else next(g for g in ind["units"] if g["key"] == parts[1])
        item = next(i for i in group["indicators"] if i["item"] == parts[2])
        return item[parts[3]] if item["status"] == "shown" or parts[3] in ("not_applicable", "missing", "status") else item["status"]
    if head == "where":  # where.lowest.<n>.<field> or where.<unit code>.<field>
        wa = report["where_to_act"]
        if parts[1] == "lowest":
            return wa["lowest"][int(parts[2])][parts[3]]
        return next(u for u in wa["units"] if u["code"] == parts[1])[parts[2]]
    if head == "gaps":  # gaps.<value>.<field>, organisation-wide
        return next(g for g in report["values"]["gaps"] if g["value"] == parts[1])[parts[2]]
    if head == "culture":  # culture.<unit>.<field> or culture.<unit>.gap.<value>
        unit = next(u for u in report["culture_units"] if u["code"] == parts[1])
        if unit["status"] != "shown":
            return unit["status"]
        if parts[2] == "gap":
            return next(g for g in unit["gaps"] if g["value"] == parts[3])["gap"]
        return unit[parts[2]]
    if head == "comparison":  # comparison.index.<field>, comparison.<value|item|unit>.<code>.<field>
        c = report["comparison"]
        if parts[1] == "index":
            return c["index"][parts[2]]
        rows = {"value": c["values"], "item": c["items"], "unit": c["units"]}[parts[1]]
        return next(r for r in rows if r["code"] == parts[2])[parts[3]]
    if head == "join":
        return next(o for o in report["join_reasons"]["reasons"] if o["code"] == parts[1])[parts[2]]
    raise KeyError(key)


def shown_value(value: Any, lang: str, key: str = "") -> str:
    """How the html report writes a JSON value: numbers the local way (changes with their sign),
    codes and flags as they are."""
    from akhlak_tui.report.i18n import number

    if isinstance(value, (bool, str)):
        return str(value)
    if key.endswith(".change"):
        from akhlak_tui.report.waves import signed

        return signed(value, lang)
    return number(value, lang, 1 if isinstance(value, float) else 0)
