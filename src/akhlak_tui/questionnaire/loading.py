"""Loading questionnaire TOML files: parsing, cross-checks, and one-line errors with file, line and path."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from akhlak_tui.files import FileTooLarge, read_at_most
from akhlak_tui.questionnaire.conditions import SELF, ConditionError, parse_condition, references
from akhlak_tui.questionnaire.model import LikertItem, MultiItem, Questionnaire, SingleItem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a questionnaire file."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class QuestionnaireError(Exception):
    """A questionnaire that cannot be used; `problems` lists every reason, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# -- locating a field path in the TOML text -----------------------------------------------------
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\s\"-]+?)\s*(\]\]?)\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def _split_path(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return parts


def locate(text: str, path: str) -> int | None:
    """The 1-based line where a field path such as `sections[2].items[4].scale` sits, if found.

    Understands the common layout of questionnaire files: `[[array.of.tables]]` headers and
    `key = value` lines (inline tables and arrays on one line count as the key's line).
    """
    parts = _split_path(path)
    lines = text.splitlines()
    # Walk headers, counting array-of-tables occurrences, to find the table the path lives in.
    counts: dict[str, int] = {}
    current: list[str | int] = []
    table_start: dict[tuple, int] = {(): 0}
    for number, line in enumerate(lines):
        match = _HEADER.match(line)
        if not match or match.group(1) != match.group(3).replace("]", "["):
            continue
        names = [n.strip().strip('"') for n in match.group(2).split(".")]
        resolved: list[str | int] = []
        for depth, name in enumerate(names):
            resolved.append(name)
            if match.group(1) == "[[" and depth == len(names) - 1:
                key = tuple(resolved)
                counts[key] = counts.get(key, -1) + 1
                # Child counters restart under each new parent element.
                for other in list(counts):
                    if len(other) > len(key) and other[: len(key)] == key:
                        del counts[other]
                resolved.append(counts[key])
            elif (tuple(resolved)) in counts:
                resolved.append(counts[tuple(resolved)])
        current = resolved
        table_start[tuple(current)] = number
    # Find the longest prefix of the path that is a table, then the first remaining key in it.
    for cut in range(len(parts), -1, -1):
        prefix = tuple(parts[:cut])
        if prefix not in table_start:
            continue
        start = table_start[prefix]
        rest = parts[cut:]
        key = next((p for p in rest if isinstance(p, str)), None)
        if key is None:
            return start + 1 if prefix else None
        for number in range(start + (1 if prefix else 0), len(lines)):
            if number != start and prefix and _HEADER.match(lines[number]):
                break
            if not prefix and _HEADER.match(lines[number]):
                break
            m = _KEY.match(lines[number])
            if m and m.group(1) == key:
                return number + 1
        return start + 1 if prefix else None
    return None


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("likert", "single", "multi", "text", "integer", "note", "unit"):
            continue  # the discriminator's name, not a field
        else:
            out += ("." if out else "") + str(part)
    return out


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error["type"]
    msg = error["msg"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        return f"unknown item type {error.get('input', {}).get('type')!r} (known: likert, single, multi, text, integer, note, unit)"
    if kind == "union_tag_not_found":
        return "item has no type (one of: likert, single, multi, text, integer, note, unit)"
    if kind == "string_pattern_mismatch":
        return f"{error.get('input')!r} is not a valid id or code ({msg.lower()})"
    if msg.startswith("Value error, "):
        return msg[len("Value error, "):]
    return msg[0].lower() + msg[1:] if msg else kind


# -- cross-checks a single field cannot see ----------------------------------------------------
def text_problems(data: Any, langs: list[str], path: str = "") -> list[tuple[str, str]]:
    """(path, message) for every text in the dumped `data` that lacks one of `langs`."""
    if isinstance(data, dict) and data and all(isinstance(v, str) for v in data.values()):
        missing = [lang for lang in langs if not data.get(lang, "").strip()]
        return [(path, f"text is missing the language(s): {', '.join(missing)}")] if missing else []
    problems: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, sub in data.items():
            problems += text_problems(sub, langs, f"{path}.{key}" if path else key)
    elif isinstance(data, list):
        for i, sub in enumerate(data):
            problems += text_problems(sub, langs, f"{path}[{i}]")
    return problems


def duplicate_problems(kind: str, entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(path, message) for every id of `entries` (path, id) seen before."""
    problems: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for path, ident in entries:
        if ident in seen:
            problems.append((path, f"duplicate {kind} id {ident!r} (first at {seen[ident]})"))
        else:
            seen[ident] = path
    return problems


def _cross_check(q: Questionnaire) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    langs = q.languages

    if len(set(langs)) != len(langs):
        problems.append(("questionnaire.languages", "a language is listed twice"))

    problems += text_problems(q.model_dump(exclude_defaults=False), langs)

    def unique(kind: str, entries: list[tuple[str, str]]) -> None:
        problems.extend(duplicate_problems(kind, entries))

    unique("dimension", [(f"dimensions[{i}].id", d.id) for i, d in enumerate(q.dimensions)])
    unique("scale", [(f"scales[{i}].id", s.id) for i, s in enumerate(q.scales)])
    unique("section", [(f"sections[{i}].id", s.id) for i, s in enumerate(q.sections)])
    unique(
        "item",
        [
            (f"sections[{si}].items[{ii}].id", item.id)
            for si, section in enumerate(q.sections)
            for ii, item in enumerate(section.items)
        ],
    )

    position: dict[str, int] = {}
    for index, item in enumerate(q.items):
        position.setdefault(item.id, index)
    unit_items = [item.id for item in q.items if item.type == "unit"]  # type: ignore[attr-defined]
    if len(unit_items) > 1:
        problems.append(("sections", f"only one unit item is allowed (found {', '.join(unit_items)})"))

    index = 0
    for si, section in enumerate(q.sections):
        for ii, item in enumerate(section.items):
            base = f"sections[{si}].items[{ii}]"
            if isinstance(item, LikertItem):
                if item.scale not in q.scale_by_id:
                    known = ", ".join(q.scale_by_id) or "none defined"
                    problems.append((f"{base}.scale", f"unknown scale {item.scale!r} (known: {known})"))
                if item.dimension is not None and item.dimension not in q.dimension_by_id:
                    known = ", ".join(q.dimension_by_id) or "none defined"
                    problems.append((f"{base}.dimension", f"unknown dimension {item.dimension!r} (known: {known})"))
            if isinstance(item, (SingleItem, MultiItem)):
                seen_codes: set[str] = set()
                for oi, option in enumerate(item.options):
                    if option.code in seen_codes:
                        problems.append((f"{base}.options[{oi}].code", f"duplicate option code {option.code!r}"))
                    seen_codes.add(option.code)
                    if option.exclusive and isinstance(item, SingleItem):
                        problems.append((f"{base}.options[{oi}].exclusive", "exclusive applies to multi items only"))
            for field in ("relevant", "constraint"):
                source = getattr(item, field)
                if source is None:
                    continue
                try:
                    node = parse_condition(source)
                except ConditionError as exc:
                    problems.append((f"{base}.{field}", f"bad condition: {exc}"))
                    continue
                for name in sorted(references(node)):
                    if name == SELF:
                        if field == "relevant":
                            problems.append((f"{base}.relevant", "'self' can only be used in a constraint"))
                        continue
                    if name not in position:
                        problems.append((f"{base}.{field}", f"condition names unknown item {name!r}"))
                    elif position[name] >= index and field == "relevant":
                        problems.append(
                            (f"{base}.relevant", f"condition names item {name!r}, which does not come before this item")
                        )
            index += 1

    scoring = q.scoring
    if scoring.method == "percent_favourable":
        likert_scales = {i.scale: q.scale_by_id[i.scale] for i in q.items if isinstance(i, LikertItem) and i.scale in q.scale_by_id}
        for scale in likert_scales.values():
            if not scale.lowest < scoring.favourable_min <= scale.highest:
                problems.append(
                    ("scoring.favourable_min", f"{scoring.favourable_min} is not inside scale {scale.id!r} ({scale.lowest}..{scale.highest})")
                )
    for i, name in enumerate(scoring.breakdowns):
        item = q.item_by_id.get(name)
        if item is None:
            problems.append((f"scoring.breakdowns[{i}]", f"unknown item {name!r}"))
        elif item.type not in ("single", "unit"):  # type: ignore[attr-defined]
            problems.append((f"scoring.breakdowns[{i}]", f"item {name!r} is a {item.type} item; breakdowns need single or unit items"))  # type: ignore[attr-defined]
    for i, name in enumerate(scoring.engagement_items):
        item = q.item_by_id.get(name)
        if item is None:
            problems.append((f"scoring.engagement_items[{i}]", f"unknown item {name!r}"))
        elif not isinstance(item, LikertItem):
            problems.append((f"scoring.engagement_items[{i}]", f"item {name!r} is not a likert item"))
    multi_refs = [("scoring.join_reason_item", scoring.join_reason_item)]
    if scoring.values:
        multi_refs += [(f"scoring.values.{k}", getattr(scoring.values, k)) for k in ("personal", "current", "desired")]
    for path, name in multi_refs:
        if name is None:
            continue
        item = q.item_by_id.get(name)
        if item is None:
            problems.append((path, f"unknown item {name!r}"))
        elif not isinstance(item, MultiItem):
            problems.append((path, f"item {name!r} is not a multi item"))
    return problems


# -- public entry points -----------------------------------------------------------------------
def parse_toml(text: str, file_name: str) -> dict[str, Any]:
    """TOML text as a dict; raises QuestionnaireError with the line and column of a syntax error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        if match:
            message += f" (column {match.group(2)})"
        raise QuestionnaireError([Problem(file_name, line, "", f"not valid TOML: {message}")]) from None
    except RecursionError:
        raise QuestionnaireError([Problem(file_name, None, "", "not valid TOML: nested too deeply")]) from None


def validation_problems(exc: ValidationError, text: str, file_name: str) -> list[Problem]:
    """A pydantic ValidationError as one Problem per error, each with its line in `text`."""
    problems = []
    for error in exc.errors(include_url=False):
        path = _format_loc(error["loc"])
        problems.append(Problem(file_name, locate(text, path), path, _pydantic_message(error)))
    return problems


def parse_questionnaire(text: str, file_name: str = "<questionnaire>") -> Questionnaire:
    """Parse and cross-check questionnaire TOML text; raises QuestionnaireError listing every problem."""
    data = parse_toml(text, file_name)
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireError(validation_problems(exc, text, file_name)) from None

    cross = _cross_check(questionnaire)
    if cross:
        raise QuestionnaireError([Problem(file_name, locate(text, path), path, msg) for path, msg in cross])
    return questionnaire


def read_toml_text(path: str | Path, what: str = "a questionnaire") -> str:
    """The UTF-8 text of a TOML file of at most MAX_FILE_BYTES; raises QuestionnaireError (one line) on any failure."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise QuestionnaireError([Problem(name, None, "", f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")])
        raw = read_at_most(path, MAX_FILE_BYTES)  # a device or pipe states no size
    except FileTooLarge:
        raise QuestionnaireError([Problem(name, None, "", f"file is larger than the limit of {MAX_FILE_BYTES} bytes")]) from None
    except FileNotFoundError:
        raise QuestionnaireError([Problem(name, None, "", "no such file")]) from None
    except IsADirectoryError:
        raise QuestionnaireError([Problem(name, None, "", f"is a directory, not {what} file")]) from None
    except PermissionError:
        raise QuestionnaireError([Problem(name, None, "", "permission denied")]) from None
    except OSError as exc:
        raise QuestionnaireError([Problem(name, None, "", f"cannot read: {exc.strerror or exc}")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise QuestionnaireError([Problem(name, line, "", "file is not UTF-8 text")]) from None


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read a questionnaire file; raises QuestionnaireError (one line per problem) on any failure."""
    return parse_questionnaire(read_toml_text(path), str(Path(path)))
