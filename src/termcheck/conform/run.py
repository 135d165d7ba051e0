"""Conformance: an implementation's answers beside the model's, case by case.

The cases come in a fixed order, each asked once: (1) the boundary cases the solver
chose for every goal of the formulas (:mod:`termcheck.conform.reach`); (2) the
witnesses of every property about cases (a case meeting its assumption, and its
counterexample when it has one); (3) cases Hypothesis generates from the model's facts,
within `budget`, a disagreement found there shrunk to the smallest case showing it.

A disagreement is reported once per quantity and kind, with the first case (in that
order) that shows it and how many cases do. The implementation's failures (it raised,
hung, crashed, answered something malformed, or left out a quantity it computes
elsewhere) are disagreements too. A solver-chosen case the model's own concrete meaning
refuses is not the implementation's fault: it makes the run undecided (exit 3).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from termcheck.conform.reach import Boundaries, Reach, boundary_cases
from termcheck.conform.target import Answer, Target
from termcheck.errors import ScenarioError
from termcheck.model.spec import Spec
from termcheck.semantics.calendar import Month
from termcheck.semantics.case import Outcome, evaluate
from termcheck.smt import isolation, solving
from termcheck.smt.encoding import facts_of
from termcheck.verify.properties import Property
from termcheck.verify.results import DEFAULT_RLIMIT
from termcheck.verify.scenario import problem, reading_choice
from termcheck.verify.witness import readable

DEFAULT_BUDGET = 200
SOURCES = ("boundary", "witness", "shrunk", "generated")


@dataclass
class Case:
    facts: dict[str, object]
    source: str  # one of SOURCES
    why: str  # the goal, the property, or "Hypothesis"


@dataclass
class Disagreement:
    kind: str  # "differs", "missing" or "failed"
    quantity: str  # "" for a failure of the whole answer
    case: Case
    model: object = None
    implementation: object = None
    detail: str = ""
    count: int = 1  # how many cases show it

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.quantity)


@dataclass
class ConformResult:
    target: str
    readings: dict[str, str]
    boundaries: Boundaries
    cases: dict[str, int] = field(default_factory=dict)  # cases asked, by source
    disagreements: list[Disagreement] = field(default_factory=list)
    refused: list[Case] = field(default_factory=list)  # solver cases the model refuses
    compared: list[str] = field(default_factory=list)  # quantities the implementation answers

    @property
    def exit_code(self) -> int:
        """1 when the implementation disagrees; else 3 when anything is undecided (a goal
        the solver could not decide, a case the model's meanings disagree on); else 0."""
        if self.disagreements:
            return 1
        if self.refused or self.boundaries.count(Reach.UNDECIDED):
            return 3
        return 0


def conform(
    spec: Spec,
    target: Target,
    properties: list[Property],
    *,
    readings: Mapping[str, str] | None = None,
    budget: int = DEFAULT_BUDGET,
    rlimit: int = DEFAULT_RLIMIT,
    progress: Any = None,
    solver_cases: bool = True,
) -> ConformResult:
    """Ask `target` every case (see the module docstring). Without `solver_cases`, only
    the generated ones: Hypothesis alone, as benchmarks/conform.py compares."""
    tell = progress or (lambda _step: None)
    chosen = dict(readings or {})
    tell("boundary cases")
    boundaries = boundary_cases(spec, rlimit, chosen) if solver_cases else Boundaries()
    result = ConformResult(target.name, chosen, boundaries)
    checker = _Checker(spec, target, chosen, result)
    for goal, facts in boundaries.cases():
        checker.ask(Case(facts, "boundary", goal.id))
    tell("property witnesses")
    for case in witness_cases(spec, properties, chosen, rlimit) if solver_cases else []:
        checker.ask(case)
    if budget > 0:
        tell("generated cases")
        from termcheck.conform.generate import generated_cases  # Hypothesis: only when asked

        for facts in generated_cases(spec, checker, budget):
            checker.ask(Case(facts, "shrunk", "Hypothesis, shrunk"))
    checker.finish()
    return result


class _Checker:
    def __init__(
        self, spec: Spec, target: Target, readings: dict[str, str], result: ConformResult
    ) -> None:
        self.spec = spec
        self.target = target
        self.readings = readings
        self.result = result
        self.seen: set[tuple[tuple[str, str], ...]] = set()
        self.asked: list[tuple[Case, Outcome, Answer]] = []

    def outcome(self, facts: Mapping[str, object]) -> Outcome | None:
        try:
            return evaluate(self.spec.vocabulary, facts, self.readings)
        except ScenarioError:
            return None

    def ask(self, case: Case) -> None:
        key = tuple(sorted((k, repr(v)) for k, v in case.facts.items()))
        if key in self.seen:
            return
        self.seen.add(key)
        outcome = self.outcome(case.facts)
        if outcome is None:
            if case.source != "generated":
                self.result.refused.append(case)
            return
        self.result.cases[case.source] = self.result.cases.get(case.source, 0) + 1
        answer = self.target.answer(outcome.facts)
        if answer.quantities is not None:
            answer = Answer({k: _normal(v) for k, v in answer.quantities.items()})
        self.asked.append((case, outcome, answer))

    def disagrees(self, facts: Mapping[str, object], quantity: str, kind: str) -> bool:
        """Whether `facts` show the disagreement (kind, quantity): for shrinking."""
        outcome = self.outcome(facts)
        if outcome is None:
            return False
        answer = self.target.answer(outcome.facts)
        if kind == "failed":
            return answer.quantities is None
        if answer.quantities is None or quantity not in answer.quantities:
            return kind == "missing"
        return kind == "differs" and _normal(answer.quantities[quantity]) != outcome.value(quantity)

    def found_so_far(self) -> set[tuple[str, str]]:
        return {d.key for d in self._disagreements()}

    def finish(self) -> None:
        self.result.disagreements = self._disagreements()
        answered = self._answered()
        self.result.compared = sorted(answered)

    def _answered(self) -> set[str]:
        declared = self.target.declared
        if declared is not None:
            return set(declared)
        found: set[str] = set()
        for _, _, answer in self.asked:
            found |= set(answer.quantities or {})
        return found

    def _disagreements(self) -> list[Disagreement]:
        answered = self._answered()
        entries = self.spec.vocabulary.entries
        first: dict[tuple[str, str], Disagreement] = {}
        # The case shown is the first in the order of the sources; a shrunk case before
        # the generated one it was shrunk from.
        asked = sorted(self.asked, key=lambda entry: SOURCES.index(entry[0].source))
        for case, outcome, answer in asked:
            for found in _compare(case, outcome, answer, answered, entries):
                if found.key in first:
                    first[found.key].count += 1
                else:
                    first[found.key] = found
        return sorted(first.values(), key=lambda d: (d.quantity, d.kind))


def _compare(
    case: Case, outcome: Outcome, answer: Answer, answered: set[str], entries: Mapping[str, Any]
) -> Iterator[Disagreement]:
    if answer.quantities is None:
        yield Disagreement("failed", "", case, detail=answer.failure)
        return
    for name in sorted(answered):
        entry = entries.get(name)
        if entry is None or entry.kind == "fact" or not outcome.has(name):
            continue
        if name not in answer.quantities:
            yield Disagreement("missing", name, case, model=outcome.value(name))
            continue
        given = answer.quantities[name]
        if given != outcome.value(name):
            yield Disagreement("differs", name, case, outcome.value(name), given)


def _normal(value: object) -> object:
    """A Python implementation's value as the model's: a month as Month, a set frozen."""
    if isinstance(value, (date, bool, int, str)):
        return value
    if isinstance(value, (set, frozenset, list, tuple)) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    year, month = getattr(value, "year", None), getattr(value, "month", None)
    if isinstance(year, int) and isinstance(month, int) and not hasattr(value, "day"):
        return Month(year, month)
    return value


# --- (2) the witnesses of the properties --------------------------------------------------------


def witness_cases(
    spec: Spec, properties: list[Property], readings: Mapping[str, str], rlimit: int
) -> Iterator[Case]:
    """For each property about cases: a readable case meeting its assumption, and one
    refuting it when there is one, each of its cases (a pair property gives two)."""
    with solving.steady_collection():
        solving.seed_globally()
        for prop in properties:
            if prop.kind != "scenario":
                continue
            # A fresh Z3 context for each: its cases do not depend on what ran before.
            isolation.fresh_context()
            chosen = reading_choice(spec, prop, readings)
            found = problem(spec, prop, chosen, {})
            s = solving.solver(rlimit)
            for sym in found.cases.values():
                s.add(*sym.constraints(not prop.any_case))
            s.add(*found.conditions, found.assume)
            for label, extra in (("witness", None), ("counterexample", z3.Not(found.assertion))):
                s.push()
                if extra is not None:
                    s.add(extra)
                if s.check() == z3.sat:
                    model = readable(s, spec, found.cases, found.looked_at(), found.named())
                    for name, sym in found.cases.items():
                        where = f"{prop.id} ({label}{', ' + name if name else ''})"
                        yield Case(facts_of(sym, model, spec.vocabulary), "witness", where)
                s.pop()
