"""Prove or refute a property about cases; make the counterexample readable; replay it.

For a property P with assumption A and assertion G over the cases' domain D (each
fact's type and bounds, the model's relations, where every quantity has a value):

1. vacuity: is D ∧ A satisfiable? If not, P is `vacuous` (never a pass);
2. proof: is D ∧ A ∧ ¬G satisfiable? unsat: `proved`; sat: `violated`, with a model;
3. the model is made readable (:mod:`termcheck.verify.witness`) and replayed: through
   the model's concrete meaning, quantity by quantity, and through the model's
   implementation. If either does not reproduce it, the result is `divergent`: an error
   in the model or the implementation, never a pass.

`unknown` or an exhausted resource limit gives `inconclusive`, with Z3's reason.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING, Any

import z3

from termcheck.errors import ScenarioError
from termcheck.language.evaluate import EvaluationError, eval_concrete
from termcheck.model.spec import Spec
from termcheck.semantics.case import Outcome, evaluate
from termcheck.smt import isolation, solving
from termcheck.smt.compile import Compiler
from termcheck.smt.encoding import SymbolicCase, constants, context, encode, facts_of, value_of
from termcheck.verify import implementation, pool
from termcheck.verify.properties import Property
from termcheck.verify.registry import Registry

if TYPE_CHECKING:
    from termcheck.verify.cache import ResultCache
from termcheck.verify.results import Counterexample, Options, Result, Status, z3_reason_ja
from termcheck.verify.witness import readable

Encodings = dict[tuple[str, tuple[tuple[str, str], ...]], SymbolicCase]


def check_all(
    spec: Spec,
    properties: list[Property],
    options: Options,
    registry: Registry,
    jobs: int = 1,
    cache: ResultCache | None = None,
) -> Iterator[Result]:
    """Check each property, yielding the results in the order of `properties`; with
    `jobs` > 1, that many processes at once. Each property is checked in a Z3 context of
    its own, so its result is the same whatever the order, the selection and `jobs`.

    With a `cache`, a property whose inputs are unchanged since a run that stored it is
    not solved again: its stored result is revalidated (:meth:`Checker.revalidate`) and
    yielded as a fresh one would be; the others are checked and stored."""
    solving.seed_globally()
    checker = Checker(spec, options, registry)
    stored: dict[int, Result] = {}
    if cache is not None:
        if (cases := cache.load_boundaries()) is not None:
            checker.boundaries.replace(cases)
        for index, prop in enumerate(properties):
            if (hit := cache.load(prop)) is not None:
                stored[index] = hit
    missing = [prop for index, prop in enumerate(properties) if index not in stored]
    if jobs > 1:
        checker.prepare(missing)
    with solving.steady_collection():
        fresh = pool.in_processes(checker.check, missing, jobs)
        for index, prop in enumerate(properties):
            if index in stored:
                result = checker.revalidate(stored[index])
            else:
                result = next(fresh)
                if cache is not None:
                    cache.store(prop, result)
            result.prop = prop  # the caller's own, not a copy from a worker
            yield result
    if cache is not None:
        if checker.boundaries.computed:
            cache.store_boundaries(checker.boundaries.facts())
        cache.prune()


class Checker:
    """Checks one property at a time, each from a fresh Z3 context."""

    def __init__(self, spec: Spec, options: Options, registry: Registry) -> None:
        self.spec = spec
        self.options = options
        self.registry = registry
        self.boundaries = _BoundaryReplay(spec, options)

    def prepare(self, properties: list[Property]) -> None:
        """Do once what several checks share, before the work is divided among processes."""
        if any(p.kind == "scenario" and p.expect == "holds" for p in properties):
            self.boundaries.cases()

    def check(self, prop: Property) -> Result:
        isolation.fresh_context()
        spec, options = self.spec, self.options
        if prop.kind != "scenario":
            assert prop.check is not None  # the loader insists on it
            return self.registry.runner(prop.kind, prop.check)(spec, prop, options.rlimit)
        encodings: Encodings = {}
        if prop.every_reading:
            return self.boundaries.check(check_every_reading(spec, prop, options, encodings))
        chosen = reading_choice(spec, prop, options.readings)
        result = check_property(spec, prop, chosen, options, encodings)
        if options.all_readings:
            result.other_readings = [
                check_property(spec, prop, other, options, encodings)
                for other in reading_variants(spec, prop)
                if other != chosen
            ]
        return self.boundaries.check(result)

    def revalidate(self, result: Result) -> Result:
        """A stored result, checked as far as it can be without solving: every
        counterexample evaluated again through the model's concrete meaning and replayed
        through the implementation, a proof checked on the boundary cases. What does not
        replay is `divergent`, as it would be fresh."""
        if result.prop.kind != "scenario":
            return result  # a built-in check's evidence is its own (termcheck.verify.cache)
        for each in (result, *result.other_readings):
            if each.status is Status.VIOLATED:
                replay_stored(self.spec, each, self.options)
        return self.boundaries.check(result)


class _BoundaryReplay:
    """A proof is about the model; the implementation is checked only where a case is
    replayed through it. So a property proved of the model is also checked on the
    boundary cases (termcheck.conform) of the quantities it names, through the model's
    implementation: a fault only in the implementation fails the gate (`divergent`).
    The cases are found once per run, when the first proof needs them."""

    def __init__(self, spec: Spec, options: Options) -> None:
        self.spec = spec
        self.options = options
        self.impl = implementation.of_model(spec) if options.implementation else None
        self.found: list[tuple[str, str, Outcome]] | None = None
        self.computed = False  # found by solving in this run (not given by a cache)
        self.answers: dict[int, tuple[dict[str, object] | None, str]] = {}

    def replace(self, cases: list[tuple[str, str, dict[str, object]]]) -> None:
        """Take the boundary cases' facts from a cache instead of solving for them; each
        is evaluated again (a case the model refuses is dropped, as when found)."""
        self.found = []
        self.answers = {}
        for goal, quantity, facts in cases:
            try:
                self.found.append((goal, quantity, evaluate(self.spec.vocabulary, facts)))
            except ScenarioError:
                continue

    def facts(self) -> list[tuple[str, str, Mapping[str, object]]]:
        return [(goal, quantity, outcome.facts) for goal, quantity, outcome in self.cases()]

    def check(self, result: Result) -> Result:
        if self.impl is None or result.status is not Status.PROVED:
            return result
        cone = _cone(self.spec, result.prop)
        for index, (goal, quantity, outcome) in enumerate(self.cases()):
            if quantity not in cone:
                continue
            if index not in self.answers:  # each case through the implementation once a run
                self.answers[index] = self.impl.run(outcome.facts)
            ran = self.answers[index]
            found = implementation.compare(self.spec, self.impl.name, ran, outcome, only=cone)
            if found:
                result.status = Status.DIVERGENT
                result.replayed = False
                result.tell(
                    f"proved of the model, but {self.impl.name} disagrees with it on the "
                    f"boundary case {goal!r}: " + "; ".join(found),
                    f"モデルについては証明済みだが、境界の事例 `{goal}` で"
                    f"実装 `{self.impl.name}` がモデルと食い違う: "
                    + "、".join(f"`{item}`" for item in found),
                )
                result.counterexample = Counterexample({"": outcome})
                return result
        return result

    def cases(self) -> list[tuple[str, str, Outcome]]:
        if self.found is None:
            from termcheck.conform.reach import boundary_cases  # it builds on this module

            # In a context of their own: the same cases whichever proof needs them first.
            isolation.fresh_context()
            self.found = []
            self.computed = True
            found = boundary_cases(self.spec, self.options.rlimit, readable=False)
            for goal, facts in found.cases():
                try:
                    outcome = evaluate(self.spec.vocabulary, facts)
                except ScenarioError:
                    continue  # termcheck conform reports these; here they prove nothing
                self.found.append((goal.id, goal.quantity, outcome))
        return self.found


def _cone(spec: Spec, prop: Property) -> frozenset[str]:
    """The quantities and facts a property depends on, however indirectly."""
    entries = spec.vocabulary.entries
    found: set[str] = set()
    stack = [name.rpartition(".")[2] for name in prop.names]
    while stack:
        name = stack.pop()
        if name in found or name not in entries:
            continue
        found.add(name)
        stack.extend(entries[name].uses)
    return frozenset(found)


def check_every_reading(
    spec: Spec, prop: Property, options: Options, encodings: Encodings
) -> Result:
    """A property claimed whatever the reading: checked under each combination of the
    readings it leaves open; the first that is not proved is the result."""
    variants = reading_variants(spec, prop)
    results = [check_property(spec, prop, chosen, options, encodings) for chosen in variants]
    shown = next((r for r in results if r.status is not Status.PROVED), results[0])
    shown.other_readings = [r for r in results if r is not shown]
    if shown.status is Status.PROVED:
        names = ", ".join(open_readings(spec, prop))
        names_ja = "、".join(
            spec.vocabulary.entries[name].label("ja") for name in open_readings(spec, prop)
        )
        shown.tell(
            f"proved under each of the {len(results)} readings of {names}",
            f"{names_ja}の{len(results)}通りの読み方のそれぞれで証明済み",
        )
        shown.readings = {}
    return shown


# --- Readings ----------------------------------------------------------------------------------


def open_readings(spec: Spec, prop: Property) -> list[str]:
    """The quantities with readings the property depends on and leaves open (it fixes
    none of them for every case): those --all-readings varies."""
    entries = spec.vocabulary.entries
    depends: set[str] = set()
    for name in prop.names:
        entry = entries.get(name.rpartition(".")[2])
        if entry is not None:
            depends |= entry.depends_on_readings
    fixed_everywhere = set.intersection(
        *(set(prop.pinned.get(case, {})) for case in prop.case_names)
    )
    return sorted(depends - fixed_everywhere)


def reading_choice(spec: Spec, prop: Property, overrides: Mapping[str, str]) -> dict[str, str]:
    entries = spec.vocabulary.entries
    return {name: overrides.get(name, entries[name].adopted) for name in open_readings(spec, prop)}


def reading_variants(spec: Spec, prop: Property) -> list[dict[str, str]]:
    names = open_readings(spec, prop)
    entries = spec.vocabulary.entries
    offered = [list(entries[name].formulas) for name in names]
    return [dict(zip(names, values, strict=True)) for values in product(*offered)]


# --- One property ------------------------------------------------------------------------------


def case_readings(prop: Property, case: str, chosen: Mapping[str, str]) -> dict[str, str]:
    """The readings a case is compiled under: the property's own pins, then the choice."""
    return {**chosen, **prop.pinned.get(case, {})}


