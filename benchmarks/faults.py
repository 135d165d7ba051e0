"""Seeded faults: would the verifier catch the mistakes people make in terms like these?

Each fault is a copy of the shipped model folder (in a temporary folder) with one
mistake: in model.toml (a formula, a constant, an operator, a dropped term, a reading
adopted), in the hand-written implementation (implementation/billing.py, the billing
rules replayed against every counterexample), or the same mistake in both, as a developer
who writes both from one misreading would make it. Each fault runs in a fresh process,
so that nothing of one leaks into the next:

    python benchmarks/faults.py FAULT_ID [--examples N]   # one fault, JSON on stdout
    python benchmarks/faults.py --list                    # the catalogue
    python benchmarks/faults.py --check                   # apply each, judge none

and is judged three ways:

1. verify: every property, proved or refuted with Z3, counterexamples replayed through
   the model's concrete meaning and through the implementation (what `termcheck verify`
   does); caught when the gate would not pass.
2. cross-check: the agreement tests of tests/test_crosscheck.py (the implementation
   against the model's concrete meaning, and Z3 against the concrete meaning, on
   generated cases), run as functions with a fixed number of examples; caught when one
   fails.
3. Hypothesis alone: the `holds` properties tested without Z3 on random cases from
   tests/strategies.py, through the concrete meaning and again with the implementation's
   figures in place of the model's wherever it computes them, for as many CPU seconds as
   verify and the cross-check took together; caught when a case meets a property's assumption and
   breaks its assertion either way.

A fault is applied or the run stops: each edit must match its text exactly once, change
what Python or TOML reads (not a comment), and change what the checker loads (a formula,
a reading adopted, or a function of the implementation loaded from the copy); the
control must change nothing. `--check` applies every fault that way without judging it.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_MODEL = ROOT / "model" / "usen-gate02-iij-id"
SHIPPED_PROPERTIES = ROOT / "properties"
IMPLEMENTATION = Path("implementation") / "billing.py"
WHERE = ("model", "implementation", "both")


@dataclass(frozen=True)
class Edit:
    """Replace `old` by `new` exactly once inside one part of a file: a TOML table
    (`[quantities.penalty]`, up to the next table) or a Python function (`def
    charges`, up to the next top-level statement); the whole file when `part` is ""."""

    part: str
    old: str
    new: str

    def apply(self, text: str) -> str:
        start, end = _span(text, self.part)
        inside = text[start:end]
        if inside.count(self.old) != 1:
            found = inside.count(self.old)
            raise ValueError(f"{self.part or 'the file'}: {self.old!r} occurs {found} times")
        return text[:start] + inside.replace(self.old, self.new) + text[end:]


def _span(text: str, part: str) -> tuple[int, int]:
    if not part:
        return 0, len(text)
    if part.startswith("["):
        header = re.search(rf"^{re.escape(part)}\s*$", text, re.MULTILINE)
        following = r"^\["
    else:
        header = re.search(rf"^def {re.escape(part)}\(", text, re.MULTILINE)
        following = r"^\S"
    if header is None:
        raise ValueError(f"no {part} in the file")
    rest = re.compile(following, re.MULTILINE).search(text, header.end())
    return header.start(), len(text) if rest is None else rest.start()


@dataclass(frozen=True)
class Fault:
    id: str
    what: str
    where: str  # one of WHERE, or "-" for the control
    model: tuple[Edit, ...] = ()  # edits of model.toml
    implementation: tuple[Edit, ...] = ()  # edits of implementation/billing.py


def quantity(name: str, old: str, new: str) -> Edit:
    return Edit(f"[quantities.{name}]", old, new)


def reading(name: str, option: str, old: str, new: str) -> Edit:
    return Edit(f"[quantities.{name}.readings.{option}]", old, new)


def function(name: str, old: str, new: str) -> Edit:
    return Edit(name, old, new)


def constant(name: str, old: str, new: str) -> Edit:
    return Edit("", f"{name} = {old}", f"{name} = {new}")


GROUNDS = '"customer", "nonperformance", "antisocial-status"'
IMPL_GROUNDS = '{"customer", "nonperformance", "antisocial-status"}'
# Each mistake as it would be made in model.toml, and in billing.py.
TERM_13 = quantity("minimum_term_months", '"12"', '"13"')
TERM_13_IMPL = constant("MINIMUM_TERM_MONTHS", "12", "13")
IMMEDIATE = quantity("penalty_grounds", GROUNDS, f'{GROUNDS}, "immediate"')
IMMEDIATE_IMPL = function(
    "charges", "ground in PENALTY_GROUNDS", 'ground in PENALTY_GROUNDS | {"immediate"}'
)
BILLING_AT_START = quantity(
    "billing_start", '"first_day(add_months(month_of(service_start), 1))"', '"service_start"'
)
BILLING_AT_START_IMPL = function(
    "billing_start",
    "return _first_day(_index(service_start.year, service_start.month) + 1)",
    "return service_start",
)
CHARGED_TWICE = quantity(
    "remaining_months", "month_of(minimum_term_end))))", "month_of(minimum_term_end)) + 1))"
)
CHARGED_TWICE_IMPL = function(
    "remaining_months", "return max(0, term_last - after)", "return max(0, term_last - after + 1)"
)
LATE_ON_DEADLINE = quantity(
    "notice_timely", "notice_arrival <= notice_deadline", "notice_arrival < notice_deadline"
)
LATE_ON_DEADLINE_IMPL = function(
    "charges", 'facts["notice_arrival"] <= deadline', 'facts["notice_arrival"] < deadline'
)
FIRST_OF_MONTH = quantity(
    "notice_deadline", 'adopted = "end-of-month"', 'adopted = "first-of-month"'
)
FIRST_OF_MONTH_IMPL = function("notice_deadline", "return _last_day(", "return _first_day(")
LIABILITY_13 = quantity("liability_months", '"12"', '"13"')
LIABILITY_13_IMPL = constant("LIABILITY_MONTHS", "12", "13")

FAULTS: tuple[Fault, ...] = (
    # model.toml: a constant, a formula, an operator, a dropped term, a reading adopted
    Fault(
        "model.term-11-months",
        "minimum term of 11 months",
        "model",
        (quantity("minimum_term_months", '"12"', '"11"'),),
    ),
    Fault("model.term-13-months", "minimum term of 13 months", "model", (TERM_13,)),
    Fault(
        "model.notice-0-months",
        "notice of 0 months",
        "model",
        (quantity("notice_months", '"2"', '"0"'),),
    ),
    Fault(
        "model.notice-1-month",
        "notice of 1 month",
        "model",
        (quantity("notice_months", '"2"', '"1"'),),
    ),
    Fault(
        "model.billing-at-service-start",
        "billing from the service start",
        "model",
        (BILLING_AT_START,),
    ),
    Fault(
        "model.billed-months-short",
        "billed months as months_between (one short)",
        "model",
        (quantity("billed_months", "months_in(", "months_between("),),
    ),
    Fault(
        "model.penalty-13-months",
        "a penalty of 13 monthly fees",
        "model",
        (quantity("penalty", "then remaining_term_fees", "then 13 * monthly_fee"),),
    ),
    Fault(
        "model.trigger-plus-immediate",
        "penalty grounds with 第11条第2項 added",
        "model",
        (IMMEDIATE,),
    ),
    Fault(
        "model.trigger-minus-nonperformance",
        "penalty grounds without 第11条第1項",
        "model",
        (quantity("penalty_grounds", '"nonperformance", ', ""),),
    ),
    Fault(
        "model.trigger-conduct-for-status",
        "第16条第3項 listed instead of 第16条第2項",
        "model",
        (quantity("penalty_grounds", '"antisocial-status"', '"antisocial-conduct"'),),
    ),
    Fault(
        "model.total-without-penalty",
        "total charged drops the penalty (a dropped term)",
        "model",
        (quantity("total_charged", '"billed_fees + penalty"', '"billed_fees"'),),
    ),
    Fault(
        "model.remaining-unfloored",
        "remaining months without max(0, …) (a dropped term)",
        "model",
        (quantity("remaining_months", "max(0, months_between(", "(months_between("),),
    ),
    Fault(
        "model.termination-month-charged-twice",
        "the termination month also counted as remaining",
        "model",
        (CHARGED_TWICE,),
    ),
    Fault(
        "model.term-first-day-excluded",
        "初日不算入 applied to the named 起算日 (first-day-excluded)",
        "model",
        (quantity("minimum_term_end", '"first-day-counts"', '"first-day-excluded"'),),
    ),
    Fault(
        "model.reckoning-from-service-start",
        "minimum term reckoned from the service start itself",
        "model",
        (
            quantity(
                "reckoning_day",
                '"first_day(add_months(month_of(service_start), 1))"',
                '"service_start"',
            ),
        ),
    ),
    Fault(
        "model.service-end-first-of-month",
        "the service ends on the 1st of the termination month",
        "model",
        (quantity("service_end", "last_day(", "first_day("),),
    ),
    Fault(
        "model.within-term-strict",
        "within the minimum term: < for <=",
        "model",
        (
            quantity(
                "within_minimum_term",
                "service_end <= minimum_term_end",
                "service_end < minimum_term_end",
            ),
        ),
    ),
    Fault(
        "model.notice-late-on-deadline",
        "notice timely: < for <= (the deadline day is late)",
        "model",
        (LATE_ON_DEADLINE,),
    ),
    Fault(
        "model.notice-deadline-one-month-early",
        "end-of-month deadline shifted one month too far",
        "model",
        (reading("notice_deadline", "end-of-month", "-notice_months)", "-notice_months - 1)"),),
    ),
    Fault(
        "model.notice-reading-first-of-month",
        "notice reading first-of-month adopted",
        "model",
        (FIRST_OF_MONTH,),
    ),
    Fault(
        "model.liability-reading-annual",
        "liability reading annual-fee adopted",
        "model",
        (quantity("liability_cap", 'adopted = "paid-last-year"', 'adopted = "annual-fee"'),),
    ),
    Fault("model.liability-13-months", "liability cap over 13 months", "model", (LIABILITY_13,)),
    Fault(
        "model.liability-window-from-incident-month",
        "liability window starts one month late (1 - n for 1 + n)",
        "model",
        (
            reading(
                "liability_cap", "paid-last-year", "1 - liability_months", "2 - liability_months"
            ),
        ),
    ),
    Fault(
        "model.start-delay-2-months",
        "start-delay grace to the end of the 2nd month",
        "model",
        (quantity("start_delay_months", '"1"', '"2"'),),
    ),
    Fault(
        "model.start-delay-same-month",
        "start-delay grace to the end of the planned month",
        "model",
        (quantity("start_delay_months", '"1"', '"0"'),),
    ),
    Fault(
        "model.rescindable-on-deadline",
        "start delay rescindable on the deadline day: >= for >",
        "model",
        (
            quantity(
                "start_delay_rescindable",
                "service_start > start_delay_deadline",
                "service_start >= start_delay_deadline",
            ),
        ),
    ),
    # the hand-written implementation
    Fault(
        "impl.term-end-first-of-month",
        "minimum term ends on the 1st of its last month",
        "implementation",
        implementation=(function("minimum_term_end", "return _last_day(", "return _first_day("),),
    ),
    Fault(
        "impl.term-first-day-not-counted",
        "初日不算入 applied to the named 起算日 (ends on the 1st of the 13th month)",
        "implementation",
        implementation=(
            function(
                "minimum_term_end",
                "return _last_day(_index(start.year, start.month) + MINIMUM_TERM_MONTHS - 1)",
                "return _first_day(_index(start.year, start.month) + MINIMUM_TERM_MONTHS)",
            ),
        ),
    ),
    Fault(
        "impl.term-one-month-long",
        "minimum term one month long",
        "implementation",
        implementation=(
            function("minimum_term_end", "MINIMUM_TERM_MONTHS - 1)", "MINIMUM_TERM_MONTHS)"),
        ),
    ),
    Fault(
        "impl.year-wrap",
        "billing start forgets the year carry (December + 1 = January of the same year)",
        "implementation",
        implementation=(
            function(
                "billing_start",
                "return _first_day(_index(service_start.year, service_start.month) + 1)",
                "return date(service_start.year, service_start.month % 12 + 1, 1)",
            ),
        ),
    ),
    Fault(
        "impl.leap-every-fourth-year",
        "every fourth year a leap year (2100-02-29)",
        "implementation",
        implementation=(
            function(
                "_last_day",
                "return date(year, month, calendar.monthrange(year, month)[1])",
                "days = (29 if year % 4 == 0 else 28) if month == 2 else "
                "calendar.monthrange(year, month)[1]\n    return date(year, month, days)",
            ),
        ),
    ),
    Fault(
        "impl.termination-month-charged-twice",
        "the termination month also counted as remaining",
        "implementation",
        implementation=(CHARGED_TWICE_IMPL,),
    ),
    Fault(
        "impl.billing-at-service-start",
        "billing from the service start",
        "implementation",
        implementation=(BILLING_AT_START_IMPL,),
    ),
    Fault(
        "impl.billed-months-short",
        "billed months one short",
        "implementation",
        implementation=(function("billed_months", " + 1)", ")"),),
    ),
    Fault(
        "impl.notice-first-of-month",
        "deadline on the 1st (the other reading implemented)",
        "implementation",
        implementation=(FIRST_OF_MONTH_IMPL,),
    ),
    Fault(
        "impl.notice-late-on-deadline",
        "a notice on the deadline day is late",
        "implementation",
        implementation=(LATE_ON_DEADLINE_IMPL,),
    ),
    Fault(
        "impl.notice-one-month-short",
        "notice one month short",
        "implementation",
        implementation=(constant("NOTICE_MONTHS", "2", "1"),),
    ),
    Fault(
        "impl.penalty-on-immediate",
        "penalty also on 第11条第2項",
        "implementation",
        implementation=(IMMEDIATE_IMPL,),
    ),
    Fault(
        "impl.penalty-one-month-more",
        "a penalty of one month more",
        "implementation",
        implementation=(
            function("charges", "penalty = remaining * fee", "penalty = (remaining + 1) * fee"),
        ),
    ),
    Fault(
        "impl.total-without-penalty",
        "total charged drops the penalty",
        "implementation",
        implementation=(
            function(
                "charges",
                '"total_charged": billed * fee + penalty',
                '"total_charged": billed * fee',
            ),
        ),
    ),
    Fault(
        "impl.liability-13-months",
        "a liability window of 13 months",
        "implementation",
        implementation=(function("liability_cap", "- LIABILITY_MONTHS + 1", "- LIABILITY_MONTHS"),),
    ),
    Fault(
        "impl.start-delay-first-of-month",
        "start-delay deadline on the 1st",
        "implementation",
        implementation=(
            function("start_delay_deadline", "return _last_day(", "return _first_day("),
        ),
    ),
    Fault(
        "impl.service-end-first-of-month",
        "the service ends on the 1st of the termination month",
        "implementation",
        implementation=(function("charges", "end = _last_day(", "end = _first_day("),),
    ),
    Fault(
        "impl.reckoning-from-service-start",
        "minimum term reckoned from the service start itself",
        "implementation",
        implementation=(
            function(
                "reckoning_day",
                "return _first_day(_index(service_start.year, service_start.month) + 1)",
                "return service_start",
            ),
        ),
    ),
    # the same mistake in both
    Fault("both.term-13-months", "minimum term of 13 months", "both", (TERM_13,), (TERM_13_IMPL,)),
    Fault(
        "both.billing-at-service-start",
        "billing from the service start",
        "both",
        (BILLING_AT_START,),
        (BILLING_AT_START_IMPL,),
    ),
    Fault(
        "both.penalty-on-immediate",
        "penalty also on 第11条第2項",
        "both",
        (IMMEDIATE,),
        (IMMEDIATE_IMPL,),
    ),
    Fault(
        "both.termination-month-charged-twice",
        "the termination month also counted as remaining",
        "both",
        (CHARGED_TWICE,),
        (CHARGED_TWICE_IMPL,),
    ),
    Fault(
        "both.notice-late-on-deadline",
        "a notice on the deadline day is late",
        "both",
        (LATE_ON_DEADLINE,),
        (LATE_ON_DEADLINE_IMPL,),
    ),
    Fault(
        "both.notice-first-of-month",
        "deadline on the 1st of the month",
        "both",
        (FIRST_OF_MONTH,),
        (FIRST_OF_MONTH_IMPL,),
    ),
    Fault(
        "both.liability-13-months",
        "a liability window of 13 months",
        "both",
        (LIABILITY_13,),
        (LIABILITY_13_IMPL,),
    ),
)
CONTROL = Fault("none", "no fault (control: nothing may be caught)", "-")
BY_ID = {fault.id: fault for fault in (CONTROL, *FAULTS)}


# --- Judging one fault (in its own process) -------------------------------------------------


class NotApplied(RuntimeError):
    """A fault whose edits change nothing the checker reads: judging it would count a
    mistake that was never made as one the checks miss."""


def model_copy(fault: Fault, into: Path) -> Path:
    """The shipped model folder with the fault's edits, under `into`. Raises ValueError
    when an edit does not match exactly once, NotApplied when a file's edits change
    nothing TOML or Python reads of it (a comment, say)."""
    folder = into / SHIPPED_MODEL.name
    shutil.copytree(SHIPPED_MODEL, folder)
    parts = (
        ("model.toml", fault.model, tomllib.loads),
        (IMPLEMENTATION, fault.implementation, _python),
    )
    for relative, edits, read in parts:
        path = folder / relative
        shipped = path.read_text(encoding="utf-8")
        text = shipped
        for edit in edits:
            text = edit.apply(text)
        if edits and read(text) == read(shipped):
            raise NotApplied(f"{fault.id}: the edits of {relative} change nothing it says")
        path.write_text(text, encoding="utf-8")
    return folder


def _python(text: str) -> str:
    """What Python reads of a source file: its syntax tree, comments and layout left out."""
    return ast.dump(ast.parse(text))


def _functions(text: str) -> dict[str, str]:
    """Each top-level statement of a Python file by name (a def, or an assignment's
    targets), as Python reads it."""
    found = {}
    for statement in ast.parse(text).body:
        if isinstance(statement, ast.FunctionDef | ast.ClassDef):
            name = statement.name
        elif isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            name = ", ".join(ast.unparse(t) for t in targets)
        else:
            continue
        found[name] = ast.dump(statement)
    return found


def meaning(spec: Any) -> dict[str, object]:
    """What the checker reads of a model's formulas, entry by entry: each reading's
    formula (as canonical text), the reading adopted, and each relation."""
    from termcheck.language.unparse import unparse

    found: dict[str, object] = {
        entry.id: (entry.adopted, sorted((r, unparse(f)) for r, f in entry.formulas.items()))
        for entry in spec.vocabulary.entries.values()
    }
    for name, relation in spec.vocabulary.relations:
        found[f"relation {name}"] = unparse(relation.expr)
    return found


def changes(fault: Fault, spec: Any, folder: Path) -> dict[str, list[str]]:
    """What the fault changes in what the checker loaded from `folder`: the model's
    entries whose formulas or adopted reading differ from the shipped model's, and the
    implementation's top-level functions and constants that differ (the implementation
    must be the copy's). Raises NotApplied when a part the fault edits is unchanged."""
    import termcheck
    from termcheck.verify.implementation import of_model

    shipped, faulted = meaning(termcheck.load_spec(SHIPPED_MODEL)), meaning(spec)
    model = sorted(k for k in shipped.keys() | faulted.keys() if shipped.get(k) != faulted.get(k))
    implementation = of_model(spec)
    if implementation is None:
        raise NotApplied(f"{fault.id}: the model names no implementation")
    loaded = Path(implementation.function.__code__.co_filename).resolve()
    if loaded != (folder / IMPLEMENTATION).resolve():
        raise NotApplied(f"{fault.id}: the implementation was loaded from {loaded}")
    before = _functions((SHIPPED_MODEL / IMPLEMENTATION).read_text(encoding="utf-8"))
    after = _functions(loaded.read_text(encoding="utf-8"))
    code = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    for part, edits, changed in (
        ("model", fault.model, model),
        ("implementation", fault.implementation, code),
    ):
        if edits and not changed:
            raise NotApplied(f"{fault.id}: the {part} the checker loads is unchanged")
        if changed and not edits:
            raise NotApplied(f"{fault.id}: the {part} changed unasked: {', '.join(changed)}")
    return {"model": model, "implementation": code}


