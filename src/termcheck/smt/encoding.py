"""One customer's case in Z3: every fact a variable, every quantity a term over them.

:func:`encode` is the symbolic twin of :func:`termcheck.semantics.case.evaluate`: the same
formulas, given their Z3 meaning (:mod:`termcheck.smt.compile`). A case's *domain* is what
makes it possible: each fact within its type and bounds, the model's relations, and the
conditions under which every quantity has a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import z3

from termcheck.language.bounds import Interval
from termcheck.model.vocabulary import Entry, Vocabulary
from termcheck.semantics import calendar
from termcheck.semantics.calendar import Month
from termcheck.smt import symcal
from termcheck.smt.compile import Compiler, SymContext, SymValue, lift, lower
from termcheck.smt.symcal import SDate, SMonth, Z3Bool


@dataclass
class SymbolicCase:
    """One case in Z3: its values by name, the constraints of its domain, and the
    readings its quantities were compiled under."""

    prefix: str
    readings: Mapping[str, str]
    values: dict[str, SymValue]
    domain: list[Z3Bool]  # each fact's type and bounds, and where every quantity has a value
    relations: list[Z3Bool]  # the model's relations between facts: what makes it possible
    _constants: list[frozenset[str]] = field(default_factory=list, repr=False)

    def __getitem__(self, name: str) -> SymValue:
        return self.values[name]

    def constraints(self, possible: bool = True) -> list[Z3Bool]:
        return [*self.domain, *self.relations] if possible else list(self.domain)

    def constants_of(self, possible: bool = True) -> list[frozenset[str]]:
        """The variables each constraint of :meth:`constraints` mentions (computed once)."""
        every = [*self.domain, *self.relations]
        if len(self._constants) != len(every):
            self._constants = [frozenset(constants([c])) for c in every]
        return self._constants if possible else self._constants[: len(self.domain)]


def context(v: Vocabulary) -> SymContext:
    return SymContext(v.enums, v.calendar)


def variable_name(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class _Values(dict[str, SymValue]):
    """A case's values, each quantity compiled when first asked for: a property names a
    few quantities, and building the terms of the others would cost more than solving.
    A quantity whose value may not exist (it counts business days over dates the holiday
    table may not cover) is compiled at once, so that the condition it records is part
    of the case's domain from the start."""

    def __init__(self, v: Vocabulary, readings: Mapping[str, str], domain: list[Z3Bool]) -> None:
        super().__init__()
        self.vocabulary = v
        self.readings = readings
        self.domain = domain
        self.compiler = Compiler(self.__getitem__, v.bounds, context(v))

    def __missing__(self, name: str) -> SymValue:
        entry = self.vocabulary.entries[name]
        value = self.compiler.compile(entry.formula(self.readings.get(name)))
        self[name] = value
        self._collect()
        return value

    def _collect(self) -> None:
        if self.compiler.conditions:
            self.domain += self.compiler.conditions
            self.compiler.conditions = []

    def compile(self, expr: Any) -> SymValue:
        value = self.compiler.compile(expr)
        self._collect()
        return value


def encode(
    v: Vocabulary, prefix: str, readings: Mapping[str, str], *, eager: bool = False
) -> SymbolicCase:
    """Fresh facts named `prefix`.<fact>, and the quantities over them under `readings`
    (a quantity with readings not named there takes its adopted one), compiled when
    first asked for, or all at once with `eager`."""
    domain: list[Z3Bool] = []
    values = _Values(v, readings, domain)
    for entry in v.facts:
        value, constraints = declare(entry, variable_name(prefix, entry.id), v)
        values[entry.id] = value
        domain += constraints
    for name in v.order:
        if eager or v.entries[name].partial:
            _ = values[name]
    relations = [values.compile(relation.expr) for _, relation in v.relations]
    chosen = {e.id: readings.get(e.id, e.adopted) for e in v.entries.values() if e.adopted}
    return SymbolicCase(prefix, chosen, values, domain, relations)


def declare(entry: Entry, name: str, v: Vocabulary) -> tuple[SymValue, list[Z3Bool]]:
    """A fresh variable for a fact, and the constraints of its type and bounds."""
    kind = entry.type.kind
    bounds = entry.bounds
    if kind == "date":
        day, valid = symcal.date_var(name)
        assert bounds is not None
        constraints = [valid, *_month_bounds(day.month_of, bounds)]
        if entry.days is not None:
            first, last = entry.days
            # Said only where a bound falls inside its month: the month bounds say the rest.
            if first.day > 1:
                constraints.append(day >= symcal.const_date(first))
            if last != calendar.month_of(last).last_day:
                constraints.append(day <= symcal.const_date(last))
        return day, constraints
    if kind == "month":
        month, valid = symcal.month_var(name)
        assert bounds is not None
        return month, [valid, *_month_bounds(month, bounds)]
    if kind == "bool":
        return z3.Bool(name), []
    number = z3.Int(name)
    if kind == "enum":
        count = len(v.enums[entry.type.enum or ""])
        return number, [number >= 0, number < count]
    assert bounds is not None
    return number, [number >= bounds.low, number <= bounds.high]