def encoding(
    spec: Spec, prefix: str, readings: Mapping[str, str], cache: Encodings
) -> SymbolicCase:
    # An encoding depends only on the model, the case's name and its readings.
    key = (prefix, tuple(sorted(readings.items())))
    if key not in cache:
        cache[key] = encode(spec.vocabulary, prefix, readings)
    return cache[key]


@dataclass
class Problem:
    """A property's encoding: its cases, their constraints, assumption and assertion."""

    spec: Spec
    prop: Property
    cases: dict[str, SymbolicCase]
    assume: Any
    assertion: Any
    conditions: list[Any]

    def looked_at(self) -> dict[str, frozenset[str]]:
        """The facts each case's part of the property depends on."""
        return {case: self._facts(case, transitive=True) for case in self.cases}

    def named(self) -> dict[str, frozenset[str]]:
        """The facts each case's part of the property names itself."""
        return {case: self._facts(case, transitive=False) for case in self.cases}

    def _facts(self, case: str, *, transitive: bool) -> frozenset[str]:
        entries = self.spec.vocabulary.entries
        found: set[str] = set()
        for used in self.prop.names:
            owner, _, name = used.rpartition(".")
            entry = entries[name]
            if owner != case and entry.kind != "constant":
                continue
            if transitive:
                found |= entry.facts
            elif entry.kind == "fact":
                found.add(name)
        return frozenset(found)

    def split(self) -> tuple[list[Any], list[Any]]:
        """The constraints that bear on the property, and the rest.

        Constraints on variables the property cannot reach are satisfiable on their own
        (every fact's domain is non-empty), so leaving them out of the proof changes no
        verdict; they are added back before a counterexample is read, so that it is a
        complete, possible case.
        """
        possible = not self.prop.any_case
        wanted = constants([self.assume, self.assertion, *self.conditions])
        pool: list[tuple[Any, frozenset[str]]] = []
        for sym in self.cases.values():
            pool += list(zip(sym.constraints(possible), sym.constants_of(possible), strict=True))
        relevant: list[Any] = list(self.conditions)
        rest: list[Any] = []
        taken = [False] * len(pool)
        grew = True
        while grew:  # close over constraints that couple two facts
            grew = False
            for index, (_, names) in enumerate(pool):
                if not taken[index] and names & wanted:
                    taken[index] = True
                    wanted |= names
                    grew = True
        for index, (constraint, _) in enumerate(pool):
            (relevant if taken[index] else rest).append(constraint)
        return relevant, rest