def judge(fault: Fault, examples: int) -> dict[str, Any]:
    import termcheck
    from termcheck.errors import TermcheckError

    with tempfile.TemporaryDirectory() as scratch:
        folder = model_copy(fault, Path(scratch))
        try:
            spec = termcheck.load_spec(folder)
            properties = termcheck.load_properties(SHIPPED_PROPERTIES, spec)
        except TermcheckError as exc:  # a fault the model's validation refuses
            return {"id": fault.id, "rejected": str(exc)}
        changed = changes(fault, spec, folder)
        verify = _verify(spec, properties)
        crosscheck = _crosscheck(spec, examples)
        budget = verify["cpu_seconds"] + crosscheck["cpu_seconds"]
        alone = _hypothesis_alone(spec, properties, budget)
    return {
        "id": fault.id,
        "changed": changed,
        "verify": verify,
        "crosscheck": crosscheck,
        "hypothesis": alone,
    }


def check_catalogue() -> list[dict[str, Any]]:
    """Apply every fault (and the control) without judging it: what each changes.
    Raises (ValueError, NotApplied) at the first one that is not applied."""
    import termcheck
    from termcheck.errors import TermcheckError

    found: list[dict[str, Any]] = []
    for fault in (CONTROL, *FAULTS):
        with tempfile.TemporaryDirectory() as scratch:
            folder = model_copy(fault, Path(scratch))
            try:
                spec = termcheck.load_spec(folder)
            except TermcheckError as exc:
                found.append({"id": fault.id, "rejected": str(exc)})
                continue
            found.append({"id": fault.id, "changed": changes(fault, spec, folder)})
    return found


