"""The evaluation's scores (per stage and overall) and the composite Indeks BerAKHLAK, exact (docs/scoring.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from akhlak_tui.evaluation.model import Instrument
from akhlak_tui.evaluation.store import EvaluationState
from akhlak_tui.questionnaire.model import Band, tr
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.scoring import model as m
from akhlak_tui.scoring.formulas import band_for, exact, mean, round_half_up


def weighted_mean(pairs: Sequence[tuple[int, Fraction]]) -> Fraction | None:
    """sum(weight * score) / sum(weight); None for no pairs."""
    total = sum(w for w, _ in pairs)
    return sum((w * s for w, s in pairs), Fraction(0)) / total if total else None


def stage_scores(ins: Instrument, levels: Mapping[str, int]) -> dict[str, Fraction | None]:
    """Each stage's score: the criterion-weighted mean of its verified levels; None until all are verified."""
    out: dict[str, Fraction | None] = {}
    for stage in ins.stages:
        if all(c.id in levels for c in stage.criteria):
            out[stage.id] = weighted_mean([(c.weight, Fraction(levels[c.id])) for c in stage.criteria])
        else:
            out[stage.id] = None
    return out


def evaluation_index(ins: Instrument, levels: Mapping[str, int]) -> Fraction | None:
    """The unit's evaluation score 0-100 by the instrument's aggregation; None unless every criterion is verified."""
    if not all(c.id in levels for c in ins.criteria):
        return None
    if ins.aggregation.method == "criteria":
        return weighted_mean([(c.weight, Fraction(levels[c.id])) for c in ins.criteria])
    scores = stage_scores(ins, levels)
    return weighted_mean([(s.weight, scores[s.id]) for s in ins.stages])  # type: ignore[misc]


def composite_index(weight_survey: int, weight_evaluation: int, survey: Fraction, evaluation: Fraction) -> Fraction:
    """Indeks BerAKHLAK = w_survey x survey index + w_evaluation x evaluation index (weights in percent)."""
    return Fraction(weight_survey, 100) * survey + Fraction(weight_evaluation, 100) * evaluation


def _num(value: Fraction | None) -> tuple[float | None, float | None]:
    return (None, None) if value is None else (round_half_up(value), float(value))


def _stage_models(ins: Instrument, scores: Mapping[str, Fraction | None], lang: str) -> list[m.StageScore]:
    out = []
    for stage in ins.stages:
        score, ex = _num(scores.get(stage.id))
        out.append(m.StageScore(id=stage.id, label=tr(stage.label, lang), weight=stage.weight, score=score, exact=ex))
    return out


def _headline(basis: str, survey: Fraction | None, evaluation: Fraction | None, ins: Instrument, bands: Sequence[Band], lang: str) -> dict:
    """index, its exact value and category for a basis: the composite, or the survey index alone."""
    if basis == "composite":
        value = composite_index(ins.index.survey, ins.index.evaluation, survey, evaluation)  # type: ignore[arg-type]
    elif basis == "survey_only":
        value = survey
    else:
        return {"index": None, "index_exact": None, "category": None, "category_label": None}
    shown, ex = _num(value)
    band = band_for(shown, bands)  # type: ignore[arg-type]
    return {"index": shown, "index_exact": ex, "category": band.code, "category_label": tr(band.label, lang)}


def _basis(survey_status: str, survey: Fraction | None, evaluation: Fraction | None) -> str:
    if survey_status == "suppressed":
        return "suppressed"
    if survey is not None:
        return "composite" if evaluation is not None else "survey_only"
    return "evaluation_only" if evaluation is not None else "none"