def problem(spec: Spec, prop: Property, chosen: Mapping[str, str], cache: Encodings) -> Problem:
    cases = {
        case: encoding(spec, case or "s", case_readings(prop, case, chosen), cache)
        for case in prop.case_names
    }
    v = spec.vocabulary

    def lookup(name: str) -> object:
        owner, _, quantity = name.rpartition(".")
        if owner in cases:
            return cases[owner][quantity]
        return next(iter(cases.values()))[quantity]  # a constant, or the one case

    compiler = Compiler(lookup, v.bounds, context(v))
    assume = compiler.compile(prop.assume)
    assertion = compiler.compile(prop.assertion)
    return Problem(spec, prop, cases, assume, assertion, compiler.conditions)


def check_property(
    spec: Spec,
    prop: Property,
    chosen: Mapping[str, str],
    options: Options,
    cache: Encodings | None = None,
) -> Result:
    started = time.perf_counter()
    work = solving.work_done()
    found = problem(spec, prop, chosen, cache if cache is not None else {})
    relevant, rest = found.split()
    s = solving.solver(options.rlimit)
    s.add(*relevant)
    s.add(found.assume)
    result = Result(prop, dict(chosen), Status.PROVED)
    vacuity = s.check()
    if vacuity != z3.sat:
        result.status = Status.VACUOUS if vacuity == z3.unsat else Status.INCONCLUSIVE
        if vacuity == z3.unsat:
            result.tell("the assumption cannot be met by any case", "前提を満たす事例がない")
        else:
            reason = s.reason_unknown()
            result.tell(f"vacuity check: {reason}", "前提の充足可能性: " + z3_reason_ja(reason))
        return finish(result, s, started, work)
    s.add(z3.Not(found.assertion))
    verdict = s.check()
    if verdict == z3.unsat:
        return finish(result, s, started, work)
    if verdict == z3.unknown:
        result.status = Status.INCONCLUSIVE
        reason = s.reason_unknown()
        result.tell(reason, z3_reason_ja(reason))
        return finish(result, s, started, work)
    s.add(*rest)
    if s.check() != z3.sat:
        result.status = Status.INCONCLUSIVE
        reason = s.reason_unknown()
        result.tell(
            "the counterexample could not be completed: " + reason,
            "反例を完成できなかった: " + z3_reason_ja(reason),
        )
        return finish(result, s, started, work)
    result.status = Status.VIOLATED
    if options.readable:
        model = readable(s, spec, found.cases, found.looked_at(), found.named())
    else:
        model = s.model()
    replay(result, found, model, options)
    return finish(result, s, started, work)