def _verify(spec: Any, properties: list[Any]) -> dict[str, Any]:
    import termcheck

    started = Clock()
    try:
        results = list(termcheck.check_all(spec, properties))
    except Exception as exc:  # a crash fails the gate too: caught, but not gracefully
        return _caught(started, f"crash: {type(exc).__name__}: {exc}", "crash")
    code = termcheck.exit_code(results)
    if code == 0:
        return {"caught": False, "by": None, **started.elapsed()}
    unmet = [f"{r.prop.id} ({r.status.value})" for r in results if not r.met]
    found = _caught(started, unmet[0], f"exit {code}")
    # Every unmet property, not only the first: whether a property breaks in its own right
    # (violated, proved) or only through a replay that disagrees (divergent).
    found["unmet"] = unmet
    return found


class Clock:
    """Wall-clock and CPU seconds of this process since it was made. The judging is
    single-threaded (Z3 included), so CPU seconds are the work done, whatever else the
    machine runs; budgets are in CPU seconds for that reason."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def cpu_seconds(self) -> float:
        return time.process_time() - self.cpu

    def elapsed(self) -> dict[str, float]:
        return {"seconds": time.perf_counter() - self.wall, "cpu_seconds": self.cpu_seconds()}


def _caught(started: Clock, by: str, how: str) -> dict[str, Any]:
    return {"caught": True, "by": by, "how": how, **started.elapsed()}


def _crosscheck(spec: Any, examples: int) -> dict[str, Any]:
    """The agreement tests of tests/test_crosscheck.py with a fixed example budget: the
    implementation first (it is the faster), then Z3."""
    from hypothesis import HealthCheck, Phase, settings

    sys.path.insert(0, str(ROOT / "tests"))
    import test_crosscheck as crosscheck  # type: ignore[import-not-found]

    budget = settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),  # no shrinking: time to the first failure
        suppress_health_check=list(HealthCheck),
    )
    checks = [
        ("implementation", crosscheck.test_implementation_agrees_with_the_model),
        ("Z3", crosscheck.test_z3_agrees_with_the_concrete_meaning),
    ]
    started = Clock()
    for name, test in checks:
        try:
            budget(test)(spec=spec)
        except Exception as exc:
            detail = _first_line(exc)  # a bare `assert` has no message: the test names it
            by = f"{name}: {detail}" if detail else name
            return _caught(started, by, type(exc).__name__)
    return {"caught": False, "by": None, **started.elapsed()}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else ""


# --- Hypothesis alone ----------------------------------------------------------------------

CHUNK = 25  # examples per property per round; a round visits every property


class Broken(AssertionError):
    """A case that meets a property's assumption and breaks its assertion, found through
    the concrete meaning ("model") or the implementation's figures."""

    def __init__(self, via: str, message: str) -> None:
        super().__init__(message)
        self.via = via


