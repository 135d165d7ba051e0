"""Coverage against time: Z3's proof over the horizon beside exhaustive enumeration.

What a team without a solver would do: evaluate the model's formulas concretely (the
model's concrete meaning, :func:`termcheck.semantics.case.evaluate`) on every case that
could matter for some years of service starts, and evaluate each property's assumption
and assertion on the values (as :func:`termcheck.verify.scenario.replay_property` does).
Z3 answers the same question for every date of the horizon (1900-2399) and every value
of every fact within its bounds.

Nothing here names a fact, a quantity or a reading of the shipped agreement: the facts
come from model.toml (their types, bounds and preferred values), the enumerations from
its [[enums]], the readings from its quantities, and the values that matter are chosen
from the formulas. The argument, type by type:

- the *driver*, the first date fact the model requires (no default, not optional):
  every day, from the 1st of January after the terms' date. It anchors every case, and
  every property enumerates it, whether it reads it or not.
- a date or month fact X other than the driver ranges over a window of months around its
  *landmarks*: every date and month named in the formulas that read X (the formulas of
  the model's quantities that depend on X and that the property uses, and the conjuncts
  of the property that depend on X) and not depending on X itself, each under every
  reading the model gives it, evaluated on the facts enumerated before X (in model.toml's
  order; a landmark resting on a later fact is left out). The window runs from `margin`
  months before the earliest landmark to `margin` after the latest, where `margin` is one
  more than the largest number of months by which those formulas shift something that
  depends on X (``add_months``, ``shift_date``, ``period_end``; a shift by days counts as
  the months it can span) or compare a month difference between X and a landmark with
  (``months_between(...) >= 12``). A month fact takes every month of its window; a date
  fact the first and last day of each (month ends, year ends, ``month_of``), and each
  date landmark with the days either side (where a comparison with it flips). A fact
  without landmarks is anchored at the driver's month.
- a yen or count fact: its lower bound and its preferred value (``prefer``) or, without
  one, the next value up; a bool: both; an enumeration: every value.
- readings: those `termcheck verify` checks: the adopted one, or the property's pins, or
  every combination for a property checked ``every_reading``.

A fact none of the property's names depend on is left out, so the quantities resting on
it are not computed (as for an optional fact). A property over several cases shares the
driver between them, gives a later case every fact its assumption equates with the first
case's (``a.X == b.X``) and fixes a fact it equates with a literal (``a.ground ==
"customer"``); the rest is enumerated for each case and filtered by the assumption. A
partial case the model's relations refuse is not extended, and not counted. A pair the
assumption rules out on the first case alone, or on the facts alone, counts as checked
without its values being computed. Properties of other kinds (built-in checks of the
model's structure) are not about cases and are left out.

What this argument leaves to the shipped model, and why it holds there:

- Between two consecutive values of a date fact no month changes and no comparison with
  a landmark flips, so a formula built from months, comparisons and shifts by constants
  takes the same value. The shipped formulas are of that kind; the two properties that
  count days (``days_between(planned_start, start_delay_deadline)`` at most 61, at least
  30) are extreme at the month edges, which are enumerated. A model whose formulas count
  days between two facts, or weekdays and business days, needs more dates than these.
- Two fees (0 and the preferred 100,000 yen) suffice because every yen quantity of the
  shipped model is a count of months times the fee, and every property compares such
  products with each other or with 0: any positive fee decides them as 100,000 does. A
  model with ``scale`` (rounding, tax) or fees that change over time needs more.
- A pair property that reads the driver in both cases without equating it would need
  pairs of drivers, which this enumeration does not build: every shipped pair property
  equates the two service starts or reads neither (`unshared_driver` in the results
  lists any that does not).
- The enumeration covers some years of 500 and two fees of a billion; a verdict that
  differs from Z3's is reported, never hidden.

The concrete meaning is evaluated quantity by quantity through the language
(:func:`termcheck.language.evaluate.eval_concrete`), each quantity's value memoised on
the values of the facts it depends on (the vocabulary computes them transitively) and on
its readings, so that a quantity that depends on the service start alone is computed once
a day. Every 1,009th time a property is evaluated on a case, the memoised values are
compared with the unmemoised :func:`termcheck.semantics.case.values_of` (a difference
stops the run).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from termcheck.language.ast import (
    Arith,
    BoolLit,
    Call,
    Compare,
    Expr,
    IntLit,
    Logic,
    Name,
    Negate,
    StrLit,
    names_used,
    nodes,
)
from termcheck.language.evaluate import EvaluationError, eval_concrete
from termcheck.model.spec import Spec
from termcheck.model.vocabulary import Entry, Vocabulary
from termcheck.semantics.calendar import Month, month_of, parse_date
from termcheck.semantics.case import reading_choice as complete_readings
from termcheck.semantics.case import values_of
from termcheck.verify.properties import Property
from termcheck.verify.scenario import case_readings, reading_choice, reading_variants

SPOT_CHECK_EVERY = 1009  # a prime, so that the checked cases do not follow one fact's cycle
MONTH_SHIFTS = frozenset({"add_months", "shift_date", "period_end"})
DAY_SHIFTS = frozenset({"add_days", "add_business_days"})
MONTH_COUNTS = frozenset({"months_between", "months_in"})
DAY_COUNTS = frozenset({"days_between"})
CALENDAR = ("date", "month")
Facts = dict[str, object]


# --- What a property reads ------------------------------------------------------------------


def driver(spec: Spec) -> str:
    """The first date fact the model requires: the one every case is anchored at."""
    v = spec.vocabulary
    for entry in v.facts:
        if entry.type.kind == "date" and not entry.optional and entry.id not in v.defaults:
            return entry.id
    raise ValueError("the model has no required date fact to enumerate day by day")


def first_day(spec: Spec) -> date:
    """The 1st of January after the terms' date: the first service start enumerated."""
    return date(parse_date(spec.anchor).year + 1, 1, 1)


