"""The lifecycle of a contract (第5条–第12条, 第16条): one machine, built twice.

model.toml [lifecycle] lists the states, the guards (each with its provision) and the
transitions (event, from, to, actor, guard, effect, ground, article). From that table:

- :func:`step` moves a concrete contract (:class:`Contract`) by an :class:`Event`: what
  a contract-management system would run. It refuses what the terms do not allow,
  naming the provision (第8条: no withdrawal after applying).
- :class:`Symbolic` is the same transition relation in Z3, over symbolic contracts.

Each guard and each effect named in model.toml is implemented once in each: the pairs
sit side by side below. Time passes in every state (the event "tick"); a contract
whose termination month is fixed cannot pass that month's end without ending or having
the month moved (第10条). What must hold of every contract is in
:mod:`termcheck.lifecycle_claims`; :mod:`termcheck.lifecycle_check` proves it by
k-induction and replays every counterexample through :func:`step`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

import z3

from termcheck import calendar as cal
from termcheck import rules, symcal
from termcheck.calendar import HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR, Month
from termcheck.encoding import enum_code
from termcheck.spec import (
    BillingStart,
    Effect,
    ForbiddenEvent,
    Guard,
    Lifecycle,
    LifecycleState,
    LifecycleTransition,
    Spec,
)
from termcheck.symcal import SDate, SMonth, Z3Bool, Z3Int
from termcheck.vocabulary import Ground, NoticeReading

TICK = "tick"  # time passes; nothing else happens


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

    @property
    def reading(self) -> NoticeReading:
        return self.spec.adopted_notice_reading


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
    planned_start: date  # 利用開始予定日, agreed with the company (第11条第4項)
    formed_on: date | None = None
    started_on: date | None = None
    notice_on: date | None = None
    named_month: Month | None = None  # the termination month the customer named
    termination_month: Month | None = None  # the month in force (第10条 なお書き may move it)
    demand_on: date | None = None
    ended_on: date | None = None
    ground: Ground | None = None


@dataclass(frozen=True)
class Event:
    """Something that happens on a day: a transition's event, or "tick"."""

    name: str
    on: date
    month: Month | None = None  # the termination month named (give-notice, move)
    earlier_pending: bool = False  # an application received earlier still waits (第6条)
    hindered: bool = False  # the company's work is hindered (第6条ただし書)


