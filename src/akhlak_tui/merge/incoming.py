"""Reading an incoming response record: fast JSON parsing, then a check of the Response shape without models.

The merge reads a million records; building pydantic models for each costs more than the rest of the
checks together. `parse_response` accepts exactly what `Response.model_validate_json` accepts (the
field table is read from the Response model itself, so the two cannot drift apart), refuses NaN and
Infinity as well, and returns plain dicts with every optional field filled in.

Laptops write canonical JSON (sorted keys, no spaces). For such bytes one regular expression, built
from the same field table, checks the whole layout at C speed; anything else (other key orders,
escapes in strings, floats or objects in answers) gets the field-by-field check in Python.
"""

from __future__ import annotations

import json
import math
import re
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain, compress, repeat
from operator import is_, itemgetter
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import MaxLen
from pydantic import BaseModel
from pydantic_core import PydanticUndefined, from_json

from akhlak_tui.response import Response

NON_FINITE = "holds NaN or Infinity, which JSON does not allow"
_SCALARS = frozenset({str, int, bool, type(None)})
_STR_OR_NONE = frozenset({str, type(None)})


class InvalidResponse(Exception):
    """A record's JSON is not a valid response; `reason` is one line, `response_id` its id when it could be read (a str of <= 64 chars) else None."""

    def __init__(self, reason: str, response_id: str | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.response_id = response_id


class _Refused(Exception):
    """A shape problem at a place in the document (turned into InvalidResponse at the top)."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        self.loc = loc
        self.message = message


ValueCheck = Callable[[Any, tuple], None]
"""Checks one field's value at a place; raises _Refused."""


@dataclass(frozen=True)
class _Field:
    name: str
    check: ValueCheck
    default: Any  # PydanticUndefined: required; a list default is copied
    kind: str  # str | optional | literal | list | any
    max_length: int | None = None
    matches: Callable[[str], Any] | None = None  # the pattern's test: truthy if `value` matches
    choices: frozenset[str] = frozenset()
    shape: _Shape | None = None  # of a list's objects


@dataclass(frozen=True)
class _Shape:
    """The checks of one model's fields, as read from the model."""

    fields: tuple[_Field, ...]
    names: frozenset[str]
    quick: Callable[[list], bool]
    patterns: tuple[tuple[str, Callable[[str], Any]], ...]  # (name, test) of the fields with a pattern


# -- checks of one value ---------------------------------------------------------------------
def _pattern_test(pattern: str) -> Callable[[str], Any]:
    """Pydantic's test of a pattern: Rust's regex, searching, where a final `$` is the very end of the text
    (Python's `$` also matches before a final newline, `\\Z` does not)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + "\\Z"
    return re.compile(pattern).search


def _str_check(max_length: int | None, pattern: str | None, matches: Callable[[str], Any] | None, nullable: bool) -> ValueCheck:
    def check(value: Any, loc: tuple) -> None:
        if value is None and nullable:
            return
        if type(value) is not str:
            raise _Refused(loc, "Input should be a valid string")
        if max_length is not None and len(value) > max_length:
            raise _Refused(loc, f"String should have at most {max_length} characters")
        if matches is not None and not matches(value):
            raise _Refused(loc, f"String should match pattern '{pattern}'")

    return check


def _literal_check(choices: tuple[str, ...]) -> ValueCheck:
    allowed = frozenset(choices)
    quoted = [f"'{c}'" for c in choices]
    message = "Input should be " + (", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0])

    def check(value: Any, loc: tuple) -> None:
        if type(value) is not str or value not in allowed:
            raise _Refused(loc, message)

    return check


def _of_type(values: tuple[Any, ...], kind: type) -> Iterator[Any]:
    """The values of exactly this type (built-in functions only: called on every answer and event)."""
    return compress(values, map(is_, map(type, values), repeat(kind)))


def all_finite(values: tuple[Any, ...]) -> bool:
    """Whether no number in `values` (or nested in their lists and objects) is NaN or infinite."""
    kinds = set(map(type, values))
    if kinds <= _SCALARS:
        return True
    if float in kinds and not all(map(math.isfinite, _of_type(values, float))):
        return False
    if list in kinds and not all_finite(tuple(chain.from_iterable(_of_type(values, list)))):
        return False
    return dict not in kinds or all_finite(tuple(chain.from_iterable(map(dict.values, _of_type(values, dict)))))


def _any_check(value: Any, loc: tuple) -> None:
    if not all_finite((value,)):
        raise _Refused(loc, NON_FINITE)


def _list_check(shape: _Shape) -> ValueCheck:
    def check(value: Any, loc: tuple) -> None:
        if type(value) is not list:
            raise _Refused(loc, "Input should be a valid array")
        if value and not shape.quick(value):
            for index, item in enumerate(value):
                _check_object(item, shape, (*loc, index))

    return check


def _check_object(value: Any, shape: _Shape, loc: tuple) -> None:
    """The close look at one object: unknown keys, then every field in order (as pydantic reads JSON); fills in defaults."""
    if type(value) is not dict:
        raise _Refused(loc, "Input should be an object")
    if not value.keys() <= shape.names:
        extra = next(key for key in value if key not in shape.names)
        raise _Refused((*loc, extra), "Extra inputs are not permitted")
    for f in shape.fields:
        if f.name in value:
            f.check(value[f.name], (*loc, f.name))
        elif f.default is PydanticUndefined:
            raise _Refused((*loc, f.name), "Field required")
        else:
            value[f.name] = list(f.default) if isinstance(f.default, list) else f.default


# -- the quick look at a list of objects -----------------------------------------------------
def _quick_check(fields: tuple[_Field, ...]) -> Callable[[list], bool]:
    """Whether every object of a list has exactly the fields, all good (False: look at each closely).

    The values are checked column by column with built-in functions, not one object at a time.
    """
    if any(f.kind == "list" for f in fields):
        return lambda items: False  # lists of lists of objects: always the close look
    getter = itemgetter(*(f.name for f in fields))
    width = {len(fields)}

    def indices(wanted: Callable[[_Field], bool]) -> list[int]:
        return [i for i, f in enumerate(fields) if wanted(f)]

    required = indices(lambda f: f.kind in ("str", "literal"))
    optional = indices(lambda f: f.kind == "optional")
    anything = indices(lambda f: f.kind == "any")
    limited = [(i, f.max_length) for i, f in enumerate(fields) if f.max_length is not None]
    shortest = min((n for _, n in limited), default=None)
    patterns = [(i, f.matches) for i, f in enumerate(fields) if f.matches is not None]
    literals = [(i, f.choices) for i, f in enumerate(fields) if f.kind == "literal"]

    def quick(items: list) -> bool:
        try:  # a list, string or number among the objects fails here too (TypeError)
            if set(map(len, items)) != width:
                return False
            columns = tuple(zip(*map(getter, items)))
        except (KeyError, TypeError):
            return False
        if not set(map(type, chain.from_iterable(columns[i] for i in (*required, *optional)))) <= _STR_OR_NONE:
            return False
        if not all(all(columns[i]) for i in required):  # no None (nor "", which the close look accepts)
            return False
        if shortest is not None and max(map(len, filter(None, chain.from_iterable(columns[i] for i, _ in limited))), default=0) > shortest:
            if any(max(map(len, filter(None, columns[i])), default=0) > n for i, n in limited):
                return False
        if not all(all(matches(v) for v in columns[i] if v is not None) for i, matches in patterns):
            return False
        if not all(set(columns[i]) <= choices for i, choices in literals):
            return False
        return all_finite(sum((columns[i] for i in anything), ()))

    return quick


# -- the quick look at canonical bytes ------------------------------------------------------
_CHARACTER = rb'[^"\\\x00-\x1f]'
"""A character of a JSON string that needs no escape (control characters must be escaped in JSON)."""
_STRING = rb'"' + _CHARACTER + rb'*+"'
"""A JSON string without escapes (possessive: no backtracking)."""
_INTEGER = rb"-?(?:0|[1-9][0-9]*+)"
_ANY = rb"(?:null|true|false|" + _INTEGER + rb"|" + _STRING + rb"|\[(?:" + _STRING + rb"(?:," + _STRING + rb")*+)?\])"
"""What the quick look accepts for an `Any` field: no floats (so no infinity), no objects, lists of strings."""


def _canonical_value(f: _Field) -> bytes:
    if f.kind in ("str", "optional"):
        # A limit on bytes: a string of more bytes than characters gets the close look instead.
        text = _STRING if f.max_length is None else rb'"' + _CHARACTER + rb'{0,%d}+"' % f.max_length
        return rb"(?:null|" + text + rb")" if f.kind == "optional" else text
    if f.kind == "literal":
        return rb'"(?:' + b"|".join(re.escape(c.encode()) for c in sorted(f.choices)) + rb')"'
    if f.kind == "any":
        return _ANY
    assert f.shape is not None and not f.shape.patterns, "patterns are only checked on the response itself"
    item = _canonical_object(f.shape.fields)
    return rb"\[(?:" + item + rb"(?:," + item + rb")*+)?\]"


def _canonical_object(fields: tuple[_Field, ...], captured: frozenset[str] = frozenset()) -> bytes:
    """The canonical JSON of an object with exactly these fields, as a regular expression.

    The values of the `captured` fields are named groups.
    """
    members = []
    for f in sorted(fields, key=lambda f: f.name):
        value = _canonical_value(f)
        if f.name in captured:
            value = b"(?P<" + f.name.encode() + b">" + value + b")"
        members.append(re.escape(json.dumps(f.name).encode()) + b":" + value)
    return rb"\{" + b",".join(members) + rb"\}"


# -- the table, read from the models ---------------------------------------------------------
def _shape_of(model: type[BaseModel]) -> _Shape:
    fields = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        nullable = get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)
        if nullable:
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        max_length = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
        pattern = next((m.pattern for m in info.metadata if getattr(m, "pattern", None)), None)
        default = info.default_factory() if info.default_factory is not None else info.default
        if annotation is str:
            matches = _pattern_test(pattern) if pattern else None
            check = _str_check(max_length, pattern, matches, nullable)
            fields.append(_Field(name, check, default, "optional" if nullable else "str", max_length, matches))
        elif get_origin(annotation) is Literal and not nullable:
            choices = get_args(annotation)
            fields.append(_Field(name, _literal_check(choices), default, "literal", choices=frozenset(choices)))
        elif get_origin(annotation) is list and not nullable:
            shape = _shape_of(get_args(annotation)[0])
            fields.append(_Field(name, _list_check(shape), default, "list", shape=shape))
        elif annotation is Any:
            fields.append(_Field(name, _any_check, default, "any"))
        else:
            raise TypeError(f"{model.__name__}.{name}: no check for {info.annotation}")
    table = tuple(fields)
    patterns = tuple((f.name, f.matches) for f in table if f.matches is not None)
    return _Shape(table, frozenset(f.name for f in table), _quick_check(table), patterns)


_RESPONSE = _shape_of(Response)
_CANONICAL_RESPONSE = re.compile(_canonical_object(_RESPONSE.fields)).fullmatch
_SKIPPED = "events"
"""The list that `parse_response(..., events=False)` checks but does not read (paradata: most of the bytes)."""
_TEXT_FIELDS = tuple(f.name for f in _RESPONSE.fields if f.kind in ("str", "optional", "literal"))
_READ_FIELDS = tuple(f.name for f in _RESPONSE.fields if f.kind not in ("str", "optional", "literal") and f.name != _SKIPPED)
_CANONICAL_RESPONSE_GROUPS = re.compile(_canonical_object(_RESPONSE.fields, frozenset(_TEXT_FIELDS + _READ_FIELDS))).fullmatch


# -- the entry point -------------------------------------------------------------------------
def parse_response(plain: bytes, *, events: bool = True) -> dict[str, Any]:
    """The response document (plain JSON types) in `plain`, checked against the shape of akhlak_tui.response.Response; InvalidResponse if not.

    With `events=False` the events are checked all the same but not read: the document has no
    "events" key (the merge stores the paradata as it came and never looks inside).
    """
    if not events:
        document = _read_canonical(plain)
        if document is not None:
            return document
        document = parse_response(plain)
        del document[_SKIPPED]
        return document
    try:
        document = from_json(plain, allow_inf_nan=False, cache_strings="keys")  # values are mostly unique times
    except ValueError:
        try:  # invalid JSON, or NaN and Infinity in JSON otherwise valid
            with_constants = from_json(plain, allow_inf_nan=True)
        except ValueError as exc:
            raise InvalidResponse(f"not a valid response: Invalid JSON: {exc}", None) from None
        raise InvalidResponse(NON_FINITE, _id_of(with_constants)) from None
    if _CANONICAL_RESPONSE(plain) is not None and all(
        document[name] is None or matches(document[name]) for name, matches in _RESPONSE.patterns
    ):
        return document
    # The close look; the quick look's layout cannot hold a key twice, any other layout is read again for that.
    twice = _key_twice(plain)
    if twice is not None:
        raise InvalidResponse(f"not a valid response: an object holds the key {twice!r} twice", _id_of(document))
    try:
        _check_object(document, _RESPONSE, ())
    except _Refused as exc:
        if exc.message == NON_FINITE:
            raise InvalidResponse(NON_FINITE, _id_of(document)) from None
        where = ".".join(str(part) for part in exc.loc)
        raise InvalidResponse(f"not a valid response: {where}: {exc.message}" if where else f"not a valid response: {exc.message}", _id_of(document)) from None
    return document


def _read_canonical(plain: bytes) -> dict[str, Any] | None:
    """The document without its events, read straight from canonical bytes; None if they are not canonical.

    The text fields hold no escapes (the layout allows none), so their values are the bytes between the quotes.
    """
    found = _CANONICAL_RESPONSE_GROUPS(plain)
    if found is None or not (plain.isascii() or _is_utf8(plain)):
        return None
    groups = found.groupdict()
    document: dict[str, Any] = {name: None if (raw := groups[name]) == b"null" else raw[1:-1].decode() for name in _TEXT_FIELDS}
    for name in _READ_FIELDS:
        document[name] = from_json(groups[name])
    if not all(document[name] is None or matches(document[name]) for name, matches in _RESPONSE.patterns):
        return None
    return document


def _is_utf8(plain: bytes) -> bool:
    try:
        plain.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _KeyTwice(Exception):
    pass


def _refuse_keys_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    made = dict(pairs)
    if len(made) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _KeyTwice(key)
            seen.add(key)
    return made


def _key_twice(plain: bytes) -> str | None:
    """A key that some object of `plain` (valid JSON) holds twice, or None (the JSON reader keeps the last one)."""
    try:
        json.loads(plain, object_pairs_hook=_refuse_keys_twice)
    except _KeyTwice as exc:
        return str(exc.args[0])
    except (ValueError, RecursionError):  # read by pydantic's reader already; this one only looks for keys
        return None
    return None


def _id_of(document: Any) -> str | None:
    value = document.get("id") if type(document) is dict else None
    return value if type(value) is str and len(value) <= 64 else None