def owned(prop: Property, case: str, v: Vocabulary) -> set[str]:
    """The names of `case`'s part of the property, unprefixed (constants included)."""
    found = set()
    for used in prop.names:
        owner, _, name = used.rpartition(".")
        if owner == case or v.entries[name].kind == "constant":
            found.add(name)
    return found


def closure(v: Vocabulary, names: Iterable[str]) -> frozenset[str]:
    """The names and every fact or quantity their formulas use, however indirectly."""
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(v.entries[name].uses)
    return frozenset(found)


def conjuncts(expr: Expr) -> Iterator[Expr]:
    if isinstance(expr, Logic) and expr.op == "and":
        yield from conjuncts(expr.left)
        yield from conjuncts(expr.right)
    else:
        yield expr


def static_value(expr: Expr, constants: Mapping[str, object]) -> int | None:
    """An integer known before any fact: literals and integer constants, with arithmetic."""
    if isinstance(expr, IntLit):
        return expr.value
    if isinstance(expr, Negate):
        inner = static_value(expr.operand, constants)
        return None if inner is None else -inner
    if isinstance(expr, Name):
        value = constants.get(expr.name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(expr, Arith) and expr.op in ("+", "-", "*"):
        a, b = static_value(expr.left, constants), static_value(expr.right, constants)
        if a is None or b is None:
            return None
        return a + b if expr.op == "+" else a - b if expr.op == "-" else a * b
    return None


def equalities(
    prop: Property, v: Vocabulary
) -> tuple[set[tuple[str, str]], dict[tuple[str, str], Any]]:
    """What the assumption's top-level conjuncts settle: the facts of a later case they
    equate with the first case's (as (case, fact)), and the facts they fix to a literal."""
    first = prop.case_names[0]
    shared: set[tuple[str, str]] = set()
    fixed: dict[tuple[str, str], Any] = {}
    for conjunct in conjuncts(prop.assume):
        if not isinstance(conjunct, Compare) or conjunct.op != "==":
            continue
        for left, right in ((conjunct.left, conjunct.right), (conjunct.right, conjunct.left)):
            if not isinstance(left, Name):
                continue
            owner, _, name = left.name.rpartition(".")
            if v.entries[name].kind != "fact":
                continue
            if isinstance(right, Name):
                other_owner, _, other = right.name.rpartition(".")
                if other == name and owner == first and other_owner != first:
                    shared.add((other_owner, name))
            elif isinstance(right, StrLit | BoolLit | IntLit):
                fixed[(owner, name)] = right.value
    return shared, fixed


# --- Landmarks and margins --------------------------------------------------------------------


@dataclass(frozen=True)
class Around:
    """Where a date or month fact of one case is enumerated: its landmarks (names, each
    of this case or qualified by an earlier case) and the margin in months."""

    landmarks: frozenset[str]
    margin: int


class _Reader:
    """What the formulas that read a fact X of one case say about X."""

    def __init__(self, spec: Spec, prop: Property, case: str, fact: str) -> None:
        self.v = spec.vocabulary
        self.prop = prop
        self.case = case
        self.fact = fact
        self.constants = self.v.static_constants()

    def depends(self, expr: Expr, qualified: bool) -> bool:
        for used in names_used(expr):
            owner, _, name = used.rpartition(".")
            if (owner == self.case or not qualified) and self.fact in self.v.entries[name].facts:
                return True
        return False

    def formulas(self) -> Iterator[tuple[Expr, bool]]:
        """The model's formulas that depend on X and the property uses, and the property's
        conjuncts that depend on X; with whether their names are qualified by a case."""
        used = closure(self.v, owned(self.prop, self.case, self.v))
        for name in sorted(used):
            entry = self.v.entries[name]
            if entry.kind != "fact" and self.fact in entry.facts:
                yield from ((formula, False) for formula in entry.formulas.values())
        qualified = bool(self.prop.scenarios)
        for expr in (self.prop.assume, self.prop.assertion):
            for conjunct in conjuncts(expr):
                if self.depends(conjunct, qualified):
                    yield conjunct, qualified

    def landmarks(self, expr: Expr, qualified: bool) -> set[str]:
        found = set()
        order = self.prop.case_names
        for used in names_used(expr):
            owner, _, name = used.rpartition(".")
            entry = self.v.entries[name]
            if entry.type.kind not in CALENDAR or self.fact in entry.facts:
                continue
            if not qualified or owner == self.case:
                found.add(name)
            elif order.index(owner) < order.index(self.case):  # its values are known
                found.add(used)
        return found

    def shifts(self, expr: Expr, qualified: bool) -> Iterator[int]:
        """Months by which `expr` shifts something that depends on X, or compares a month
        (or day) count between X and something else with."""
        for node in nodes(expr):
            if isinstance(node, Call):
                yield from self.shifted(node, qualified)
            elif isinstance(node, Compare):
                for counted, other in ((node.left, node.right), (node.right, node.left)):
                    amount = static_value(other, self.constants)
                    if amount is not None:
                        yield from (
                            _months(days, amount) for days in self.counts(counted, qualified)
                        )

    def shifted(self, call: Call, qualified: bool) -> Iterator[int]:
        if call.function in MONTH_SHIFTS | DAY_SHIFTS and self.depends(call.args[0], qualified):
            amount = static_value(call.args[1], self.constants)
            if amount is not None:
                yield _months(call.function in DAY_SHIFTS, amount)

    def counts(self, expr: Expr, qualified: bool) -> Iterator[bool]:
        """For each count between X and something independent of it inside `expr`:
        whether it counts days (else months)."""
        for node in nodes(expr):
            if isinstance(node, Call) and node.function in MONTH_COUNTS | DAY_COUNTS:
                hits = [self.depends(arg, qualified) for arg in node.args]
                if any(hits) and not all(hits):
                    yield node.function in DAY_COUNTS


def _months(days: bool, amount: int) -> int:
    return abs(amount) // 28 + 1 if days else abs(amount)


def around(spec: Spec, prop: Property, case: str, fact: str) -> Around:
    reader = _Reader(spec, prop, case, fact)
    landmarks: set[str] = set()
    shifts = [0]
    for expr, qualified in reader.formulas():
        landmarks |= reader.landmarks(expr, qualified)
        shifts.extend(reader.shifts(expr, qualified))
    return Around(frozenset(landmarks), max(shifts) + 1)


# --- Shapes: what to enumerate ---------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What to enumerate for some properties: per case, the facts in the model's order
    (the driver left out: every case has it) and where each date or month fact lies; the
    facts a later case takes from the first, as (case, fact); facts fixed to a literal."""

    cases: tuple[str, ...]
    reads: dict[str, tuple[str, ...]]
    shared: frozenset[tuple[str, str]]
    fixed: dict[tuple[str, str], Any]
    around: dict[tuple[str, str], Around]

    def key(self) -> str:
        return repr(
            (
                self.cases,
                sorted(self.reads.items()),
                sorted(self.shared),
                sorted(self.fixed.items()),
            )
        )


def shape_of(spec: Spec, prop: Property) -> Shape:
    v = spec.vocabulary
    anchor = driver(spec)
    shared, fixed = equalities(prop, v)
    reads: dict[str, tuple[str, ...]] = {}
    places: dict[tuple[str, str], Around] = {}
    for case in prop.case_names:
        wanted = {anchor}
        for name in owned(prop, case, v):
            wanted |= v.entries[name].facts
        reads[case] = tuple(e.id for e in v.facts if e.id in wanted and e.id != anchor)
        for fact in reads[case]:
            if v.entries[fact].type.kind in CALENDAR:
                places[(case, fact)] = around(spec, prop, case, fact)
    return Shape(prop.case_names, reads, frozenset(shared), fixed, places)


def merged(shapes: list[Shape]) -> Shape:
    """One shape for properties that enumerate the same facts: every landmark of each,
    the widest margin."""
    first = shapes[0]
    places: dict[tuple[str, str], Around] = {}
    for shape in shapes:
        for key, place in shape.around.items():
            known = places.get(key)
            places[key] = (
                place
                if known is None
                else Around(known.landmarks | place.landmarks, max(known.margin, place.margin))
            )
    return Shape(first.cases, first.reads, first.shared, first.fixed, places)


def groups(spec: Spec, properties: list[Property]) -> list[tuple[Shape, list[Property]]]:
    """Scenario properties grouped by what they enumerate, in first-appearance order."""
    found: dict[str, list[tuple[Shape, Property]]] = {}
    for prop in properties:
        if prop.kind == "scenario":
            shape = shape_of(spec, prop)
            found.setdefault(shape.key(), []).append((shape, prop))
    return [
        (merged([s for s, _ in members]), [p for _, p in members]) for members in found.values()
    ]


def unshared_driver(spec: Spec, properties: list[Property]) -> list[str]:
    """Pair properties that read the driver in more than one case without equating it:
    sharing it (as this enumeration does) may miss their cases."""
    anchor = driver(spec)
    v = spec.vocabulary
    found = []
    for prop in properties:
        if prop.kind != "scenario" or len(prop.case_names) < 2:
            continue
        reading = [
            c
            for c in prop.case_names
            if any(anchor in v.entries[n].facts for n in owned(prop, c, v))
        ]
        equated = {case for case, fact in equalities(prop, v)[0] if fact == anchor}
        if len(reading) > 1 and set(reading) - {prop.case_names[0]} - equated:
            found.append(prop.id)
    return found


# --- The concrete meaning, memoised --------------------------------------------------------


def _facts_of(v: Vocabulary, expr: Expr) -> tuple[frozenset[str], tuple[str, ...]]:
    found = frozenset().union(*(v.entries[n].facts for n in names_used(expr)))
    return found, tuple(sorted(found))


_MISSING = object()
_NO_VALUE = object()  # the formula has no value for these facts: not a possible case


class Meaning:
    """The model's concrete meaning for the quantities some properties use: each value
    is its formula evaluated through the language, memoised on the values of the facts
    it depends on and on the readings it depends on."""

    def __init__(self, spec: Spec, needed: frozenset[str], *, possible: bool = True) -> None:
        v = spec.vocabulary
        self.v = v
        self.context = v.context()
        # Each needed quantity in the vocabulary's order, with the facts and the readings
        # its value depends on (its memo key).
        self.keys = [
            (
                name,
                v.entries[name].facts,
                tuple(sorted(v.entries[name].facts)),
                tuple(sorted(v.entries[name].depends_on_readings)),
            )
            for name in v.order
            if name in needed
        ]
        self.relations = (
            [(relation.expr, _facts_of(v, relation.expr)) for _, relation in v.relations]
            if possible
            else []
        )
        self.cache: dict[tuple[Any, ...], object] = {}

    def values(self, facts: Facts, readings: Mapping[str, str]) -> dict[str, object] | None:
        """The facts and every needed quantity they decide, or None if they make no
        possible case (a relation fails, or a formula has no value)."""
        given = facts.keys()
        for index, (expr, (depends, ordered)) in enumerate(self.relations):
            if depends <= given:
                key = ("relation", index, *(facts[f] for f in ordered))
                holds = self.cache.get(key, _MISSING)
                if holds is _MISSING:
                    holds = eval_concrete(expr, self._lookup(facts, readings), self.context) is True
                    self.cache[key] = holds
                if not holds:
                    return None
        values: dict[str, object] = dict(facts)
        for name, depends, ordered, by in self.keys:
            if not depends <= given:
                continue  # it rests on a fact left out
            key = (name, *(facts[f] for f in ordered), *(readings[r] for r in by))
            value = self.cache.get(key, _MISSING)
            if value is _MISSING:
                formula = self.v.entries[name].formula(readings.get(name))
                try:
                    value = eval_concrete(formula, values.__getitem__, self.context)
                except EvaluationError:
                    value = _NO_VALUE
                self.cache[key] = value
            if value is _NO_VALUE:
                return None
            values[name] = value
        return values

    def _lookup(self, facts: Facts, readings: Mapping[str, str]) -> Callable[[str], object]:
        # A relation that names a quantity: computed on the spot (none does in the shipped
        # model, whose relation compares two facts).
        def lookup(name: str) -> object:
            if name in facts:
                return facts[name]
            found = values_of(self.v, facts, readings)
            return found.value(name)

        return lookup


# --- Candidate values -----------------------------------------------------------------------


def _months_of(values: Iterable[object]) -> list[Month]:
    return [
        month_of(x) if isinstance(x, date) else x for x in values if isinstance(x, date | Month)
    ]


def _within(entry: Entry, month: Month) -> bool:
    bounds = entry.bounds
    return bounds is None or bounds.low <= month.index <= bounds.high


def calendar_values(entry: Entry, anchors: list[object], margin: int) -> list[object]:
    """A date or month fact's values around its landmarks (see the module's docstring)."""
    months = _months_of(anchors)
    low, high = min(m.index for m in months) - margin, max(m.index for m in months) + margin
    window = [Month.from_index(i) for i in range(low, high + 1)]
    window = [m for m in window if _within(entry, m)]
    if entry.type.kind == "month":
        return list(window)
    days = {d for m in window for d in (m.first_day, m.last_day)}
    one = timedelta(days=1)
    days |= {d + k * one for d in anchors if isinstance(d, date) for k in (-1, 0, 1)}
    return [d for d in sorted(days) if _within(entry, month_of(d))]


def plain_values(v: Vocabulary, entry: Entry) -> list[object]:
    kind = entry.type.kind
    if kind == "bool":
        return [False, True]
    if kind == "enum":
        return list(v.enums[entry.type.enum or ""])
    assert entry.bounds is not None
    low, high = entry.bounds.low, entry.bounds.high
    preferred = v.prefer.get(entry.id)
    if preferred is not None and isinstance(preferred.expr, IntLit):
        other = preferred.expr.value
    else:
        other = low + 1
    return [*sorted({low, min(max(other, low), high)})]


# --- Enumerating one group ------------------------------------------------------------------


@dataclass
class Tally:
    """Cases checked and time spent for one group over some service starts."""

    scenarios: int = 0
    cpu_seconds: float = 0.0
    spot_checks: int = 0
    assumed: dict[str, int] = field(default_factory=dict)  # cases meeting the assumption
    counterexample: dict[str, str] = field(default_factory=dict)  # the first, by property


Readings = tuple[tuple[str, str], ...]  # a complete choice of readings, hashable


@dataclass
class _Case:
    """One case's facts, and its values under each choice of readings, computed once."""

    facts: Facts
    values: dict[Readings, dict[str, object] | None]


