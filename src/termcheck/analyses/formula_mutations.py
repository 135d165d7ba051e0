"""Mutations of one formula: the small changes a drafter's slip would make.

Each mutation changes one node of the tree: a number one up or one down, a comparison
made strict or loose, `+` for `-`, `and` for `or`, a `not` dropped, the branches of an
`if` swapped, `min` for `max`, a value added to or dropped from a set, `in` for `not in`,
one side of a sum dropped, another rounding or month-end option. The mutant is the
formula's text with that node changed (:mod:`termcheck.language.unparse`), so it goes
through the same parser and type checker as the model itself; one they refuse is
rejected, not counted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from termcheck.language import functions as fn
from termcheck.language.ast import (
    Arith,
    Call,
    Compare,
    Expr,
    IfExpr,
    IntLit,
    Logic,
    Membership,
    Not,
    SetLit,
    StrLit,
    nodes,
)
from termcheck.language.unparse import unparse

_FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
_ARITH = {"+": "-", "-": "+"}
_LOGIC = {"and": "or", "or": "and"}
_OPTIONS = (fn.ROUNDINGS, fn.MONTH_END_POLICIES, fn.PERIOD_MODES)


@dataclass(frozen=True)
class FormulaMutation:
    text: str  # the mutated formula
    description: str  # what changed, with where: "`<` → `<=` at 2:14"


def substitute(tree: Expr, target: Expr, replacement: Expr) -> Expr:
    """`tree` with the node `target` (by identity) replaced."""
    if tree is target:
        return replacement
    changes: dict[str, object] = {}
    for field in dataclasses.fields(tree):
        value = getattr(tree, field.name)
        if isinstance(value, Expr):
            new = substitute(value, target, replacement)
            if new is not value:
                changes[field.name] = new
        elif isinstance(value, tuple) and value and all(isinstance(v, Expr) for v in value):
            items = tuple(substitute(v, target, replacement) for v in value)
            if any(a is not b for a, b in zip(items, value, strict=True)):
                changes[field.name] = items
    return dataclasses.replace(tree, **changes) if changes else tree  # type: ignore[arg-type]


def _where(node: Expr) -> str:
    return f"{node.row + 1}:{node.col + 1}"


def mutations(tree: Expr, enums: Mapping[str, tuple[str, ...]]) -> Iterator[FormulaMutation]:
    """Every one-node mutation of `tree`, in the order of the text."""
    seen: set[str] = set()
    original = unparse(tree)
    for node in sorted(nodes(tree), key=lambda n: (n.offset, type(n).__name__)):
        for replacement, what in _variants(node, enums):
            text = unparse(substitute(tree, node, replacement))
            key = f"{what} at {_where(node)}"
            if text != original and key not in seen:
                seen.add(key)
                yield FormulaMutation(text, key)


def _variants(node: Expr, enums: Mapping[str, tuple[str, ...]]) -> Iterator[tuple[Expr, str]]:
    match node:
        case IntLit(value=value):
            for step in (-1, 1):
                yield dataclasses.replace(node, value=value + step), f"{value} → {value + step}"
        case Compare(op=op):
            yield dataclasses.replace(node, op=_FLIP[op]), f"`{op}` → `{_FLIP[op]}`"
        case Arith(op=op, left=left, right=right) if op in _ARITH:
            yield dataclasses.replace(node, op=_ARITH[op]), f"`{op}` → `{_ARITH[op]}`"
            yield left, f"`{op} …` dropped"
            if op == "+":
                yield right, "`… +` dropped"
        case Logic(op=op, left=left, right=right) if op in _LOGIC:
            yield dataclasses.replace(node, op=_LOGIC[op]), f"`{op}` → `{_LOGIC[op]}`"
            yield left, f"`{op} …` dropped"
            yield right, f"`… {op}` dropped"
        case Not(operand=operand):
            yield operand, "`not` dropped"
        case IfExpr(yes=yes, no=no):
            yield dataclasses.replace(node, yes=no, no=yes), "`if` branches swapped"
        case Membership(negated=negated):
            word = "not in" if negated else "in"
            other = "in" if negated else "not in"
            yield dataclasses.replace(node, negated=not negated), f"`{word}` → `{other}`"
        case SetLit(items=items) if node.type is not None and node.type.enum is not None:
            present = [item.value for item in items]
            for item in items:
                kept = tuple(i for i in items if i is not item)
                yield dataclasses.replace(node, items=kept), f'without "{item.value}"'
            for value in enums.get(node.type.enum, ()):
                if value not in present:
                    added = StrLit(value, offset=node.offset, row=node.row, col=node.col)
                    yield dataclasses.replace(node, items=(*items, added)), f'with "{value}"'
        case Call(function="min" | "max" as function):
            other = "max" if function == "min" else "min"
            yield dataclasses.replace(node, function=other), f"`{function}` → `{other}`"
        case StrLit(value=value):
            for options in _OPTIONS:
                if value in options:
                    for option in options:
                        if option != value:
                            yield dataclasses.replace(node, value=option), f'"{value}" → "{option}"'
