"""Coverage against time: Z3's proof over the horizon beside exhaustive enumeration.

What a team without a solver would do: run the executable rules
(:func:`termcheck.rules.evaluate`) on every scenario that could matter for some years of
service-start dates, and evaluate each property's assumption and assertion on the
outcomes (:func:`termcheck.language.eval_concrete`, as :func:`termcheck.check.replay_scenarios`
does). Z3 answers the same question for every date of the horizon (1900-2399) and every
fee up to 10^9 yen.

Which scenarios matter, input by input (the enumeration reads only the inputs a property
depends on, as the encoding computes them; the others keep one value):

- service start: every day. The day of the month decides month ends (第7条: billing from
  the 1st of the next month), leap days (第9条 with 民法第143条) and year ends.
- termination month: from the service-start month (the earliest the terms allow, 第8条)
  to three months past the last month of the minimum term. Beyond that the penalty and
  the remaining months are 0 and billed months only grow, so no new case arises.
- monthly fee: 0 and 100,000 yen. Every yen quantity is the fee times a count of months,
  and every shipped property compares such products with each other or with 0, so any
  positive fee decides them as 100,000 does; 0 is the degenerate case.
- ground, readings: every value the property may see (a reading the property does not
  name is pinned to the adopted one, as `termcheck verify` does).
- notice arrival, for a termination month M: the day before, of and after the deadline of
  each reading (where timeliness flips), and the first and last day of each of the months
  M-4..M (month ends, and notices that arrive in the termination month itself).
- planned start: the service start and the days either side of it, and the first and
  last day of each of the three months before the service-start month (where
  第11条第4項's "翌月末" falls just before or after the service start).
- incident date: the day before and of the service start, the service end and the day
  after, and the 1st of every month from the month before the service start to the month
  after the termination month (the cap of 第13条 depends on the incident's month only).

Two-customer properties are enumerated as pairs that share the service start, and share
every input the assumption equates (`a.X == b.X`); an input the assumption fixes to a
value (`a.ground == "customer"`) takes only that value. Everything else is enumerated for
each customer independently and filtered by the assumption. Sharing the service start
loses no case for the shipped properties: each pair property either equates the two
starts or reads neither. Properties of other kinds (built-in checks of the model's
structure) are not scenarios and are left out.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from termcheck import language
from termcheck.calendar import Month, month_of
from termcheck.check import pinned_readings
from termcheck.encoding import encode
from termcheck.errors import ScenarioError
from termcheck.properties import Property
from termcheck.rules import Outcome, Scenario, evaluate, notice_deadline
from termcheck.spec import Spec
from termcheck.vocabulary import BY_NAME, Ground, Kind, LiabilityReading, NoticeReading

FIRST_START = date(2026, 1, 1)
FEES = (0, 100_000)
MONTHS_PAST_TERM = 3
INPUT_ORDER = (
    "service_start",
    "termination_month",
    "monthly_fee",
    "ground",
    "notice_reading",
    "liability_reading",
    "notice_arrival",
    "planned_start",
    "incident_date",
)


@dataclass(frozen=True)
class Shape:
    """What to enumerate for one property: per customer, the inputs it reads; across
    customers, the inputs the assumption equates; inputs fixed to a literal."""

    reads: dict[str, frozenset[str]]
    shared: frozenset[str]
    fixed: dict[tuple[str, str], Any]


@dataclass
class Tally:
    """Scenarios checked and time spent, up to each checkpoint (years of starts)."""

    scenarios: dict[int, int] = field(default_factory=dict)
    seconds: dict[int, float] = field(default_factory=dict)
    counterexample: dict[int, bool] = field(default_factory=dict)
    found: dict[str, dict[int, bool]] = field(default_factory=dict)  # by property id


def shape_of(spec: Spec, prop: Property) -> Shape:
    names = tuple(prop.scenarios) or ("",)
    sym = encode(spec, "s")
    reads: dict[str, set[str]] = {name: {"service_start"} for name in names}
    for used in prop.names:
        owner, _, quantity = used.rpartition(".")
        if BY_NAME[quantity].kind is Kind.PARAMETER:
            continue
        reads[owner] |= sym.inputs_of(quantity)
    pinned = set(pinned_readings(prop))
    equal, fixed = _equalities(prop.assume)
    return Shape(
        {name: frozenset(inputs - pinned) for name, inputs in reads.items()},
        frozenset(equal),
        fixed,
    )


def _equalities(expr: language.Expr) -> tuple[set[str], dict[tuple[str, str], Any]]:
    """Inputs the assumption's top-level conjuncts equate across customers or to a literal."""
    equal: set[str] = set()
    fixed: dict[tuple[str, str], Any] = {}
    for conjunct in _conjuncts(expr):
        if not isinstance(conjunct, language.Compare) or conjunct.op != "==":
            continue
        left, right = conjunct.left, conjunct.right
        if isinstance(left, language.Name) and isinstance(right, language.Name):
            (a, _, x), (b, _, y) = left.name.rpartition("."), right.name.rpartition(".")
            if x == y and a != b and BY_NAME[x].kind is Kind.INPUT:
                equal.add(x)
        elif isinstance(left, language.Name) and isinstance(right, language.StrLit):
            owner, _, name = left.name.rpartition(".")
            if BY_NAME[name].kind is Kind.INPUT:
                fixed[(owner, name)] = right.value
    return equal, fixed


