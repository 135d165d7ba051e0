"""Boundary goals: every branch of every formula, and every boundary a comparison draws.

A billing system goes wrong where the terms change their mind: the last day of a
deadline and the day after, the month the minimum term ends, a ground in or out of a
set, the month a fee changes, a day that is the last of its month. A goal is one such
place, read off the model's formulas (never off an implementation): the solver is then
asked for a possible case that reaches it (:mod:`termcheck.conform.reach`). The goals
are those of coverage tools such as CrossHair's ``cover`` and of MC/DC:

- each arm of ``if``, ``min`` and ``max`` taken;
- each operand of ``and`` / ``or`` deciding the result alone;
- each comparison of numbers, dates or months met with equality, and missed by one
  (one yen, one day, one month) on either side;
- each member of a set matched by ``in``, and none of them;
- for ``sum_fees``, a change of fee in the first month, the last and the month after;
- for ``scale``, an exact division and a remainder of a half (where rounding matters);
- every value of an enumeration fact, and for every date (fact or quantity) the last day
  of a month, 29 February, 31 December and 1 January, and the Gregorian exceptions (28
  February 2100, 29 February 2000); for every month December and January (the year wraps).

A goal names the formula it comes from (the quantity and its reading) and where in it,
as text a reviewer can read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from termcheck.language.ast import (
    Call,
    Compare,
    Expr,
    IfExpr,
    Logic,
    Membership,
    Name,
    SetLit,
    typed,
)
from termcheck.language.unparse import unparse
from termcheck.model.vocabulary import SINGLE, Entry, Vocabulary

# The kinds of goals, in the order a report lists them.
KINDS = ("branch", "decision", "boundary", "member", "fee-change", "rounding", "value", "calendar")


@dataclass(frozen=True)
class Goal:
    """One place in a formula (or one value of a fact) a case should reach.

    `node` and `variant` say what the case must make true: see :func:`termcheck.conform.
    reach.condition`. `quantity` is the quantity whose formula holds the node (a fact's
    own goals name the fact), `reading` the reading of that formula ("" when it has one).
    """

    quantity: str
    reading: str
    kind: str
    node: Expr | None
    variant: str
    text: str  # what the goal asks, in the formula's words

    @property
    def id(self) -> str:
        where = f"{self.quantity}[{self.reading}]" if self.reading else self.quantity
        return f"{where}: {self.text}"


def goals(v: Vocabulary) -> list[Goal]:
    """Every goal of the model, facts first, then each quantity's formulas in model order,
    each reading's in turn; without duplicates (two formulas sharing a comparison share
    its goals' cases anyway, but are listed for each formula they belong to)."""
    found: list[Goal] = []
    for entry in v.facts:
        found += _fact_goals(entry, v)
    for entry in v.derived:
        for reading, formula in sorted(
            entry.formulas.items(), key=lambda kv: _reading_order(entry, kv[0])
        ):
            label = "" if reading == SINGLE else reading
            found += list(_formula_goals(entry.id, label, formula))
        if entry.type.kind == "date":
            found += _calendar_goals(entry.id, "", None)
        elif entry.type.kind == "month":
            found += _month_goals(entry.id)
    unique: dict[str, Goal] = {}
    for goal in found:
        unique.setdefault(goal.id, goal)
    return list(unique.values())


def _reading_order(entry: Entry, reading: str) -> tuple[int, str]:
    return (0 if reading == entry.adopted else 1, reading)


def _fact_goals(entry: Entry, v: Vocabulary) -> list[Goal]:
    kind = entry.type.kind
    if kind == "enum":
        values = v.enums[entry.type.enum or ""]
        return [
            Goal(entry.id, "", "value", None, value, f"{entry.id} = {value}") for value in values
        ]
    if kind == "date":
        return _calendar_goals(entry.id, "", None)
    if kind == "month":
        return _month_goals(entry.id)
    return []


