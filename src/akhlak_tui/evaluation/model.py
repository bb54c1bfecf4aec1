"""Pydantic models of an evaluation instrument: stages, criteria, level scales, index weights."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Literal

from pydantic import Field, model_validator

from akhlak_tui.questionnaire.model import ID_PATTERN, QUESTIONNAIRE_ID_PATTERN, Strict, Text

CRITERION_PATTERN = r"^[a-z][a-z0-9_]*$"


class Meta(Strict):
    id: str = Field(pattern=QUESTIONNAIRE_ID_PATTERN, max_length=64)
    version: str = Field(min_length=1, max_length=32)
    languages: list[str] = Field(min_length=1, max_length=8)
    title: Text
    description: Text | None = None


class IndexWeights(Strict):
    """The composite index: w_survey x survey index + w_evaluation x evaluation index (percent)."""

    survey: int = Field(default=80, ge=0, le=100)
    evaluation: int = Field(default=20, ge=0, le=100)

    @model_validator(mode="after")
    def _sum(self) -> IndexWeights:
        if self.survey + self.evaluation != 100:
            raise ValueError(f"survey ({self.survey}) and evaluation ({self.evaluation}) must add up to 100")
        return self


class Aggregation(Strict):
    """How criterion scores become stage scores, the unit's score, and the organisation's."""

    # stages: the unit's score is the stage-weighted mean of its stage scores;
    # criteria: the criterion-weighted mean of all its criteria (stage weights unused).
    method: Literal["stages", "criteria"] = "stages"


class Level(Strict):
    score: int = Field(ge=0, le=100)
    label: Text


class Scale(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    levels: list[Level] = Field(min_length=2, max_length=11)

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        scores = [lv.score for lv in self.levels]
        if scores != sorted(set(scores)):
            raise ValueError("levels must have distinct scores in increasing order")
        return self

    @property
    def scores(self) -> list[int]:
        return [lv.score for lv in self.levels]


class Criterion(Strict):
    id: str = Field(pattern=CRITERION_PATTERN, max_length=32)
    question: Text
    evidence: Text
    scale: str
    weight: int = Field(default=1, ge=1, le=1000)


class Stage(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=32)
    label: Text
    weight: int = Field(default=1, ge=1, le=1000)
    criteria: list[Criterion] = Field(min_length=1, max_length=100)


class Instrument(Strict):
    evaluation: Meta
    index: IndexWeights = IndexWeights()
    aggregation: Aggregation = Aggregation()
    scales: list[Scale] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1, max_length=20)

    @property
    def id(self) -> str:
        return self.evaluation.id

    @property
    def version(self) -> str:
        return self.evaluation.version

    @property
    def languages(self) -> list[str]:
        return self.evaluation.languages

    @cached_property
    def scale_by_id(self) -> dict[str, Scale]:
        return {s.id: s for s in self.scales}

    @cached_property
    def criteria(self) -> list[Criterion]:
        return [c for s in self.stages for c in s.criteria]

    @cached_property
    def criterion_by_id(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criteria}

    @cached_property
    def stage_of(self) -> dict[str, Stage]:
        return {c.id: s for s in self.stages for c in s.criteria}

    def scale_for(self, criterion: Criterion) -> Scale:
        return self.scale_by_id[criterion.scale]

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of the parsed instrument (comments and layout do not count)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
