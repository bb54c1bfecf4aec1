"""Pydantic models of a questionnaire: metadata, dimensions, scales, sections, items, scoring."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
QUESTIONNAIRE_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
CODE_PATTERN = r"^[A-Za-z0-9_-]+$"
DIMENSION_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"

Text = dict[str, str]
"""A text shown to people: one entry per offered language code."""


class Strict(BaseModel):
    """Base of every questionnaire model: unknown fields are errors, so typos never pass."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def tr(text: Text | None, lang: str, fallback: str = "id") -> str:
    """The text in `lang`, else in `fallback`, else any; empty for no text."""
    if not text:
        return ""
    return text.get(lang) or text.get(fallback) or next(iter(text.values()))


class Meta(Strict):
    id: str = Field(pattern=QUESTIONNAIRE_ID_PATTERN, max_length=64)
    version: str = Field(min_length=1, max_length=32)
    languages: list[str] = Field(min_length=1, max_length=8)
    title: Text
    description: Text | None = None
    consent: Text | None = None


class Dimension(Strict):
    id: str = Field(pattern=DIMENSION_PATTERN, max_length=16)
    label: Text


class ScalePoint(Strict):
    code: int
    label: Text


class Scale(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    points: list[ScalePoint] = Field(min_length=2, max_length=11)
    not_applicable: ScalePoint | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        codes = [p.code for p in self.points]
        if codes != sorted(set(codes)):
            raise ValueError("points must have distinct codes in increasing order")
        if self.not_applicable and self.not_applicable.code in codes:
            raise ValueError(f"not_applicable code {self.not_applicable.code} is also a point's code")
        return self

    @property
    def codes(self) -> list[int]:
        return [p.code for p in self.points]

    @property
    def lowest(self) -> int:
        return self.points[0].code

    @property
    def highest(self) -> int:
        return self.points[-1].code

    def allowed(self) -> set[int]:
        codes = set(self.codes)
        if self.not_applicable:
            codes.add(self.not_applicable.code)
        return codes


class Option(Strict):
    code: str = Field(pattern=CODE_PATTERN, max_length=64)
    label: Text
    tags: list[str] = Field(default_factory=list)
    exclusive: bool = False


class ItemBase(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    label: Text
    hint: Text | None = None
    required: bool = False
    required_message: Text | None = None
    relevant: str | None = Field(default=None, max_length=1000)
    constraint: str | None = Field(default=None, max_length=1000)
    constraint_message: Text | None = None

    @model_validator(mode="after")
    def _constraint_has_message(self) -> ItemBase:
        if self.constraint and not self.constraint_message:
            raise ValueError("constraint needs a constraint_message")
        return self

    @property
    def answerable(self) -> bool:
        return True


class LikertItem(ItemBase):
    type: Literal["likert"]
    scale: str
    dimension: str | None = None
    reverse: bool = False


class SingleItem(ItemBase):
    type: Literal["single"]
    options: list[Option] = Field(min_length=1, max_length=200)


class MultiItem(ItemBase):
    type: Literal["multi"]
    options: list[Option] = Field(min_length=1, max_length=200)
    min_picks: int = Field(default=0, ge=0)
    max_picks: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _picks(self) -> MultiItem:
        if self.max_picks is not None and self.min_picks > self.max_picks:
            raise ValueError(f"min_picks ({self.min_picks}) is above max_picks ({self.max_picks})")
        if self.min_picks > len(self.options):
            raise ValueError(f"min_picks ({self.min_picks}) is above the number of options ({len(self.options)})")
        return self

    @property
    def effective_max(self) -> int:
        return self.max_picks if self.max_picks is not None else len(self.options)


class TextItem(ItemBase):
    type: Literal["text"]
    max_length: int = Field(default=500, ge=1, le=5000)
    multiline: bool = False


class IntegerItem(ItemBase):
    type: Literal["integer"]
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _range(self) -> IntegerItem:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self


class NoteItem(ItemBase):
    type: Literal["note"]

    @model_validator(mode="after")
    def _not_required(self) -> NoteItem:
        if self.required:
            raise ValueError("a note cannot be required")
        return self

    @property
    def answerable(self) -> bool:
        return False


class UnitItem(ItemBase):
    type: Literal["unit"]


Item = Annotated[
    Union[LikertItem, SingleItem, MultiItem, TextItem, IntegerItem, NoteItem, UnitItem],
    Field(discriminator="type"),
]
ITEM_TYPES = ("likert", "single", "multi", "text", "integer", "note", "unit")


class Section(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    title: Text
    intro: Text | None = None
    items: list[Item] = Field(min_length=1, max_length=500)


class Band(Strict):
    code: str = Field(min_length=1, max_length=8)
    min: float = Field(ge=0, le=100)
    label: Text


def default_bands() -> list[Band]:
    """A Sehat >= 75, B Cukup Sehat >= 50, C Tidak Sehat >= 25, D below (D's label is inferred)."""
    return [
        Band(code="A", min=75, label={"id": "Sehat", "en": "Healthy"}),
        Band(code="B", min=50, label={"id": "Cukup Sehat", "en": "Fairly healthy"}),
        Band(code="C", min=25, label={"id": "Tidak Sehat", "en": "Unhealthy"}),
        Band(code="D", min=0, label={"id": "Sangat Tidak Sehat", "en": "Very unhealthy"}),
    ]


class ValuesQuestions(Strict):
    personal: str | None = None
    current: str | None = None
    desired: str | None = None
    top_n: int = Field(default=10, ge=1, le=100)


class QualityThresholds(Strict):
    """When a response is flagged (docs/scoring.md, "Quality of responses"): `[scoring.quality]`."""

    min_total_seconds: int = Field(default=120, ge=0, le=86_400)
    """speeding: answering time (created to submitted, pauses left out) below this."""
    min_median_seconds: float = Field(default=2.0, ge=0, le=600)
    """speeding: the median time from showing a statement to its first answer is below this."""
    min_item_seconds: float = Field(default=0.0, ge=0, le=600)
    """speeding: some statement answered faster than this (0: not checked)."""
    straightline_min_items: int = Field(default=5, ge=2, le=500)
    """straightlining: every scored statement on one scale point, with at least this many answered."""
    straightline_run: int = Field(default=12, ge=2, le=500)
    """straightlining: this many consecutive statements on one scale point."""
    max_changes: int = Field(default=10, ge=1, le=10_000)
    """changes: more answers changed or cleared than this."""
    off_hours: float = Field(default=6.0, ge=1, le=12)
    """off_hours: submitted this many hours or more (on the clock) from the unit's usual time of day."""
    off_hours_min_responses: int = Field(default=10, ge=2, le=100_000)
    """off_hours: a unit's usual time of day is taken from at least this many submitted responses."""


class Scoring(Strict):
    method: Literal["percent_favourable", "mean_scaled", "votes"] = "percent_favourable"
    favourable_min: int = 4
    min_group_size: int = Field(default=5, ge=1, le=1000)
    slovin_margin: float = Field(default=0.05, gt=0, lt=1)
    breakdowns: list[str] = Field(default_factory=lambda: ["unit"])
    engagement_items: list[str] = Field(default_factory=list)
    join_reason_item: str | None = None
    values: ValuesQuestions | None = None
    bands: list[Band] = Field(default_factory=default_bands, min_length=1)
    quality: QualityThresholds | None = None
    """Thresholds of the response-quality flags; None: the defaults (and the questionnaire's hash as without)."""

    @property
    def quality_thresholds(self) -> QualityThresholds:
        return self.quality or QualityThresholds()

    @model_validator(mode="after")
    def _bands_descending(self) -> Scoring:
        mins = [b.min for b in self.bands]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("bands must be listed from the highest min to the lowest, each min distinct")
        if mins[-1] != 0:
            raise ValueError("the last band must have min = 0 so every score gets a band")
        return self


class Questionnaire(Strict):
    """A whole questionnaire, as parsed and cross-checked from its TOML file."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    questionnaire: Meta
    dimensions: list[Dimension] = Field(default_factory=list, max_length=50)
    scales: list[Scale] = Field(default_factory=list, max_length=50)
    scoring: Scoring = Field(default_factory=Scoring)
    sections: list[Section] = Field(min_length=1, max_length=100)

    # -- convenient views ------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.questionnaire.id

    @property
    def version(self) -> str:
        return self.questionnaire.version

    @property
    def languages(self) -> list[str]:
        return self.questionnaire.languages

    @cached_property
    def items(self) -> list[ItemBase]:
        """Every item in answering order."""
        return [item for section in self.sections for item in section.items]

    @cached_property
    def item_by_id(self) -> dict[str, ItemBase]:
        return {item.id: item for item in self.items}

    @cached_property
    def section_of(self) -> dict[str, Section]:
        return {item.id: section for section in self.sections for item in section.items}

    @cached_property
    def scale_by_id(self) -> dict[str, Scale]:
        return {scale.id: scale for scale in self.scales}

    @cached_property
    def dimension_by_id(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.dimensions}

    @cached_property
    def answerable_items(self) -> list[ItemBase]:
        return [item for item in self.items if item.answerable]

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON form: independent of comments and formatting."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def canonical_json(self) -> str:
        data = self.model_dump(mode="json")
        if data["scoring"].get("quality") is None:  # a questionnaire without it hashes as before it existed
            del data["scoring"]["quality"]
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def scale_for(self, item: LikertItem) -> Scale:
        return self.scale_by_id[item.scale]

    def count_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.type] = counts.get(item.type, 0) + 1  # type: ignore[attr-defined]
        return counts
