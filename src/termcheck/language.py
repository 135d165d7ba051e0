"""The property language: parse, type-check and evaluate expressions over the vocabulary.

A property's ``assume`` and ``assert`` are strings in a small Python-like language::

    ground in penalty_grounds and termination_month < month_of(minimum_term_end)
    a.notice_timely implies b.notice_timely

From lowest to highest precedence: ``implies`` (right-associative), ``or``, ``and``,
``not``, comparisons (chained as in Python) and ``in``/``not in``, ``+ -``,
``* // %``, unary ``-``, then literals, names, calls and parentheses.

The text is never handed to Python's ``eval`` or ``ast``: a tokenizer and a
recursive-descent parser accept exactly this grammar, so a property cannot do anything
but compute. :func:`check` gives every node a :class:`~termcheck.vocabulary.Type` (yen
and counts never mix) and :func:`eval_concrete` and :func:`eval_symbolic` compute the
same value in Python and in Z3.
"""

from __future__ import annotations

import dataclasses
import difflib
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum
from typing import Any, Final, TypeAlias

import z3

from termcheck import calendar, symcal
from termcheck.calendar import Month
from termcheck.encoding import enum_code
from termcheck.errors import InputError, Position
from termcheck.vocabulary import ENUM_TYPES, Type

# --- Syntax tree ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class Expr:
    """A node of a property expression.

    `offset` is where errors about the node point, as an index into the parsed text: the
    operator of a binary node or comparison, the function name of a call, the first
    character of anything else. `row` and `col` are the same place as a line and a column
    within the text (both from 0), so that :func:`check` can report a file position
    without the text. `type` is filled in by :func:`check`.
    """

    offset: int
    row: int = dataclasses.field(compare=False, repr=False)
    col: int = dataclasses.field(compare=False, repr=False)
    type: Type | None = dataclasses.field(default=None, init=False, compare=False, repr=False)

    def children(self) -> tuple[Expr, ...]:
        return ()


@dataclasses.dataclass(frozen=True)
class IntLit(Expr):
    """An integer literal; it is an int or yen as its context requires."""

    value: int


@dataclasses.dataclass(frozen=True)
class BoolLit(Expr):
    value: bool


@dataclasses.dataclass(frozen=True)
class StrLit(Expr):
    """A string literal: an enumeration value, or the argument of ``date``/``month``.

    Its type after checking is the enumeration it belongs to (or DATE/MONTH for the
    argument of ``date``/``month``).
    """

    value: str


@dataclasses.dataclass(frozen=True)
class Name(Expr):
    """A vocabulary name, possibly qualified by a scenario: ``a.notice_timely``."""

    name: str


