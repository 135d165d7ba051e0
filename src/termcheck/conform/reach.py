"""Reaching the goals: for each, Z3 finds a possible case that meets it, or says none can.

A goal met by no possible case is *unreachable*: a branch of the formula no customer
takes (worth a reviewer's look, never a failure of the implementation). One the solver
cannot decide within its rlimit is *undecided*: never counted as reached. Each case found
is made readable by the model's own preferences (dates near the terms' date, the usual
fee), as a counterexample is, and fixed, so the same model gives the same cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import z3

from termcheck.conform.goals import Goal, goals
from termcheck.language.ast import Call, Compare, Expr, IfExpr, Logic, Membership, typed
from termcheck.language.evaluate import option_or_literal
from termcheck.model.spec import Spec
from termcheck.model.vocabulary import Vocabulary
from termcheck.smt import solving, symcal
from termcheck.smt.compile import Compiler, SymValue
from termcheck.smt.encoding import SymbolicCase, context, encode, facts_of
from termcheck.smt.symcal import SDate, SMonth
from termcheck.verify.witness import readable


class Reach(StrEnum):
    REACHED = "reached"
    UNREACHABLE = "unreachable"  # no possible case meets it
    UNDECIDED = "undecided"  # Z3 answered unknown within the rlimit


@dataclass
class Reached:
    goal: Goal
    status: Reach
    facts: dict[str, object] | None = None  # the case, when reached
    detail: str = ""


@dataclass
class Boundaries:
    """Every goal of a model and what the solver made of it."""

    reached: list[Reached] = field(default_factory=list)

    def cases(self) -> list[tuple[Goal, dict[str, object]]]:
        return [(r.goal, r.facts) for r in self.reached if r.facts is not None]

    def count(self, status: Reach) -> int:
        return sum(1 for r in self.reached if r.status is status)


def boundary_cases(
    spec: Spec, rlimit: int, readings: Mapping[str, str] | None = None, *, readable: bool = True
) -> Boundaries:
    """Reach every goal of the model, under `readings` for the quantities that carry none
    of their own (a goal in a reading's formula is reached under that reading). Without
    `readable`, each case is the solver's first (as fixed, but not steered to what a
    reviewer pictures: the gate only replays them)."""
    v = spec.vocabulary
    chosen = dict(readings or {})
    found = Boundaries()
    with solving.steady_collection():
        solving.seed_globally()
        by_reading: dict[tuple[tuple[str, str], ...], tuple[SymbolicCase, z3.Solver]] = {}
        for goal in goals(v):
            pinned = dict(chosen)
            if goal.reading:
                pinned[goal.quantity] = goal.reading
            key = tuple(sorted(pinned.items()))
            if key not in by_reading:
                sym = encode(v, "", pinned)
                s = solving.solver(rlimit)
                by_reading[key] = (sym, s)
            sym, s = by_reading[key]
            found.reached.append(_reach(spec, sym, s, goal, readable))
    return found


def _reach(spec: Spec, sym: SymbolicCase, s: z3.Solver, goal: Goal, legible: bool) -> Reached:
    v = spec.vocabulary
    wanted = condition(goal, sym, v)
    # The case's domain grows as quantities are compiled: add what this goal needed.
    s.push()
    s.add(*sym.constraints(), wanted)
    verdict = s.check()
    if verdict == z3.unsat:
        s.pop()
        return Reached(goal, Reach.UNREACHABLE)
    if verdict != z3.sat:
        detail = s.reason_unknown()
        s.pop()
        return Reached(goal, Reach.UNDECIDED, detail=detail)
    depends = v.entries[goal.quantity].facts
    model = readable(s, spec, {"": sym}, {"": depends}, {"": depends}) if legible else s.model()
    facts = facts_of(sym, model, v)
    s.pop()
    return Reached(goal, Reach.REACHED, _present(facts, v))


def _present(facts: dict[str, object], v: Vocabulary) -> dict[str, object]:
    """Every fact of the case (Z3 gives an optional fact a value too: the case has it)."""
    return {e.id: facts[e.id] for e in v.facts}


def condition(goal: Goal, sym: SymbolicCase, v: Vocabulary) -> Any:
    """What a case must make true to meet `goal`, in Z3."""
    compiler = Compiler(sym.values.__getitem__, v.bounds, context(v))

    def c(node: Expr) -> SymValue:
        value = compiler.compile(node)
        sym.domain.extend(compiler.conditions)
        compiler.conditions = []
        return value

    node, variant = goal.node, goal.variant
    if node is None:
        return _fact_condition(goal, sym, v)
    match node:
        case IfExpr(condition=test):
            value = c(test)
            return value if variant == "then" else z3.Not(value)
        case Call(function="min" | "max" as function, args=args):
            values = [c(arg) for arg in args]
            chosen = values[int(variant)]
            if function == "min":
                return z3.And(*(chosen <= other for other in values))
            return z3.And(*(chosen >= other for other in values))
        case Logic(op=op, left=left, right=right):
            a, b = c(left), c(right)
            decisive = z3.Not if op == "and" else (lambda x: x)
            other = (lambda x: x) if op == "and" else z3.Not
            if variant == "all":
                return z3.And(other(a), other(b))
            if variant == "left":
                return z3.And(decisive(a), other(b))
            return z3.And(other(a), decisive(b))
        case Compare(left=left, right=right) if typed(left).kind == "enum":
            value = c(node)
            return value if variant == "true" else z3.Not(value)
        case Compare(left=left, right=right):
            a, b = c(left), c(right)
            step = {"equal": 0, "above": 1, "below": -1}[variant]
            return _equals(a, _shifted(b, step))
        case Membership(negated=negated):
            inside = c(node)
            if negated:
                inside = z3.Not(inside)
            if not variant:
                return z3.Not(inside)
            element = c(node.element)
            return element == context(v).code(typed(node.element), variant)
        case Call(function="sum_fees", args=args):
            index_text, _, where = variant.partition(":")
            since = c(args[int(index_text)])
            if where == "first":
                return since == c(args[0])
            last = c(args[1])
            return since == (last if where == "last" else last.shift(1))
        case Call(function="scale"):
            return _rounding(compiler, c, node, variant)
    raise ValueError(f"no condition for the goal {goal.id}")  # pragma: no cover


def _fact_condition(goal: Goal, sym: SymbolicCase, v: Vocabulary) -> Any:
    value = sym[goal.quantity]
    if goal.kind == "value":
        entry = v.entries[goal.quantity]
        return value == context(v).code(entry.type, goal.variant)
    if isinstance(value, SMonth):
        return value.month == (12 if goal.variant == "december" else 1)
    assert isinstance(value, SDate)
    if goal.variant == "month-end":
        return value.day == symcal.days_in_month(value.year, value.month)
    if goal.variant == "leap-day":
        return z3.And(value.month == 2, value.day == 29)
    if goal.variant == "century-february-end":
        return z3.And(
            value.month == 2, value.day == 28, value.year % 100 == 0, value.year % 400 != 0
        )
    if goal.variant == "leap-century-leap-day":
        return z3.And(value.month == 2, value.day == 29, value.year % 400 == 0)
    if goal.variant == "year-end":
        return z3.And(value.month == 12, value.day == 31)
    return z3.And(value.month == 1, value.day == 1)


def _shifted(value: SymValue, step: int) -> SymValue:
    if step == 0:
        return value
    if isinstance(value, SDate):
        return symcal.add_days(value, step)
    if isinstance(value, SMonth):
        return value.shift(step)
    return value + step


def _equals(a: SymValue, b: SymValue) -> Any:
    return a == b


def _rounding(compiler: Compiler, c: Any, node: Call, variant: str) -> Any:
    args = node.args
    amount, part = c(args[0]), c(args[1])
    numerator = compiler.product(args[0], amount, args[1], part)
    whole = c(args[2])
    unit = option_or_literal(node, 4) if len(args) > 4 else 1
    assert isinstance(unit, int)
    divisor = whole * unit
    remainder = numerator % divisor
    if variant == "exact":
        return remainder == 0
    if variant == "half":
        return 2 * remainder == divisor
    return z3.And(remainder != 0, 2 * remainder != divisor)
