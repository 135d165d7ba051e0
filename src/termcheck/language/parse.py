"""Parse the termcheck language: a tokenizer and a recursive-descent parser.

The language is small and Python-like::

    if reason in charged_reasons then months_left * monthly_fee else 0
    a.deadline <= b.deadline

From lowest to highest precedence: ``if … then … else`` (its `else` branch extends as
far as it can), ``implies`` (right-associative), ``or``, ``and``, ``not``, comparisons
(chained as in Python) and ``in``/``not in``, ``+ -``, ``* // %``, unary ``-``, then
literals, names, calls and parentheses.

The text is never handed to Python's ``eval`` or ``ast``: the parser accepts exactly this
grammar, so a formula cannot do anything but compute. Nesting and length are bounded
(:data:`MAX_DEPTH`, :data:`MAX_LENGTH`, :data:`MAX_DIGITS`) so that no input exhausts the
stack or hangs (docs/limits.md).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from typing import Final

from termcheck.errors import InputError, Position
from termcheck.language.ast import (
    Arith,
    BoolLit,
    Call,
    Compare,
    Expr,
    IfExpr,
    IntLit,
    Logic,
    Membership,
    Name,
    Negate,
    Not,
    SetLit,
    StrLit,
)

# A formula nested deeper than this, or longer, is refused with its position: every
# later stage walks the tree, and a reviewer's formula is never near either limit.
MAX_DEPTH: Final = 60
MAX_LENGTH: Final = 20_000
# An integer literal of more digits than this is refused: Python will not convert one of
# over 4,300 digits at all, and no fee, day or count of an agreement comes near 10^18.
MAX_DIGITS: Final = 18

# --- Positions ----------------------------------------------------------------------------


def position(origin: Position, row: int, col: int) -> Position:
    """The file position of (row, col) in a text that starts at `origin`."""
    line = None if origin.line is None else origin.line + row
    if row > 0:
        column: int | None = col + 1
    else:
        column = None if origin.column is None else origin.column + col
    return Position(origin.path, line, column)


# --- Tokens -------------------------------------------------------------------------------

KEYWORDS: Final = frozenset(
    {"and", "or", "not", "in", "implies", "true", "false", "if", "then", "else"}
)
_COMPARISONS: Final = ("==", "!=", "<", "<=", ">", ">=")

# How tightly each binary operator binds, loosest first; `not` binds between `and` and
# the comparisons (`in` and `not in` among them).
_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT = range(1, 7)
_LOOSEST: Final = _OR
_BINDING: Final = {
    "or": _OR,
    "and": _AND,
    **dict.fromkeys((*_COMPARISONS, "in"), _COMPARE),
    "+": _SUM,
    "-": _SUM,
    "*": _PRODUCT,
    "//": _PRODUCT,
    "%": _PRODUCT,
}

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
    "'": 'write strings in double quotes: "value"',
    "[": 'write a set in braces: {"one", "other"}',
    "]": 'write a set in braces: {"one", "other"}',
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
    if len(word.replace("_", "")) > MAX_DIGITS:
        raise fail(
            f"number of {len(word.replace('_', '')):,} digits; at most {MAX_DIGITS} are read "
            "(amounts of the terms are far smaller)",
            match.start(),
        )
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
    """Parse an expression; `origin` is the file position of ``text[0]``.

    Raises :class:`InputError` at the offending character on any syntax error, and on a
    text longer than :data:`MAX_LENGTH` or nested deeper than :data:`MAX_DEPTH`.
    """
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"expression of {len(text):,} characters; at most {MAX_LENGTH:,} are read: "
            "split it into named quantities",
            origin,
            field,
        )
    parser = _Parser(text, origin, field)
    try:
        expr = parser.parse()
    except RecursionError:
        # MAX_DEPTH keeps the parser to a few hundred frames; a caller already deep in
        # the stack still gets an error at the place, not a crash.
        raise parser.error(
            "nested too deeply for the parser: name a part of it as a quantity",
            parser.token.offset,
        ) from None
    parser.check_depth(expr)
    return expr


class _Parser:
    def __init__(self, text: str, origin: Position, field: str) -> None:
        self.text = text
        self.origin = origin
        self.field = field
        self.tokens = _tokenize(text, self.error)
        self.index = 0
        self.depth = 0

    def enter(self, offset: int) -> None:
        """One level deeper; too deep is an error at `offset`, not a RecursionError."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"nested more than {MAX_DEPTH} levels deep: name a part of it as a quantity",
                offset,
            )

    def leave(self) -> None:
        self.depth -= 1

    def check_depth(self, expr: Expr) -> None:
        """A long chain (`a + b + c + …`) parses without recursion but makes a deep tree,
        which every later stage walks: bound the tree too."""
        stack = [(expr, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise self.error(
                    f"more than {MAX_DEPTH} operations chained: name parts of it as "
                    "quantities, or use sum_fees(...)",
                    node.offset,
                )
            stack.extend((child, depth + 1) for child in node.children())

    # Helpers.

    def error(self, message: str, offset: int) -> InputError:
        row, col = self.locate(offset)
        return InputError(message, position(self.origin, row, col), self.field)

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

    # Grammar, loosest binding first.

    def parse(self) -> Expr:
        if self.token.kind == "end":
            raise self.error("empty expression: write a formula such as `x >= 0`", 0)
        expr = self.expression()
        if self.token.kind != "end":
            raise self.error(
                f"unexpected {self.token.describe()} after a complete expression: "
                "join conditions with `and`, `or` or `implies`",
                self.token.offset,
            )
        return expr

    def expression(self) -> Expr:
        if self.looking_at("if"):
            return self.conditional()
        left = self.binary(_LOOSEST)
        if not self.looking_at("implies"):
            return left
        token = self.advance()
        # Right-associative: a implies b implies c is a implies (b implies c).
        self.enter(token.offset)
        right = self.expression()
        self.leave()
        return Logic("implies", left, right, **self.at(token.offset))

    def conditional(self) -> Expr:
        token = self.advance()
        self.enter(token.offset)
        condition = self.expression()
        self.expect("then", "after the condition of `if`")
        yes = self.expression()
        self.expect("else", "after the `then` branch: every `if` needs an `else`")
        no = self.expression()
        self.leave()
        return IfExpr(condition, yes, no, **self.at(token.offset))

    def binary(self, tightness: int) -> Expr:
        """The operators from `or` to `*` by precedence climbing: one call per operand
        rather than one per precedence level, so that each level of parentheses costs
        a few frames of the stack, not ten."""
        if tightness <= _NOT and self.looking_at("not"):
            token = self.advance()
            self.enter(token.offset)
            operand = self.binary(_NOT)  # `not a == b` is not (a == b); `not a and b` is not
            self.leave()
            left: Expr = Not(operand, **self.at(token.offset))
        else:
            left = self.unary()
        while True:
            level = self.binding()
            if level is None or level < tightness:
                return left
            if level == _COMPARE:
                left = self.comparison(left)
                continue
            token = self.advance()
            right = self.binary(level + 1)  # left-associative
            if level in (_OR, _AND):
                left = Logic(token.text, left, right, **self.at(token.offset))
            else:
                left = Arith(token.text, left, right, **self.at(token.offset))

    def binding(self) -> int | None:
        """How tightly the operator at the current token binds; None: no binary operator."""
        token = self.token
        if token.kind not in ("op", "keyword"):
            return None
        if token.text == "not":
            return _COMPARE if self.peek().text == "in" else None
        return _BINDING.get(token.text)

    def comparison(self, first: Expr) -> Expr:
        if self.looking_at("in") or (self.looking_at("not") and self.peek().text == "in"):
            membership = self.membership(first)
            self.refuse_chain("`in`")
            return membership
        result: Expr = first
        left = first
        chained = False
        while self.looking_at(*_COMPARISONS):
            token = self.advance()
            right = self.binary(_SUM)
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
        collection = self.set_literal() if self.looking_at("{") else self.binary(_SUM)
        return Membership(element, collection, negated, **self.at(token.offset))

    def set_literal(self) -> SetLit:
        brace = self.advance()
        items: list[StrLit] = []
        while not self.looking_at("}"):
            if self.token.kind != "str":
                raise self.error(
                    "expected an enumeration value in double quotes, "
                    f"found {self.token.describe()}",
                    self.token.offset,
                )
            token = self.advance()
            items.append(StrLit(token.text[1:-1], **self.at(token.offset)))
            if not self.looking_at("}"):
                self.expect(",", "between the values of a set")
        self.advance()
        return SetLit(tuple(items), **self.at(brace.offset))

    def unary(self) -> Expr:
        if self.looking_at("-"):
            token = self.advance()
            self.enter(token.offset)
            operand = self.unary()
            self.leave()
            return Negate(operand, **self.at(token.offset))
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
            self.enter(token.offset)
            inner = self.expression()
            self.leave()
            opened = position(self.origin, *self.locate(token.offset))
            self.expect(")", f"to close the `(` at {opened}")
            return inner
        if self.looking_at("if"):
            return self.conditional()
        if self.looking_at("{"):
            return self.set_literal()
        raise self.error(self.missing_operand(token), token.offset)

    def call(self) -> Call:
        name = self.advance()
        self.advance()  # the "("
        self.enter(name.offset)
        args: list[Expr] = []
        while not self.looking_at(")"):
            args.append(self.expression())
            if not self.looking_at(")"):
                self.expect(",", f"between the arguments of {name.text}(...)")
        self.advance()
        self.leave()
        return Call(name.text, tuple(args), **self.at(name.offset))

    def missing_operand(self, token: _Token) -> str:
        if token.text == "not":
            return "`not` cannot stand here: put it in parentheses, as `(not x)`"
        if token.text in ("then", "else"):
            return f"`{token.text}` without an `if`: write `if condition then x else y`"
        return f"expected a value, found {token.describe()}"