@dataclasses.dataclass(frozen=True)
class SetLit(Expr):
    """A set of enumeration values; only allowed right of ``in``.

    Its type after checking is GROUND_SET for grounds and, as the language has no other
    set type, the element's enumeration type otherwise.
    """

    items: tuple[StrLit, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.items


@dataclasses.dataclass(frozen=True)
class Negate(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclasses.dataclass(frozen=True)
class Not(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclasses.dataclass(frozen=True)
class Arith(Expr):
    """``left op right`` for op in ``+ - * // %``."""

    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclasses.dataclass(frozen=True)
class Logic(Expr):
    """``left op right`` for op in ``and or implies``."""

    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclasses.dataclass(frozen=True)
class Compare(Expr):
    """One comparison; a chain ``a < b < c`` parses as ``a < b and b < c``."""

    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclasses.dataclass(frozen=True)
class Membership(Expr):
    """``element in collection`` (``not in`` when `negated`)."""

    element: Expr
    collection: Expr
    negated: bool

    def children(self) -> tuple[Expr, ...]:
        return (self.element, self.collection)


@dataclasses.dataclass(frozen=True)
class Call(Expr):
    function: str
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


def names_used(expr: Expr) -> frozenset[str]:
    """Every vocabulary name the expression mentions (function names excluded)."""
    found: set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            found.add(node.name)
        stack.extend(node.children())
    return frozenset(found)


# --- Positions ----------------------------------------------------------------------------


def _position(origin: Position, row: int, col: int) -> Position:
    """The file position of (row, col) in a text that starts at `origin`."""
    line = None if origin.line is None else origin.line + row
    if row > 0:
        column: int | None = col + 1
    else:
        column = None if origin.column is None else origin.column + col
    return Position(origin.path, line, column)


# --- Tokens -------------------------------------------------------------------------------

KEYWORDS: Final = frozenset({"and", "or", "not", "in", "implies", "true", "false"})
_COMPARISONS: Final = ("==", "!=", "<", "<=", ">", ">=")

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<int>[0-9][0-9_]*)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<str>"[^"\n]*")
    | (?P<op>==|!=|<=|>=|//|[<>+\-*%(){},])
    """,
    re.VERBOSE | re.ASCII,
)
_INTEGER = re.compile(r"0|[1-9][0-9]*(?:_[0-9]+)*", re.ASCII)

# What people write from other languages, and what to write here instead. Two-character
# spellings are looked at before the operators so that `=>` is not read as `=` then `>`.
_FOREIGN_PAIRS: Final = {
    "=>": "write `implies`",
    "->": "write `implies`",
    "&&": "write `and`",
    "||": "write `or`",
    "**": "there is no power operator; multiply instead",
}
_FOREIGN_CHARS: Final = {
    "=": "write `==` to compare",
    "!": "write `not`",
    "&": "write `and`",
    "|": "write `or`",
    "/": "write `//` to divide (by a positive integer literal)",
    "'": 'write strings in double quotes: "customer"',
    "[": 'write a set in braces: {"customer", "immediate"}',
    "]": 'write a set in braces: {"customer", "immediate"}',
}


@dataclasses.dataclass(frozen=True)
class _Token:
    kind: str  # int, str, name, keyword, op or end
    text: str
    offset: int

    def describe(self) -> str:
        return "the end of the expression" if self.kind == "end" else f"`{self.text}`"


def _tokenize(text: str, fail: Callable[[str, int], InputError]) -> list[_Token]:
    tokens: list[_Token] = []
    offset = 0
    while offset < len(text):
        pair = text[offset : offset + 2]
        if pair in _FOREIGN_PAIRS:
            raise fail(f"unexpected `{pair}`: {_FOREIGN_PAIRS[pair]}", offset)
        match = _TOKEN.match(text, offset)
        if match is None:
            raise fail(_bad_character(text, offset), offset)
        kind = match.lastgroup or ""
        word = match.group()
        if kind == "int":
            _check_integer(text, match, fail)
        elif kind == "name" and word in KEYWORDS:
            kind = "keyword"
        if kind != "space":
            tokens.append(_Token(kind, word, offset))
        offset = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _check_integer(text: str, match: re.Match[str], fail: Callable[[str, int], InputError]) -> None:
    word = match.group()
    end = match.end()
    if end < len(text) and text[end] == "." and text[end + 1 : end + 2].isdigit():
        raise fail(f"no fractions: `{word}.` starts a decimal; amounts are whole yen", end)
    if end < len(text) and (text[end].isalnum() or text[end] in "_."):
        raise fail(f"malformed number `{word}{text[end]}`: write digits only, as 1_000_000", end)
    if not _INTEGER.fullmatch(word):
        raise fail(
            f"malformed number `{word}`: no leading zeros, `_` only between digits "
            "(write 1_000_000)",
            match.start(),
        )


def _bad_character(text: str, offset: int) -> str:
    char = text[offset]
    if char == '"':
        return 'unterminated string: close it with `"` on the same line'
    if char in _FOREIGN_CHARS:
        return f"unexpected `{char}`: {_FOREIGN_CHARS[char]}"
    # Japanese input methods produce full-width forms of ASCII operators and digits.
    ascii_form = unicodedata.normalize("NFKC", char)
    if ascii_form != char and ascii_form.isascii():
        return f"unexpected full-width `{char}`: write the ASCII `{ascii_form}`"
    return f"unexpected character `{char}`"


# --- Parser -------------------------------------------------------------------------------


def parse(text: str, origin: Position, field: str) -> Expr:
    """Parse a property expression; `origin` is the file position of ``text[0]``.

    Raises :class:`InputError` at the offending character on any syntax error.
    """
    return _Parser(text, origin, field).parse()


class _Parser:
    def __init__(self, text: str, origin: Position, field: str) -> None:
        self.text = text
        self.origin = origin
        self.field = field
        self.tokens = _tokenize(text, self.error)
        self.index = 0

    # Helpers.

    def error(self, message: str, offset: int) -> InputError:
        row, col = self.locate(offset)
        return InputError(message, _position(self.origin, row, col), self.field)

    def locate(self, offset: int) -> tuple[int, int]:
        row = self.text.count("\n", 0, offset)
        col = offset - (self.text.rfind("\n", 0, offset) + 1)
        return row, col

    def at(self, offset: int) -> dict[str, int]:
        """The location fields of a node that errors should report at `offset`."""
        row, col = self.locate(offset)
        return {"offset": offset, "row": row, "col": col}

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def peek(self, ahead: int = 1) -> _Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        token = self.token
        self.index += 1
        return token

    def looking_at(self, *texts: str) -> bool:
        return self.token.kind in ("op", "keyword") and self.token.text in texts

    def expect(self, text: str, context: str) -> _Token:
        if not self.looking_at(text):
            raise self.error(
                f"expected `{text}` {context}, found {self.token.describe()}", self.token.offset
            )
        return self.advance()

    # Grammar, lowest precedence first.

    def parse(self) -> Expr:
        if self.token.kind == "end":
            raise self.error("empty expression: write a condition such as `penalty >= 0`", 0)
        expr = self.implies()
        if self.token.kind != "end":
            raise self.error(
                f"unexpected {self.token.describe()} after a complete expression: "
                "join conditions with `and`, `or` or `implies`",
                self.token.offset,
            )
        return expr

    def implies(self) -> Expr:
        left = self.or_()
        if not self.looking_at("implies"):
            return left
        token = self.advance()
        # Right-associative: a implies b implies c is a implies (b implies c).
        return Logic("implies", left, self.implies(), **self.at(token.offset))

    def or_(self) -> Expr:
        left = self.and_()
        while self.looking_at("or"):
            token = self.advance()
            left = Logic("or", left, self.and_(), **self.at(token.offset))
        return left

    def and_(self) -> Expr:
        left = self.not_()
        while self.looking_at("and"):
            token = self.advance()
            left = Logic("and", left, self.not_(), **self.at(token.offset))
        return left

    def not_(self) -> Expr:
        if self.looking_at("not"):
            token = self.advance()
            return Not(self.not_(), **self.at(token.offset))
        return self.comparison()

    def comparison(self) -> Expr:
        first = self.sum()
        if self.looking_at("in") or (self.looking_at("not") and self.peek().text == "in"):
            membership = self.membership(first)
            self.refuse_chain("`in`")
            return membership
        result: Expr = first
        left = first
        chained = False
        while self.looking_at(*_COMPARISONS):
            token = self.advance()
            right = self.sum()
            link = Compare(token.text, left, right, **self.at(token.offset))
            # Python's chain: a < b < c means a < b and b < c (b is shared, not recomputed).
            result = Logic("and", result, link, **self.at(token.offset)) if chained else link
            chained = True
            left = right
        if chained:
            self.refuse_chain("a comparison")
        return result

    def refuse_chain(self, what: str) -> None:
        if self.looking_at("in", "not", *_COMPARISONS):
            raise self.error(
                f"{self.token.describe()} cannot follow {what}: join the two tests with `and`",
                self.token.offset,
            )

    def membership(self, element: Expr) -> Expr:
        token = self.advance()
        negated = token.text == "not"
        if negated:
            self.advance()
        collection = self.set_literal() if self.looking_at("{") else self.sum()
        return Membership(element, collection, negated, **self.at(token.offset))

    def set_literal(self) -> SetLit:
        brace = self.advance()
        items: list[StrLit] = []
        while not self.looking_at("}"):
            if self.token.kind != "str":
                raise self.error(
                    f'expected an enumeration value in double quotes such as "customer", '
                    f"found {self.token.describe()}",
                    self.token.offset,
                )
            token = self.advance()
            items.append(StrLit(token.text[1:-1], **self.at(token.offset)))
            if not self.looking_at("}"):
                self.expect(",", "between the values of a set")
        self.advance()
        if not items:
            raise self.error(
                "an empty set contains nothing: write `false` (or `true` for `not in`)",
                brace.offset,
            )
        return SetLit(tuple(items), **self.at(brace.offset))

    def sum(self) -> Expr:
        left = self.term()
        while self.looking_at("+", "-"):
            token = self.advance()
            left = Arith(token.text, left, self.term(), **self.at(token.offset))
        return left

    def term(self) -> Expr:
        left = self.unary()
        while self.looking_at("*", "//", "%"):
            token = self.advance()
            left = Arith(token.text, left, self.unary(), **self.at(token.offset))
        return left

    def unary(self) -> Expr:
        if self.looking_at("-"):
            token = self.advance()
            return Negate(self.unary(), **self.at(token.offset))
        return self.atom()

    def atom(self) -> Expr:
        token = self.token
        if token.kind == "int":
            self.advance()
            return IntLit(int(token.text.replace("_", "")), **self.at(token.offset))
        if token.kind == "str":
            self.advance()
            return StrLit(token.text[1:-1], **self.at(token.offset))
        if token.kind == "keyword" and token.text in ("true", "false"):
            self.advance()
            return BoolLit(token.text == "true", **self.at(token.offset))
        callable_ = token.kind == "name" or (token.kind == "keyword" and token.text == "implies")
        if callable_ and self.peek().text == "(":
            return self.call()
        if token.kind == "name":
            self.advance()
            return Name(token.text, **self.at(token.offset))
        if self.looking_at("("):
            self.advance()
            inner = self.implies()
            opened = _position(self.origin, *self.locate(token.offset))
            self.expect(")", f"to close the `(` at {opened}")
            return inner
        raise self.error(self.missing_operand(token), token.offset)

    def call(self) -> Call:
        name = self.advance()
        self.advance()  # the "("
        args: list[Expr] = []
        while not self.looking_at(")"):
            args.append(self.implies())
            if not self.looking_at(")"):
                self.expect(",", f"between the arguments of {name.text}(...)")
        self.advance()
        return Call(name.text, tuple(args), **self.at(name.offset))

    def missing_operand(self, token: _Token) -> str:
        if token.text == "not":
            return "`not` cannot stand here: put it in parentheses, as `(not x)`"
        if token.text == "{":
            return 'a set {...} can only follow `in`, as in `ground in {"customer"}`'
        return f"expected a value, found {token.describe()}"


# --- Type checking ------------------------------------------------------------------------

# While checking, None stands for an integer literal expression (`3`, `-1`, `2 * 12`):
# it becomes int or yen from its context, so `penalty >= 0` and `billed_months > 0` both
# check while `penalty >= billed_months` does not.
_Checked: TypeAlias = Type | None

_NUMBERS: Final = (Type.INT, Type.YEN)
_ORDERED: Final = (Type.INT, Type.YEN, Type.DATE, Type.MONTH)
_EQUATABLE: Final = (*_ORDERED, Type.BOOL, *ENUM_TYPES)

# Fixed signatures: the accepted types of each argument and the result.
_SIGNATURES: Final[dict[str, tuple[tuple[frozenset[Type], ...], Type]]] = {
    "month_of": ((frozenset({Type.DATE}),), Type.MONTH),
    "first_day": ((frozenset({Type.MONTH}),), Type.DATE),
    "last_day": ((frozenset({Type.MONTH}),), Type.DATE),
    "months_between": ((frozenset({Type.MONTH}), frozenset({Type.MONTH})), Type.INT),
    "days_between": ((frozenset({Type.DATE}), frozenset({Type.DATE})), Type.INT),
    "year": ((frozenset({Type.DATE, Type.MONTH}),), Type.INT),
    "month_number": ((frozenset({Type.DATE, Type.MONTH}),), Type.INT),
    "day": ((frozenset({Type.DATE}),), Type.INT),
    "days_in_month": ((frozenset({Type.MONTH}),), Type.INT),
    "is_last_day": ((frozenset({Type.DATE}),), Type.BOOL),
    "is_leap_year": ((frozenset({Type.INT}),), Type.BOOL),
    "implies": ((frozenset({Type.BOOL}), frozenset({Type.BOOL})), Type.BOOL),
}
_SPECIAL: Final = {
    "add_months": "add_months(month, k)",
    "date": 'date("YYYY-MM-DD")',
    "month": 'month("YYYY-MM")',
    "min": "min(x, y)",
    "max": "max(x, y)",
}
FUNCTIONS: Final = frozenset(_SIGNATURES) | frozenset(_SPECIAL)


def check(expr: Expr, names: Mapping[str, Type], origin: Position, field: str) -> Type:
    """Type-check `expr` against the types of `names`, annotate every node, return its type.

    `origin` is the position given to :func:`parse`. Raises :class:`InputError` at the
    offending node with what to write instead.
    """
    checker = _Checker(names, origin, field)
    result = checker.visit(expr)
    if result is None:
        checker.settle(expr, Type.INT)
        return Type.INT
    return result


def _name(type_: _Checked) -> str:
    return "int" if type_ is None else type_.value


def _annotate(node: Expr, type_: Type) -> None:
    # Nodes are frozen so that a parsed tree can be shared; the type is the one field
    # filled in afterwards, by the checker only.
    object.__setattr__(node, "type", type_)


def _literal_int(node: Expr) -> int | None:
    """The value of `3` or `-3`, or None for anything else."""
    if isinstance(node, IntLit):
        return node.value
    if isinstance(node, Negate) and isinstance(node.operand, IntLit):
        return -node.operand.value
    return None


def _mismatch_hint(left: _Checked, right: _Checked) -> str:
    pair = {left or Type.INT, right or Type.INT}
    if pair == {Type.YEN, Type.INT}:
        return "yen and counts never mix: multiply a count by a fee (`n * monthly_fee`)"
    if pair == {Type.DATE, Type.MONTH}:
        return (
            "turn the date into its month with month_of(...), or the month into a date "
            "with first_day(...) or last_day(...)"
        )
    if pair == {Type.DATE, Type.INT}:
        return "count days with days_between(...) or take day(...) of the date"
    if pair == {Type.MONTH, Type.INT}:
        return "count months with months_between(...) or shift with add_months(...)"
    enums = [t for t in (left, right) if t in ENUM_TYPES]
    if enums:
        assert enums[0] is not None
        example = next(iter(ENUM_TYPES[enums[0]])).value
        return f'compare a {enums[0].value} with one of its values in quotes, as "{example}"'
    return "compare values of the same type"


def _conversion_hint(wanted: frozenset[Type], got: _Checked) -> str:
    if got is Type.DATE and Type.MONTH in wanted:
        return ": write month_of(...) around the date"
    if got is Type.MONTH and Type.DATE in wanted:
        return ": write first_day(...) or last_day(...) around the month"
    return ""


def _describe(types: frozenset[Type]) -> str:
    return " or ".join(sorted(t.value for t in types))


def _a(words: str) -> str:
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


class _Checker:
    def __init__(self, names: Mapping[str, Type], origin: Position, field: str) -> None:
        self.names = names
        self.origin = origin
        self.field = field

    def error(self, message: str, node: Expr) -> InputError:
        return InputError(message, _position(self.origin, node.row, node.col), self.field)

    def visit(self, node: Expr) -> _Checked:
        result = self.infer(node)
        # Literal expressions get int for now; settle() overrides it where yen is meant.
        _annotate(node, Type.INT if result is None else result)
        return result

    def infer(self, node: Expr) -> _Checked:
        match node:
            case IntLit():
                return None
            case BoolLit():
                return Type.BOOL
            case StrLit():
                raise self.error(
                    "a string is an enumeration value and can only be compared with one, "
                    'as in `ground == "customer"`; write date("...") or month("...") '
                    "for a date or a month",
                    node,
                )
            case Name():
                return self.name(node)
            case Negate():
                return self.negate(node)
            case Not():
                self.condition(node.operand, "`not`")
                return Type.BOOL
            case Arith():
                return self.arith(node)
            case Logic():
                self.condition(node.left, f"the left of `{node.op}`")
                self.condition(node.right, f"the right of `{node.op}`")
                return Type.BOOL
            case Compare():
                return self.compare(node)
            case Membership():
                return self.membership(node)
            case Call():
                return self.call(node)
            case SetLit():
                raise self.error(
                    'a set {...} can only follow `in`, as in `ground in {"customer"}`', node
                )
        raise TypeError(f"not a language node: {node!r}")  # pragma: no cover

    def settle(self, node: Expr, type_: Type) -> None:
        """Give an integer literal expression the type its context requires."""
        _annotate(node, type_)
        match node:
            case Negate():
                self.settle(node.operand, type_)
            case Arith(op="+" | "-"):
                self.settle(node.left, type_)
                self.settle(node.right, type_)
            case Arith():  # * // %: the right side is a count
                self.settle(node.left, type_)
                self.settle(node.right, Type.INT)
            case Call(function="min" | "max"):
                for arg in node.args:
                    self.settle(arg, type_)

    def join(
        self, left: Expr, left_type: _Checked, right: Expr, right_type: _Checked
    ) -> tuple[bool, _Checked]:
        """The common type of two operands, settling a literal side; (False, _) if none."""
        if left_type is None and right_type is None:
            return True, None
        if left_type is None and right_type in _NUMBERS:
            self.settle(left, right_type)
            return True, right_type
        if right_type is None and left_type in _NUMBERS:
            self.settle(right, left_type)
            return True, left_type
        return left_type == right_type, left_type

    def condition(self, node: Expr, where: str) -> None:
        found = self.visit(node)
        if found is not Type.BOOL:
            hint = " such as `penalty > 0`" if found in (None, *_NUMBERS) else ""
            raise self.error(
                f"{where} needs a condition (bool), not {_name(found)}: write a comparison{hint}",
                node,
            )

    def name(self, node: Name) -> Type:
        if node.name in self.names:
            return self.names[node.name]
        if node.name in FUNCTIONS:
            raise self.error(f"{node.name} is a function: call it, as {node.name}(...)", node)
        known = [*self.names, "true", "false"]
        close = difflib.get_close_matches(node.name, known, n=1)
        hint = f": did you mean `{close[0]}`?" if close else ": it is not in the vocabulary"
        raise self.error(f"unknown name `{node.name}`{hint}", node)

    def negate(self, node: Negate) -> _Checked:
        found = self.visit(node.operand)
        if found is not None and found not in _NUMBERS:
            raise self.error(f"`-` needs a number (int or yen), not {found.value}", node)
        return found

    def arith(self, node: Arith) -> _Checked:
        if node.op in ("//", "%"):
            return self.division(node)
        left = self.visit(node.left)
        right = self.visit(node.right)
        for side, found in ((node.left, left), (node.right, right)):
            if found is not None and found not in _NUMBERS:
                raise self.error(
                    f"`{node.op}` needs numbers (int or yen), not {found.value}: "
                    f"{_mismatch_hint(found, Type.INT)}",
                    side,
                )
        if node.op == "*":
            return self.product(node, left, right)
        same, result = self.join(node.left, left, node.right, right)
        if not same:
            raise self.error(
                f"cannot {'add' if node.op == '+' else 'subtract'} {_name(left)} and "
                f"{_name(right)}: {_mismatch_hint(left, right)}",
                node,
            )
        return result

    def product(self, node: Arith, left: _Checked, right: _Checked) -> _Checked:
        if left is Type.YEN and right is Type.YEN:
            raise self.error("cannot multiply yen by yen: one factor must be a count (int)", node)
        if left is None and right is None:
            return None
        # A literal factor beside an int or yen operand is the count: `12 * monthly_fee`.
        if left is None:
            self.settle(node.left, Type.INT)
        if right is None:
            self.settle(node.right, Type.INT)
        return Type.YEN if Type.YEN in (left, right) else Type.INT

    def division(self, node: Arith) -> _Checked:
        found = self.visit(node.left)
        if found is not None and found not in _NUMBERS:
            raise self.error(
                f"`{node.op}` needs a number (int or yen) on its left, not {found.value}",
                node.left,
            )
        divisor = node.right
        # Z3 stays decidable and fast only when it divides by constants; a positive one
        # also makes `//` and `%` mean the same in Python (floor) and in Z3 (Euclidean).
        if not isinstance(divisor, IntLit) or divisor.value <= 0:
            value = _literal_int(divisor)
            what = (
                "by a variable amount"
                if value is None
                else "by zero"
                if value == 0
                else "by a negative number"
            )
            raise self.error(
                f"cannot divide {what}: `{node.op}` takes a positive integer literal on its "
                "right, such as `x // 12` (the solver divides by constants only)",
                divisor,
            )
        _annotate(divisor, Type.INT)
        return found

    def compare(self, node: Compare) -> Type:
        if isinstance(node.left, StrLit) or isinstance(node.right, StrLit):
            return self.compare_enum_literal(node)
        left = self.visit(node.left)
        right = self.visit(node.right)
        same, common = self.join(node.left, left, node.right, right)
        if not same:
            raise self.error(
                f"cannot compare {_name(left)} with {_name(right)}: {_mismatch_hint(left, right)}",
                node,
            )
        if common is None:
            self.settle(node.left, Type.INT)
            self.settle(node.right, Type.INT)
            common = Type.INT
        self.comparable(node, common)
        return Type.BOOL

    def comparable(self, node: Compare, type_: Type) -> None:
        if node.op in ("==", "!=") and type_ in _EQUATABLE:
            return
        if type_ in _ORDERED:
            return
        if type_ is Type.GROUND_SET:
            advice = "test one ground with `in`, as `ground in penalty_grounds`"
        else:
            advice = "use `==` or `!=`" + (", or `in`" if type_ in ENUM_TYPES else "")
        raise self.error(f"`{node.op}` does not apply to {type_.value}: {advice}", node)

    def compare_enum_literal(self, node: Compare) -> Type:
        if isinstance(node.left, StrLit) and isinstance(node.right, StrLit):
            raise self.error(
                "both sides are strings: compare a quantity with a value, "
                'as `ground == "customer"`',
                node,
            )
        literal, other = (
            (node.left, node.right) if isinstance(node.left, StrLit) else (node.right, node.left)
        )
        assert isinstance(literal, StrLit)
        found = self.visit(other)
        if found is None or found not in ENUM_TYPES:
            raise self.error(self.string_misuse(found, literal), literal)
        self.enum_value(literal, found)
        if node.op not in ("==", "!="):
            raise self.error(
                f"`{node.op}` does not apply to {found.value}: use `==`, `!=` or `in`", node
            )
        return Type.BOOL

    def string_misuse(self, found: _Checked, literal: StrLit) -> str:
        if found is Type.DATE:
            return f'compare a date with a date literal: write date("{literal.value}")'
        if found is Type.MONTH:
            return f'compare a month with a month literal: write month("{literal.value}")'
        return (
            f"cannot compare {_name(found)} with a string: strings are values of "
            f"{', '.join(t.value for t in ENUM_TYPES)}"
        )

    def enum_value(self, literal: StrLit, type_: Type) -> None:
        values = [member.value for member in ENUM_TYPES[type_]]
        if literal.value not in values:
            close = difflib.get_close_matches(literal.value, values, n=1)
            guess = f'did you mean "{close[0]}"? ' if close else ""
            listed = ", ".join(f'"{v}"' for v in values)
            raise self.error(
                f'"{literal.value}" is not a {type_.value}: {guess}write one of {listed}',
                literal,
            )
        _annotate(literal, type_)

    def membership(self, node: Membership) -> Type:
        collection = node.collection
        if isinstance(collection, SetLit):
            element_type = self.enum_element(node.element)
            for item in collection.items:
                self.enum_value(item, element_type)
            is_ground = element_type is Type.GROUND
            _annotate(collection, Type.GROUND_SET if is_ground else element_type)
            return Type.BOOL
        found = self.visit(collection)
        if found is not Type.GROUND_SET:
            raise self.error(
                f"`in` needs a set on its right, not {_name(found)}: write a set such as "
                '{"customer", "immediate"} or a ground-set such as penalty_grounds',
                collection,
            )
        if isinstance(node.element, StrLit):
            self.enum_value(node.element, Type.GROUND)
            return Type.BOOL
        element = self.visit(node.element)
        if element is not Type.GROUND:
            raise self.error(
                f"only a ground can be in a ground-set, not {_name(element)}", node.element
            )
        return Type.BOOL

    def enum_element(self, element: Expr) -> Type:
        if isinstance(element, StrLit):
            raise self.error(
                "the left of `in {...}` must be a quantity such as `ground`, not a string",
                element,
            )
        found = self.visit(element)
        if found is None or found not in ENUM_TYPES:
            raise self.error(
                f"`in {{...}}` needs an enumeration value on its left "
                f"({', '.join(t.value for t in ENUM_TYPES)}), not {_name(found)}",
                element,
            )
        return found

    def call(self, node: Call) -> _Checked:
        function = node.function
        if function in _SIGNATURES:
            params, result = _SIGNATURES[function]
            self.arity(node, len(params), function)
            for position, (arg, wanted) in enumerate(zip(node.args, params, strict=True)):
                self.argument(node, position, arg, wanted)
            return result
        if function == "add_months":
            return self.add_months(node)
        if function in ("date", "month"):
            return self.calendar_literal(node)
        if function in ("min", "max"):
            return self.extremum(node)
        if function in self.names:
            raise self.error(f"`{function}` is a quantity, not a function: drop the (...)", node)
        close = difflib.get_close_matches(function, sorted(FUNCTIONS), n=1)
        if close:
            hint = f": did you mean {close[0]}(...)?"
        else:
            hint = f": the functions are {', '.join(sorted(FUNCTIONS))}"
        raise self.error(f"unknown function `{function}`{hint}", node)

    def arity(self, node: Call, count: int, usage: str) -> None:
        if len(node.args) != count:
            if usage in _SIGNATURES:
                kinds = ", ".join(_describe(p) for p in _SIGNATURES[usage][0])
                usage = f"{usage}({kinds})"
            else:
                usage = _SPECIAL[usage]
            plural = "argument" if count == 1 else "arguments"
            raise self.error(
                f"{node.function} takes {count} {plural}, not {len(node.args)}: write {usage}",
                node,
            )

    def argument(self, node: Call, position: int, arg: Expr, wanted: frozenset[Type]) -> None:
        found = self.visit(arg)
        if found is None and Type.INT in wanted:
            self.settle(arg, Type.INT)
            return
        if found not in wanted:
            ordinal = ("first ", "second ")[position] if len(node.args) > 1 else ""
            where = f"its {ordinal}argument"
            raise self.error(
                f"{node.function} takes {_a(_describe(wanted))} as {where}, not "
                f"{_name(found)}{_conversion_hint(wanted, found)}",
                arg,
            )

    def add_months(self, node: Call) -> Type:
        self.arity(node, 2, "add_months")
        self.argument(node, 0, node.args[0], frozenset({Type.MONTH}))
        shift = node.args[1]
        if _literal_int(shift) is None:
            # SMonth.shift case-splits on the month for a constant shift; a variable shift
            # would need division by 12, which the encoding avoids (docs/encoding.md).
            raise self.error(
                "add_months shifts by a constant: write an integer literal, "
                "as add_months(m, 3) or add_months(m, -2)",
                shift,
            )
        self.settle(shift, Type.INT)
        return Type.MONTH

    def calendar_literal(self, node: Call) -> Type:
        self.arity(node, 1, node.function)
        arg = node.args[0]
        usage = _SPECIAL[node.function]
        if not isinstance(arg, StrLit):
            raise self.error(f"{node.function} takes a literal in quotes: write {usage}", arg)
        is_date = node.function == "date"
        try:
            if is_date:
                calendar.parse_date(arg.value)
            else:
                calendar.parse_month(arg.value)
        except ValueError as error:
            raise self.error(str(error), arg) from None
        result = Type.DATE if is_date else Type.MONTH
        _annotate(arg, result)
        return result

    def extremum(self, node: Call) -> _Checked:
        self.arity(node, 2, node.function)
        left, right = (self.visit(arg) for arg in node.args)
        for arg, found in zip(node.args, (left, right), strict=True):
            if found is not None and found not in _ORDERED:
                raise self.error(
                    f"{node.function} takes int, yen, date or month, not {found.value}", arg
                )
        same, common = self.join(node.args[0], left, node.args[1], right)
        if not same:
            raise self.error(
                f"{node.function} needs two values of one type, not {_name(left)} and "
                f"{_name(right)}: "
                f"{_mismatch_hint(left, right)}",
                node,
            )
        return common


# --- Evaluation ---------------------------------------------------------------------------

_ORDER: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _member(literal: StrLit) -> Enum:
    if literal.type is None or literal.type not in ENUM_TYPES:
        raise TypeError("evaluate an expression only after check() has accepted it")
    return ENUM_TYPES[literal.type](literal.value)


def _members(collection: SetLit) -> frozenset[Enum]:
    return frozenset(_member(item) for item in collection.items)


def _shift(node: Call) -> int:
    shift = _literal_int(node.args[1])
    assert shift is not None, "check() accepts add_months only with a literal shift"
    return shift


def _literal_text(node: Call) -> str:
    arg = node.args[0]
    assert isinstance(arg, StrLit), "check() accepts date/month only with a literal"
    return arg.value


def eval_concrete(expr: Expr, lookup: Callable[[str], object]) -> object:
    """The value of a checked expression with each name's value from `lookup`.

    Values: date, Month, int (INT and YEN), bool, Enum members, frozensets of grounds.
    """
    result: object = _Concrete(lookup).eval(expr)
    return result


def eval_symbolic(expr: Expr, lookup: Callable[[str], object]) -> object:
    """The Z3 value of a checked expression with each name's symbolic value from `lookup`.

    Values: SDate, SMonth, z3 Int (INT, YEN and enumeration codes), z3 Bool, and
    frozensets of grounds (constants). Concrete values from `lookup` are lifted to Z3.
    """
    result: object = _Symbolic(lookup).eval(expr)
    return result


_CONCRETE_FUNCTIONS: Final[dict[str, Callable[..., Any]]] = {
    "month_of": calendar.month_of,
    "first_day": lambda month: month.first_day,
    "last_day": lambda month: month.last_day,
    "months_between": calendar.months_between,
    "days_between": calendar.days_between,
    "year": lambda value: value.year,
    "month_number": lambda value: value.month,
    "day": lambda day: day.day,
    "days_in_month": lambda month: month.days,
    "is_last_day": lambda day: day.day == calendar.days_in_month(day.year, day.month),
    "is_leap_year": calendar.is_leap_year,
    "implies": lambda left, right: (not left) or right,
    "min": min,
    "max": max,
}


class _Concrete:
    def __init__(self, lookup: Callable[[str], object]) -> None:
        self.lookup = lookup

    def eval(self, node: Expr) -> Any:
        match node:
            case IntLit(value=value) | BoolLit(value=value):
                return value
            case StrLit():
                return _member(node)
            case Name(name=name):
                return self.lookup(name)
            case Negate(operand=operand):
                return -self.eval(operand)
            case Not(operand=operand):
                return not self.eval(operand)
            case Arith(op=op, left=left, right=right):
                return self.arith(op, self.eval(left), self.eval(right))
            case Logic(op=op, left=left, right=right):
                return self.logic(op, left, right)
            case Compare(op=op, left=left, right=right):
                return bool(_ORDER[op](self.eval(left), self.eval(right)))
            case Membership(element=element, collection=collection, negated=negated):
                members = (
                    _members(collection)
                    if isinstance(collection, SetLit)
                    else self.eval(collection)
                )
                return (self.eval(element) in members) != negated
            case Call():
                return self.call(node)
        raise TypeError(f"not a language node: {node!r}")  # pragma: no cover

    @staticmethod
    def arith(op: str, left: int, right: int) -> int:
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        # The divisor is a positive constant: floor division is z3's Euclidean division.
        return left // right if op == "//" else left % right

    def logic(self, op: str, left: Expr, right: Expr) -> bool:
        first = bool(self.eval(left))
        if op == "and":
            return first and bool(self.eval(right))
        if op == "or":
            return first or bool(self.eval(right))
        return (not first) or bool(self.eval(right))

    def call(self, node: Call) -> Any:
        if node.function == "add_months":
            month: Month = self.eval(node.args[0])
            return month.shift(_shift(node))
        if node.function == "date":
            return calendar.parse_date(_literal_text(node))
        if node.function == "month":
            return calendar.parse_month(_literal_text(node))
        return _CONCRETE_FUNCTIONS[node.function](*(self.eval(arg) for arg in node.args))


def _smaller(left: Any, right: Any) -> Any:
    if isinstance(left, symcal.SDate):
        return symcal.select_date(left <= right, left, right)
    if isinstance(left, symcal.SMonth):
        return symcal.min_month(left, right)
    return z3.If(left <= right, left, right)


def _larger(left: Any, right: Any) -> Any:
    if isinstance(left, symcal.SDate):
        return symcal.select_date(left >= right, left, right)
    if isinstance(left, symcal.SMonth):
        return symcal.max_month(left, right)
    return z3.If(left >= right, left, right)


_SYMBOLIC_FUNCTIONS: Final[dict[str, Callable[..., Any]]] = {
    "month_of": lambda day: day.month_of,
    "first_day": lambda month: month.first_day,
    "last_day": lambda month: month.last_day,
    "months_between": symcal.months_between,
    "days_between": symcal.days_between,
    "year": lambda value: value.year,
    "month_number": lambda value: value.month,
    "day": lambda day: day.day,
    "days_in_month": lambda month: month.days,
    "is_last_day": lambda day: day.day == symcal.days_in_month(day.year, day.month),
    "is_leap_year": symcal.is_leap_year,
    "implies": z3.Implies,
    "min": _smaller,
    "max": _larger,
}


def _lift(value: object) -> Any:
    """A concrete value from `lookup` as the Z3 value the evaluator computes with."""
    if isinstance(value, bool):
        return z3.BoolVal(value)
    if isinstance(value, int):
        return z3.IntVal(value)
    if isinstance(value, Enum):
        return z3.IntVal(enum_code(value))
    if isinstance(value, date):
        return symcal.const_date(value)
    if isinstance(value, Month):
        return symcal.const_month(value)
    return value


class _Symbolic:
    def __init__(self, lookup: Callable[[str], object]) -> None:
        self.lookup = lookup

    def eval(self, node: Expr) -> Any:
        match node:
            case IntLit(value=value):
                return z3.IntVal(value)
            case BoolLit(value=value):
                return z3.BoolVal(value)
            case StrLit():
                return z3.IntVal(enum_code(_member(node)))
            case Name(name=name):
                return _lift(self.lookup(name))
            case Negate(operand=operand):
                return -self.eval(operand)
            case Not(operand=operand):
                return z3.Not(self.eval(operand))
            case Arith(op=op, left=left, right=right):
                return self.arith(op, self.eval(left), self.eval(right))
            case Logic(op=op, left=left, right=right):
                combine = {"and": z3.And, "or": z3.Or, "implies": z3.Implies}[op]
                return combine(self.eval(left), self.eval(right))
            case Compare(op=op, left=left, right=right):
                return _ORDER[op](self.eval(left), self.eval(right))
            case Membership():
                return self.membership(node)
            case Call():
                return self.call(node)
        raise TypeError(f"not a language node: {node!r}")  # pragma: no cover

    @staticmethod
    def arith(op: str, left: Any, right: Any) -> Any:
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        # z3's `/` on Ints is integer division; by a positive constant it floors, as `//`.
        return left / right if op == "//" else left % right

    def membership(self, node: Membership) -> Any:
        collection = node.collection
        members: frozenset[Enum] = (
            _members(collection) if isinstance(collection, SetLit) else self.eval(collection)
        )
        code = self.eval(node.element)
        tests = [code == enum_code(m) for m in sorted(members, key=enum_code)]
        found = z3.Or(*tests) if tests else z3.BoolVal(False)
        return z3.Not(found) if node.negated else found

    def call(self, node: Call) -> Any:
        if node.function == "add_months":
            month: symcal.SMonth = self.eval(node.args[0])
            return month.shift(_shift(node))
        if node.function == "date":
            return symcal.const_date(calendar.parse_date(_literal_text(node)))
        if node.function == "month":
            return symcal.const_month(calendar.parse_month(_literal_text(node)))
        return _SYMBOLIC_FUNCTIONS[node.function](*(self.eval(arg) for arg in node.args))
