"""Prove or refute each property; make counterexamples readable; replay them in the rules.

For a property P with assumption A and assertion G over the scenario domain D:

1. vacuity: is D ∧ A satisfiable? If not, P is `vacuous` (never a pass);
2. proof: is D ∧ A ∧ ¬G satisfiable? unsat: `proved`; sat: `violated`, with a model;
3. the model is made readable (round fees, dates near the terms' date, earliest
   witness) and replayed through :func:`termcheck.rules.evaluate`. If the rules do not
   reproduce it, quantity by quantity, the result is `divergent`: an error in the model
   or the implementation, never a pass.

`unknown` or an exhausted resource limit gives `inconclusive`, with Z3's reason.
Fixed random seeds and an `rlimit` (not a wall-clock timeout) make every run the same.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, StrEnum
from itertools import pairwise, product
from typing import Any

import z3

from termcheck import builtin, language, symcal
from termcheck.calendar import parse_date
from termcheck.encoding import (
    SymbolicScenario,
    concrete_value,
    encode,
    enum_code,
    scenario_from_model,
)
from termcheck.errors import ScenarioError
from termcheck.properties import Property
from termcheck.rules import Outcome, Scenario, evaluate
from termcheck.spec import Spec
from termcheck.vocabulary import (
    BY_NAME,
    DERIVED,
    READING_INPUT_OF,
    Ground,
    Kind,
    LiabilityReading,
    NoticeReading,
)

DEFAULT_RLIMIT = 50_000_000
SEED = 0
READING_INPUTS: dict[str, type[Enum]] = {
    "notice_reading": NoticeReading,
    "liability_reading": LiabilityReading,
}


class Status(StrEnum):
    PROVED = "proved"
    VIOLATED = "violated"
    INCONCLUSIVE = "inconclusive"
    VACUOUS = "vacuous"
    DIVERGENT = "divergent"


@dataclass(frozen=True)
class Counterexample:
    """The customers of a refutation, each with every quantity the rules compute."""

    outcomes: dict[str, Outcome]  # by scenario name; "" for a single-scenario property


@dataclass(frozen=True)
class Evidence:
    """A counterexample or witness that is not a set of customers: a trace of a contract,
    a conflict between documents, an acceptable application.

    `data` is what JSON carries; `story` the lines people read, by language; `events`
    the dated events a timeline shows (date, Japanese label, English label).
    """

    data: dict[str, Any]
    story: dict[str, list[str]]
    events: tuple[tuple[date, str, str], ...] = ()


@dataclass
class Result:
    prop: Property
    readings: dict[str, str]  # reading input -> the reading it was fixed to
    status: Status
    counterexample: Counterexample | None = None
    evidence: Evidence | None = None
    replayed: bool | None = None
    detail: str = ""
    seconds: float = 0.0
    solver_seconds: float = 0.0
    work: int = 0
    other_readings: list[Result] = field(default_factory=list)

    @property
    def met(self) -> bool:
        """Did the property end as expected? `holds` wants a proof; `finding` wants a
        replayed counterexample (a finding that no longer shows does not meet it)."""
        if self.prop.expect == "holds":
            return self.status is Status.PROVED
        return self.status is Status.VIOLATED and self.replayed is True

    @property
    def reading_dependent(self) -> bool:
        return any(other.status is not self.status for other in self.other_readings)


@dataclass(frozen=True)
class Options:
    rlimit: int = DEFAULT_RLIMIT
    readings: dict[str, str] = field(default_factory=dict)  # overrides of the adopted ones
    all_readings: bool = False


def exit_code(results: list[Result]) -> int:
    """The CI contract: 0 all met, 1 one unmet, 3 inconclusive or vacuous (and none unmet)."""
    undecided = {Status.INCONCLUSIVE, Status.VACUOUS}
    if any(not r.met and r.status not in undecided for r in results):
        return 1
    if any(r.status in undecided for r in results):
        return 3
    return 0


def check_all(spec: Spec, properties: list[Property], options: Options) -> Iterator[Result]:
    z3.set_param("smt.random_seed", SEED)
    z3.set_param("sat.random_seed", SEED)
    encodings: dict[str, SymbolicScenario] = {}
    for prop in properties:
        if prop.kind != "scenario":
            assert prop.check is not None  # the loader insists on it
            yield builtin.runner(prop.kind, prop.check)(spec, prop, options.rlimit)
            continue
        chosen = _reading_choice(spec, prop, options.readings)
        result = check_property(spec, prop, chosen, options.rlimit, encodings)
        if options.all_readings:
            result.other_readings = [
                check_property(spec, prop, other, options.rlimit, encodings)
                for other in _reading_variants(spec, prop)
                if other != chosen
            ]
        yield result


def pinned_readings(prop: Property) -> list[str]:
    """The reading inputs this property depends on without naming them itself."""
    named = {name.split(".")[-1] for name in prop.names}
    depends = {READING_INPUT_OF[n] for n in named if n in READING_INPUT_OF}
    return sorted(depends - named)


def _reading_choice(spec: Spec, prop: Property, overrides: dict[str, str]) -> dict[str, str]:
    adopted = {
        "notice_reading": spec.adopted_notice_reading.value,
        "liability_reading": spec.adopted_liability_reading.value,
    }
    return {name: overrides.get(name, adopted[name]) for name in pinned_readings(prop)}


def _reading_variants(spec: Spec, prop: Property) -> list[dict[str, str]]:
    offered = {
        "notice_reading": [r.value for r in spec.notice_readings()],
        "liability_reading": [r.value for r in spec.liability_readings()],
    }
    names = pinned_readings(prop)
    return [
        dict(zip(names, values, strict=True)) for values in product(*(offered[n] for n in names))
    ]


# --- One property ----------------------------------------------------------------------


class _Problem:
    """A property's encoding: scenarios, domain, assumption and assertion in Z3."""

    def __init__(
        self,
        spec: Spec,
        prop: Property,
        readings: dict[str, str],
        encodings: dict[str, SymbolicScenario] | None = None,
    ) -> None:
        self.spec = spec
        self.prop = prop
        cache = encodings if encodings is not None else {}
        self.scenarios = {
            name: _encoding(spec, name or "s", cache) for name in (prop.scenarios or ("",))
        }
        self.reading_pins: dict[str, list[tuple[str, Any]]] = {
            name: [
                (reading, sym[reading] == enum_code(READING_INPUTS[reading](value)))
                for reading, value in readings.items()
            ]
            for name, sym in self.scenarios.items()
        }
        self.assume = language.eval_symbolic(prop.assume, self.lookup)
        self.assertion = language.eval_symbolic(prop.assertion, self.lookup)

    def lookup(self, name: str) -> object:
        scenario, _, quantity = name.rpartition(".")
        if BY_NAME[quantity].kind is Kind.PARAMETER:
            return next(iter(self.scenarios.values()))[quantity]
        return self.scenarios[scenario][quantity]

    def inputs_named(self, scenario: str) -> frozenset[str]:
        """The inputs of `scenario` that the property depends on."""
        sym = self.scenarios[scenario]
        found: set[str] = set()
        for used in self.prop.names:
            owner, _, quantity = used.rpartition(".")
            if owner == scenario:
                found |= sym.inputs_of(quantity)
        return frozenset(found)

    def split_domain(self) -> tuple[list[Any], list[Any]]:
        """The domain constraints that bear on the property, and the rest.

        Constraints on inputs the property cannot see are satisfiable on their own (every
        input's domain is non-empty), so leaving them out of the proof changes no verdict;
        they are added back before a counterexample is read, so that it is complete.
        """
        relevant: list[Any] = []
        rest: list[Any] = []
        for name, sym in self.scenarios.items():
            wanted = set(self.inputs_named(name))
            grew = True
            while grew:  # close over constraints that couple two inputs
                grew = False
                for inputs in sym.domain_inputs:
                    if inputs & wanted and not inputs <= wanted:
                        wanted |= inputs
                        grew = True
            for constraint, inputs in zip(sym.domain, sym.domain_inputs, strict=True):
                (relevant if inputs & wanted else rest).append(constraint)
            for reading_input, constraint in self.reading_pins[name]:
                (relevant if reading_input in wanted else rest).append(constraint)
        return relevant, rest