def _hypothesis_alone(spec: Any, properties: list[Any], budget: float) -> dict[str, Any]:
    """The `holds` properties without Z3, round after round, until `budget` CPU seconds."""
    holds = [p for p in properties if p.kind == "scenario" and p.expect == "holds"]
    started = Clock()
    examples = 0
    for round_number in _rounds():
        for index, prop in enumerate(holds):
            if started.cpu_seconds() >= budget:
                return {"caught": False, "by": None, **started.elapsed(), "examples": examples}
            try:
                _property_test(spec, prop, round_number * 1000 + index)()
            except Exception as exc:
                via = exc.via if isinstance(exc, Broken) else "crash"
                found = _caught(
                    started, f"{prop.id} ({via})", f"{type(exc).__name__}: {_first_line(exc)}"
                )
                found["examples"] = examples + CHUNK
                return found
            examples += CHUNK
    raise AssertionError("unreachable")


def _rounds() -> Iterator[int]:
    number = 0
    while True:
        yield number
        number += 1


def _property_test(spec: Any, prop: Any, seed_value: int) -> Callable[[], None]:
    """One round of a property-based test of `prop`: through the concrete meaning, and
    with the implementation's figures where it computes them."""
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis import strategies as st

    sys.path.insert(0, str(ROOT / "tests"))
    from termcheck.errors import ScenarioError
    from termcheck.semantics.case import evaluate
    from termcheck.verify.implementation import of_model
    from termcheck.verify.scenario import (
        case_readings,
        reading_choice,
        reading_variants,
        replay_property,
    )

    from strategies import cases  # type: ignore[import-not-found]

    variants = (
        reading_variants(spec, prop) if prop.every_reading else [reading_choice(spec, prop, {})]
    )
    implementation = of_model(spec)

    @settings(
        max_examples=CHUNK,
        database=None,
        deadline=None,
        phases=(Phase.generate,),  # no shrinking: time to the first failure
        suppress_health_check=list(HealthCheck),
    )
    @seed(seed_value)
    @given(data=st.data())
    def test(data: st.DataObject) -> None:
        drawn = _customers(data, cases(), prop.case_names)
        chosen = data.draw(st.sampled_from(variants))
        try:
            outcomes = {
                case: evaluate(spec.vocabulary, facts, case_readings(prop, case, chosen))
                for case, facts in drawn.items()
            }
        except ScenarioError:
            return  # not a possible case
        assumed, asserted = replay_property(spec, prop, outcomes)
        if assumed and not asserted:
            raise Broken("model", f"{prop.id}: {drawn}")
        if implementation is not None:
            figures = {case: _with_figures(spec, implementation, o) for case, o in outcomes.items()}
            if _computes(prop, figures):
                assumed, asserted = replay_property(spec, prop, figures)
                if assumed and not asserted:
                    raise Broken("implementation", f"{prop.id}: {drawn}")

    return test