def _conjuncts(expr: language.Expr) -> Iterator[language.Expr]:
    if isinstance(expr, language.Logic) and expr.op == "and":
        yield from _conjuncts(expr.left)
        yield from _conjuncts(expr.right)
    else:
        yield expr


# --- Candidate values -------------------------------------------------------------------


def _month_window(spec: Spec, start: date) -> list[Month]:
    first = month_of(start)
    return [first.shift(k) for k in range(spec.minimum_term_months + MONTHS_PAST_TERM + 1)]


def _month_edges(months: Iterable[Month]) -> set[date]:
    return {day for month in months for day in (month.first_day, month.last_day)}


def arrivals(spec: Spec, month: Month) -> list[date]:
    days = _month_edges(month.shift(-k) for k in range(5))
    for reading in NoticeReading:
        deadline = notice_deadline(month, spec.notice_months, reading)
        days |= {deadline - timedelta(days=1), deadline, deadline + timedelta(days=1)}
    return sorted(days)


def planned_starts(start: date) -> list[date]:
    days = _month_edges(month_of(start).shift(-k) for k in range(4))
    days |= {start - timedelta(days=1), start, start + timedelta(days=1)}
    return sorted(days)


def incidents(start: date, month: Month) -> list[date]:
    first = month_of(start).shift(-1)
    days = {first.shift(k).first_day for k in range(month.index - first.index + 2)}
    days |= {start - timedelta(days=1), start, month.last_day, month.last_day + timedelta(days=1)}
    return sorted(days)


def _values(spec: Spec, name: str, partial: dict[str, Any]) -> list[Any]:
    start: date = partial["service_start"]
    if name == "termination_month":
        return _month_window(spec, start)
    if name == "monthly_fee":
        return list(FEES)
    if name == "ground":
        return list(Ground)
    if name == "notice_reading":
        return list(spec.notice_readings())
    if name == "liability_reading":
        return list(spec.liability_readings())
    if name == "notice_arrival":
        return arrivals(spec, partial["termination_month"])
    if name == "planned_start":
        return planned_starts(start)
    if name == "incident_date":
        return incidents(start, partial["termination_month"])
    raise KeyError(name)


DEFAULTS: dict[str, Any] = {"monthly_fee": 100_000, "ground": Ground.CUSTOMER}