def finish(result: Result, s: solving.TimedSolver, started: float, work: int) -> Result:
    result.seconds = time.perf_counter() - started
    result.solver_seconds = s.seconds
    result.work = solving.work_done() - work
    return result


# --- Replay -------------------------------------------------------------------------------------


def replay(result: Result, found: Problem, model: z3.ModelRef, options: Options) -> None:
    """The counterexample through the model's concrete meaning and its implementation:
    anything but the same values and the same verdict is `divergent`."""
    spec = found.spec
    outcomes: dict[str, Outcome] = {}
    disagreements: list[str] = []
    impl = implementation.of_model(spec) if options.implementation else None
    for name, sym in found.cases.items():
        facts = facts_of(sym, model, spec.vocabulary)
        try:
            outcome = evaluate(
                spec.vocabulary, facts, sym.readings, possible=not found.prop.any_case
            )
        except ScenarioError as exc:
            result.status = Status.DIVERGENT
            result.replayed = False
            result.tell(
                f"the model's concrete meaning refuses the solver's case: {exc}",
                f"モデルの具体的な意味がソルバーの事例を拒む: `{exc}`",
            )
            return
        outcomes[name] = outcome
        disagreements += mismatches(spec, name, sym, model, outcome)
        if impl is not None:
            disagreements += implementation.disagreements(spec, impl, outcome, name)
    result.counterexample = Counterexample(outcomes)
    try:
        holds = replay_property(spec, found.prop, outcomes)
    except EvaluationError as exc:
        result.status = Status.DIVERGENT
        result.replayed = False
        result.tell(
            f"the property has no concrete value on the solver's case: {exc}",
            f"ソルバーの事例で性質の具体的な値が定まらない: `{exc}`",
        )
        return
    assume_holds, assertion_holds = holds
    result.replayed = assume_holds and not assertion_holds and not disagreements
    if not result.replayed:
        result.status = Status.DIVERGENT
        reasons = list(disagreements)
        reasons_ja = [f"`{item}`" for item in disagreements]
        if not assume_holds:
            reasons.append("the concrete meaning does not meet the assumption")
            reasons_ja.append("具体的な意味では前提が成り立たない")
        if assertion_holds:
            reasons.append("the concrete meaning satisfies the assertion")
            reasons_ja.append("具体的な意味では主張が成り立つ")
        result.tell(
            "Z3, the concrete meaning and the implementation disagree: " + "; ".join(reasons),
            "Z3、具体的な意味、実装が食い違う: " + "、".join(reasons_ja),
        )


