"""Reading an incoming response record: fast JSON decoding checked against the Response shape, without models.

The merge reads a million records; building pydantic models for each costs more than the rest of the
checks together. `parse_response` accepts exactly what `Response.model_validate_json` accepts (the
field table is read from the Response model itself, so the two cannot drift apart), refuses NaN and
Infinity and keys given twice as well, and returns plain dicts with every optional field filled in.
`read_incoming`, the merge's way, checks the same and returns only what the merge needs: the fields,
the answers as an item -> value map, and how many answers there are (the events are checked, not read).

Laptops write canonical JSON (sorted keys, no spaces). Such bytes get the quick look: msgspec decodes
them with a typed decoder made from the same field table (limits, patterns and unknown fields
checked in C), and the result must encode back to the very same bytes. Anything else (other key
orders, escapes, floats or nested values, and every invalid record) gets the close look: the
field-by-field check in Python, which names the first problem and its place as pydantic would.
"""

from __future__ import annotations

import json
import math
import re
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import attrgetter, is_
from typing import Annotated, Any, Literal, Optional, Union, get_args, get_origin

import msgspec
from annotated_types import MaxLen
from pydantic import BaseModel
from pydantic_core import PydanticUndefined, from_json

from akhlak_tui.merge.rows import answer_values
from akhlak_tui.response import Response

NON_FINITE = "holds NaN or Infinity, which JSON does not allow"
_SCALARS = frozenset({str, int, bool, type(None)})


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
    return _Shape(table, frozenset(f.name for f in table))


# -- the quick look: a typed decoder made from the same table ---------------------------------
def _struct_of(name: str, shape: _Shape) -> type[msgspec.Struct]:
    """A msgspec Struct with the fields and checks of `shape` (unknown fields refused).

    It may refuse more than the model (values of `Any` fields are limited to what the app
    writes: no floats, objects or nesting), never less: what it refuses gets the close look.
    """
    fields: list[tuple[Any, ...]] = []
    for f in sorted(shape.fields, key=lambda f: f.name):  # in canonical order, so it encodes as it came
        kind: Any
        if f.kind in ("str", "optional"):
            limits = {"max_length": f.max_length} if f.max_length is not None else {}
            if f.matches is not None:
                limits["pattern"] = f.matches.__self__.pattern  # type: ignore[attr-defined]
            kind = Annotated[str, msgspec.Meta(**limits)] if limits else str
            kind = Optional[kind] if f.kind == "optional" else kind
        elif f.kind == "literal":
            kind = Literal.__getitem__(tuple(sorted(f.choices)))
        elif f.kind == "list":
            assert f.shape is not None
            kind = list[_struct_of(f.name, f.shape)]  # type: ignore[misc]
        else:  # answers and event values as the app writes them; anything else gets the close look
            kind = Union[None, bool, int, str, list[str]]
        if f.default is PydanticUndefined:
            fields.append((f.name, kind))
        else:
            default = msgspec.field(default_factory=list) if isinstance(f.default, list) else f.default
            fields.append((f.name, kind, default))
    # gc=False: values are strings, numbers and lists of strings, never a cycle; untracked is faster
    return msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True, gc=False)


_RESPONSE = _shape_of(Response)
_DECODE = msgspec.json.Decoder(_struct_of("Response", _RESPONSE)).decode
_CANONICAL = msgspec.json.Encoder().encode
"""Canonical JSON as Response.canonical_json writes it (sorted keys, no spaces, UTF-8 as is): the
structs' fields are in that order, and values hold no objects."""
_TOP_FIELDS = tuple(f.name for f in _RESPONSE.fields if f.kind != "list")
_TOP_VALUES = attrgetter(*_TOP_FIELDS)


@dataclass(frozen=True)
class IncomingResponse:
    """What the merge reads of a response record; the events are checked but not read (paradata: most of the bytes)."""

    fields: dict[str, Any]
    """Every field but `answers` and `events`, optional ones filled in."""
    values: dict[str, Any]
    """Item id -> answer value (the last one where an item is answered twice)."""
    answer_count: int
    """How many answers the record lists (more than `values` holds if an item is answered twice)."""
    events: Any = field(default=(), compare=False)
    """The events as decoded (objects with `kind`, `item_id`, `at`, or dicts): the paradata summary is made of them."""


def _decode_canonical(plain: bytes) -> msgspec.Struct | None:
    """The response in canonical bytes that decode to a valid response; None for anything else.

    The bytes must be exactly the canonical JSON of what was decoded: so no key appears twice, no
    number is out of range, and the merged document is the very JSON that was checked.
    """
    try:
        response = _DECODE(plain)
    except (msgspec.MsgspecError, UnicodeDecodeError):
        return None
    return response if _CANONICAL(response) == plain else None


# -- the entry points ------------------------------------------------------------------------
def parse_response(plain: bytes) -> dict[str, Any]:
    """The response document (plain JSON types) in `plain`, checked against the shape of akhlak_tui.response.Response; InvalidResponse if not."""
    response = _decode_canonical(plain)
    if response is not None:
        return msgspec.to_builtins(response)  # type: ignore[no-any-return]
    return _close_look(plain)


def read_incoming(plain: bytes) -> IncomingResponse:
    """What the merge needs of the response in `plain`, checked exactly as `parse_response` checks it; InvalidResponse if not."""
    response = _decode_canonical(plain)
    if response is not None:
        answers = response.answers  # type: ignore[attr-defined]
        return IncomingResponse(
            dict(zip(_TOP_FIELDS, _TOP_VALUES(response))), {a.item_id: a.value for a in answers}, len(answers), response.events  # type: ignore[attr-defined]
        )
    document = _close_look(plain)
    values, count, events = answer_values(document), len(document["answers"]), document["events"]
    del document["answers"], document["events"]
    return IncomingResponse(document, values, count, events)


def _close_look(plain: bytes) -> dict[str, Any]:
    """parse_response for any layout, with pydantic's first error and its place as the reason."""
    try:
        document = from_json(plain, allow_inf_nan=False)
    except ValueError:
        try:  # invalid JSON, or NaN and Infinity in JSON otherwise valid
            with_constants = from_json(plain, allow_inf_nan=True)
        except ValueError as exc:
            raise InvalidResponse(f"not a valid response: Invalid JSON: {exc}", None) from None
        raise InvalidResponse(NON_FINITE, _id_of(with_constants)) from None
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