class _Group:
    """The properties of one shape, checked on every case of one day at a time."""

    def __init__(self, spec: Spec, shape: Shape, props: list[Property]) -> None:
        self.spec = spec
        self.v = spec.vocabulary
        self.shape = shape
        self.props = props
        self.anchor = driver(spec)
        needed: set[str] = set()
        for prop in props:
            for case in prop.case_names:
                needed |= closure(self.v, owned(prop, case, self.v))
        possible = not any(p.any_case for p in props)
        self.meaning = Meaning(spec, frozenset(needed), possible=possible)
        self.adopted = _choice(self.v, {})
        # Per property, each variant verify checks: the readings of each of its cases.
        self.variants = [
            [
                {case: _choice(self.v, case_readings(p, case, chosen)) for case in p.case_names}
                for chosen in (
                    reading_variants(spec, p) if p.every_reading else [reading_choice(spec, p, {})]
                )
            ]
            for p in props
        ]
        first = shape.cases[0]
        # Conjuncts about the first case alone: a pair whose first case fails them is not
        # built further. Conjuncts about facts only: a pair that fails them needs no values.
        self.first_only = [
            [c for c in conjuncts(p.assume) if _owners(c, self.v) <= {first}] for p in props
        ]
        self.on_facts = [
            [
                c
                for c in conjuncts(p.assume)
                if _facts_only(c, self.v) and len(_owners(c, self.v)) > 1
            ]
            for p in props
        ]
        self.tally = Tally(assumed={p.id: 0 for p in props})
        self.checked = 0

    def values(self, case: _Case, readings: Readings) -> dict[str, object] | None:
        if readings not in case.values:
            case.values[readings] = self.meaning.values(case.facts, dict(readings))
        return case.values[readings]

    # Assignments ------------------------------------------------------------------------------

    def assignments(
        self, case: str, given: Facts, fixed: Mapping[str, Any], earlier: Mapping[str, Facts]
    ) -> Iterator[_Case]:
        """Every possible assignment of the case's facts, extending `given` in the model's
        order; a partial assignment the relations refuse is not extended."""
        todo = [f for f in self.shape.reads[case] if f not in given]
        yield from self._extend(case, dict(given), todo, fixed, earlier)

    def _extend(
        self,
        case: str,
        partial: Facts,
        todo: list[str],
        fixed: Mapping[str, Any],
        earlier: Mapping[str, Facts],
    ) -> Iterator[_Case]:
        values = self.meaning.values(partial, dict(self.adopted))
        if values is None:
            return
        if not todo:
            yield _Case(dict(partial), {self.adopted: values})
            return
        name, rest = todo[0], todo[1:]
        for value in self.candidates(case, name, partial, fixed, earlier):
            partial[name] = value
            yield from self._extend(case, partial, rest, fixed, earlier)
        del partial[name]

    def candidates(
        self,
        case: str,
        name: str,
        partial: Facts,
        fixed: Mapping[str, Any],
        earlier: Mapping[str, Facts],
    ) -> list[object]:
        if name in fixed:
            return [fixed[name]]
        entry = self.v.entries[name]
        if entry.type.kind not in CALENDAR:
            return plain_values(self.v, entry)
        place = self.shape.around[(case, name)]
        anchors = self.landmark_values(place, partial, earlier) or [partial[self.anchor]]
        return calendar_values(entry, anchors, place.margin)

    def landmark_values(
        self, place: Around, partial: Facts, earlier: Mapping[str, Facts]
    ) -> list[object]:
        """The landmarks' values on the facts known so far, under every reading."""
        found: list[object] = []
        for landmark in sorted(place.landmarks):
            owner, _, name = landmark.rpartition(".")
            facts = earlier.get(owner) if owner else partial
            entry = self.v.entries[name]
            if facts is None or not entry.facts <= facts.keys():
                continue  # it rests on a fact not chosen yet
            for readings in self.reading_options(entry):
                values = self.meaning.values(facts, readings)
                if values is not None and name in values:
                    found.append(values[name])
        return found

    def reading_options(self, entry: Entry) -> list[dict[str, str]]:
        names = sorted(entry.depends_on_readings)
        offered = [list(self.v.entries[n].formulas) for n in names]
        return [
            dict(_choice(self.v, dict(zip(names, chosen, strict=True))))
            for chosen in itertools.product(*offered)
        ]

    # Checking ---------------------------------------------------------------------------------

    def day(self, start: date) -> None:
        self.meaning.cache.clear()  # nothing of one day's cases is needed the next
        cases = self.shape.cases
        first = cases[0]
        fixed = {
            case: {f: value for (owner, f), value in self.shape.fixed.items() if owner == case}
            for case in cases
        }
        everyone = range(len(self.props))
        for one in self.assignments(first, {self.anchor: start}, fixed[first], {}):
            if len(cases) == 1:
                self.tally.scenarios += 1
                self.check({first: one}, everyone)
                continue
            alive = [i for i in everyone if self.first_alive(i, one)]
            partners = [
                list(self.assignments(case, self.given(case, one), fixed[case], {first: one.facts}))
                for case in cases[1:]
            ]
            # Every pair counts as checked; those the assumption rules out early (on the
            # first case alone, or on the facts alone) are not evaluated further.
            self.tally.scenarios += math.prod(len(options) for options in partners)
            if not alive:
                continue
            for picked in itertools.product(*partners):
                together = {first: one, **dict(zip(cases[1:], picked, strict=True))}
                admitted = [i for i in alive if self.facts_admit(i, together)]
                if admitted:
                    self.check(together, admitted)

    def given(self, case: str, one: _Case) -> Facts:
        """What a later case takes from the first: the driver, and the facts equated."""
        taken = {fact: one.facts[fact] for owner, fact in self.shape.shared if owner == case}
        return {self.anchor: one.facts[self.anchor], **taken}

    def first_alive(self, index: int, one: _Case) -> bool:
        """Whether some variant of the property lets the first case meet the conjuncts
        of the assumption that speak of it alone."""
        tests = self.first_only[index]
        if not tests:
            return True
        first = self.shape.cases[0]
        for readings in self.variants[index]:
            values = self.values(one, readings[first])
            if values is None:
                continue
            lookup = _lookup({first: values}, values)
            if all(eval_concrete(c, lookup, self.meaning.context) is True for c in tests):
                return True
        return False

    def facts_admit(self, index: int, together: Mapping[str, _Case]) -> bool:
        """Whether the conjuncts of the assumption over facts alone hold of the cases."""
        constants = self.v.constants
        facts = {case: one.facts for case, one in together.items()}
        lookup = _lookup(facts, constants)
        for test in self.on_facts[index]:
            if not all(_known(name, facts, constants) for name in names_used(test)):
                continue  # a fact left out: decided with the values
            if eval_concrete(test, lookup, self.meaning.context) is not True:
                return False
        return True

    def check(self, together: Mapping[str, _Case], indices: Iterable[int]) -> None:
        for index in indices:
            prop = self.props[index]
            for readings in self.variants[index]:
                values = self.all_values(together, readings)
                if values is None:
                    continue
                self.spot_check(together, readings)
                lookup = _lookup(values, next(iter(values.values())))
                if eval_concrete(prop.assume, lookup, self.meaning.context) is not True:
                    continue
                self.tally.assumed[prop.id] += 1
                if eval_concrete(prop.assertion, lookup, self.meaning.context) is not True:
                    self.tally.counterexample.setdefault(prop.id, _shown(together))

    def all_values(
        self, together: Mapping[str, _Case], readings: Mapping[str, Readings]
    ) -> dict[str, dict[str, object]] | None:
        """Each case's values under its readings; None if one is not a possible case."""
        found = {}
        for case, one in together.items():
            values = self.values(one, readings[case])
            if values is None:
                return None
            found[case] = values
        return found

    def spot_check(self, together: Mapping[str, _Case], readings: Mapping[str, Readings]) -> None:
        """Now and then, the memoised values against the unmemoised concrete meaning."""
        self.checked += 1
        if self.checked % SPOT_CHECK_EVERY:
            return
        for case, one in together.items():
            memoised = self.values(one, readings[case]) or {}
            plain = values_of(self.v, one.facts, dict(readings[case]))
            for name, value in memoised.items():
                if plain.value(name) != value:
                    raise AssertionError(
                        f"memoised {name} = {value}, concrete {plain.value(name)}: {one.facts}"
                    )
        self.tally.spot_checks += 1