def _with_figures(spec: Any, implementation: Any, outcome: Any) -> Any:
    """The case as the implementation computes it: the facts and its answer for every
    quantity it computes under the readings it implements (the adopted ones), nothing
    of the model's; raises if it fails."""
    from termcheck.semantics.case import Outcome

    answers, failure = implementation.run(outcome.facts)
    if answers is None:
        raise Broken("implementation raised", failure)
    entries = spec.vocabulary.entries
    taken = {
        name: value
        for name, value in answers.items()
        if name in entries
        and entries[name].kind != "fact"
        and all(
            outcome.readings.get(q) == entries[q].adopted for q in entries[name].depends_on_readings
        )
    }
    return Outcome(outcome.facts, outcome.readings, {**outcome.facts, **taken})


def _computes(prop: Any, figures: Mapping[str, Any]) -> bool:
    """Whether every name of the property has a value in the implementation's figures
    (a property about a constant or another reading is left to the model)."""
    first = next(iter(figures.values()))
    for name in prop.names:
        owner, _, quantity = name.rpartition(".")
        if not figures.get(owner, first).has(quantity):
            return False
    return True


def _customers(data: Any, strategy: Any, names: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """One case per name. Later cases copy each fact of the first with probability 1/2,
    so that assumptions equating two cases' facts are met often."""
    from hypothesis import strategies as st

    first: dict[str, object] = data.draw(strategy)
    drawn = {names[0]: first}
    for name in names[1:]:
        other: dict[str, object] = data.draw(strategy)
        drawn[name] = {k: first[k] if data.draw(st.booleans()) else v for k, v in other.items()}
    return drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fault", nargs="?", help="a fault id (see --list)")
    parser.add_argument("--examples", type=int, default=150, help="cross-check examples per test")
    parser.add_argument("--list", action="store_true", help="list the faults and exit")
    parser.add_argument(
        "--check",
        action="store_true",
        help="apply every fault without judging it; print what each changes (JSON)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))  # this tree's termcheck, whatever is installed
    if args.check:
        print(json.dumps(check_catalogue(), indent=1, ensure_ascii=False))
        return
    if args.list or args.fault is None:
        for fault in (CONTROL, *FAULTS):
            print(f"{fault.id:44} {fault.where:15} {fault.what}")
        return
    if args.fault not in BY_ID:
        parser.error(f"no fault {args.fault!r}; see --list")
    print(json.dumps(judge(BY_ID[args.fault], args.examples), sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    main()