def _calendar_goals(name: str, reading: str, node: Expr | None) -> list[Goal]:
    return [
        Goal(name, reading, "calendar", node, variant, f"{name} on {words}")
        for variant, words in (
            ("month-end", "the last day of a month"),
            ("leap-day", "29 February"),
            ("year-end", "31 December"),
            ("year-start", "1 January"),
            # The Gregorian exceptions: 28 February of a century year (no leap day:
            # 1900, 2100) and 29 February of a year divisible by 400 (2000).
            ("century-february-end", "28 February of a century year that is no leap year"),
            ("leap-century-leap-day", "29 February of a year divisible by 400"),
        )
    ]


def _month_goals(name: str) -> list[Goal]:
    return [
        Goal(name, "", "calendar", None, "december", f"{name} in December"),
        Goal(name, "", "calendar", None, "january", f"{name} in January"),
    ]


def _formula_goals(quantity: str, reading: str, formula: Expr) -> Iterator[Goal]:
    stack = [formula]
    while stack:
        node = stack.pop()
        yield from _node_goals(quantity, reading, node)
        stack.extend(reversed(node.children()))


def _node_goals(quantity: str, reading: str, node: Expr) -> Iterator[Goal]:
    def goal(kind: str, variant: str, text: str) -> Goal:
        return Goal(quantity, reading, kind, node, variant, text)

    match node:
        case IfExpr(condition=condition):
            shown = unparse(condition)
            yield goal("branch", "then", f"if {shown} (true)")
            yield goal("branch", "else", f"if {shown} (false)")
        case Call(function=function, args=args) if function in ("min", "max"):
            for index, arg in enumerate(args):
                yield goal("branch", str(index), f"{function} takes {unparse(arg)}")
        case Logic(op=op, left=left, right=right) if op in ("and", "or"):
            decisive = "false" if op == "and" else "true"
            other = "true" if op == "and" else "false"
            yield goal("decision", "all", f"{unparse(node)} with both {other}")
            yield goal("decision", "left", f"{unparse(left)} {decisive}, {unparse(right)} {other}")
            yield goal("decision", "right", f"{unparse(left)} {other}, {unparse(right)} {decisive}")
        case Compare(op=op, left=left, right=right) if typed(left).kind in _ORDERED:
            shown = f"{unparse(left)} {op} {unparse(right)}"
            unit = _UNIT[typed(left).kind]
            yield goal("boundary", "equal", f"{shown}: equal")
            yield goal("boundary", "above", f"{shown}: left one {unit} more")
            yield goal("boundary", "below", f"{shown}: left one {unit} less")
        case Compare(left=left, right=right) if typed(left).kind == "enum":
            yield goal("branch", "true", f"{unparse(node)} (true)")
            yield goal("branch", "false", f"{unparse(node)} (false)")
        case Membership(element=element, collection=collection):
            if isinstance(collection, SetLit):
                members = [item.value for item in collection.items]
            else:
                members = []
            for member in members:
                yield goal("member", member, f"{unparse(element)} = {member}")
            yield goal("member", "", f"{unparse(element)} not in {unparse(collection)}")
        case Call(function="sum_fees", args=args) if len(args) > 3:
            for index in range(3, len(args), 2):
                since = unparse(args[index])
                yield goal("fee-change", f"{index}:first", f"{since} = {unparse(args[0])}")
                yield goal("fee-change", f"{index}:last", f"{since} = {unparse(args[1])}")
                yield goal(
                    "fee-change", f"{index}:after", f"{since} one month after {unparse(args[1])}"
                )
        case Call(function="scale"):
            yield goal("rounding", "exact", f"{unparse(node)} divides exactly")
            yield goal("rounding", "half", f"{unparse(node)} leaves a remainder of a half")
            yield goal("rounding", "other", f"{unparse(node)} leaves another remainder")
        case Name():
            return
        case _:
            return


_ORDERED = frozenset({"int", "yen", "date", "month"})
_UNIT = {"int": "unit", "yen": "yen", "date": "day", "month": "month"}