def _choice(v: Vocabulary, readings: Mapping[str, str]) -> Readings:
    """Every quantity's reading (the adopted one unless given), hashable."""
    return tuple(sorted(complete_readings(v, readings).items()))


def _known(name: str, facts: Mapping[str, Facts], constants: Mapping[str, object]) -> bool:
    owner, _, base = name.rpartition(".")
    return base in facts.get(owner, {}) or name in constants


def _lookup(
    values: Mapping[str, Mapping[str, object]], default: Mapping[str, object]
) -> Callable[[str], object]:
    def lookup(name: str) -> object:
        owner, _, quantity = name.rpartition(".")
        return values.get(owner, default)[quantity]

    return lookup


def _owners(expr: Expr, v: Vocabulary) -> set[str]:
    """The cases an expression reads (constants belong to none)."""
    return {
        n.rpartition(".")[0]
        for n in names_used(expr)
        if v.entries[n.rpartition(".")[2]].kind != "constant"
    }


def _facts_only(expr: Expr, v: Vocabulary) -> bool:
    names = names_used(expr)
    return bool(names) and all(
        v.entries[n.rpartition(".")[2]].kind in ("fact", "constant") for n in names
    )


def _shown(together: Mapping[str, _Case]) -> str:
    parts = []
    for case, one in together.items():
        text = ", ".join(f"{k}={v}" for k, v in one.facts.items())
        parts.append(f"{case}: {text}" if case else text)
    return "; ".join(parts)


def enumerate_year(spec: Spec, shape: Shape, props: list[Property], start: date) -> Tally:
    """Check the properties of one shape on every case whose driver falls in the year
    from `start`; times are the CPU seconds of this process."""
    group = _Group(spec, shape, props)
    began = time.process_time()
    day = start
    end = date(start.year + 1, start.month, start.day)
    while day < end:
        group.day(day)
        day += timedelta(days=1)
    group.tally.cpu_seconds = time.process_time() - began
    return group.tally
