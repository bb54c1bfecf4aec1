"""Loading evaluation instrument TOML files, with the questionnaire's one-line errors (file, line, path)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from pydantic import ValidationError

from akhlak_tui.evaluation.model import Instrument
from akhlak_tui.questionnaire.loading import (
    Problem,
    QuestionnaireError,
    duplicate_problems,
    locate,
    parse_toml,
    read_toml_text,
    text_problems,
    validation_problems,
)

BUILTIN_EVALUATION = "evaluasi.toml"


class EvaluationError(QuestionnaireError):
    """An evaluation instrument that cannot be used; `problems` lists every reason, one line each."""


def _cross_check(ins: Instrument) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    langs = ins.languages
    if len(set(langs)) != len(langs):
        problems.append(("evaluation.languages", "a language is listed twice"))

    problems += text_problems(ins.model_dump(exclude={"aggregation", "index"}), langs)

    def unique(kind: str, entries: list[tuple[str, str]]) -> None:
        problems.extend(duplicate_problems(kind, entries))

    unique("scale", [(f"scales[{i}].id", s.id) for i, s in enumerate(ins.scales)])
    unique("stage", [(f"stages[{i}].id", s.id) for i, s in enumerate(ins.stages)])
    unique(
        "criterion",
        [(f"stages[{si}].criteria[{ci}].id", c.id) for si, s in enumerate(ins.stages) for ci, c in enumerate(s.criteria)],
    )
    for si, stage in enumerate(ins.stages):
        for ci, criterion in enumerate(stage.criteria):
            if criterion.scale not in ins.scale_by_id:
                known = ", ".join(ins.scale_by_id)
                problems.append((f"stages[{si}].criteria[{ci}].scale", f"unknown scale {criterion.scale!r} (known: {known})"))
    return problems


def parse_instrument(text: str, file_name: str = "<evaluation>") -> Instrument:
    """Parse and cross-check evaluation TOML text; raises EvaluationError listing every problem."""
    try:
        data = parse_toml(text, file_name)
    except QuestionnaireError as exc:
        raise EvaluationError(exc.problems) from None
    try:
        instrument = Instrument.model_validate(data)
    except ValidationError as exc:
        raise EvaluationError(validation_problems(exc, text, file_name)) from None
    cross = _cross_check(instrument)
    if cross:
        raise EvaluationError([Problem(file_name, locate(text, path), path, msg) for path, msg in cross])
    return instrument


def read_instrument_text(path: str | Path) -> str:
    """The text of an evaluation file; raises EvaluationError (one line) when it cannot be read."""
    try:
        return read_toml_text(path, "an evaluation")
    except QuestionnaireError as exc:
        raise EvaluationError(exc.problems) from None


def load_instrument(path: str | Path) -> Instrument:
    """Read an evaluation file; raises EvaluationError (one line per problem) on any failure."""
    return parse_instrument(read_instrument_text(path), str(Path(path)))


def builtin_instrument_text() -> str:
    """The text of the built-in instrument (questionnaires/evaluasi.toml, packaged in the wheel)."""
    from akhlak_tui.questionnaire.builtin import builtin_file

    return builtin_file(BUILTIN_EVALUATION).read_text("utf-8")


@lru_cache(maxsize=1)
def builtin_instrument() -> Instrument:
    """The built-in evaluation instrument (parsed once per process)."""
    return parse_instrument(builtin_instrument_text(), BUILTIN_EVALUATION)


def instrument_json_schema() -> str:
    """The JSON Schema of an evaluation file (docs/evaluation-schema.json)."""
    import json

    schema = Instrument.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "akhlak-tui evaluation instrument", **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