class Refused(Exception):
    """The terms do not allow this event now; `article` names the provision, if one does."""

    def __init__(self, reason: str, article: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.article = article


def apply(m: Machine, applied_on: date, planned_start: date) -> Contract:
    """The application (第5条): the contract's first state."""
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
    if not guard_holds(m, transition.guard, contract, event):
        raise Refused(
            f"{event.name}: its guard {transition.guard.value} does not hold", transition.article
        )
    return _effect(transition, contract, event)


def _check_time(contract: Contract, event: Event) -> None:
    if not HORIZON_FIRST_YEAR <= event.on.year <= HORIZON_LAST_YEAR:
        raise Refused(f"{event.on} is outside the calendar horizon")
    if event.on < contract.clock:
        raise Refused(f"{event.on} is before the contract's latest event ({contract.clock})")
    due = due_day(contract)
    if due is not None and event.on > due:
        raise Refused(f"the contract ends with its termination month, on {due}", "10-1")


def due_day(contract: Contract) -> date | None:
    """The day the contract must end (or have its month moved) by, if one is fixed."""
    if contract.termination_month is None or contract.ended_on is not None:
        return None
    return contract.termination_month.last_day


def notice_deadline(m: Machine, month: Month) -> date:
    return rules.notice_deadline(month, m.spec.notice_months, m.reading)


def guard_holds(m: Machine, guard: Guard, c: Contract, e: Event) -> bool:
    """Each guard of model.toml, concretely (its symbolic twin: :meth:`Symbolic.guard`)."""
    if guard is Guard.ALWAYS:
        return True
    if guard is Guard.IN_ORDER_OF_RECEIPT:  # 第6条第1項 and its ただし書
        return not e.earlier_pending or e.hindered
    if guard is Guard.ON_OR_AFTER_FORMATION:  # 第7条
        return c.formed_on is not None and e.on >= c.formed_on
    if guard is Guard.NOTICE_TIMELY:  # 第10条, under the adopted reading
        return (
            e.month is not None
            and c.started_on is not None
            and e.month >= cal.month_of(c.started_on)
            and e.on <= notice_deadline(m, e.month)
        )
    if guard is Guard.END_OF_TERMINATION_MONTH:  # 第10条
        return c.termination_month is not None and e.on == c.termination_month.last_day
    if guard is Guard.LATER_TERMINATION_MONTH:  # 第10条 なお書き
        return (
            e.month is not None
            and c.termination_month is not None
            and e.month > c.termination_month
        )
    if guard is Guard.DEMAND_PERIOD_LAPSED:  # 第11条第1項
        return c.demand_on is not None and e.on > c.demand_on
    if guard is Guard.START_DELAY_PASSED:  # 第11条第4項
        return c.started_on is None and e.on > rules.start_delay_deadline(m.spec, c.planned_start)
    raise AssertionError(guard)  # pragma: no cover - every guard is handled above


def _effect(t: LifecycleTransition, c: Contract, e: Event) -> Contract:
    """Each effect of model.toml, concretely (its symbolic twin: :meth:`Symbolic.after`)."""
    after = replace(c, state=t.target or c.state, clock=e.on)
    if t.effect is Effect.FORM_BACK_DATED:  # 第6条第2項: 申込日に遡って成立
        return replace(after, formed_on=c.applied_on)
    if t.effect is Effect.START_SERVICE:
        return replace(after, started_on=e.on)
    if t.effect is Effect.GIVE_NOTICE:
        return replace(after, notice_on=e.on, named_month=e.month, termination_month=e.month)
    if t.effect is Effect.MOVE_TERMINATION_MONTH:
        return replace(after, termination_month=e.month)
    if t.effect is Effect.DEMAND:
        return replace(after, demand_on=e.on)
    if t.effect is Effect.END:
        return replace(after, ended_on=e.on, ground=t.ground)
    return after


def billing_start(m: Machine, c: Contract) -> date | None:
    """第7条: fees accrue from here (None: the service never started)."""
    return None if c.started_on is None else rules.billing_start(m.spec, c.started_on)


def last_billed_day(c: Contract) -> date | None:
    """第7条: fees accrue to the end of the month of the service end."""
    if c.started_on is None or c.ended_on is None:
        return None
    return cal.month_of(c.ended_on).last_day


def minimum_term_end(m: Machine, c: Contract) -> date | None:
    return None if c.started_on is None else rules.minimum_term_end(m.spec, c.started_on)


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


_DATES: tuple[str, ...] = (
    "clock",
    "applied_on",
    "planned_start",
    "formed_on",
    "started_on",
    "notice_on",
    "demand_on",
    "ended_on",
)
_MONTHS = ("named_month", "termination_month")
FLAGS = ("formed", "started", "noticed", "demanded", "ended")


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


def _select_month(condition: Z3Bool, then: SMonth, otherwise: SMonth) -> SMonth:
    return SMonth(
        z3.If(condition, then.year, otherwise.year), z3.If(condition, then.month, otherwise.month)
    )


def _one_of(code: Z3Int, codes: list[int]) -> Z3Bool:
    return z3.Or(*(code == c for c in codes), z3.BoolVal(False))


class Symbolic:
    """The transition relation of a :class:`Machine` in Z3."""

    def __init__(self, m: Machine) -> None:
        self.m = m
        self.transitions = m.lifecycle.transitions
        self.codes = {s: m.state_code[s] for s in m.states}

    def contract(self, name: str) -> SymContract:
        """A contract with every field free."""
        fields: dict[str, Any] = {d: _date(f"{name}.{d}") for d in _DATES}
        fields |= {mo: _month(f"{name}.{mo}") for mo in _MONTHS}
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
        """第5条: the application; nothing recorded yet, the planned start not before it."""
        a = c.applied_on
        return z3.And(
            c.state == self.codes[self.m.initial],
            valid_date(a),
            valid_date(c.planned_start),
            c.planned_start >= a,
            c.clock == a,
            *(getattr(c, d) == a for d in _DATES if d not in ("applied_on", "planned_start")),
            *(getattr(c, mo) == a.month_of for mo in _MONTHS),
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

    def notice_deadline(self, month: SMonth) -> SDate:
        months = self.m.spec.notice_months
        if self.m.reading is NoticeReading.END_OF_MONTH:
            return month.shift(-months).last_day
        if self.m.reading is NoticeReading.FIRST_OF_MONTH:
            return month.shift(-months).first_day
        return month.shift(-months - 1).last_day

    def guard(self, guard: Guard, c: SymContract, e: SymEvent) -> Z3Bool:
        """Each guard of model.toml in Z3 (its concrete twin: :func:`guard_holds`)."""
        if guard is Guard.ALWAYS:
            return z3.BoolVal(True)
        if guard is Guard.IN_ORDER_OF_RECEIPT:
            return z3.Or(z3.Not(e.earlier_pending), e.hindered)
        if guard is Guard.ON_OR_AFTER_FORMATION:
            return z3.And(c.formed, e.on >= c.formed_on)
        if guard is Guard.NOTICE_TIMELY:
            return z3.And(
                c.started,
                e.month >= c.started_on.month_of,
                e.on <= self.notice_deadline(e.month),
            )
        if guard is Guard.END_OF_TERMINATION_MONTH:
            return z3.And(c.noticed, e.on == c.termination_month.last_day)
        if guard is Guard.LATER_TERMINATION_MONTH:
            return z3.And(c.noticed, e.month > c.termination_month)
        if guard is Guard.DEMAND_PERIOD_LAPSED:
            return z3.And(c.demanded, e.on > c.demand_on)
        if guard is Guard.START_DELAY_PASSED:
            months_after = self.m.spec.document.start_delay.months_after_planned_month
            deadline = c.planned_start.month_of.shift(months_after).last_day
            return z3.And(z3.Not(c.started), e.on > deadline)
        raise AssertionError(guard)  # pragma: no cover - every guard is handled above

    def enabled(self, c: SymContract, e: SymEvent) -> Z3Bool:
        """The relation's first half: `e` may happen to `c`."""
        moves = [
            z3.And(e.code == i, self.in_states(c, t.source), self.guard(t.guard, c, e))
            for i, t in enumerate(self.transitions)
        ]
        return z3.And(self.time_allows(c, e), z3.Or(e.code == -1, *moves))

    def after(self, c: SymContract, e: SymEvent) -> SymContract:
        """The relation's second half: `c` after `e` (its concrete twin: :func:`_effect`)."""

        def by(effect: Effect) -> Z3Bool:
            return self.events_where(e, lambda t: t.effect is effect)

        state = c.state
        ground = c.ground
        for i, t in enumerate(self.transitions):
            if t.target is not None:
                state = z3.If(e.code == i, self.codes[t.target], state)
            if t.effect is Effect.END:
                code = -1 if t.ground is None else enum_code(t.ground)
                ground = z3.If(e.code == i, code, ground)
        formed, started, noticed = (
            by(Effect.FORM_BACK_DATED),
            by(Effect.START_SERVICE),
            by(Effect.GIVE_NOTICE),
        )
        moved, demanded, ended = (
            by(Effect.MOVE_TERMINATION_MONTH),
            by(Effect.DEMAND),
            by(Effect.END),
        )
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
            named_month=_select_month(noticed, e.month, c.named_month),
            termination_month=_select_month(z3.Or(noticed, moved), e.month, c.termination_month),
            demanded=z3.Or(c.demanded, demanded),
            demand_on=symcal.select_date(demanded, e.on, c.demand_on),
            ended=z3.Or(c.ended, ended),
            ended_on=symcal.select_date(ended, e.on, c.ended_on),
            ground=ground,
        )

    def last_billed_day(self, c: SymContract) -> SDate:
        return c.ended_on.month_of.last_day

    def billing_start(self, c: SymContract) -> SDate:
        if self.m.spec.document.billing.start is BillingStart.SERVICE_START:
            return c.started_on
        return symcal.first_of_next_month(c.started_on)

    def minimum_term_end(self, c: SymContract) -> SDate:
        term = self.m.spec.minimum_term_months
        return symcal.first_of_next_month(c.started_on).month_of.shift(term - 1).last_day


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
        ground=z3.IntVal(-1 if c.ground is None else enum_code(c.ground)),
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