def replay_stored(spec: Spec, result: Result, options: Options) -> None:
    """A stored counterexample replayed as :func:`replay` replays Z3's: each case evaluated
    again from its facts (the stored values must be what the model computes), the
    property's verdict on them, and the implementation's answers."""
    assert result.counterexample is not None  # a violation carries its cases
    impl = implementation.of_model(spec) if options.implementation else None
    outcomes: dict[str, Outcome] = {}
    disagreements: list[str] = []
    for name, stored in result.counterexample.outcomes.items():
        try:
            outcome = evaluate(
                spec.vocabulary, stored.facts, stored.readings, possible=not result.prop.any_case
            )
        except ScenarioError as exc:
            _diverge(
                result,
                f"the model's concrete meaning refuses the stored case: {exc}",
                f"モデルの具体的な意味が保存された事例を拒む: `{exc}`",
            )
            return
        outcomes[name] = outcome
        if dict(outcome.values) != dict(stored.values):
            where = f"{name}." if name else ""
            changed = sorted(
                key
                for key in {*outcome.values, *stored.values}
                if outcome.values.get(key) != stored.values.get(key)
            )
            disagreements.append(f"{where}{changed[0]}: stored, not what the model computes")
        if impl is not None:
            disagreements += implementation.disagreements(spec, impl, outcome, name)
    result.counterexample = Counterexample(outcomes)
    try:
        assume_holds, assertion_holds = replay_property(spec, result.prop, outcomes)
    except EvaluationError as exc:
        _diverge(
            result,
            f"the property has no concrete value on the stored case: {exc}",
            f"保存された事例で性質の具体的な値が定まらない: `{exc}`",
        )
        return
    if disagreements or not assume_holds or assertion_holds:
        reasons = [*disagreements]
        if not assume_holds:
            reasons.append("the concrete meaning does not meet the assumption")
        if assertion_holds:
            reasons.append("the concrete meaning satisfies the assertion")
        _diverge(
            result,
            "the stored counterexample does not replay: " + "; ".join(reasons),
            "保存された反例が再現しない: " + "、".join(f"`{item}`" for item in reasons),
        )


def _diverge(result: Result, en: str, ja: str) -> None:
    result.status = Status.DIVERGENT
    result.replayed = False
    result.tell(en, ja)


def mismatches(
    spec: Spec, name: str, sym: SymbolicCase, model: z3.ModelRef, outcome: Outcome
) -> list[str]:
    """The quantities on which Z3's model and the concrete meaning disagree, for the case
    `name` ("" for a single one)."""
    found = []
    for entry in spec.vocabulary.quantities:
        if not outcome.has(entry.id):
            continue
        symbolic = value_of(sym, model, spec.vocabulary, entry.id)
        concrete = outcome.value(entry.id)
        if symbolic != concrete:
            where = f"{name}." if name else ""
            found.append(f"{where}{entry.id}: Z3 {symbolic}, concrete {concrete}")
    return found


def replay_property(
    spec: Spec, prop: Property, outcomes: Mapping[str, Outcome]
) -> tuple[bool, bool]:
    """A property's assumption and assertion on concrete cases: (assumption holds,
    assertion holds). Also for regression examples in tests."""
    first = next(iter(outcomes.values()))

    def lookup(name: str) -> object:
        owner, _, quantity = name.rpartition(".")
        return outcomes.get(owner, first).value(quantity)

    context = spec.vocabulary.context()
    return (
        eval_concrete(prop.assume, lookup, context) is True,
        eval_concrete(prop.assertion, lookup, context) is True,
    )