def _encoding(spec: Spec, prefix: str, cache: dict[str, SymbolicScenario]) -> SymbolicScenario:
    # Encodings depend only on the spec and the scenario's name: build each once per run.
    if prefix not in cache:
        cache[prefix] = encode(spec, prefix)
    return cache[prefix]


def check_property(
    spec: Spec,
    prop: Property,
    readings: dict[str, str],
    rlimit: int,
    encodings: dict[str, SymbolicScenario] | None = None,
) -> Result:
    started = time.perf_counter()
    problem = _Problem(spec, prop, readings, encodings)
    relevant, rest = problem.split_domain()
    solver = _solver(rlimit)
    solver.add(*relevant)
    solver.add(problem.assume)
    result = Result(prop, readings, Status.PROVED)
    vacuity = solver.check()
    if vacuity != z3.sat:
        result.status = Status.VACUOUS if vacuity == z3.unsat else Status.INCONCLUSIVE
        result.detail = (
            "the assumption cannot be met by any scenario"
            if vacuity == z3.unsat
            else f"vacuity check: {solver.reason_unknown()}"
        )
        return _finish(result, solver, started)
    solver.add(z3.Not(problem.assertion))
    verdict = solver.check()
    if verdict == z3.unsat:
        return _finish(result, solver, started)
    if verdict == z3.unknown:
        result.status = Status.INCONCLUSIVE
        result.detail = solver.reason_unknown()
        return _finish(result, solver, started)
    solver.add(*rest)
    if solver.check() != z3.sat:
        result.status = Status.INCONCLUSIVE
        result.detail = "the counterexample could not be completed: " + solver.reason_unknown()
        return _finish(result, solver, started)
    result.status = Status.VIOLATED
    model = _readable_model(solver, problem)
    _replay(result, problem, model)
    return _finish(result, solver, started)


