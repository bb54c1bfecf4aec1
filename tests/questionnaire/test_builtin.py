"""The built-in BerAKHLAK questionnaire: valid, complete, bilingual, and what the reports need."""

from __future__ import annotations

from akhlak_tui.questionnaire.builtin import builtin_file, builtin_questionnaire, sample_units
from akhlak_tui.questionnaire.model import LikertItem, MultiItem

VALUES = {"BP", "AK", "KO", "HA", "LO", "AD", "KL"}


def test_builtin_has_seven_values_and_at_least_21_likert_items_over_them():
    q = builtin_questionnaire()
    assert {d.id for d in q.dimensions} == VALUES
    likert = [i for i in q.items if isinstance(i, LikertItem) and i.dimension]
    assert len(likert) >= 21
    per_value = {v: sum(1 for i in likert if i.dimension == v) for v in VALUES}
    assert min(per_value.values()) >= 3, per_value
    assert 1 <= sum(i.reverse for i in likert) < len(likert) // 2


def test_builtin_values_questions_offer_40_to_60_tagged_options_up_to_10():
    q = builtin_questionnaire()
    values = q.scoring.values
    assert values is not None
    ids = [values.personal, values.current, values.desired]
    items = [q.item_by_id[i] for i in ids]
    assert all(isinstance(i, MultiItem) for i in items)
    for item in items:
        assert 40 <= len(item.options) <= 60
        assert item.max_picks == 10
        for option in item.options:
            assert len(option.tags) == 1 and option.tags[0] in VALUES | {"limiting"}, option.code
        assert sum(o.tags == ["limiting"] for o in item.options) >= 5
    assert [o.code for o in items[0].options] == [o.code for o in items[1].options] == [o.code for o in items[2].options]


def test_builtin_profile_is_optional_except_unit_and_offers_prefer_not_to_say():
    q = builtin_questionnaire()
    assert q.item_by_id["unit"].type == "unit" and q.item_by_id["unit"].required
    for name in ("gender", "employment", "age_band", "service_years", "position"):
        item = q.item_by_id[name]
        assert not item.required
        assert "x" in [o.code for o in item.options]
    assert q.scoring.breakdowns[0] == "unit"
    assert q.scoring.engagement_items and q.scoring.join_reason_item == "join_reason"


def test_builtin_every_text_is_in_both_languages():
    q = builtin_questionnaire()
    assert q.languages == ["id", "en"]

    def walk(value):
        if isinstance(value, dict):
            if value and set(value) <= {"id", "en"} and all(isinstance(v, str) for v in value.values()):
                yield value
            else:
                for sub in value.values():
                    yield from walk(sub)
        elif isinstance(value, list):
            for sub in value:
                yield from walk(sub)

    texts = list(walk(q.model_dump()))
    assert len(texts) > 100
    assert all(t.get("id", "").strip() and t.get("en", "").strip() for t in texts)


def test_sample_units_and_builtin_file_are_found():
    assert builtin_file("berakhlak.toml").name == "berakhlak.toml"
    units = sample_units()
    assert len(units) >= 3 and all(u.headcount for u in units)
