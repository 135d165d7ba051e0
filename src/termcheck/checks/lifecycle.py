"""The lifecycle of a contract: one machine, built twice from model.toml [lifecycle].

model.toml lists the states, the guards (each a formula, with its provision) and the
transitions (event, from, to, actor, guard, effect, ground, article). From that table:

- :func:`step` moves a concrete contract (:class:`Contract`) by an :class:`Event`: what
  a contract-management system would run. It refuses what the terms do not allow,
  naming the provision.
- :class:`Symbolic` is the same transition relation in Z3, over symbolic contracts.

A guard is a formula in the termcheck language over the event (`event.on`,
`event.month`, `event.earlier_pending`, `event.hindered`), the contract's records
(`contract.started_on`, `contract.noticed`, …) and the model's quantities, whose facts
[lifecycle.facts] reads from the records (`service_start = "contract.started_on"`). So a
guard has the formula's two meanings, and the deadline a notice must meet is the very
quantity the scenario properties check. The effects are the few things a transition can
record (docs/lifecycle.md), implemented once in each meaning, side by side below.

Time passes in every state (the event "tick"); a contract whose termination month is
fixed cannot pass that month's end without ending or having the month moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

import z3

from termcheck.errors import InputError
from termcheck.language.ast import Expr, names_used
from termcheck.language.bounds import Bounds, Interval, horizon_months
from termcheck.language.evaluate import eval_concrete
from termcheck.language.parse import parse
from termcheck.language.typecheck import Scope, check
from termcheck.language.types import Type
from termcheck.model.lifecycle_formulas import (
    DATES,
    FLAGS,
    LIFECYCLE_NAMES,
    MONTHS,
    LifecycleFormulas,
)
from termcheck.model.schema import ForbiddenEvent, Lifecycle, LifecycleState, LifecycleTransition
from termcheck.model.spec import Spec
from termcheck.model.tomlfile import value_origin
from termcheck.model.vocabulary import Entry
from termcheck.semantics import calendar as cal
from termcheck.semantics.calendar import HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR, Month
from termcheck.smt import symcal
from termcheck.smt.compile import Compiler, SymContext
from termcheck.smt.symcal import SDate, SMonth, Z3Bool, Z3Int

TICK = "tick"  # time passes; nothing else happens

# The date each flag says is recorded.
RECORDED = {
    "formed": "formed_on",
    "started": "started_on",
    "noticed": "notice_on",
    "demanded": "demand_on",
    "ended": "ended_on",
}


# --- The machine as model.toml records it ---------------------------------------------------


@dataclass(frozen=True)
class Machine:
    spec: Spec
    lifecycle: Lifecycle

    @cached_property
    def states(self) -> dict[str, LifecycleState]:
        return {s.id: s for s in self.lifecycle.states}

    @cached_property
    def state_code(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.lifecycle.states)}

    @cached_property
    def transitions(self) -> dict[str, LifecycleTransition]:
        return {t.event: t for t in self.lifecycle.transitions}

    @cached_property
    def grounds(self) -> tuple[str, ...]:
        """The values of the enumeration a transition's ground belongs to."""
        if self.lifecycle.grounds is None:
            return ()
        return self.spec.vocabulary.enums[self.lifecycle.grounds]

    def ground_code(self, ground: str | None) -> int:
        return -1 if ground is None else self.grounds.index(ground)

    def event_code(self, event: str) -> int:
        """-1 for a tick, else the transition's position in model.toml."""
        return -1 if event == TICK else list(self.transitions).index(event)

    def event_name(self, code: int) -> str:
        return TICK if code < 0 else self.lifecycle.transitions[code].event

    def forbidden(self, event: str, state: str) -> ForbiddenEvent | None:
        for entry in self.lifecycle.forbidden:
            if entry.event == event and entry.state == state:
                return entry
        return None

    @property
    def initial(self) -> str:
        return self.lifecycle.initial

    # Formulas: the fact bindings, the guards and the customer's choices, checked when the
    # model loaded (termcheck.model.lifecycle_formulas).

    @property
    def formulas(self) -> LifecycleFormulas:
        assert self.spec.lifecycle is not None  # loaded with the model's [lifecycle]
        return self.spec.lifecycle

    @property
    def quantities(self) -> dict[str, Entry]:
        return self.formulas.quantities

    @property
    def scope(self) -> Scope:
        return self.formulas.scope

    def formula(self, loc: tuple[str | int, ...], text: str, expected: Type) -> Expr:
        """A formula in the lifecycle's scope (a lifecycle property's parameter)."""
        source = self.spec.source
        origin = value_origin(source, loc)
        field = ".".join(str(p) for p in loc)
        expr = parse(text, origin, field)
        found = check(expr, self.scope, origin, field, expected)
        if found != expected:
            raise InputError(f"must be {expected}, not {found}", origin, field)
        return expr

    @property
    def bindings(self) -> dict[str, Expr]:
        return self.formulas.bindings

    @property
    def guards(self) -> dict[str, Expr]:
        return self.formulas.guards

    @property
    def choices(self) -> dict[str, tuple[Expr, Expr | None]]:
        return self.formulas.choices

    def guard_of(self, t: LifecycleTransition) -> Expr | None:
        return None if t.guard is None else self.guards[t.guard]

    def uses_month(self, t: LifecycleTransition) -> bool:
        """Does the event carry a month (a notice names one; moving it names another)?"""
        if t.effect in ("give-notice", "move-termination-month"):
            return True
        guard = self.guard_of(t)
        return guard is not None and "event.month" in self.names_reached(guard)

    def names_reached(self, expr: Expr) -> set[str]:
        """The record and event names a formula reads, through the quantities it names."""
        reached: set[str] = set()
        pending = list(names_used(expr))
        entries = self.spec.vocabulary.entries
        while pending:
            name = pending.pop()
            if name in LIFECYCLE_NAMES:
                reached.add(name)
            elif name in entries and entries[name].kind == "fact" and name in self.bindings:
                pending += list(names_used(self.bindings[name]))
            elif name in entries:
                for formula in entries[name].formulas.values():
                    pending += list(names_used(formula))
        return reached


