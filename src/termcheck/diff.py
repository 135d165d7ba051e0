"""What a change to the terms changes for customers: a semantic diff of two models.

For every derived quantity of the vocabulary, the two versions are encoded over the same
customer (the new encoding's inputs are substituted by the old one's, component by
component) and Z3 is asked whether the two values can differ:

- unsat: the versions agree on that quantity for every scenario in the horizon;
- sat: for each direction of change (more or less yen, a later or earlier date, false
  to true or back), Z3's Optimize finds the largest change and a readable customer who
  gets it. Every such customer is replayed through :func:`termcheck.rules.evaluate` on
  both versions; one the rules do not reproduce is `divergent`, an error, and is never
  reported as a difference;
- unknown (or Optimize unknown): `inconclusive`, never agreement.

The readings of ambiguous phrases are not customer facts: each version is read with the
reading it adopts, so that a change of the adopted reading shows as a change too.

Besides the quantities, the diff names the provisions whose wording changed, the model
elements that changed (and which quantities rest on each), every property whose verdict
changes, and drift between each model and its own text (termcheck.drift).
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

import z3

from termcheck import calendar, symcal
from termcheck.articles import Article, normalize
from termcheck.calendar import HORIZON_FIRST_YEAR, parse_date
from termcheck.check import (
    DEFAULT_RLIMIT,
    SEED,
    Options,
    Result,
    Status,
    check_all,
    keep_if_satisfiable,
    mismatches,
)
from termcheck.coverage import REVIEW_TABLES, lineage
from termcheck.drift import Drift, find_drift
from termcheck.encoding import (
    SymbolicScenario,
    SymValue,
    constants,
    encode,
    enum_code,
    scenario_from_model,
)
from termcheck.errors import ScenarioError
from termcheck.properties import Property
from termcheck.rules import Outcome, Scenario, evaluate
from termcheck.spec import Spec
from termcheck.vocabulary import DERIVED, INPUTS, READING_INPUT_OF, Ground, Quantity, Type

# The fee a reviewer pictures; yen differences are also searched at this fee, since over
# every fee the largest one is only the solver's fee bound times a number of months.
READABLE_FEE = 100_000
SIZED = (Type.YEN, Type.INT, Type.DATE, Type.MONTH)
READINGS = ("notice_reading", "liability_reading")
UNDECIDED_STATUSES = (Status.INCONCLUSIVE, Status.DIVERGENT)

Progress = Callable[[str], None]


class Verdict(StrEnum):
    AGREE = "agree"  # proved equal for every scenario
    DIFFER = "differ"  # a customer for whom they differ, replayed in the rules
    INCONCLUSIVE = "inconclusive"  # Z3 or Optimize answered unknown: never agreement
    DIVERGENT = "divergent"  # the rules did not reproduce Z3's customer: an error


class Direction(StrEnum):
    UP = "up"  # more yen, a larger count, a later date, false becoming true
    DOWN = "down"  # less, smaller, earlier, true becoming false
    OTHER = "other"  # a change of a value without an order


@dataclass(frozen=True)
class Witness:
    """A customer, with every figure both versions compute for them (by the rules)."""

    scenario: Scenario
    old: Outcome
    new: Outcome

    def differing(self) -> list[str]:
        return [q.name for q in DERIVED if self.old.value(q.name) != self.new.value(q.name)]


@dataclass(frozen=True)
class Change:
    """The largest change of a quantity in one direction, and a customer who gets it."""

    direction: Direction
    size: int | None  # yen, a count, months or days; None for a change without a size
    witness: Witness
    monthly_fee: int | None = None  # the fee the search was held to; None: every fee


@dataclass(frozen=True)
class ElementChange:
    """A model element (a leaf of model.toml) that differs between the versions."""

    path: str  # "minimum_term.months", "penalty.grounds", "readings[notice_reading].adopted"
    section: str
    article: str | None  # the provision the enclosing table cites
    old: object
    new: object


@dataclass
class QuantityDiff:
    quantity: Quantity
    verdict: Verdict
    changes: list[Change] = field(default_factory=list)
    never: list[Direction] = field(default_factory=list)  # proved impossible
    elements: list[ElementChange] = field(default_factory=list)  # what it rests on
    inputs: tuple[str, ...] = ()  # the inputs it depends on
    detail: str = ""


@dataclass(frozen=True)
class WordingChange:
    """A provision whose wording differs (or that exists in one version only)."""

    id: str
    heading: str
    title: str
    kind: str  # "changed", "added", "removed"
    old_text: str | None
    new_text: str | None


@dataclass(frozen=True)
class VerdictChange:
    prop: Property
    old: Result
    new: Result


@dataclass
class DiffResult:
    old: Spec
    new: Spec
    wording: list[WordingChange]
    elements: list[ElementChange]
    quantities: list[QuantityDiff]
    verdicts: list[VerdictChange]
    undecided_properties: list[str]
    drift: dict[str, list[Drift]]
    rlimit: int

    @property
    def exit_code(self) -> int:
        """3 when anything is undecided or an error (never a verdict then), 1 when the
        versions differ for a customer or a property (or a model drifted from its
        words), 0 when they agree on everything."""
        undecided = (Verdict.INCONCLUSIVE, Verdict.DIVERGENT)
        if any(q.verdict in undecided for q in self.quantities) or self.undecided_properties:
            return 3
        drifted = any(self.drift.values())
        if any(q.verdict is Verdict.DIFFER for q in self.quantities) or self.verdicts or drifted:
            return 1
        return 0


class _Undecided(Exception):
    """Z3 or Optimize answered unknown (or the rlimit ran out)."""


class _Divergent(Exception):
    """The rules do not reproduce the customer Z3 found."""


# --- The whole diff ------------------------------------------------------------------------


def diff(
    old: Spec,
    new: Spec,
    properties: tuple[list[Property], list[Property]] | None = None,
    *,
    rlimit: int = DEFAULT_RLIMIT,
    progress: Progress | None = None,
    parallel: bool = False,
) -> DiffResult:
    """Compare two versions; `properties` are those loaded against each version (the
    same folder), or None to leave property verdicts out. With `parallel`, they are
    checked in two worker processes, which Python can start only from a program whose
    main module is guarded by `if __name__ == "__main__"` (the command line is)."""
    tell = progress or (lambda _step: None)
    z3.set_param("smt.random_seed", SEED)
    z3.set_param("sat.random_seed", SEED)
    checks = (
        _PropertyChecks(old, new, properties, rlimit, parallel=parallel)
        if properties is not None
        else None
    )
    try:
        elements = element_changes(old, new)
        pair = _Pair(old, new)
        rests_on = _sections_read(old, new, elements)
        quantities = []
        for quantity in DERIVED:
            tell(quantity.name)
            compared = _compare(pair, quantity, rlimit)
            if compared.verdict is not Verdict.AGREE:
                compared.elements = _elements_read(elements, rests_on, quantity.name)
            quantities.append(compared)
        verdicts: list[VerdictChange] = []
        undecided: list[str] = []
        if checks is not None:
            tell("properties")
            verdicts, undecided = verdict_changes(*checks.results())
    finally:
        if checks is not None:
            checks.close()
    props_old, props_new = properties if properties is not None else ([], [])
    return DiffResult(
        old=old,
        new=new,
        wording=wording_changes(old, new),
        elements=elements,
        quantities=quantities,
        verdicts=verdicts,
        undecided_properties=undecided,
        drift={"old": find_drift(old, props_old), "new": find_drift(new, props_new)},
        rlimit=rlimit,
    )


# --- Two versions over one customer ---------------------------------------------------------


class _Pair:
    """The two versions as Z3 terms over one customer.

    The new version is encoded with its own inputs, which are then substituted by the
    old version's, component by component: every quantity of both versions is a term
    over the same variables, so a part both versions compute alike is the very same
    term (Z3 shares identical terms) and cancels out. The readings stay apart, each
    pinned to the reading its version adopts.
    """

    def __init__(self, old: Spec, new: Spec) -> None:
        self.old_spec, self.new_spec = old, new
        self.old = encode(old, "old")
        own = encode(new, "new")
        shared = [
            (mine, theirs)
            for quantity in INPUTS
            if quantity.name not in READINGS
            for mine, theirs in zip(
                _components(own[quantity.name]), _components(self.old[quantity.name]), strict=True
            )
        ]
        self.new: dict[str, SymValue] = {
            name: _substitute(value, shared) for name, value in own.values.items()
        }
        # The domains are the same today; both are kept so that a version whose domain
        # depends on its model still constrains the one customer.
        self.domain = [
            *zip(self.old.domain, self.old.domain_inputs, strict=True),
            *(
                (_substitute(c, shared), i)
                for c, i in zip(own.domain, own.domain_inputs, strict=True)
            ),
        ]
        self.pins = {
            name: [
                self.old[name] == enum_code(adopted(old, name)),
                self.new[name] == enum_code(adopted(new, name)),
            ]
            for name in READINGS
        }
        self.anchor = parse_date(new.document.terms.version)
        self._inputs: dict[str, frozenset[str]] = {}

    def inputs_of(self, name: str) -> frozenset[str]:
        """The inputs `name` depends on in either version, closed over the domain
        constraints that couple inputs (termination month and service start)."""
        if name not in self._inputs:
            self._inputs[name] = self._walk(name)
        return self._inputs[name]

    def _walk(self, name: str) -> frozenset[str]:
        terms = _components(self.old[name]) + _components(self.new[name])
        wanted = {variable.split(".")[1] for variable in constants(terms)}
        grew = True
        while grew:
            grew = False
            for _, inputs in self.domain:
                if inputs & wanted and not inputs <= wanted:
                    wanted |= inputs
                    grew = True
        return frozenset(wanted)

    def constraints(self, inputs: frozenset[str]) -> tuple[list[Any], list[Any]]:
        """(those on `inputs`, the rest): the domain of the customer and each version's
        adopted reading. The rest constrain inputs the quantity cannot see, are
        satisfiable on their own, and are added back before a customer is read, so that
        the customer is complete."""
        relevant: list[Any] = []
        rest: list[Any] = []
        for constraint, constrained in self.domain:
            (relevant if constrained & inputs else rest).append(constraint)
        for name, pins in self.pins.items():
            (relevant if name in inputs else rest).extend(pins)
        return relevant, rest


def _components(value: SymValue) -> list[Any]:
    if isinstance(value, symcal.SDate):
        return [value.year, value.month, value.day]
    if isinstance(value, symcal.SMonth):
        return [value.year, value.month]
    return [value] if z3.is_expr(value) else []


def _substitute(value: SymValue, pairs: list[tuple[Any, Any]]) -> SymValue:
    if isinstance(value, symcal.SDate):
        year, month, day = (z3.substitute(part, *pairs) for part in _components(value))
        return symcal.SDate(year, month, day)
    if isinstance(value, symcal.SMonth):
        return symcal.SMonth(z3.substitute(value.year, *pairs), z3.substitute(value.month, *pairs))
    return z3.substitute(value, *pairs) if z3.is_expr(value) else value


def adopted(spec: Spec, reading: str) -> Any:
    """The reading `spec` adopts for a reading input (\"notice_reading\")."""
    if reading == "notice_reading":
        return spec.adopted_notice_reading
    return spec.adopted_liability_reading


def _same(a: SymValue, b: SymValue) -> Any:
    # Component by component: two months with one index but an invalid month number
    # (2026-13 and 2027-01) must not pass for the same month.
    if isinstance(a, symcal.SDate | symcal.SMonth):
        return z3.And(*(x == y for x, y in zip(_components(a), _components(b), strict=True)))
    if isinstance(a, frozenset):
        return z3.BoolVal(a == b)
    return a == b


def _size(quantity: Quantity, old: SymValue, new: SymValue) -> Any:
    """How much larger (later) the new value is: yen, a count, months or days.

    Simplified once, so that a part both versions compute alike (the fees billed, in the
    total charged) cancels before the solver sees it: measured 2x faster on the worked
    example."""
    if quantity.type is Type.DATE:
        return z3.simplify(symcal.days_between(old, new))
    if quantity.type is Type.MONTH:
        return z3.simplify(symcal.months_between(old, new))
    return z3.simplify(new - old)


def _differ(quantity: Quantity, old: SymValue, new: SymValue) -> Any:
    if quantity.type in SIZED:
        return _size(quantity, old, new) != 0
    return z3.Not(_same(old, new))


def _directions(quantity: Quantity, old: SymValue, new: SymValue) -> list[tuple[Direction, Any]]:
    if quantity.type in SIZED:
        size = _size(quantity, old, new)
        return [(Direction.UP, size > 0), (Direction.DOWN, size < 0)]
    if quantity.type is Type.BOOL:
        return [
            (Direction.UP, z3.And(z3.Not(old), new)),
            (Direction.DOWN, z3.And(old, z3.Not(new))),
        ]
    return [(Direction.OTHER, z3.Not(_same(old, new)))]


# --- One quantity ------------------------------------------------------------------------------


def _compare(pair: _Pair, quantity: Quantity, rlimit: int) -> QuantityDiff:
    inputs = pair.inputs_of(quantity.name)
    result = QuantityDiff(quantity, Verdict.AGREE, inputs=tuple(sorted(inputs)))
    relevant, rest = pair.constraints(inputs)
    old, new = pair.old[quantity.name], pair.new[quantity.name]
    try:
        if not _satisfiable([*relevant, _differ(quantity, old, new)], rlimit):
            return result
        result.verdict = Verdict.DIFFER
        for direction, condition in _directions(quantity, old, new):
            if not _satisfiable([*relevant, condition], rlimit):
                result.never.append(direction)
                continue
            found = _largest_changes(
                pair, quantity, direction, [*relevant, condition], rest, rlimit
            )
            result.changes += found
    except _Undecided as exc:
        result.verdict = Verdict.INCONCLUSIVE
        result.detail = str(exc)
        result.changes = []
    except _Divergent as exc:
        result.verdict = Verdict.DIVERGENT
        result.detail = str(exc)
        result.changes = []
    return result


def _largest_changes(
    pair: _Pair,
    quantity: Quantity,
    direction: Direction,
    changed: list[Any],
    rest: list[Any],
    rlimit: int,
) -> list[Change]:
    """The largest change in `direction` (`changed`: it happens), with its customer."""
    old, new = pair.old[quantity.name], pair.new[quantity.name]
    if quantity.type not in SIZED:
        witness = _witness(pair, changed, rest, rlimit)
        _check_replay(quantity, witness, direction, None)
        return [Change(direction, None, witness)]
    size = _size(quantity, old, new) * (1 if direction is Direction.UP else -1)
    fees: list[int | None] = [READABLE_FEE, None] if quantity.type is Type.YEN else [None]
    changes = []
    for fee in fees:
        held = [] if fee is None else [pair.old["monthly_fee"] == fee]
        largest = _maximize([*changed, *held], size, rlimit)
        if largest is None:  # no change in this direction at this fee
            continue
        witness = _witness(pair, [*changed, *held, size == largest], rest, rlimit)
        _check_replay(quantity, witness, direction, largest)
        changes.append(Change(direction, largest, witness, fee))
    return changes


def _solver(rlimit: int) -> z3.Solver:
    solver = z3.Solver()
    solver.set("random_seed", SEED)
    solver.set("rlimit", rlimit)
    return solver


def _satisfiable(constraints: list[Any], rlimit: int) -> bool:
    solver = _solver(rlimit)
    solver.add(*constraints)
    answer = solver.check()
    if answer == z3.unknown:
        raise _Undecided(f"Z3 answered unknown: {solver.reason_unknown()}")
    return bool(answer == z3.sat)


def _maximize(constraints: list[Any], objective: Any, rlimit: int) -> int | None:
    """The largest value of `objective` under `constraints` (None: unsatisfiable). The
    horizon and the fee bound keep it finite; an unbounded answer is an error."""
    optimizer = z3.Optimize()
    optimizer.set("random_seed", SEED)
    optimizer.set("rlimit", rlimit)
    optimizer.add(*constraints)
    handle = optimizer.maximize(objective)
    answer = optimizer.check()
    if answer == z3.unsat:
        return None
    if answer != z3.sat:
        raise _Undecided(f"Optimize answered unknown: {optimizer.reason_unknown()}")
    upper = optimizer.upper(handle)
    if not z3.is_int_value(upper):
        raise _Undecided(f"Optimize found no largest value (upper bound {upper})")
    reached = optimizer.model().eval(objective, model_completion=True)
    if not z3.is_int_value(reached) or reached.as_long() != upper.as_long():
        raise _Undecided(f"Optimize did not reach its bound {upper}")
    return int(upper.as_long())


# --- Readable customers -----------------------------------------------------------------------


def _witness(pair: _Pair, constraints: list[Any], rest: list[Any], rlimit: int) -> Witness:
    """A customer meeting `constraints`, steered toward one a reviewer can picture (as
    termcheck.check does): a service start near the new version's date, a fee of
    100,000円, the customer's own termination after a billed month, untouched inputs tied
    to the others; then every input fixed, preferred or least, so that the customer does
    not depend on the solver's internal state."""
    solver = _solver(rlimit)
    solver.add(*constraints, *rest)
    hints = list(_hints(pair.old, pair.new, pair.anchor))
    if not keep_if_satisfiable(solver, z3.And(*hints)):
        for hint in hints:
            keep_if_satisfiable(solver, hint)
    _settle(solver, pair.old, pair.anchor)
    if solver.check() != z3.sat:  # only an `unknown` inside the search gets here
        raise _Undecided(f"the customer could not be settled: {solver.reason_unknown()}")
    model = solver.model()
    found = scenario_from_model(pair.old, model)
    # Each version reads the customer with its own adopted readings.
    scenario = replace(found, notice_reading=None, liability_reading=None)
    try:
        witness = Witness(
            scenario, evaluate(pair.old_spec, scenario), evaluate(pair.new_spec, scenario)
        )
    except ScenarioError as exc:
        raise _Divergent(f"the rules refuse the solver's customer: {exc}") from None
    disagreements = mismatches("old", pair.old.values, model, witness.old)
    disagreements += mismatches("new", pair.new, model, witness.new)
    if disagreements:
        raise _Divergent("model and rules disagree: " + "; ".join(disagreements))
    return witness


def _hints(old: SymbolicScenario, new: dict[str, SymValue], anchor: date) -> Iterator[Any]:
    start = old["service_start"]
    window = (symcal.const_date(anchor), symcal.const_date(date(anchor.year + 3, 12, 31)))
    yield z3.And(start >= window[0], start <= window[1])
    yield old["monthly_fee"] == READABLE_FEE
    yield old["ground"] == enum_code(Ground.CUSTOMER)
    yield old["termination_month"] >= old["billing_start"].month_of
    # A notice timely under both versions (on the earlier deadline), unless the change
    # is about the notice itself.
    arrival, deadlines = old["notice_arrival"], (old["notice_deadline"], new["notice_deadline"])
    yield z3.If(deadlines[0] <= deadlines[1], arrival == deadlines[0], arrival == deadlines[1])
    yield old["planned_start"] == start
    yield old["incident_date"] == start


def _settle(solver: z3.Solver, sym: SymbolicScenario, anchor: date) -> None:
    """Fix every input of the customer: to its preferred value where possible, else to
    its least value above it where possible, else to its least value."""
    first_day = _day_ordinal(date(HORIZON_FIRST_YEAR, 1, 1))
    near = _day_ordinal(anchor)
    _fix(solver, _ordinal(sym["service_start"]), near, first_day)
    start_month = _value(solver, sym["service_start"].month_of.index)
    _fix(solver, sym["termination_month"].index, start_month, 12 * HORIZON_FIRST_YEAR)
    _fix(solver, sym["monthly_fee"], READABLE_FEE, 0)
    _fix(solver, sym["ground"], enum_code(Ground.CUSTOMER), 0)
    for name in ("notice_arrival", "planned_start", "incident_date"):
        _fix(solver, _ordinal(sym[name]), near, first_day)


def _ordinal(day: symcal.SDate) -> Any:
    # Order-preserving and linear, to search with; never part of the encoding.
    return 372 * day.year + 31 * day.month + day.day


def _day_ordinal(day: date) -> int:
    return 372 * day.year + 31 * day.month + day.day


def _value(solver: z3.Solver, term: Any) -> int:
    if solver.check() != z3.sat:  # only an `unknown` inside the search gets here
        raise _Undecided(f"the customer was lost: {solver.reason_unknown()}")
    return int(solver.model().eval(term, model_completion=True).as_long())


def _fix(solver: z3.Solver, term: Any, preferred: int, floor: int) -> None:
    """Fix `term` to `preferred`, else to its least value above it, else to its least
    value (`floor` is at or below every value its domain allows)."""
    high = _value(solver, term)
    if high == preferred or not _possible(solver, term != high):
        solver.add(term == high)  # the only value left: no search needed
        return
    if keep_if_satisfiable(solver, term == preferred):
        return
    low = preferred + 1 if keep_if_satisfiable(solver, term > preferred) else floor
    high = _value(solver, term)
    while low < high:
        middle = (low + high) // 2
        if _possible(solver, term <= middle):
            high = middle
        else:
            low = middle + 1
    solver.add(term == low)


def _possible(solver: z3.Solver, condition: Any) -> bool:
    solver.push()
    solver.add(condition)
    answer = solver.check()
    solver.pop()
    return bool(answer == z3.sat)


def _check_replay(
    quantity: Quantity, witness: Witness, direction: Direction, size: int | None
) -> None:
    """The rules must show the change Z3 claims, in its direction and of its size."""
    old = witness.old.value(quantity.name)
    new = witness.new.value(quantity.name)
    if old == new:
        raise _Divergent(f"the rules give {quantity.name} = {old} in both versions")
    if size is None or quantity.type not in SIZED:
        if quantity.type is Type.BOOL and (new is True) != (direction is Direction.UP):
            raise _Divergent(f"the rules change {quantity.name} from {old} to {new}")
        return
    measured = concrete_size(quantity, old, new) * (1 if direction is Direction.UP else -1)
    if measured != size:
        raise _Divergent(
            f"the rules change {quantity.name} by {measured}, Z3 by {size} ({old} → {new})"
        )


def concrete_size(quantity: Quantity, old: Any, new: Any) -> int:
    """How much larger (later) `new` is than `old`, as the rules compute it."""
    if quantity.type is Type.DATE:
        return calendar.days_between(old, new)
    if quantity.type is Type.MONTH:
        return calendar.months_between(old, new)
    return int(new - old)


# --- Model elements -------------------------------------------------------------------------


def element_changes(old: Spec, new: Spec) -> list[ElementChange]:
    """Every leaf of model.toml whose value differs, in the order of the old model (then
    the new one's additions). The review tables (fingerprints, not_modelled) are not part
    of the reading and are left out."""
    before = {path: (value, article) for path, value, article in _leaves(old)}
    after = {path: (value, article) for path, value, article in _leaves(new)}
    changes = []
    for path in [*before, *(p for p in after if p not in before)]:
        old_value, old_article = before.get(path, (None, None))
        new_value, new_article = after.get(path, (None, None))
        if old_value != new_value:
            section = path.split(".")[0].split("[")[0]
            changes.append(
                ElementChange(path, section, new_article or old_article, old_value, new_value)
            )
    return changes


def _leaves(spec: Spec) -> list[tuple[str, object, str | None]]:
    data = spec.document.model_dump(mode="json")
    for table in REVIEW_TABLES:
        data.pop(table, None)
    return list(_walk(data, "", None))


def _walk(node: object, path: str, article: str | None) -> Iterator[tuple[str, object, str | None]]:
    if isinstance(node, dict):
        cited = node.get("article")
        here = cited if isinstance(cited, str) else article
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else key, here)
    elif isinstance(node, list) and node and all(_has_id(item) for item in node):
        # Tables in an array are named by their id, so that inserting one does not
        # make every later one look changed.
        for item in node:
            assert isinstance(item, dict)
            yield from _walk(item, f"{path}[{item['id']}]", article)
    else:
        yield path, node, article


