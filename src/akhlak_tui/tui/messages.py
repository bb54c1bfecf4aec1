"""Small messages the answer widgets post to the question screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class AnswerChanged(Message):
    """The respondent chose, toggled or picked something: the item and its new value."""

    item_id: str
    value: Any


@dataclass
class AnswerRefused(Message):
    """A choice the item does not allow (e.g. one more than the maximum): the inline message."""

    text: str
