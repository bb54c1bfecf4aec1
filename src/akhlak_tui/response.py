"""The shared shape of a response (its answers and paradata events), as stored, bundled and merged."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["draft", "submitted", "abandoned"]
Mode = Literal["enumerator", "kiosk", "demo"]

EVENT_KINDS = (
    "started",  # a response was created
    "shown",  # an item was shown
    "answered",  # an item got its first answer
    "changed",  # an answer was changed (old and new value)
    "cleared",  # an answer was removed (detail says why, e.g. "irrelevant")
    "back",  # the respondent went back
    "review",  # the review screen was opened
    "language",  # the language was switched (new = code)
    "paused",
    "resumed",
    "idle",  # the idle warning was shown
    "submitted",
    "abandoned",  # detail holds the reason
)


def utc_now() -> str:
    """The current UTC time as ISO 8601 with milliseconds and a Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Event(BaseModel):
    """One paradata event of a response."""

    model_config = ConfigDict(extra="forbid")

    at: str
    kind: str = Field(max_length=32)
    item_id: str | None = Field(default=None, max_length=64)
    old: Any = None
    new: Any = None
    detail: str | None = Field(default=None, max_length=500)


class Answer(BaseModel):
    """The answer to one item, with the time it was (last) given."""

    model_config = ConfigDict(extra="forbid")

    item_id: str = Field(max_length=64)
    value: Any
    answered_at: str


class Response(BaseModel):
    """A respondent's response: identity, context, status, answers and paradata."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    survey_id: str | None = Field(default=None, max_length=64)
    questionnaire_id: str = Field(max_length=64)
    questionnaire_version: str = Field(max_length=32)
    questionnaire_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    device_id: str = Field(max_length=64)
    unit: str | None = Field(default=None, max_length=64)
    mode: Mode
    language: str = Field(max_length=8)
    status: Status
    abandon_reason: str | None = Field(default=None, max_length=500)
    created_at: str
    updated_at: str
    submitted_at: str | None = None
    answers: list[Answer] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)

    @property
    def answer_map(self) -> dict[str, Any]:
        """Item id -> answer value."""
        return {a.item_id: a.value for a in self.answers}

    def canonical_json(self) -> str:
        """Canonical JSON (sorted keys, no spaces): the same response always gives the same bytes."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON: equal content, equal hash."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()