def _has_id(item: object) -> bool:
    return isinstance(item, dict) and isinstance(item.get("id"), str)


def _sections_read(old: Spec, new: Spec, elements: list[ElementChange]) -> dict[str, set[str]]:
    """For each derived quantity, the changed sections of model.toml it reads: the old
    model with one section taken from the new one builds a different Z3 term for it.
    Z3 shares identical terms, so "different" is a cheap identity test."""
    read: dict[str, set[str]] = {}
    base = encode(old, "probe")
    for section in sorted({e.section for e in elements}):
        update = {section: getattr(new.document, section)}
        hybrid = replace(old, document=old.document.model_copy(update=update))
        probe = encode(hybrid, "probe")
        for quantity in DERIVED:
            if not _identical(base[quantity.name], probe[quantity.name]):
                read.setdefault(quantity.name, set()).add(section)
    return read


def _identical(a: SymValue, b: SymValue) -> bool:
    if isinstance(a, symcal.SDate):
        return all(_identical(x, y) for x, y in zip(_parts(a), _parts(b), strict=True))
    if isinstance(a, symcal.SMonth):
        return _identical(a.year, b.year) and _identical(a.month, b.month)
    if z3.is_expr(a) and z3.is_expr(b):
        return bool(a.eq(b))
    return bool(a == b)