def customers(
    spec: Spec, start: date, reads: frozenset[str], fixed: dict[str, Any], given: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """Every assignment of the inputs in `reads`, with `given` ones already decided."""
    partial = {"service_start": start, **given}
    order = [n for n in INPUT_ORDER if n in reads and n not in partial]
    if not order:
        yield dict(partial)
        return
    yield from _extend(spec, partial, order, fixed)


def _extend(
    spec: Spec, partial: dict[str, Any], order: list[str], fixed: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    name, rest = order[0], order[1:]
    options = [_coerce(name, fixed[name])] if name in fixed else _values(spec, name, partial)
    for value in options:
        partial[name] = value
        if rest:
            yield from _extend(spec, partial, rest, fixed)
        else:
            yield dict(partial)
    del partial[name]


def _coerce(name: str, literal: str) -> Any:
    enum = {
        "ground": Ground,
        "notice_reading": NoticeReading,
        "liability_reading": LiabilityReading,
    }
    return enum[name](literal)


def _scenario(values: dict[str, Any]) -> Scenario:
    month = values.get("termination_month") or month_of(values["service_start"])
    base = Scenario(
        values["service_start"],
        values.get("monthly_fee", DEFAULTS["monthly_fee"]),
        month,
        ground=values.get("ground", DEFAULTS["ground"]),
    )
    optional = {k: v for k, v in values.items() if k in OPTIONAL_INPUTS}
    return replace(base, **optional)


OPTIONAL_INPUTS = (
    "notice_arrival",
    "notice_reading",
    "planned_start",
    "incident_date",
    "liability_reading",
)


# --- Checking -----------------------------------------------------------------------------


class _Checker:
    """The properties of one shape on the rules' outcomes: each scenario is evaluated
    once per day however many properties look at it."""

    def __init__(self, spec: Spec, props: list[Property]) -> None:
        self.spec = spec
        self.props = props
        self.cache: dict[tuple[Any, ...], Outcome | None] = {}
        self.parameters: dict[str, object] = {
            "minimum_term_months": spec.minimum_term_months,
            "notice_months": spec.notice_months,
            "penalty_grounds": spec.penalty_grounds,
        }
        # The conjuncts of each assumption that read the first customer only: a pair
        # whose first customer fails them is skipped before its partners are built.
        first = (tuple(props[0].scenarios) or ("",))[0]
        self.first_only = [
            [c for c in _conjuncts(p.assume) if _owners(c) <= {first}] for p in props
        ]
        # The conjuncts that compare the customers' inputs only (a.termination_month <=
        # b.termination_month): a pair that fails them needs no rules at all.
        self.on_inputs = [
            [c for c in _conjuncts(p.assume) if _inputs_only(c) and len(_owners(c)) > 1]
            for p in props
        ]

    def outcome(self, values: dict[str, Any]) -> Outcome | None:
        key = tuple(values.get(name) for name in INPUT_ORDER)
        if key not in self.cache:
            try:
                self.cache[key] = evaluate(self.spec, _scenario(values))
            except ScenarioError:
                self.cache[key] = None
        return self.cache[key]

    def admitted(self, alive: list[int], values: dict[str, dict[str, Any]]) -> list[int]:
        """The properties whose assumption the customers' inputs alone do not rule out."""

        def lookup(name: str) -> object:
            owner, _, quantity = name.rpartition(".")
            if quantity in self.parameters:
                return self.parameters[quantity]
            return values[owner][quantity]

        return [
            i
            for i in alive
            if all(
                not _reads_all(c, values) or language.eval_concrete(c, lookup) is True
                for c in self.on_inputs[i]
            )
        ]

    def lookup(self, outcomes: dict[str, Outcome]) -> Any:
        def value(name: str) -> object:
            owner, _, quantity = name.rpartition(".")
            if quantity in self.parameters:
                return self.parameters[quantity]
            return outcomes[owner].value(quantity)

        return value

    def alive(self, name: str, outcome: Outcome) -> list[int]:
        """The properties whose assumption the first customer alone does not rule out."""
        lookup = self.lookup({name: outcome})
        return [
            i
            for i, conjuncts in enumerate(self.first_only)
            if all(language.eval_concrete(c, lookup) is True for c in conjuncts)
        ]

    def violated(self, index: int, outcomes: dict[str, Outcome]) -> bool:
        prop = self.props[index]
        lookup = self.lookup(outcomes)
        if language.eval_concrete(prop.assume, lookup) is not True:
            return False
        return language.eval_concrete(prop.assertion, lookup) is not True


def _inputs_only(expr: language.Expr) -> bool:
    names = language.names_used(expr)
    return bool(names) and all(
        BY_NAME[n.rpartition(".")[2]].kind in (Kind.INPUT, Kind.PARAMETER) for n in names
    )


def _reads_all(expr: language.Expr, values: dict[str, dict[str, Any]]) -> bool:
    """Whether every input the conjunct names was enumerated (not left to its default)."""
    for name in language.names_used(expr):
        owner, _, quantity = name.rpartition(".")
        if BY_NAME[quantity].kind is Kind.INPUT and quantity not in values.get(owner, {}):
            return False
    return True


def _owners(expr: language.Expr) -> set[str]:
    """The customers an expression reads (parameters belong to none)."""
    owners = set()
    for name in language.names_used(expr):
        owner, _, quantity = name.rpartition(".")
        if BY_NAME[quantity].kind is not Kind.PARAMETER:
            owners.add(owner)
    return owners


def enumerate_group(spec: Spec, props: list[Property], shape: Shape, years: list[int]) -> Tally:
    """Check the properties of one shape on every scenario, day by day, with a checkpoint
    at the end of each number of years in `years` (one pass covers them all)."""
    names = tuple(props[0].scenarios) or ("",)
    checker = _Checker(spec, props)
    tally = Tally()
    found = [False] * len(props)
    checked = 0
    started = time.perf_counter()
    day = FIRST_START
    for horizon in sorted(years):
        last = date(FIRST_START.year + horizon, FIRST_START.month, FIRST_START.day)
        while day < last:
            checker.cache.clear()
            checked += _check_day(spec, day, names, shape, checker, found)
            day += timedelta(days=1)
        tally.scenarios[horizon] = checked
        tally.seconds[horizon] = time.perf_counter() - started
        tally.counterexample[horizon] = any(found)
        for prop, hit in zip(props, found, strict=True):
            tally.found.setdefault(prop.id, {})[horizon] = hit
    return tally


def _check_day(
    spec: Spec,
    day: date,
    names: tuple[str, ...],
    shape: Shape,
    checker: _Checker,
    found: list[bool],
) -> int:
    fixed = {
        name: {inp: value for (owner, inp), value in shape.fixed.items() if owner == name}
        for name in names
    }
    checked = 0
    first = names[0]
    for values in customers(spec, day, shape.reads[first], fixed[first], {}):
        outcome = checker.outcome(values)
        if outcome is None:
            checked += 1
            continue
        alive = checker.alive(first, outcome)
        if len(names) == 1:
            checked += 1
            _record(checker, alive, {first: outcome}, found)
            continue
        shared = {k: v for k, v in values.items() if k in shape.shared}
        partners = [
            list(customers(spec, day, shape.reads[name], fixed[name], shared)) for name in names[1:]
        ]
        # Every pair counts as checked; those the assumption rules out early are not
        # evaluated further (the first customer alone, or the inputs alone, decide it).
        checked += math.prod(len(options) for options in partners)
        if not alive:
            continue
        for picked in itertools.product(*partners):
            inputs = {first: values, **dict(zip(names[1:], picked, strict=True))}
            admitted = checker.admitted(alive, inputs)
            if not admitted:
                continue
            outcomes = {first: outcome}
            for name, partner in zip(names[1:], picked, strict=True):
                other = checker.outcome(partner)
                if other is None:
                    break
                outcomes[name] = other
            else:
                _record(checker, admitted, outcomes, found)
    return checked


def _record(
    checker: _Checker, alive: list[int], outcomes: dict[str, Outcome], found: list[bool]
) -> None:
    for index in alive:
        if checker.violated(index, outcomes):
            found[index] = True


def groups(spec: Spec, properties: list[Property]) -> list[tuple[Shape, list[Property]]]:
    """Scenario properties grouped by what they enumerate, in first-appearance order."""
    grouped: dict[str, tuple[Shape, list[Property]]] = {}
    for prop in properties:
        if prop.kind != "scenario":
            continue
        shape = shape_of(spec, prop)
        key = repr(
            (
                prop.scenarios,
                sorted((k, sorted(v)) for k, v in shape.reads.items()),
                sorted(shape.shared),
                sorted(shape.fixed.items()),
            )
        )
        grouped.setdefault(key, (shape, []))[1].append(prop)
    return list(grouped.values())
