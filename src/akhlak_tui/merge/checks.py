"""What makes a bundled response acceptable for its survey: the questionnaire's rules, via Flow."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from akhlak_tui.bundle.format import ISO_PATTERN
from akhlak_tui.merge.incoming import IncomingResponse
from akhlak_tui.merge.rows import answer_values
from akhlak_tui.questionnaire.flow import Flow
from akhlak_tui.questionnaire.model import Questionnaire, UnitItem
from akhlak_tui.survey.package import SurveyPackage

ISO_TIME = re.compile(ISO_PATTERN)
MAX_REASONS = 3
"""A quarantine reason names at most this many problems (and how many more there are)."""


class ResponseChecker:
    """Checks responses against one survey: its id, questionnaire and units."""

    def __init__(self, survey_id: str, questionnaire: Questionnaire, unit_codes: list[str]) -> None:
        self.survey_id = survey_id
        self.questionnaire = questionnaire
        self.questionnaire_hash = questionnaire.content_hash
        self.flow = Flow(questionnaire, unit_codes)
        self.unit_item = next((item.id for item in questionnaire.items if isinstance(item, UnitItem)), None)

    @classmethod
    def for_package(cls, package: SurveyPackage) -> ResponseChecker:
        return cls(package.survey_id, package.questionnaire, [u.code for u in package.units])

    def problems(self, response: IncomingResponse | Mapping[str, Any]) -> list[str]:
        """Every reason a response cannot be merged into this survey (empty: acceptable).

        `response` is what `read_incoming` read, or a whole document as `parse_response` returns it.
        """
        if not isinstance(response, IncomingResponse):
            response = IncomingResponse(dict(response), answer_values(response), len(response["answers"]))
        document, answers = response.fields, response.values
        problems: list[str] = []
        if document["survey_id"] != self.survey_id:
            problems.append(f"survey is {document['survey_id']}, not {self.survey_id}")
        if document["questionnaire_hash"] != self.questionnaire_hash:
            problems.append("answers another version of the questionnaire (hash differs)")
        status = document["status"]
        if status not in ("submitted", "abandoned"):
            problems.append(f"status is {status}; only submitted and abandoned responses are merged")
            return problems
        for name in ("created_at", "updated_at", "submitted_at"):
            value = document[name]
            if (value is not None or (name == "submitted_at" and status == "submitted")) and not ISO_TIME.match(value or ""):
                problems.append(f"{name} is not an ISO 8601 time (got {value!r:.40})")
        if len(answers) != response.answer_count:
            problems.append("an item is answered twice")
        problems.extend(self.flow.response_problems(answers, complete=status == "submitted"))
        unit = answers.get(self.unit_item) if self.unit_item is not None else None
        if unit is not None and document["unit"] != unit:
            problems.append(f"unit is {document['unit']!r} but the unit question was answered {unit!r}")
        return problems

    def reason(self, response: IncomingResponse | Mapping[str, Any]) -> str | None:
        """The problems as one line for the quarantine, or None if the response is acceptable."""
        problems = self.problems(response)
        if not problems:
            return None
        more = len(problems) - MAX_REASONS
        return "; ".join(problems[:MAX_REASONS]) + (f"; and {more} more" if more > 0 else "")