def machine(spec: Spec) -> Machine | None:
    lifecycle = spec.document.lifecycle
    return None if lifecycle is None else Machine(spec, lifecycle)


# --- The executable side ---------------------------------------------------------------------


@dataclass(frozen=True)
class Contract:
    """A contract at one moment: its state, the date of its latest event, and what has
    been recorded so far (None: not yet)."""

    state: str
    clock: date
    applied_on: date
    planned_start: date  # agreed with the company at the application
    formed_on: date | None = None
    started_on: date | None = None
    notice_on: date | None = None
    named_month: Month | None = None  # the termination month the customer named
    termination_month: Month | None = None  # the month in force (the company may move it)
    demand_on: date | None = None
    ended_on: date | None = None
    ground: str | None = None


@dataclass(frozen=True)
class Event:
    """Something that happens on a day: a transition's event, or "tick"."""

    name: str
    on: date
    month: Month | None = None  # the termination month named (give-notice, move)
    earlier_pending: bool = False  # an application received earlier still waits
    hindered: bool = False  # the company's work is hindered


class Refused(Exception):
    """The terms do not allow this event now; `article` names the provision, if one does."""

    def __init__(self, reason: str, article: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.article = article


def apply(m: Machine, applied_on: date, planned_start: date) -> Contract:
    """The application: the contract's first state."""
    for name, day in (("applied_on", applied_on), ("planned_start", planned_start)):
        if not HORIZON_FIRST_YEAR <= day.year <= HORIZON_LAST_YEAR:
            raise Refused(f"{name} {day} is outside the calendar horizon")
    if planned_start < applied_on:
        raise Refused("the planned start precedes the application")
    return Contract(m.initial, applied_on, applied_on, planned_start)


def step(m: Machine, contract: Contract, event: Event) -> Contract:
    """`contract` after `event`; raises Refused when the terms do not allow it."""
    _check_time(contract, event)
    if event.name == TICK:
        return replace(contract, clock=event.on)
    forbidden = m.forbidden(event.name, contract.state)
    if forbidden is not None:
        raise Refused(f"{forbidden.ja} ({forbidden.en})", forbidden.article)
    transition = m.transitions.get(event.name)
    if transition is None:
        raise Refused(f"no event {event.name!r} in the lifecycle")
    if contract.state not in transition.source:
        raise Refused(f"{event.name} is not possible in state {contract.state}", transition.article)
    if not guard_holds(m, transition, contract, event):
        raise Refused(
            f"{event.name}: its guard {transition.guard} does not hold", transition.article
        )
    return _effect(m, transition, contract, event)


def _check_time(contract: Contract, event: Event) -> None:
    if not HORIZON_FIRST_YEAR <= event.on.year <= HORIZON_LAST_YEAR:
        raise Refused(f"{event.on} is outside the calendar horizon")
    if event.on < contract.clock:
        raise Refused(f"{event.on} is before the contract's latest event ({contract.clock})")
    due = due_day(contract)
    if due is not None and event.on > due:
        raise Refused(f"the contract ends with its termination month, on {due}")


def due_day(contract: Contract) -> date | None:
    """The day the contract must end (or have its month moved) by, if one is fixed."""
    if contract.termination_month is None or contract.ended_on is not None:
        return None
    return contract.termination_month.last_day


def records(c: Contract, e: Event | None = None) -> dict[str, object]:
    """The names a lifecycle formula reads, for a concrete contract and event. A date not
    yet recorded stands as the application date (as in Z3, where every model is
    canonical), with its flag false."""
    a = c.applied_on
    found: dict[str, object] = {f"contract.{d}": getattr(c, d) or a for d in DATES}
    for month in MONTHS:
        found[f"contract.{month}"] = getattr(c, month) or cal.month_of(a)
    for flag, day in RECORDED.items():
        found[f"contract.{flag}"] = getattr(c, day) is not None
    if e is not None:
        found["event.on"] = e.on
        found["event.month"] = e.month or cal.month_of(e.on)
        found["event.earlier_pending"] = e.earlier_pending
        found["event.hindered"] = e.hindered
    return found


def evaluate(m: Machine, expr: Expr, c: Contract, e: Event | None = None) -> Any:
    """A lifecycle formula's concrete value for a contract (and an event)."""
    names = records(c, e)
    v = m.spec.vocabulary
    context = v.context()
    values: dict[str, object] = {}

    def lookup(name: str) -> object:
        if name in names:
            return names[name]
        if name not in values:
            binding = m.bindings.get(name)
            formula = binding if binding is not None else v.entries[name].formula()
            values[name] = eval_concrete(formula, lookup, context)
        return values[name]

    return eval_concrete(expr, lookup, context)


def guard_holds(m: Machine, t: LifecycleTransition, c: Contract, e: Event) -> bool:
    """A transition's guard, concretely (its symbolic twin: :meth:`Symbolic.guard`)."""
    guard = m.guard_of(t)
    return True if guard is None else evaluate(m, guard, c, e) is True


def _effect(m: Machine, t: LifecycleTransition, c: Contract, e: Event) -> Contract:
    """Each effect, concretely (its symbolic twin: :meth:`Symbolic.after`)."""
    after = replace(c, state=t.target or c.state, clock=e.on)
    if t.effect == "form-back-dated":  # formed as of the application date
        return replace(after, formed_on=c.applied_on)
    if t.effect == "start-service":
        return replace(after, started_on=e.on)
    if t.effect == "give-notice":
        return replace(after, notice_on=e.on, named_month=e.month, termination_month=e.month)
    if t.effect == "move-termination-month":
        return replace(after, termination_month=e.month)
    if t.effect == "demand":
        return replace(after, demand_on=e.on)
    if t.effect == "end":
        return replace(after, ended_on=e.on, ground=t.ground)
    return after


# --- In Z3 -------------------------------------------------------------------------------------


@dataclass
class SymContract:
    """A contract in Z3. A date not yet recorded has its flag false (and, from the
    application on, equals the application date, so that every model is canonical)."""

    state: Z3Int
    clock: SDate
    applied_on: SDate
    planned_start: SDate
    formed: Z3Bool
    formed_on: SDate
    started: Z3Bool
    started_on: SDate
    noticed: Z3Bool
    notice_on: SDate
    named_month: SMonth
    termination_month: SMonth
    demanded: Z3Bool
    demand_on: SDate
    ended: Z3Bool
    ended_on: SDate
    ground: Z3Int  # -1: none


@dataclass
class SymEvent:
    code: Z3Int  # -1: tick; else the transition's position
    on: SDate
    month: SMonth
    earlier_pending: Z3Bool
    hindered: Z3Bool


def _date(name: str) -> SDate:
    return SDate(*z3.Ints(f"{name}.year {name}.month {name}.day"))


def _month(name: str) -> SMonth:
    return SMonth(*z3.Ints(f"{name}.year {name}.month"))


def valid_date(d: SDate) -> Z3Bool:
    return z3.And(
        d.month >= 1,
        d.month <= 12,
        d.day >= 1,
        d.day <= symcal.days_in_month(d.year, d.month),
        symcal.year_in(d.year, HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR),
    )


def valid_month(mo: SMonth) -> Z3Bool:
    return z3.And(
        mo.month >= 1,
        mo.month <= 12,
        symcal.year_in(mo.year, HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR),
    )


def _one_of(code: Z3Int, codes: list[int]) -> Z3Bool:
    return z3.Or(*(code == c for c in codes), z3.BoolVal(False))


def sym_records(c: SymContract, e: SymEvent | None = None) -> dict[str, object]:
    found: dict[str, object] = {f"contract.{d}": getattr(c, d) for d in (*DATES, *MONTHS, *FLAGS)}
    if e is not None:
        found |= {
            "event.on": e.on,
            "event.month": e.month,
            "event.earlier_pending": e.earlier_pending,
            "event.hindered": e.hindered,
        }
    return found


class Symbolic:
    """The transition relation of a :class:`Machine` in Z3."""

    def __init__(self, m: Machine) -> None:
        self.m = m
        self.transitions = m.lifecycle.transitions
        self.codes = {s: m.state_code[s] for s in m.states}
        self.bounds = _lifecycle_bounds(m)

    def compile(self, expr: Expr, c: SymContract, e: SymEvent | None = None) -> Any:
        """A lifecycle formula in Z3, over a symbolic contract (and event)."""
        v = self.m.spec.vocabulary
        names = sym_records(c, e)
        values: dict[str, object] = {}

        def lookup(name: str) -> object:
            if name in names:
                return names[name]
            if name not in values:
                binding = self.m.bindings.get(name)
                formula = binding if binding is not None else v.entries[name].formula()
                values[name] = compiler.compile(formula)
            return values[name]

        compiler = Compiler(lookup, self.bounds, SymContext(v.enums, v.calendar))
        result = compiler.compile(expr)
        if compiler.conditions:
            result = z3.And(result, *compiler.conditions) if z3.is_bool(result) else result
        return result

    def contract(self, name: str) -> SymContract:
        """A contract with every field free."""
        fields: dict[str, Any] = {d: _date(f"{name}.{d}") for d in DATES}
        fields |= {mo: _month(f"{name}.{mo}") for mo in MONTHS}
        fields |= {flag: z3.Bool(f"{name}.{flag}") for flag in FLAGS}
        return SymContract(state=z3.Int(f"{name}.state"), ground=z3.Int(f"{name}.ground"), **fields)

    def event(self, name: str) -> tuple[SymEvent, Z3Bool]:
        """A free event and its domain."""
        e = SymEvent(
            z3.Int(f"{name}.code"),
            _date(f"{name}.on"),
            _month(f"{name}.month"),
            z3.Bool(f"{name}.earlier_pending"),
            z3.Bool(f"{name}.hindered"),
        )
        domain = z3.And(
            e.code >= -1,
            e.code < len(self.transitions),
            valid_date(e.on),
            valid_month(e.month),
        )
        return e, domain

    def initial(self, c: SymContract) -> Z3Bool:
        """The application; nothing recorded yet, the planned start not before it."""
        a = c.applied_on
        return z3.And(
            c.state == self.codes[self.m.initial],
            valid_date(a),
            valid_date(c.planned_start),
            c.planned_start >= a,
            c.clock == a,
            *(getattr(c, d) == a for d in DATES if d not in ("applied_on", "planned_start")),
            *(getattr(c, mo) == a.month_of for mo in MONTHS),
            *(z3.Not(getattr(c, f)) for f in FLAGS),
            c.ground == -1,
        )

    def in_states(self, c: SymContract, ids: list[str]) -> Z3Bool:
        return _one_of(c.state, [self.codes[s] for s in ids])

    def states_where(self, c: SymContract, test: Callable[[LifecycleState], bool]) -> Z3Bool:
        return self.in_states(c, [s.id for s in self.m.lifecycle.states if test(s)])

    def events_where(self, e: SymEvent, test: Callable[[LifecycleTransition], bool]) -> Z3Bool:
        return _one_of(e.code, [i for i, t in enumerate(self.transitions) if test(t)])

    def due(self, c: SymContract) -> tuple[Z3Bool, SDate]:
        """Whether a termination month is pending, and the day it must end by."""
        return z3.And(c.noticed, z3.Not(c.ended)), c.termination_month.last_day

    def time_allows(self, c: SymContract, e: SymEvent) -> Z3Bool:
        pending, due = self.due(c)
        return z3.And(e.on >= c.clock, z3.Implies(pending, e.on <= due))

    def guard(self, t: LifecycleTransition, c: SymContract, e: SymEvent) -> Z3Bool:
        """A transition's guard in Z3 (its concrete twin: :func:`guard_holds`)."""
        guard = self.m.guard_of(t)
        return z3.BoolVal(True) if guard is None else self.compile(guard, c, e)

    def enabled(self, c: SymContract, e: SymEvent) -> Z3Bool:
        """The relation's first half: `e` may happen to `c`."""
        moves = [
            z3.And(e.code == i, self.in_states(c, t.source), self.guard(t, c, e))
            for i, t in enumerate(self.transitions)
        ]
        return z3.And(self.time_allows(c, e), z3.Or(e.code == -1, *moves))

    def after(self, c: SymContract, e: SymEvent) -> SymContract:
        """The relation's second half: `c` after `e` (its concrete twin: :func:`_effect`)."""

        def by(effect: str) -> Z3Bool:
            return self.events_where(e, lambda t: t.effect == effect)

        state = c.state
        ground = c.ground
        for i, t in enumerate(self.transitions):
            if t.target is not None:
                state = z3.If(e.code == i, self.codes[t.target], state)
            if t.effect == "end":
                ground = z3.If(e.code == i, self.m.ground_code(t.ground), ground)
        formed, started, noticed = by("form-back-dated"), by("start-service"), by("give-notice")
        moved, demanded, ended = by("move-termination-month"), by("demand"), by("end")
        return SymContract(
            state=state,
            clock=e.on,
            applied_on=c.applied_on,
            planned_start=c.planned_start,
            formed=z3.Or(c.formed, formed),
            formed_on=symcal.select_date(formed, c.applied_on, c.formed_on),
            started=z3.Or(c.started, started),
            started_on=symcal.select_date(started, e.on, c.started_on),
            noticed=z3.Or(c.noticed, noticed),
            notice_on=symcal.select_date(noticed, e.on, c.notice_on),
            named_month=symcal.select_month(noticed, e.month, c.named_month),
            termination_month=symcal.select_month(
                z3.Or(noticed, moved), e.month, c.termination_month
            ),
            demanded=z3.Or(c.demanded, demanded),
            demand_on=symcal.select_date(demanded, e.on, c.demand_on),
            ended=z3.Or(c.ended, ended),
            ended_on=symcal.select_date(ended, e.on, c.ended_on),
            ground=ground,
        )


def _lifecycle_bounds(m: Machine) -> Bounds:
    """Bounds for lifecycle formulas: records range over the whole horizon, and each
    quantity's bounds follow from its formula over them (not from the facts' declared
    bounds, which the records need not keep)."""
    entries = m.spec.vocabulary.entries
    holder: list[Bounds] = []

    def names(name: str) -> Interval | None:
        found = LIFECYCLE_NAMES.get(name)
        if found is not None:
            return horizon_months() if found.is_calendar else None
        entry = entries.get(name)
        if entry is None:
            return None
        if entry.kind == "fact":
            binding = m.bindings.get(name)
            if binding is None:
                return entry.bounds
            return holder[0].of(binding)
        intervals = [holder[0].of(f) for f in entry.formulas.values()]
        known = [i for i in intervals if i is not None]
        if not known:
            return None
        merged = known[0]
        for other in known[1:]:
            merged = merged.union(other)
        return merged

    bounds = Bounds(names)
    holder.append(bounds)
    return bounds


# --- Between concrete and symbolic ------------------------------------------------------------


def constant_contract(m: Machine, c: Contract) -> SymContract:
    """`c` as Z3 constants (a date not recorded stands as the application date, as in
    every contract the relation reaches), for evaluating the relation at a point."""
    a = c.applied_on

    def day(value: date | None) -> SDate:
        return symcal.const_date(value or a)

    def month(value: Month | None) -> SMonth:
        return symcal.const_month(value or cal.month_of(a))

    return SymContract(
        state=z3.IntVal(m.state_code[c.state]),
        clock=day(c.clock),
        applied_on=day(a),
        planned_start=day(c.planned_start),
        formed=z3.BoolVal(c.formed_on is not None),
        formed_on=day(c.formed_on),
        started=z3.BoolVal(c.started_on is not None),
        started_on=day(c.started_on),
        noticed=z3.BoolVal(c.notice_on is not None),
        notice_on=day(c.notice_on),
        named_month=month(c.named_month),
        termination_month=month(c.termination_month),
        demanded=z3.BoolVal(c.demand_on is not None),
        demand_on=day(c.demand_on),
        ended=z3.BoolVal(c.ended_on is not None),
        ended_on=day(c.ended_on),
        ground=z3.IntVal(m.ground_code(c.ground)),
    )


def constant_event(m: Machine, e: Event) -> tuple[SymEvent, Z3Bool]:
    """`e` as Z3 constants, and its domain (an event the machine does not know has none)."""
    known = e.name == TICK or e.name in m.transitions
    code = m.event_code(e.name) if known else len(m.transitions)
    month = e.month or cal.month_of(e.on)
    sym = SymEvent(
        z3.IntVal(code),
        symcal.const_date(e.on),
        symcal.const_month(month),
        z3.BoolVal(e.earlier_pending),
        z3.BoolVal(e.hindered),
    )
    domain = z3.And(
        sym.code >= -1, sym.code < len(m.transitions), valid_date(sym.on), valid_month(sym.month)
    )
    return sym, domain


class PointwiseRelation:
    """The Z3 relation over free variables, evaluated at concrete contracts and events by
    substitution and simplification: the very terms the checks use, and no search."""

    def __init__(self, m: Machine) -> None:
        self.m = m
        z = Symbolic(m)
        self.contract = z.contract("p.c")
        self.event, domain = z.event("p.e")
        self.enabled = z3.And(domain, z.enabled(self.contract, self.event))
        self.image = z.after(self.contract, self.event)

    def _bindings(self, c: Contract, e: Event) -> list[tuple[Any, Any]]:
        event, _ = constant_event(self.m, e)
        return _pairs(self.contract, constant_contract(self.m, c)) + _pairs(self.event, event)

    def enables(self, c: Contract, e: Event) -> bool:
        """Does the relation let `e` happen to `c`?"""
        return bool(z3.is_true(z3.simplify(z3.substitute(self.enabled, *self._bindings(c, e)))))

    def accepts(self, before: Contract, e: Event, after: Contract) -> bool:
        """Does the relation take `before` to `after` by `e`?"""
        if not self.enables(before, e):
            return False
        bindings = self._bindings(before, e)
        expected = constant_contract(self.m, after)
        return all(
            z3.is_true(z3.simplify(z3.substitute(image == value, *bindings)))
            for image, value in zip(_terms(self.image), _terms(expected), strict=True)
        )


def _terms(value: SymContract | SymEvent) -> list[Any]:
    """The Z3 terms of a symbolic contract or event, field by field, dates split."""
    found: list[Any] = []
    for name in type(value).__dataclass_fields__:
        part = getattr(value, name)
        if isinstance(part, SDate):
            found += [part.year, part.month, part.day]
        elif isinstance(part, SMonth):
            found += [part.year, part.month]
        else:
            found.append(part)
    return found


def _pairs(free: SymContract | SymEvent, constant: SymContract | SymEvent) -> list[tuple[Any, Any]]:
    return list(zip(_terms(free), _terms(constant), strict=True))


def relation_accepts(m: Machine, before: Contract, e: Event, after: Contract) -> bool:
    """One-off form of :meth:`PointwiseRelation.accepts`."""
    return PointwiseRelation(m).accepts(before, e, after)