def _month_bounds(month: SMonth, bounds: Interval) -> list[Z3Bool]:
    """A month index within bounds, said of the year so the solver keeps it linear."""
    first, last = Month.from_index(bounds.low), Month.from_index(bounds.high)
    constraints = [symcal.year_in(month.year, first.year, last.year)]
    if first.month > 1:
        constraints.append(z3.Implies(month.year == first.year, month.month >= first.month))
    if last.month < 12:
        constraints.append(z3.Implies(month.year == last.year, month.month <= last.month))
    return constraints


def constants(terms: list[Any]) -> set[str]:
    """The names of the free variables in `terms` (a DAG walk, each node once).

    The walk uses Z3's C API directly: wrapping every node in a Python object made it
    the costliest step of preparing a property. The raw nodes stay alive because the
    terms that hold them do.
    """
    found: set[str] = set()
    seen: set[int] = set()
    exprs = [t for t in terms if z3.is_expr(t)]
    if not exprs:
        return found
    ctx = exprs[0].ctx.ref()
    stack = [t.as_ast() for t in exprs]
    while stack:
        node = stack.pop()
        node_id = z3.Z3_get_ast_id(ctx, node)
        if node_id in seen or z3.Z3_get_ast_kind(ctx, node) != z3.Z3_APP_AST:
            continue
        seen.add(node_id)
        app = z3.Z3_to_app(ctx, node)
        arity = z3.Z3_get_app_num_args(ctx, app)
        if arity == 0:
            decl = z3.Z3_get_app_decl(ctx, app)
            if z3.Z3_get_decl_kind(ctx, decl) == z3.Z3_OP_UNINTERPRETED:
                found.add(z3.Z3_get_symbol_string(ctx, z3.Z3_get_decl_name(ctx, decl)))
        else:
            stack.extend(z3.Z3_get_app_arg(ctx, app, index) for index in range(arity))
    return found


def components(value: SymValue) -> list[Any]:
    """The Z3 terms a value is made of: a date's year, month and day; a month's two."""
    if isinstance(value, SDate):
        return [value.year, value.month, value.day]
    if isinstance(value, SMonth):
        return [value.year, value.month]
    return [value] if z3.is_expr(value) else []


def pin(sym: SymbolicCase, facts: Mapping[str, object], v: Vocabulary) -> list[Z3Bool]:
    """Constraints that fix every fact of `sym` to its value in `facts`."""
    return [
        equals(sym[name], lift(value, v.entries[name].type, context(v)))
        for name, value in facts.items()
    ]


def equals(a: SymValue, b: SymValue) -> Z3Bool:
    """Component by component: two months with one index but an invalid month number
    (2026-13 and 2027-01) must not pass for the same month."""
    if isinstance(a, SDate | SMonth):
        return z3.And(*(x == y for x, y in zip(components(a), components(b), strict=True)))
    return a == b


def facts_of(sym: SymbolicCase, model: z3.ModelRef, v: Vocabulary) -> dict[str, object]:
    """The concrete facts a Z3 model gives the case."""
    return {e.id: lower(model, sym[e.id], e.type, context(v)) for e in v.facts}


def value_of(sym: SymbolicCase, model: z3.ModelRef, v: Vocabulary, name: str) -> object:
    return lower(model, sym[name], v.entries[name].type, context(v))


def evaluate_at(
    v: Vocabulary, facts: Mapping[str, object], readings: Mapping[str, str]
) -> dict[str, object]:
    """Every quantity of the Z3 encoding at a concrete case: the inputs pinned, Z3
    computes the rest, so this exercises the very terms the checker uses."""
    sym = encode(v, "x", readings, eager=True)
    solver = z3.Solver()
    solver.set("random_seed", 0)
    solver.add(*sym.constraints(), *pin(sym, facts, v))
    if solver.check() != z3.sat:
        raise ValueError(f"the encoding has no such case: {dict(facts)}")
    model = solver.model()
    return {e.id: value_of(sym, model, v, e.id) for e in v.quantities}