class _TimedSolver(z3.Solver):  # type: ignore[misc]
    """A solver that adds up the time spent inside `check` (the solver time)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0
        # Z3's "rlimit count" is one counter for the whole process: a solver's work is
        # what the counter gained while it checked.
        self.work = 0

    def check(self, *assumptions: Any) -> Any:
        started = time.perf_counter()
        before = _rlimit_count(self)
        try:
            return super().check(*assumptions)
        finally:
            self.seconds += time.perf_counter() - started
            self.work += _rlimit_count(self) - before


def _rlimit_count(solver: z3.Solver) -> int:
    stats = solver.statistics()
    # z3's Statistics offers keys() but no `in`.
    keys = stats.keys()
    return int(stats.get_key_value("rlimit count")) if "rlimit count" in keys else 0


def _solver(rlimit: int) -> _TimedSolver:
    solver = _TimedSolver()
    solver.set("random_seed", SEED)
    solver.set("rlimit", rlimit)
    return solver


def _finish(result: Result, solver: _TimedSolver, started: float) -> Result:
    result.seconds = time.perf_counter() - started
    result.solver_seconds = solver.seconds
    result.work = solver.work
    return result


# --- Readable counterexamples ------------------------------------------------------------


def _readable_model(solver: z3.Solver, problem: _Problem) -> z3.ModelRef:
    """Steer the witness toward what a reviewer can picture, keeping it a witness.

    Hints are kept only if the problem stays satisfiable with them, so the result is
    always a real counterexample; the order of the hints is the order of preference.
    Then every input is fixed (preferred value, else least), so the witness does not
    depend on the solver's internal state: the same input gives the same report.
    """
    anchor = parse_date(problem.spec.document.terms.version)
    hints = list(_hints(problem, anchor))
    choices = [
        (sym[name], value)
        for sym in problem.scenarios.values()
        for name, value in _preferred_choices(problem.spec).items()
    ]
    kept = _keep_satisfiable(solver, [*hints, *(term == value for term, value in choices)])
    for index, (term, _) in enumerate(choices):
        if len(hints) + index not in kept:
            _minimize(solver, term, 0, 0)
    for sym in problem.scenarios.values():
        _minimize_date(solver, sym["service_start"], anchor)
        _minimize_month(solver, sym["termination_month"], anchor)
    others = [
        sym[name]
        for sym in problem.scenarios.values()
        for name in ("planned_start", "notice_arrival", "incident_date")
    ]
    if not _fix_if_determined(solver, others):
        for value in others:
            _settle_date(solver, value, anchor)
    if solver.check() != z3.sat:  # pragma: no cover - every hint kept was satisfiable
        raise RuntimeError("a kept hint made the problem unsatisfiable")
    return solver.model()


def _preferred_choices(spec: Spec) -> dict[str, int]:
    """The fee, ground and readings a witness takes when the property lets it."""
    return {
        "ground": enum_code(Ground.CUSTOMER),
        "notice_reading": enum_code(spec.adopted_notice_reading),
        "liability_reading": enum_code(spec.adopted_liability_reading),
        "monthly_fee": 100_000,
    }


def _keep_satisfiable(solver: z3.Solver, hints: list[Any]) -> set[int]:
    """Add the most preferred hints that fit together, and return their indices.

    Each hint is tracked by a literal; while the tracked hints conflict, the least
    preferred hint of the unsat core is dropped. A few checks instead of one per hint.
    """
    literals = [z3.Bool(f"termcheck.hint.{index}") for index in range(len(hints))]
    active = list(range(len(hints)))
    solver.push()
    solver.add(*(z3.Implies(literal, hint) for literal, hint in zip(literals, hints, strict=True)))
    while active:
        verdict = solver.check(*(literals[index] for index in active))
        if verdict == z3.sat:
            break
        core = {str(literal) for literal in solver.unsat_core()}
        conflicting = [index for index in active if str(literals[index]) in core]
        if verdict == z3.unknown or not conflicting:
            active = []
            break
        active.remove(max(conflicting))
    solver.pop()
    solver.add(*(hints[index] for index in active))
    return set(active)


def _fix_if_determined(solver: z3.Solver, dates: list[symcal.SDate]) -> bool:
    """If the other choices already determine every date in `dates`, fix them in one
    check and say so; otherwise leave them to be settled one by one."""
    if not dates or solver.check() != z3.sat:
        return False
    model = solver.model()
    current = [model.eval(_ordinal_date(value), model_completion=True).as_long() for value in dates]
    equal = [_ordinal_date(value) == now for value, now in zip(dates, current, strict=True)]
    solver.push()
    solver.add(z3.Not(z3.And(*equal)))
    determined: bool = solver.check() == z3.unsat
    solver.pop()
    if determined:
        solver.add(*equal)
    return determined


def _settle_date(solver: z3.Solver, value: symcal.SDate, anchor: date) -> None:
    """Fix a date: as it is when nothing else is possible, else its least value."""
    if solver.check() != z3.sat:
        return
    ordinal = _ordinal_date(value)
    current = solver.model().eval(ordinal, model_completion=True).as_long()
    solver.push()
    solver.add(ordinal != current)
    unique = solver.check() == z3.unsat
    solver.pop()
    if unique:
        solver.add(ordinal == current)
    else:
        _minimize_date(solver, value, anchor)


def _hints(problem: _Problem, anchor: date) -> Iterator[Any]:
    """Preferences for a readable witness, most important first."""
    window = (symcal.const_date(anchor), symcal.const_date(date(anchor.year + 3, 12, 31)))
    for name, sym in problem.scenarios.items():
        mentioned = problem.inputs_named(name)
        start = sym["service_start"]
        yield z3.And(start >= window[0], start <= window[1])
        fee = sym["monthly_fee"]
        yield fee == 100_000
        # Inputs the property never looks at get tidy values; those it does stay free
        # but near the terms' date, so the story reads as a year or two of a contract.
        tidy = {
            "planned_start": sym["planned_start"] == start,
            "incident_date": sym["incident_date"] == start,
            "notice_arrival": sym["notice_arrival"] == sym["notice_deadline"],
        }
        for input_name, preference in tidy.items():
            if input_name not in mentioned:
                yield preference
            else:
                value = sym[input_name]
                yield z3.And(value >= window[0], value <= window[1])
        # The usual customer: one who terminates, after at least one billed month. A
        # ground the property names itself is left to it (the hint would only fail).
        if f"{name}.ground".lstrip(".") not in problem.prop.names:
            yield sym["ground"] == enum_code(Ground.CUSTOMER)
        yield sym["termination_month"] >= sym["billing_start"].month_of
    names = list(problem.scenarios.values())
    for first, second in pairwise(names):
        # Two customers: as alike as the property allows, so the difference stands out.
        for quantity in ("service_start", "monthly_fee", "termination_month", "notice_arrival"):
            yield first[quantity] == second[quantity]


def _ordinal_date(value: symcal.SDate) -> Any:
    # Order-preserving and linear; used only to bisect, never in the encoding.
    return 372 * value.year + 31 * value.month + value.day


def _bisect_min(solver: z3.Solver, term: Any, low: int, high: int) -> None:
    """Fix `term` to its least satisfiable value in [low, high] (known: high is reachable)."""
    while low < high:
        middle = (low + high) // 2
        solver.push()
        solver.add(term <= middle)
        found = solver.check() == z3.sat
        solver.pop()
        if found:
            high = middle
        else:
            low = middle + 1
    solver.add(term == low)


def _minimize_date(solver: z3.Solver, value: symcal.SDate, anchor: date) -> None:
    floor = 372 * anchor.year + 31 * anchor.month + anchor.day
    _minimize(solver, _ordinal_date(value), floor, 372 * 1900)


def _minimize_month(solver: z3.Solver, value: symcal.SMonth, anchor: date) -> None:
    _minimize(solver, value.index, 12 * anchor.year + anchor.month - 1, 12 * 1900)


def _minimize(solver: z3.Solver, term: Any, floor: int, low: int) -> None:
    """Fix `term` to its least value; search from `floor` (the anchor) first, which
    nearly every readable witness respects, so the bisection stays short."""
    if solver.check() != z3.sat:
        return
    current = int(solver.model().eval(term, model_completion=True).as_long())
    if current == floor:
        solver.add(term == floor)
        return
    solver.push()
    solver.add(term < floor)
    below = solver.check() == z3.sat
    solver.pop()
    if not below and keep_if_satisfiable(solver, term == floor):
        return
    _bisect_min(solver, term, low if below else min(floor, current), current)


def keep_if_satisfiable(solver: z3.Solver, hint: Any) -> bool:
    """Keep `hint` if the problem stays satisfiable with it."""
    solver.push()
    solver.add(hint)
    if solver.check() == z3.sat:
        solver.pop()
        solver.add(hint)
        return True
    solver.pop()
    return False


# --- Replay through the rules -------------------------------------------------------------


def _replay(result: Result, problem: _Problem, model: z3.ModelRef) -> None:
    outcomes: dict[str, Outcome] = {}
    disagreements: list[str] = []
    for name, sym in problem.scenarios.items():
        scenario = scenario_from_model(sym, model)
        try:
            outcome = evaluate(problem.spec, scenario)
        except ScenarioError as exc:
            result.status = Status.DIVERGENT
            result.replayed = False
            result.detail = f"the rules refuse the solver's scenario: {exc}"
            return
        outcomes[name] = outcome
        disagreements += mismatches(name, sym, model, outcome)
    result.counterexample = Counterexample(outcomes)
    lookup = _concrete_lookup(problem.spec, outcomes)
    assume_holds = language.eval_concrete(problem.prop.assume, lookup) is True
    assertion_fails = language.eval_concrete(problem.prop.assertion, lookup) is False
    result.replayed = assume_holds and assertion_fails and not disagreements
    if not result.replayed:
        result.status = Status.DIVERGENT
        reasons = list(disagreements)
        if not assume_holds:
            reasons.append("the rules do not meet the assumption")
        if not assertion_fails:
            reasons.append("the rules satisfy the assertion")
        result.detail = "model and rules disagree: " + "; ".join(reasons)


def mismatches(name: str, values: Any, model: z3.ModelRef, outcome: Outcome) -> list[str]:
    """The derived quantities on which Z3's model and the rules' outcome disagree, for the
    customer `name` ("" for a single one); `values` maps vocabulary names to Z3 terms."""
    found = []
    for quantity in DERIVED:
        symbolic = concrete_value(model, values[quantity.name], quantity.type)
        concrete = outcome.value(quantity.name)
        if concrete is not None and symbolic != concrete:
            where = f"{name}." if name else ""
            found.append(f"{where}{quantity.name}: Z3 {symbolic}, rules {concrete}")
    return found


def _concrete_lookup(spec: Spec, outcomes: dict[str, Outcome]) -> Any:
    parameters: dict[str, object] = {
        "minimum_term_months": spec.minimum_term_months,
        "notice_months": spec.notice_months,
        "penalty_grounds": spec.penalty_grounds,
    }

    def lookup(name: str) -> object:
        scenario, _, quantity = name.rpartition(".")
        if quantity in parameters:
            return parameters[quantity]
        return outcomes[scenario].value(quantity)

    return lookup


def replay_scenarios(
    spec: Spec, prop: Property, scenarios: dict[str, Scenario]
) -> tuple[bool, bool]:
    """Evaluate a property's assumption and assertion on concrete scenarios (for tests
    and for regression examples): (assumption holds, assertion holds)."""
    outcomes = {name: evaluate(spec, scenario) for name, scenario in scenarios.items()}
    lookup = _concrete_lookup(spec, outcomes)
    return (
        language.eval_concrete(prop.assume, lookup) is True,
        language.eval_concrete(prop.assertion, lookup) is True,
    )
