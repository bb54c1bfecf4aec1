"""The condition language of `relevant` and `constraint`: a parser and a safe evaluator (no eval)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Union

SELF = "self"


class ConditionError(ValueError):
    """A condition that does not parse; the message says where and what."""


# -- the syntax tree -------------------------------------------------------------------------
@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Call:
    func: str  # answered | count | length
    ref: Ref


@dataclass(frozen=True)
class Compare:
    left: Union[Ref, Call]
    op: str  # == != < <= > >= in has
    right: Any  # str | int | float | tuple


@dataclass(frozen=True)
class Answered:
    ref: Ref


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or
    operands: tuple[Node, ...]


Node = Union[Compare, Answered, Not, BoolOp]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>"[^"\\]*"|'[^'\\]*')
      | (?P<op>==|!=|<=|>=|<|>)
      | (?P<punct>[()\[\],])
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "has"}
_FUNCTIONS = {"answered", "count", "length"}


@dataclass(frozen=True)
class _Tok:
    kind: str
    value: Any
    pos: int


def _tokenize(source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(source):
        if source[pos:].strip() == "":
            break
        match = _TOKEN.match(source, pos)
        if not match or match.end() == pos:
            start = pos + (len(source[pos:]) - len(source[pos:].lstrip()))
            hint = " (use == to compare)" if source[start] == "=" else ""
            raise ConditionError(f"unexpected character {source[start]!r} at column {start + 1}{hint}")
        kind = match.lastgroup or ""
        text = match.group(kind)
        start = match.start(kind)
        if kind == "number":
            value: Any = float(text) if "." in text else int(text)
        elif kind == "string":
            value = text[1:-1]
        elif kind == "name" and text in _KEYWORDS:
            kind, value = "kw", text
        else:
            value = text
        tokens.append(_Tok(kind, value, start))
        pos = match.end()
    tokens.append(_Tok("end", None, len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.i = 0

    def peek(self) -> _Tok:
        return self.tokens[self.i]

    def take(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, what: str, tok: _Tok | None = None) -> ConditionError:
        tok = tok or self.peek()
        found = "the end" if tok.kind == "end" else repr(str(tok.value))
        return ConditionError(f"expected {what} at column {tok.pos + 1}, found {found}")

    def expect(self, kind: str, value: str | None = None) -> _Tok:
        tok = self.peek()
        if tok.kind != kind or (value is not None and tok.value != value):
            raise self.fail(repr(value) if value else kind)
        return self.take()

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise ConditionError("empty condition")
        node = self.or_expr()
        if self.peek().kind != "end":
            raise self.fail("'and', 'or' or the end")
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.peek().kind == "kw" and self.peek().value == "or":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while self.peek().kind == "kw" and self.peek().value == "and":
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def not_expr(self) -> Node:
        if self.peek().kind == "kw" and self.peek().value == "not":
            self.take()
            return Not(self.not_expr())
        return self.atom()

    def atom(self) -> Node:
        tok = self.peek()
        if tok.kind == "punct" and tok.value == "(":
            self.take()
            node = self.or_expr()
            self.expect("punct", ")")
            return node
        if tok.kind != "name":
            raise self.fail("an item id, a function or '('")
        self.take()
        if tok.value in _FUNCTIONS and self.peek().kind == "punct" and self.peek().value == "(":
            self.take()
            ref = Ref(self.expect("name").value)
            self.expect("punct", ")")
            if tok.value == "answered":
                return Answered(ref)
            left: Union[Ref, Call] = Call(tok.value, ref)
        else:
            left = Ref(tok.value)
        op_tok = self.peek()
        if op_tok.kind == "op":
            self.take()
            return Compare(left, op_tok.value, self.literal())
        if op_tok.kind == "kw" and op_tok.value == "in":
            self.take()
            return Compare(left, "in", self.literal_list())
        if op_tok.kind == "kw" and op_tok.value == "has":
            self.take()
            return Compare(left, "has", self.literal())
        raise self.fail("a comparison (==, !=, <, <=, >, >=, in, has)")

    def literal(self) -> Any:
        tok = self.peek()
        if tok.kind not in ("number", "string"):
            raise self.fail("a number or a quoted string")
        return self.take().value

    def literal_list(self) -> tuple[Any, ...]:
        self.expect("punct", "[")
        values = [self.literal()]
        while self.peek().kind == "punct" and self.peek().value == ",":
            self.take()
            values.append(self.literal())
        self.expect("punct", "]")
        return tuple(values)


def parse_condition(source: str) -> Node:
    """Parse a condition; raises ConditionError with a column on bad syntax."""
    return _Parser(source).parse()


def references(node: Node) -> set[str]:
    """Every name a condition refers to (item ids, and `self`)."""
    if isinstance(node, Compare):
        left = node.left
        return {left.ref.name if isinstance(left, Call) else left.name}
    if isinstance(node, Answered):
        return {node.ref.name}
    if isinstance(node, Not):
        return references(node.operand)
    return set().union(*(references(op) for op in node.operands))


_MISSING = object()


def _lookup(ref: Ref, answers: Mapping[str, Any], self_value: Any) -> Any:
    if ref.name == SELF:
        return _MISSING if self_value is None else self_value
    value = answers.get(ref.name)
    if value is None or value == [] or value == "":
        return _MISSING
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare(value: Any, op: str, right: Any) -> bool:
    if op == "has":
        return isinstance(value, list) and str(right) in [str(v) for v in value]
    if op == "in":
        return any(_compare(value, "==", r) for r in right)
    if isinstance(value, list):
        return False
    if op in ("==", "!="):
        if isinstance(right, str):
            equal = str(value) == right
        else:
            number = _number(value)
            equal = number is not None and number == right
        return equal if op == "==" else not equal
    a, b = _number(value), _number(right)
    if a is None or b is None:
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


Condition = Callable[[Mapping[str, Any], Any], bool]
"""A compiled condition: (answers, self_value) -> whether it holds."""


def compile_condition(node: Node) -> Condition:
    """A parsed condition as a function, so one parsed once is evaluated without walking the tree."""
    if isinstance(node, BoolOp):
        parts = tuple(compile_condition(op) for op in node.operands)
        if node.op == "and":
            return lambda answers, self_value: all(part(answers, self_value) for part in parts)
        return lambda answers, self_value: any(part(answers, self_value) for part in parts)
    if isinstance(node, Not):
        operand = compile_condition(node.operand)
        return lambda answers, self_value: not operand(answers, self_value)
    if isinstance(node, Answered):
        ref = node.ref
        return lambda answers, self_value: _lookup(ref, answers, self_value) is not _MISSING
    left, op, right = node.left, node.op, node.right
    if isinstance(left, Call):
        ref, unanswered = left.ref, ([] if left.func == "count" else "")

        def call(answers: Mapping[str, Any], self_value: Any) -> bool:
            value = _lookup(ref, answers, self_value)
            if value is _MISSING:
                value = unanswered
            return _compare(len(value) if isinstance(value, (list, str)) else 0, op, right)

        return call

    def compare(answers: Mapping[str, Any], self_value: Any) -> bool:
        value = _lookup(left, answers, self_value)
        return value is not _MISSING and _compare(value, op, right)

    return compare


def evaluate(node: Node, answers: Mapping[str, Any], self_value: Any = None) -> bool:
    """Evaluate a parsed condition. A comparison with an unanswered item is false."""
    return compile_condition(node)(answers, self_value)
