"""How far the figures can be trusted, as pydantic models: reliability, response-quality flags and the respondents' profile against the staff's."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemRest(_Model):
    """One statement of a value: how well it goes with the value's other statements."""

    item: str
    statement: str
    reverse: bool = Field(description="Reverse-keyed: scored reversed (highest + lowest - code) before anything is computed.")
    correlation: float | None = Field(description="Item-rest correlation (Pearson, with the sum of the value's other statements), 3 decimals; null without variance.")


class MeasureReliability(_Model):
    """Cronbach's alpha of one value (or engagement) in one group."""

    id: str
    label: str
    items: int = Field(description="Statements of the value.")
    status: Literal["shown", "too_few", "single_item", "no_variance", "left_out"] = Field(
        description="too_few: fewer complete cases than the rule asks (see Reliability.min_cases); single_item: alpha needs two statements or more; "
        "no_variance: every complete case gave the same total; left_out: --exclude-flagged left out 1 to min_group_size - 1 of its complete "
        "cases, so comparing with the report counting everyone would tell about their answers (no cases, alpha or item-rest shown)."
    )
    cases: int | None = Field(description="Complete cases: respondents with a scored answer to every statement of the value.")
    alpha: float | None = Field(description="Cronbach's alpha, 3 decimals.")
    low: bool = Field(default=False, description="alpha below the threshold (0.6): the statements may not measure one thing.")
    item_rest: list[ItemRest] = Field(default_factory=list)


class GroupReliability(_Model):
    key: str | None = Field(description="Unit code; null for everyone.")
    label: str
    measures: list[MeasureReliability]


class Reliability(_Model):
    """Cronbach's alpha per value and for engagement, organisation-wide and per unit (docs/scoring.md)."""

    threshold: float = Field(description="Alpha below this is flagged low.")
    min_cases: int = Field(description="Complete cases a group needs for its alpha to be shown.")
    overall: GroupReliability
    units: list[GroupReliability] = Field(default_factory=list, description="Units whose scores are shown, in the unit list's order.")


class FlagCount(_Model):
    flag: str
    responses: int
    share: float = Field(description="Share (%) of the group's submitted responses, one decimal.")


class UnitFlags(_Model):
    code: str | None = Field(description="Unit code; null for everyone.")
    name: str
    status: Literal["shown", "suppressed"] = Field(description="suppressed: fewer than min_group_size submitted responses, or the next smallest unit when only one has so few (so it cannot be worked out from everyone's); no counts shown.")
    responses: int | None
    flagged: int | None = Field(description="Responses with at least one flag.")
    flagged_share: float | None = Field(default=None, description="Flagged as a percentage of the responses, one decimal.")
    flags: list[FlagCount] = Field(default_factory=list)


class QualitySettings(_Model):
    """The thresholds the flags were computed with (the questionnaire's [scoring.quality])."""

    min_total_seconds: int
    min_median_seconds: float
    min_item_seconds: float
    straightline_min_items: int
    straightline_run: int
    max_changes: int
    off_hours: float
    off_hours_min_responses: int


class Quality(_Model):
    """Response-quality flags from the paradata (docs/scoring.md, "Quality of responses")."""

    flags: list[str] = Field(description="The flags, in the order their counts are listed.")
    settings: QualitySettings
    overall: UnitFlags
    units: list[UnitFlags] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list, description="Flags whose responses were left out of every score (--exclude-flagged).")
    excluded_responses: int = Field(default=0, description="Submitted responses left out of every score for those flags.")
    unsummarised: int = Field(default=0, description="Submitted responses with no paradata summary (never flagged).")


class ProfileShare(_Model):
    code: str
    label: str
    respondents: int | None = Field(description="Respondents giving this answer; null when suppressed.")
    respondents_share: float | None = Field(description="Share (%) of the respondents who answered the item.")
    staff: int | None = Field(description="Staff in the group, summed over the units that give it.")
    staff_share: float | None = Field(description="Share (%) of those units' staff.")
    difference: float | None = Field(description="respondents_share - staff_share, percentage points; negative: under-represented.")


class ProfileItem(_Model):
    item: str
    label: str
    status: Literal["shown", "suppressed"]
    units: int = Field(description="Units whose staff profile gives this item (only their respondents are compared).")
    respondents: int | None = Field(description="Respondents of those units who answered the item.")
    shares: list[ProfileShare] = Field(default_factory=list)


class StaffProfile(_Model):
    """The respondents' profile against the staff's, per profile item the unit list gives."""

    items: list[ProfileItem]
