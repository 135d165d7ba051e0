"""The syntax tree of the termcheck language, shared by every stage.

A tree comes from :func:`termcheck.language.parse.parse`, gets its types from
:func:`termcheck.language.typecheck.check`, and is then given its two meanings: a
Python value (:mod:`termcheck.language.evaluate`) and a Z3 term
(:mod:`termcheck.smt.compile`). Nodes are frozen so that one parsed tree can be shared.
"""

from __future__ import annotations

import dataclasses

from termcheck.language.types import Type


@dataclasses.dataclass(frozen=True, kw_only=True)
class Expr:
    """A node of an expression.

    `offset` is where errors about the node point, as an index into the parsed text: the
    operator of a binary node or comparison, the function name of a call, the first
    character of anything else. `row` and `col` are the same place as a line and a column
    within the text (both from 0), so that the type checker can report a file position
    without the text. `type` is filled in by the type checker.
    """

    offset: int
    row: int = dataclasses.field(compare=False, repr=False)
    col: int = dataclasses.field(compare=False, repr=False)
    type: Type | None = dataclasses.field(default=None, init=False, compare=False, repr=False)
    # The value the checker found for a node that must be known before solving (a number
    # of months to shift by, a divisor, an option such as "floor"): a literal, or a
    # constant of the model such as `notice_months`.
    static: object = dataclasses.field(default=None, init=False, compare=False, repr=False)

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
    """A string literal: an enumeration value, an option of a function (a rounding, a
    month-end policy), or the argument of ``date``/``month``."""

    value: str


@dataclasses.dataclass(frozen=True)
class Name(Expr):
    """A fact or quantity, possibly qualified by a case: ``a.notice_timely``."""

    name: str


@dataclasses.dataclass(frozen=True)
class SetLit(Expr):
    """A set of enumeration values, right of ``in`` or as a set-valued formula."""

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
class IfExpr(Expr):
    """``if condition then yes else no``."""

    condition: Expr
    yes: Expr
    no: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.condition, self.yes, self.no)


@dataclasses.dataclass(frozen=True)
class Call(Expr):
    function: str
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


def names_used(expr: Expr) -> frozenset[str]:
    """Every fact or quantity the expression mentions (function names excluded)."""
    found: set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            found.add(node.name)
        stack.extend(node.children())
    return frozenset(found)


def nodes(expr: Expr) -> list[Expr]:
    """Every node of the tree, parents before children (without recursion: a long sum
    must not exhaust Python's stack)."""
    found: list[Expr] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(node.children()))
    return found


def literal_int(node: Expr) -> int | None:
    """The value of `3` or `-3`, or None for anything else."""
    if isinstance(node, IntLit):
        return node.value
    if isinstance(node, Negate) and isinstance(node.operand, IntLit):
        return -node.operand.value
    return None


def annotate(node: Expr, type_: Type) -> None:
    # Nodes are frozen so that a parsed tree can be shared; the type is the one field
    # filled in afterwards, by the type checker only.
    object.__setattr__(node, "type", type_)


def set_static(node: Expr, value: object) -> None:
    object.__setattr__(node, "static", value)


def static_int(node: Expr) -> int:
    """The known integer of a node the checker required to be one."""
    value = node.static
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("evaluate an expression only after the type checker accepted it")
    return value


def typed(node: Expr) -> Type:
    """The type the checker gave `node`; evaluating an unchecked tree is a bug."""
    if node.type is None:
        raise TypeError("evaluate an expression only after the type checker accepted it")
    return node.type
