"""The scores of a merged survey as pydantic models: what every report format is made from.

Numbers people see are rounded to one decimal (half up) in `score`; `exact` keeps the unrounded
value the index is computed from. A suppressed group carries no numbers at all.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from akhlak_tui.scoring.trust import Quality, Reliability, StaffProfile

SCHEMA_VERSION = 1


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BandInfo(Model):
    code: str
    min: float
    label: str


class DimensionScore(Model):
    """One of the seven values (or the engagement score) for one group."""

    id: str
    label: str
    status: Literal["shown", "suppressed", "no_data"] = Field(
        default="shown",
        description="suppressed: fewer than min_group_size respondents answered this value (not applicable and "
        "unanswered left out); no_data: nobody gave a scored answer. Neither has a score, and the group then has no index.",
    )
    score: float | None = Field(description="Rounded to one decimal, half up; null when there is no answer to score or it is suppressed.")
    exact: float | None = Field(description="The unrounded score the index is computed from.")
    answers: int | None = Field(description="Scored answers (not applicable and unanswered left out); null when suppressed.")
    respondents: int | None = Field(default=None, description="Respondents with at least one scored answer for this value; null when suppressed.")
    low: float | None = Field(default=None, description="Lower end of the 95% interval (docs/scoring.md, Precision); null when not shown.")
    high: float | None = Field(default=None, description="Upper end of the 95% interval; null when not shown.")


class GroupScore(Model):
    """The scores of one group of respondents (everyone, one unit, one gender, ...)."""

    key: str | None = Field(description="The answer code that defines the group; null for 'not answered' and for everyone.")
    label: str
    status: Literal["shown", "suppressed", "empty"] = Field(
        description="suppressed: too few respondents (or hidden so another cannot be worked out); empty: no respondents."
    )
    suppression: Literal["small", "complementary", "left_out"] | None = Field(
        default=None,
        description="Why suppressed: small (fewer than min_group_size respondents), complementary (so another hidden group "
        "cannot be worked out), left_out (--exclude-flagged left out 1 to min_group_size - 1 of its responses: comparing "
        "with the report counting everyone would give their answers away).",
    )
    respondents: int | None = Field(description="Submitted responses in the group; null when suppressed.")
    index: float | None = None
    index_exact: float | None = None
    index_low: float | None = Field(default=None, description="Lower end of the index's 95% interval.")
    index_high: float | None = Field(default=None, description="Upper end of the index's 95% interval.")
    category: str | None = None
    category_label: str | None = None
    dimensions: list[DimensionScore] = Field(default_factory=list)
    engagement: DimensionScore | None = None


class Breakdown(Model):
    field: str
    label: str
    groups: list[GroupScore]


class UnitParticipation(Model):
    code: str
    name: str
    headcount: int | None
    respondents: int
    rate: float | None = Field(description="respondents / headcount * 100, one decimal.")
    minimum: int | None = Field(description="Slovin's minimum sample for the headcount.")
    meets_minimum: bool | None
    implausible: bool = Field(
        default=False,
        description="More respondents than the headcount: duplicates or a wrong headcount; meets_minimum is then null.",
    )


class Participation(Model):
    margin: float
    units: list[UnitParticipation]
    total_headcount: int | None
    total_respondents: int
    total_rate: float | None
    total_minimum: int | None
    units_below_minimum: int
    implausible_units: list[str] = Field(default_factory=list, description="Codes of the units with more respondents than their headcount.")
    total_implausible: bool = Field(default=False, description="More respondents in all than the total headcount.")


class RankedUnit(Model):
    rank: int
    code: str
    name: str
    index: float
    category: str
    category_label: str
    index_low: float | None = Field(default=None, description="Lower end of the index's 95% interval.")
    index_high: float | None = Field(default=None, description="Upper end of the index's 95% interval.")
    group: int | None = Field(
        default=None,
        description="Units with the same number are not shown to differ; the 95% interval of every unit of a group lies "
        "below those of all units of the groups above it (docs/scoring.md, Precision).",
    )


class OptionVotes(Model):
    code: str
    label: str
    tag: str | None = Field(description="The core value the option belongs to, or 'limiting'.")
    votes: int
    percent: float = Field(description="Share of the respondents who answered the question, one decimal.")


class QuestionVotes(Model):
    item: str
    label: str
    respondents: int
    votes: int
    top: list[OptionVotes]


class ValueVotes(Model):
    value: str
    label: str
    personal: int | None
    current: int | None
    desired: int | None


class ValueGap(Model):
    """One value in the culture people see and the culture they want."""

    value: str
    label: str
    current: float | None = Field(description="The value's options' share (%) of all votes cast in 'organisation now'.")
    desired: float | None = Field(description="The same in 'organisation wanted'.")
    gap: float | None = Field(description="desired - current, percentage points (rounded half away from zero); positive: wanted more than seen.")


class UnitCulture(Model):
    """Culture measures of one unit, hidden like its scores."""

    code: str
    name: str
    status: Literal["shown", "suppressed", "empty"]
    suppression: Literal["small", "complementary", "left_out"] | None = None
    respondents: int | None = Field(default=None, description="Respondents who answered 'organisation now'.")
    entropy: float | None = None
    positive_energy: float | None = None
    top_current: list[OptionVotes] = Field(default_factory=list)
    top_desired: list[OptionVotes] = Field(default_factory=list)
    gaps: list[ValueGap] = Field(default_factory=list)


class ValuesResult(Model):
    status: Literal["shown", "suppressed"]
    top_n: int
    personal: QuestionVotes | None = None
    current: QuestionVotes | None = None
    desired: QuestionVotes | None = None
    entropy: float | None = Field(default=None, description="Share of 'organisation now' votes cast for limiting options.")
    positive_energy: float | None = Field(default=None, description="100 - entropy.")
    alignment_personal_current: int | None = Field(default=None, description="Options in both top lists.")
    alignment_current_desired: int | None = None
    votes_by_value: list[ValueVotes] = Field(default_factory=list)
    gaps: list[ValueGap] = Field(default_factory=list, description="Organisation-wide: which values people want more of than they see.")


class JoinReasons(Model):
    status: Literal["shown", "suppressed"]
    item: str
    label: str
    respondents: int | None
    reasons: list[OptionVotes] = Field(default_factory=list)


class IndicatorScore(Model):
    """One behaviour indicator (a statement of a value, or of engagement) in one group."""

    item: str
    value: str = Field(description="The value (dimension) the statement belongs to, or 'engagement'.")
    name: str = Field(description="The indicator's short name (the official behaviour for the built-in questionnaire).")
    statement: str
    reverse: bool
    status: Literal["shown", "suppressed", "no_data"] = Field(description="suppressed: fewer than min_group_size answered it.")
    score: float | None
    exact: float | None
    respondents: int | None = Field(description="Respondents with a scored answer; null when suppressed.")
    codes: list[int] = Field(description="The scale points, in order, as coded (before reversing).")
    distribution: list[float] | None = Field(description="Share (%) of the scored answers at each point of `codes`; null when suppressed.")
    low: float | None = Field(default=None, description="Lower end of the 95% interval; null when not shown.")
    high: float | None = Field(default=None, description="Upper end of the 95% interval; null when not shown.")
    not_applicable: float | None = Field(description="Share (%) of the group's respondents who said 'not applicable'; null in a report made with --exclude-flagged.")
    missing: float | None = Field(description="Share (%) of the group's respondents who left it unanswered; null in a report made with --exclude-flagged.")


class IndicatorGroup(Model):
    key: str | None = Field(description="Unit code; null for everyone.")
    label: str
    status: Literal["shown", "suppressed", "empty"]
    suppression: Literal["small", "complementary", "left_out"] | None = None
    indicators: list[IndicatorScore] = Field(default_factory=list)


class Indicators(Model):
    """Every statement for everyone and per unit, under the same suppression as the scores."""

    overall: IndicatorGroup
    units: list[IndicatorGroup]


class IndicatorRef(Model):
    item: str
    name: str
    value: str
    value_label: str
    score: float


class UnitAction(Model):
    """A unit's weakest value and that value's indicators, lowest first."""

    code: str
    name: str
    value: str
    value_label: str
    value_score: float
    indicators: list[IndicatorRef]


class WhereToAct(Model):
    lowest: list[IndicatorRef] = Field(description="The lowest indicators of the values, organisation-wide (three).")
    units: list[UnitAction]


class FigureChange(Model):
    """A figure now, in the earlier wave, and the change (of the shown figures: 78.0 - 62.3 = 15.7)."""

    code: str
    label: str
    previous: float | None
    current: float | None
    change: float | None = None


class UnitChange(Model):
    code: str
    name: str
    status: Literal["both", "new", "gone", "no_figure"] = Field(
        description="new: no respondents in the earlier wave; gone: none now; no_figure: not in the published figures."
    )
    hidden: bool = Field(description="Suppressed now (too few respondents): no current figure.")
    previous: float | None
    current: float | None
    change: float | None = None


class PreviousWave(Model):
    kind: Literal["database", "baseline"]
    label: str
    year: int | None = None
    source: str | None = None


class Comparison(Model):
    """The earlier wave beside this one."""

    previous: PreviousWave
    index: FigureChange
    values: list[FigureChange]
    items: list[FigureChange] = Field(description="Statement by statement; empty when items_refused says why.")
    items_refused: str | None = Field(description="Why the statements are not compared one by one (values still are).")
    units: list[UnitChange]
    notes: list[str] = Field(default_factory=list)


class SurveyInfo(Model):
    id: str
    name: str
    questionnaire: str
    questionnaire_version: str
    questionnaire_hash: str
    first_submitted: str | None = Field(default=None, description="Fieldwork: the day (YYYY-MM-DD, UTC) of the first submitted response.")
    last_submitted: str | None = Field(default=None, description="The day of the last submitted response.")


class StageScore(Model):
    """Where a unit (or the organisation) stands on one stage of the evaluation."""

    id: str
    label: str
    weight: int
    score: float | None = Field(description="0-100, one decimal; null until every criterion of the stage is verified.")
    exact: float | None = None


class CriterionResult(Model):
    id: str
    stage: str
    weight: int
    claimed: int | None = Field(description="The level the unit claimed in its returned form.")
    verified: int | None = Field(description="The level the evaluator set after checking the evidence.")
    note: str | None = None


class EvidenceItem(Model):
    criterion: str
    name: str
    sha256: str = Field(description="SHA-256 of the file copied into the coordinator's data dir.")
    size: int


class UnitComposite(Model):
    """One unit: survey index, evaluation index and the composite Indeks BerAKHLAK side by side."""

    code: str
    name: str
    evaluation_status: Literal["verified", "in_review", "returned", "missing"] = Field(
        description="missing: no form returned; returned: not yet checked; in_review: some criteria verified; verified: all."
    )
    survey_status: Literal["shown", "suppressed", "empty", "no_data"]
    survey_index: float | None
    survey_index_exact: float | None = None
    evaluation_index: float | None
    evaluation_index_exact: float | None = None
    stages: list[StageScore]
    basis: Literal["composite", "survey_only", "evaluation_only", "suppressed", "none"] = Field(
        description="What `index` is: the composite, the survey index alone (no verified evaluation), ..."
    )
    index: float | None = Field(description="The composite when basis is composite; the survey index when survey_only; else null.")
    index_exact: float | None = None
    category: str | None = None
    category_label: str | None = None
    criteria: list[CriterionResult] = Field(default_factory=list)
    evidence: list[EvidenceItem] = Field(default_factory=list)


class OrganisationComposite(Model):
    """The whole organisation, saying where each number came from."""

    survey_index: float | None
    survey_source: str = Field(description="'computed' (from the merged responses) or what the user entered as the source.")
    evaluation_index: float | None
    evaluation_source: str = Field(description="'computed' (mean of the units' verified evaluations) or the entered source.")
    stages: list[StageScore]
    basis: Literal["composite", "survey_only", "evaluation_only", "suppressed", "none"]
    index: float | None
    index_exact: float | None = None
    category: str | None = None
    category_label: str | None = None
    units_verified: int
    units_total: int


class EvaluationReport(Model):
    """The evidence-based evaluation and the composite index (docs/scoring.md)."""

    instrument: str
    instrument_version: str
    instrument_hash: str
    title: str
    weight_survey: int = Field(description="Percent of the composite taken from the survey index.")
    weight_evaluation: int = Field(description="Percent of the composite taken from the evaluation index.")
    aggregation: Literal["stages", "criteria"]
    units: list[UnitComposite]
    organisation: OrganisationComposite


class PrecisionInfo(Model):
    """How the 95% intervals are computed."""

    level: int = 95
    method: str
    population: int | None = Field(description="The organisation's headcount (all units have one) used for the finite population correction.")


class WeightedScores(Model):
    """Everyone's scores post-stratified by unit headcount (akhlak report --weight headcount)."""

    weight: Literal["headcount"]
    respondents: int | None
    index: float | None = None
    index_exact: float | None = None
    index_low: float | None = None
    index_high: float | None = None
    category: str | None = None
    category_label: str | None = None
    dimensions: list[DimensionScore] = Field(default_factory=list)
    engagement: DimensionScore | None = None
    pooled_units: list[str] = Field(
        default_factory=list, description="Units whose scores are hidden: weighted together as one stratum, so none is given away."
    )
    units_without_respondents: list[str] = Field(default_factory=list, description="Units with no respondents: they cannot be weighted in.")