def _parts(day: symcal.SDate) -> tuple[Any, Any, Any]:
    return day.year, day.month, day.day


def _elements_read(
    elements: list[ElementChange], rests_on: dict[str, set[str]], quantity: str
) -> list[ElementChange]:
    """The changed elements `quantity` is computed from. Readings are pinned per version
    rather than encoded, so the probe cannot see them: the adopted one is added here."""
    read = [e for e in elements if e.section in rests_on.get(quantity, set())]
    if quantity in READING_INPUT_OF:
        adopted = f"readings[{READING_INPUT_OF[quantity]}].adopted"
        read += [e for e in elements if e.path == adopted]
    return read


# --- Wording ---------------------------------------------------------------------------------


def wording_changes(old: Spec, new: Spec) -> list[WordingChange]:
    """The provisions whose wording differs, innermost only: when 第9条第2項 changed, so
    did 第9条, and saying so again would only repeat it."""
    before = {a.id: a for a in old.articles}
    after = {a.id: a for a in new.articles}
    changes = [
        _wording(before.get(a.id), a)
        for a in new.articles
        if a.id not in before or before[a.id].fingerprint != a.fingerprint
    ]
    changes += [_wording(a, None) for a in old.articles if a.id not in after]
    changed = {c.id for c in changes}
    return [c for c in changes if not any(c.id in lineage(o)[1:] for o in changed)]


