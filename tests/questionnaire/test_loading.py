"""Questionnaire loading: the content hash, and locating field paths on their TOML line."""

from __future__ import annotations

from akhlak_tui.questionnaire import load_questionnaire, parse_questionnaire
from akhlak_tui.questionnaire.loading import locate


def test_content_hash_ignores_comments_and_layout_but_not_content(mini_path):
    text = mini_path.read_text(encoding="utf-8")
    original = parse_questionnaire(text).content_hash
    assert parse_questionnaire("# a comment\n\n" + text.replace(" = ", "=")).content_hash == original
    assert parse_questionnaire(text.replace('version = "1"', 'version = "2"')).content_hash != original
    assert parse_questionnaire(text.replace("Saya melayani", "Kami melayani")).content_hash != original


def test_locate_finds_keys_in_arrays_of_tables(mini_path):
    text = mini_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[locate(text, "sections[0].items[2].scale") - 1] == 'scale = "agree5"'
    assert lines[locate(text, "questionnaire.languages") - 1].startswith("languages")
    assert lines[locate(text, "scoring.breakdowns[1]") - 1].startswith("breakdowns")
    assert lines[locate(text, "sections[0].items[4]") - 1] == "[[sections.items]]"
    assert locate(text, "nothing.here") is None


def test_mini_questionnaire_loads(mini_path):
    q = load_questionnaire(mini_path)
    assert [i.id for i in q.items][:3] == ["unit", "role", "bp1"]
    assert q.count_by_type() == {"unit": 1, "single": 1, "likert": 2, "multi": 1, "integer": 1, "text": 1}