def evaluation_report(
    state: EvaluationState, units: Sequence[Unit], unit_groups: Mapping[str, m.GroupScore], overall: m.GroupScore, bands: Sequence[Band], lang: str
) -> m.EvaluationReport:
    """Per unit and for the organisation: survey, evaluation and composite index side by side."""
    ins = state.instrument
    results: list[m.UnitComposite] = []
    unit_evaluations: list[Fraction] = []
    unit_stage_scores: list[dict[str, Fraction | None]] = []
    for unit in units:
        verified = state.verified.get(unit.code, {})
        claims = state.claims.get(unit.code, {})
        levels = {c: row["level"] for c, row in verified.items() if c in ins.criterion_by_id}
        evaluation = evaluation_index(ins, levels)
        scores = stage_scores(ins, levels)
        if evaluation is not None:
            status = "verified"
            unit_evaluations.append(evaluation)
            unit_stage_scores.append(scores)
        elif levels:
            status = "in_review"
        elif unit.code in state.returned:
            status = "returned"
        else:
            status = "missing"
        group = unit_groups.get(unit.code)
        survey_status = group.status if group is not None else "empty"
        survey = exact(group.index_exact) if group is not None and group.index_exact is not None else None
        if survey_status == "shown" and survey is None:
            survey_status = "no_data"
        basis = _basis(survey_status, survey, evaluation)
        ev_shown, ev_exact = _num(evaluation)
        results.append(
            m.UnitComposite(
                code=unit.code,
                name=unit.name,
                evaluation_status=status,
                survey_status=survey_status,
                survey_index=group.index if survey is not None else None,  # type: ignore[union-attr]
                survey_index_exact=float(survey) if survey is not None else None,
                evaluation_index=ev_shown,
                evaluation_index_exact=ev_exact,
                stages=_stage_models(ins, scores, lang),
                basis=basis,  # type: ignore[arg-type]
                **_headline(basis, survey, evaluation, ins, bands, lang),
                criteria=[
                    m.CriterionResult(
                        id=c.id,
                        stage=ins.stage_of[c.id].id,
                        weight=c.weight,
                        claimed=claims[c.id]["level"] if c.id in claims else None,
                        verified=verified[c.id]["level"] if c.id in verified else None,
                        note=verified[c.id]["note"] if c.id in verified else None,
                    )
                    for c in ins.criteria
                ],
                evidence=[
                    m.EvidenceItem(criterion=e["criterion"], name=e["name"], sha256=e["sha256"], size=e["size"])
                    for e in state.evidence.get(unit.code, [])
                ],
            )
        )
    all_verified = bool(units) and len(unit_evaluations) == len(units)
    # The organisation: entered numbers win, and say where they came from.
    entered = state.organisation
    if "survey_index" in entered:
        org_survey, survey_source = exact(entered["survey_index"]["value"]), entered["survey_index"]["source"] or "entered"
    else:
        org_survey = exact(overall.index_exact) if overall.status == "shown" and overall.index_exact is not None else None
        survey_source = "computed"
    if "evaluation_index" in entered:
        org_eval, eval_source = exact(entered["evaluation_index"]["value"]), entered["evaluation_index"]["source"] or "entered"
    else:
        org_eval = mean(unit_evaluations) if all_verified else None
        eval_source = "computed"
    org_stages = {
        s.id: mean([scores[s.id] for scores in unit_stage_scores]) if all_verified else None  # type: ignore[misc]
        for s in ins.stages
    }
    survey_status = "shown" if org_survey is not None or overall.status == "shown" else overall.status
    basis = _basis(survey_status, org_survey, org_eval)
    organisation = m.OrganisationComposite(
        survey_index=_num(org_survey)[0],
        survey_source=survey_source,
        evaluation_index=_num(org_eval)[0],
        evaluation_source=eval_source,
        stages=_stage_models(ins, org_stages, lang),
        basis=basis,  # type: ignore[arg-type]
        **_headline(basis, org_survey, org_eval, ins, bands, lang),
        units_verified=len(unit_evaluations),
        units_total=len(units),
    )
    return m.EvaluationReport(
        instrument=ins.id,
        instrument_version=ins.version,
        instrument_hash=ins.content_hash,
        title=tr(ins.evaluation.title, lang),
        weight_survey=ins.index.survey,
        weight_evaluation=ins.index.evaluation,
        aggregation=ins.aggregation.method,
        units=results,
        organisation=organisation,
    )