def _wording(before: Article | None, after: Article | None) -> WordingChange:
    shown = after or before
    assert shown is not None
    kind = "added" if before is None else "removed" if after is None else "changed"
    return WordingChange(
        shown.id,
        shown.heading,
        shown.title,
        kind,
        before.text if before else None,
        after.text if after else None,
    )


Segment = tuple[str, str, str]  # (operation, old text, new text)


def wording_hunks(old_text: str, new_text: str, context: int = 12) -> list[list[Segment]]:
    """The changed places of two wordings, with a little text either side, compared
    without whitespace (as fingerprints are: PDF spacing is not wording)."""
    a, b = normalize(old_text), normalize(new_text)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        hunk = [(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in group]
        hunks.append(hunk)
    return hunks


# --- Property verdicts -----------------------------------------------------------------------


def check_version(spec: Spec, properties: list[Property], rlimit: int) -> list[Result]:
    """Every property of one version, as `termcheck verify` checks it (run in a worker
    process: it rebuilds its encodings from the spec)."""
    return list(check_all(spec, properties, Options(rlimit=rlimit)))


class _PropertyChecks:
    """Both versions' properties, checked in two worker processes while the main one
    compares the quantities (about half the time of the worked example on two cores);
    in this process, one after the other, unless asked for, where worker processes
    cannot be started, or where they would share one core."""

    def __init__(
        self,
        old: Spec,
        new: Spec,
        properties: tuple[list[Property], list[Property]],
        rlimit: int,
        *,
        parallel: bool,
    ) -> None:
        self.jobs = ((old, properties[0], rlimit), (new, properties[1], rlimit))
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[list[Result]]] = []
        if not parallel or (os.cpu_count() or 1) < 2:
            return
        try:
            context = multiprocessing.get_context("spawn")  # no Z3 state across a fork
            self.pool = ProcessPoolExecutor(max_workers=2, mp_context=context)
            self.futures = [self.pool.submit(check_version, *job) for job in self.jobs]
        except (OSError, NotImplementedError):  # no semaphores or processes here
            self.close()

    def results(self) -> tuple[list[Result], list[Result]]:
        if self.pool is not None:
            try:
                return self.futures[0].result(), self.futures[1].result()
            except BrokenProcessPool:  # a worker could not start: the same work here
                self.close()
        return check_version(*self.jobs[0]), check_version(*self.jobs[1])

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        self.pool, self.futures = None, []


def verdict_changes(
    before: list[Result], after: list[Result]
) -> tuple[list[VerdictChange], list[str]]:
    """The properties whose verdict (status, or whether it met its expectation) differs,
    and those that are undecided in either version (inconclusive or divergent), which
    can be neither."""
    then_by_id = {r.prop.id: r for r in before}
    changes: list[VerdictChange] = []
    undecided: list[str] = []
    for now in after:
        then = then_by_id.get(now.prop.id)
        if then is None:
            continue
        if then.status in UNDECIDED_STATUSES or now.status in UNDECIDED_STATUSES:
            undecided.append(now.prop.id)
        elif (then.status, then.met) != (now.status, now.met):
            changes.append(VerdictChange(now.prop, then, now))
    return changes, undecided
