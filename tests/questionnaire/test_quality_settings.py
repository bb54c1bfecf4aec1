"""The [scoring.quality] thresholds: defaults, validation with the place named, and the hash of questionnaires without them."""

from __future__ import annotations

import pytest

from akhlak_tui.questionnaire import parse_questionnaire
from akhlak_tui.questionnaire.builtin import BUILTIN_QUESTIONNAIRE, builtin_file, builtin_questionnaire
from akhlak_tui.questionnaire.loading import QuestionnaireError
from akhlak_tui.questionnaire.model import QualityThresholds

BUILTIN_HASH = "08a70ff99652099accb819c82b86b8ac829766b40a849d3e7666c4f02ec99da0"
"""The built-in questionnaire's hash before [scoring.quality] existed: laptops in the field carry it."""


def with_quality(lines: str) -> str:
    text = builtin_file(BUILTIN_QUESTIONNAIRE).read_text("utf-8")
    return text.replace("[scoring.values]", f"[scoring.quality]\n{lines}\n\n[scoring.values]", 1)


def test_without_the_section_the_defaults_apply_and_the_hash_is_unchanged():
    q = builtin_questionnaire()
    assert q.scoring.quality is None
    assert q.scoring.quality_thresholds == QualityThresholds()
    assert q.content_hash == BUILTIN_HASH
    assert '"quality"' not in q.canonical_json()


def test_thresholds_are_read_and_change_the_hash():
    q = parse_questionnaire(with_quality("min_total_seconds = 90\nstraightline_run = 8"), "q.toml")
    t = q.scoring.quality_thresholds
    assert (t.min_total_seconds, t.straightline_run, t.min_median_seconds) == (90, 8, 2.0)
    assert q.content_hash != BUILTIN_HASH


@pytest.mark.parametrize(
    "line, place",
    [
        ("min_total_seconds = -5", "scoring.quality.min_total_seconds"),
        ("off_hours = 20", "scoring.quality.off_hours"),
        ("straightline_run = 1", "scoring.quality.straightline_run"),
        ("speed_limit = 3", "scoring.quality.speed_limit"),
    ],
)
def test_bad_thresholds_are_named_with_their_place(line, place):
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(with_quality(line), "q.toml")
    assert any(place in str(p) and "q.toml" in str(p) for p in caught.value.problems)
