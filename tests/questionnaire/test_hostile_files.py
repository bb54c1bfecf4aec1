"""Questionnaire files that try to exhaust the loader: deep nesting and endless input are one-line
problems, not a crash or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from akhlak_tui.questionnaire.loading import QuestionnaireError, load_questionnaire, parse_questionnaire


@pytest.mark.parametrize("text", ["a = " + "[" * 5000 + "]" * 5000, "a = " + "{x=" * 3000 + "1" + "}" * 3000])
def test_deeply_nested_toml_is_one_problem(text: str) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, "deep.toml")

    assert str(caught.value) == "deep.toml: not valid TOML: nested too deeply"


@pytest.mark.skipif(not Path("/dev/zero").exists() or os.name == "nt", reason="needs an endless device file")
def test_an_endless_file_is_refused_after_a_bounded_read() -> None:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire("/dev/zero")

    assert str(caught.value) == "/dev/zero: file is larger than the limit of 2097152 bytes"