class ScoreReport(Model):
    """Everything a report shows, in one language."""

    schema_version: int = SCHEMA_VERSION
    generated_at: str
    language: str
    survey: SurveyInfo
    method: Literal["percent_favourable", "mean_scaled", "votes"]
    favourable_min: int
    min_group_size: int
    bands: list[BandInfo]
    respondents: int = Field(description="Submitted responses scored (abandoned and quarantined never count).")
    unit_field: str | None = Field(description="The item that names the work unit (its breakdown is the unit table).")
    overall: GroupScore
    breakdowns: list[Breakdown]
    ranking: list[RankedUnit]
    participation: Participation
    values: ValuesResult | None = None
    join_reasons: JoinReasons | None = None
    evaluation: EvaluationReport | None = Field(
        default=None, description="The evaluation and the composite index; null when no evaluation is stored."
    )
    indicators: Indicators | None = None
    where_to_act: WhereToAct | None = None
    culture_units: list[UnitCulture] = Field(default_factory=list, description="Entropy, top values and gaps per unit.")
    comparison: Comparison | None = Field(default=None, description="The earlier wave (akhlak report --compare / --baseline).")
    precision: PrecisionInfo | None = Field(default=None, description="How the 95% intervals were computed; null when they were not.")
    weighted: WeightedScores | None = Field(default=None, description="Everyone weighted by unit headcount; null unless asked for.")
    reliability: Reliability | None = Field(default=None, description="Cronbach's alpha per value, for everyone and per unit (scoring/reliability.py).")
    quality: Quality | None = Field(default=None, description="Response-quality flags from the paradata, per unit (scoring/quality.py).")
    staff_profile: StaffProfile | None = Field(default=None, description="The respondents' profile against the staff profile of the unit list; null when it gives none.")

    def breakdown(self, field: str) -> Breakdown | None:
        return next((b for b in self.breakdowns if b.field == field), None)
