"""Proving the lifecycle's claims: bounded model checking and k-induction.

For each claim of :mod:`termcheck.checks.lifecycle_claims`, interleaved for k = 0, 1, … up to
:data:`MAX_DEPTH`: the base case (a path of k events from an application on which the
claim fails at position k: a counterexample) and the induction step (from any contract,
k positions where the claim holds followed by one where it fails; none: proved for paths
of every length). A claim neither refuted nor proved by :data:`MAX_DEPTH` is reported as
checked to that depth only: inconclusive, never a pass. Every counterexample is made
readable (the same on every run), replayed through :func:`.lifecycle.step`, and
told as a numbered trace of dated events with their articles.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import z3

from termcheck.checks._registry import REGISTRY
from termcheck.checks.lifecycle import (
    TICK,
    Contract,
    Event,
    Machine,
    Refused,
    Symbolic,
    SymContract,
    SymEvent,
    apply,
    due_day,
    machine,
    step,
)
from termcheck.checks.lifecycle_claims import (
    CLAIMS,
    Claim,
    Params,
    compile_params,
    day_text,
    heading,
    sym_well_formed,
    well_formed,
)
from termcheck.checks.structural import Run, Undecided, evidence
from termcheck.errors import Position
from termcheck.model.schema import LifecycleTransition
from termcheck.model.spec import Spec
from termcheck.semantics import calendar as cal
from termcheck.semantics.calendar import HORIZON_FIRST_YEAR, Month
from termcheck.smt import isolation, symcal
from termcheck.smt.symcal import SDate, SMonth, Z3Bool, Z3Int
from termcheck.verify.properties import Property
from termcheck.verify.results import Evidence, Result, Status

MAX_DEPTH = 6  # events from the application: the longest counterexample needs 5


# --- Bounded model checking and k-induction ---------------------------------------------------


@dataclass
class _Path:
    """An unrolling of the relation: contracts c0 … cn and the events e0 … e(n-1)."""

    z: Symbolic
    solver: Any
    name: str
    contracts: list[SymContract]
    events: list[SymEvent] = field(default_factory=list)

    def extend_to(self, steps: int) -> None:
        while len(self.events) < steps:
            constraint, e, after = self._step(len(self.events))
            self.solver.add(constraint)
            self.events.append(e)
            self.contracts.append(after)

    def _step(self, index: int) -> tuple[Z3Bool, SymEvent, SymContract]:
        # Every claim unrolls the same relation under the same names; building the terms
        # is most of a claim's time, so each step is built once per model and process.
        # The entry keeps the model document, so that its id is not reused meanwhile.
        document = self.z.m.spec.document
        key = (id(document), self.name, index)
        cached = _STEPS.get(key)
        if cached is None:
            e, domain = self.z.event(f"{self.name}.e{index}")
            current = self.contracts[-1]
            step = (z3.And(domain, self.z.enabled(current, e)), e, self.z.after(current, e))
            _STEPS[key] = (document, step)
            return step
        return cached[1]


_STEPS: dict[tuple[int, str, int], tuple[object, tuple[Z3Bool, SymEvent, SymContract]]] = (
    isolation.term_cache({})
)


def _from_application(z: Symbolic, solver: Any, name: str) -> _Path:
    first = z.contract(f"{name}.c0")
    solver.add(z.initial(first))
    return _Path(z, solver, name, [first])


def _from_anywhere(z: Symbolic, solver: Any, name: str) -> _Path:
    return _Path(z, solver, name, [z.contract(f"{name}.c0")])


def _at(claim: Claim, p: Params, z: Symbolic, path: _Path, k: int) -> Z3Bool:
    """The claim at position k: of contract k, or of step k."""
    c = path.contracts[k]
    if claim.over == "state":
        value = claim.symbolic(z, p, c, None, None)
    else:
        value = claim.symbolic(z, p, c, path.events[k], path.contracts[k + 1])
    return z3.And(sym_well_formed(z, p, c), value) if claim.strengthened else value


def _holds_at(
    m: Machine, claim: Claim, p: Params, contracts: list[Contract], events: list[Event], k: int
) -> bool:
    c = contracts[k]
    e, after = (None, None) if claim.over == "state" else (events[k], contracts[k + 1])
    holds = claim.concrete(m, p, c, e, after)
    return holds and well_formed(m, p, c) if claim.strengthened else holds


@dataclass
class _Trace:
    """A counterexample read back from Z3 and replayed through :func:`step`."""

    contracts: list[Contract]
    events: list[Event]
    replayed: bool
    why_not: str = ""  # why it did not replay, in English
    why_not_ja: str = ""  # and in Japanese


@dataclass
class _Outcome:
    """How k-induction ended: proved at k, violated at position k, or neither."""

    proved_at: int | None = None
    violated_at: int | None = None


def _k_induction(
    run: Run, z: Symbolic, claim: Claim, p: Params, base: _Path, induct: _Path
) -> _Outcome:
    """Interleaved: the base case at depth k (a path from the application violating the
    claim at position k), then the induction step at k (from any state, k positions where
    it holds followed by one where it does not). Positions already checked are asserted on
    both sides, which only prunes what is known. On a violation, `base.solver` is left
    holding it. Raises Undecided."""
    need = 1 if claim.over == "step" else 0
    for k in range(MAX_DEPTH + 1):
        base.extend_to(k + need)
        if run.sat(z3.Not(_at(claim, p, z, base, k)), solver=base.solver):
            base.solver.add(z3.Not(_at(claim, p, z, base, k)))
            return _Outcome(violated_at=k)
        base.solver.add(_at(claim, p, z, base, k))
        induct.extend_to(k + need)
        if not run.sat(z3.Not(_at(claim, p, z, induct, k)), solver=induct.solver):
            return _Outcome(proved_at=k)
        induct.solver.add(_at(claim, p, z, induct, k))
    return _Outcome()


# The well-formedness invariant is a lemma of other claims: proved once per model and
# process (the first claim to need it pays the solver time), kept with the model document
# so that its id is not reused while the entry lives.
_INVARIANT: dict[int, tuple[object, int | None]] = {}


def _invariant(run: Run, z: Symbolic) -> int | None:
    """The k at which well-formedness is proved by k-induction, or None."""
    document = z.m.spec.document
    if id(document) not in _INVARIANT:
        claim = CLAIMS["well-formed"]
        base = _from_application(z, run.fresh_solver(), "wb")
        induct = _from_anywhere(z, run.fresh_solver(), "wi")
        found = _k_induction(run, z, claim, Params(), base, induct).proved_at
        _INVARIANT[id(document)] = (document, found)
    return _INVARIANT[id(document)][1]


def _check_claim(
    spec: Spec, prop: Property, rlimit: int, claim: Claim, *, possible: bool = False
) -> Result:
    """Prove `claim` by k-induction, or refute it with a trace the machine replays. With
    `possible`, the property is the claim's negation (that what it rules out can happen):
    the trace is its proof, and the claim's own proof its refutation."""
    run = Run(spec, prop, rlimit)
    m = machine(spec)
    if m is None:
        raise run.missing("lifecycle")
    p = compile_params(m, claim.params, prop.params, Position(prop.path, prop.line), prop.id)
    out_of_scope = claim.scope(m, p)
    if out_of_scope is not None:
        scope_ja, scope_en = out_of_scope
        return run.finish(
            Status.VACUOUS,
            detail=f"nothing to check: {scope_en}",
            detail_ja=f"検査する対象がない: {scope_ja}",
        )
    z = Symbolic(m)
    need = 1 if claim.over == "step" else 0
    try:
        if claim.strengthened and claim.over == "state":
            # First the cheap way: the claim holds in every well-formed contract, and
            # every reachable contract is well-formed. Failing that, induction proper.
            lemma_at = _invariant(run, z)
            c = z.contract("w")
            solver = run.fresh_solver()
            solver.add(sym_well_formed(z, p, c), z3.Not(claim.symbolic(z, p, c, None, None)))
            if lemma_at is not None and not run.sat(solver=solver):
                ja, en = _proof_by_lemma(lemma_at)
                return run.finish(Status.PROVED, detail=en, detail_ja=ja)
        base = _from_application(z, run.solver, "b")
        induct = _from_anywhere(z, run.fresh_solver(), "i")
        outcome = _k_induction(run, z, claim, p, base, induct)
        if outcome.violated_at is not None:
            k = outcome.violated_at
            model = _readable(run, z, base, k + need)
            trace = _replay(m, model, base, k + need, claim, p, k)
            ja, en = (trace.why_not_ja, trace.why_not) if trace.why_not else _refuted(k + need)
            found = _trace_evidence(m, trace, claim, p, k)
            if possible:
                status = Status.PROVED if trace.replayed else Status.DIVERGENT
                ja, en = (ja, en) if trace.why_not else _witnessed(k + need)
                data = {**found.data, "claim": "possible"}
                data["witness"] = data.pop("violation")
                found = Evidence(data, found.story, found.events)
                return run.finish(status, evidence=found, detail=en, detail_ja=ja)
            return run.finish(
                Status.VIOLATED, evidence=found, replayed=trace.replayed, detail=en, detail_ja=ja
            )
        if outcome.proved_at is not None and possible:
            ja, en = claim.explain(m, p, *_nothing(m))
            ja_proof, en_proof = _proof(claim, outcome.proved_at)
            refuted = run.finish(
                Status.PROVED,  # the claim's proof; as a possibility, its refutation:
                evidence=evidence(
                    {"claim": "possible", "impossible": {"ja": ja, "en": en}},
                    [f"起こりえない: {ja}", ja_proof],
                    [f"impossible: {en}", en_proof],
                ),
                detail=f"never happens: {en_proof}",
                detail_ja=f"起こりえない: {ja_proof}",
            )
            # No trace shows that something never happens: violated, but not a replayed
            # counterexample, so it meets neither `holds` nor `finding` (docs/lifecycle.md).
            refuted.status, refuted.replayed = Status.VIOLATED, False
            return refuted
        if outcome.proved_at is not None:
            if claim.check == "well-formed":
                _INVARIANT[id(spec.document)] = (spec.document, outcome.proved_at)
            ja, en = _proof(claim, outcome.proved_at)
            return run.finish(Status.PROVED, detail=en, detail_ja=ja)
    except Undecided as exc:
        return run.undecided(exc)
    return run.undecided(
        f"checked to depth {MAX_DEPTH} only: no counterexample, but the induction step "
        f"does not hold for any k up to {MAX_DEPTH}",
        f"深さ{MAX_DEPTH}まで検査した: 反例はないが、"
        f"{MAX_DEPTH}以下のどのkでも帰納段階が成り立たない",
    )


def _witnessed(steps: int) -> tuple[str, str]:
    """How a possibility was shown (ja, en)."""
    return (
        f"有界モデル検査: 申込みから{steps}個の出来事で起こる経路（実行可能な状態機械で再現済み）",
        f"bounded model checking: it happens on a path of {steps} event(s) from the "
        "application, replayed by the executable machine",
    )


def _nothing(m: Machine) -> tuple[Contract, None, None]:
    """What a claim's explanation is told when there is no trace to point at."""
    return apply(m, date(HORIZON_FIRST_YEAR, 1, 1), date(HORIZON_FIRST_YEAR, 1, 1)), None, None


def _refuted(steps: int) -> tuple[str, str]:
    """How a counterexample was found (ja, en)."""
    return (
        f"有界モデル検査: 申込みから{steps}個の出来事の経路（実行可能な状態機械で再現済み）",
        f"bounded model checking: a path of {steps} event(s) from the application, "
        "replayed by the executable machine",
    )


def _proof(claim: Claim, k: int) -> tuple[str, str]:
    """How a claim was proved (ja, en)."""
    lemma_ja = "、整合性の不変条件を補題として" if claim.strengthened else ""
    lemma_en = ", with the well-formedness invariant" if claim.strengthened else ""
    return (
        f"k={k}のk帰納法で証明{lemma_ja}（基底は申込みから、帰納段階は任意の状態から）:"
        " どの長さの経路でも成り立つ",
        f"proved by k-induction at k={k}{lemma_en} (base case from the application, "
        "induction step from any state): holds on paths of every length",
    )


def _proof_by_lemma(k: int) -> tuple[str, str]:
    """How a claim was proved from the well-formedness invariant (ja, en)."""
    return (
        "証明: 整合したどの契約でも成り立ち、申込みから到達できるどの契約も整合している"
        f"（k={k}のk帰納法）: どの長さの経路でも成り立つ",
        "proved: holds in every well-formed contract, and every contract reachable from an "
        f"application is well-formed (k-induction at k={k}): holds on paths of every length",
    )


def _readable(run: Run, z: Symbolic, path: _Path, steps: int) -> z3.ModelRef:
    """Fix one counterexample a reviewer can picture, and the same one on every run.

    A Z3 model depends on the process's history as well as on the problem, so every value
    the trace shows is fixed here, each by a preference kept only if the problem stays
    satisfiable: the events earliest in model.toml order; the application on the 5th of
    the month after the terms' date, the planned start on the first of the next month;
    each event on the first day it can take of: the planned start (for the transition
    that starts the service), the day after the one before, the first of the next month,
    the last day of the termination month, the same day; otherwise its least date. A
    month an event chooses is the one its `choice` formula names, else the month after
    the termination month, else the least; each flag false where it can be.
    """
    m = z.m
    first = path.contracts[0]
    anchor = cal.parse_date(m.spec.anchor)
    application = cal.month_of(anchor).shift(1).first_day + timedelta(days=4)
    if not _prefer(run, [first.applied_on == symcal.const_date(application)]):
        _least_date(run, first.applied_on, symcal.const_date(date(HORIZON_FIRST_YEAR, 1, 1)))
    if not _prefer(run, [first.planned_start == symcal.first_of_next_month(first.applied_on)]):
        _least_date(run, first.planned_start, first.applied_on)
    state = m.initial
    for e, c in zip(path.events[:steps], path.contracts, strict=False):
        transition = _first_event(run, m, e, state)
        starts = transition is not None and transition.effect == "start-service"
        days = [c.planned_start] if starts else []
        days += [_next_day(c.clock), symcal.first_of_next_month(c.clock)]
        days += [c.termination_month.last_day, c.clock]
        if not _prefer(run, [e.on == day for day in days]):
            _least_date(run, e.on, c.clock)
        if transition is not None and m.uses_month(transition):
            months = [c.termination_month.shift(1)]
            choice = m.choices.get(transition.event)
            if choice is not None and choice[1] is not None:
                months.insert(0, z.compile(choice[1], c))
            if not _prefer(run, [e.month == month for month in months]):
                offset = e.month.index - 12 * HORIZON_FIRST_YEAR
                run.solver.add(offset == _least(run, offset))
        for flag in (e.earlier_pending, e.hindered):
            _prefer(run, [z3.Not(flag), flag])
        if transition is not None and transition.target is not None:
            state = transition.target
    if not run.sat():  # pragma: no cover - every preference kept was satisfiable
        raise Undecided(
            "a kept preference made the counterexample unsatisfiable",
            "反例を読みやすくする選択が反例を成り立たなくした",
        )
    return run.solver.model()


def _prefer(run: Run, choices: list[Z3Bool]) -> bool:
    """Keep the first choice that leaves the problem satisfiable; False if none does."""
    for choice in choices:
        if run.sat(choice):
            run.solver.add(choice)
            return True
    return False


def _first_event(run: Run, m: Machine, e: SymEvent, state: str) -> LifecycleTransition | None:
    """Fix the event: a tick if possible, else the first transition in model.toml order."""
    codes = [-1] + [i for i, t in enumerate(m.lifecycle.transitions) if state in t.source]
    for code in codes:
        if run.sat(e.code == code):
            run.solver.add(e.code == code)
            return None if code < 0 else m.lifecycle.transitions[code]
    raise Undecided(  # pragma: no cover
        f"no event fits the counterexample in state {state}",
        f"状態 `{state}` で反例に合う出来事がない",
    )


def _next_day(day: SDate) -> SDate:
    last = day.day == day.month_of.days
    following = day.month_of.shift(1).first_day
    return SDate(
        z3.If(last, following.year, day.year),
        z3.If(last, following.month, day.month),
        z3.If(last, 1, day.day + 1),
    )


def _ordinal(day: SDate) -> Z3Int:
    # Order-preserving and linear; used only to search for the least date.
    return 372 * day.year + 31 * day.month + day.day


def _least(run: Run, term: Z3Int) -> int:
    """The least value of a nonnegative `term` (bisection over its range)."""
    low, high = 0, 1
    while not run.sat(term <= high):
        low, high = high + 1, high * 4
    while low < high:
        middle = (low + high) // 2
        if run.sat(term <= middle):
            high = middle
        else:
            low = middle + 1
    return low


def _least_date(run: Run, day: SDate, floor: SDate) -> None:
    offset = _ordinal(day) - _ordinal(floor)
    run.solver.add(offset == _least(run, offset))


# --- Reading a counterexample back, and replaying it ------------------------------------------


def _int(model: z3.ModelRef, term: Any) -> int:
    return int(model.eval(term, model_completion=True).as_long())


def _flag(model: z3.ModelRef, term: Any) -> bool:
    return bool(z3.is_true(model.eval(term, model_completion=True)))


def concrete(m: Machine, model: z3.ModelRef, c: SymContract) -> Contract:
    """The contract a Z3 model assigns to `c` (None where nothing is recorded)."""

    def day(flag: Any, value: SDate) -> date | None:
        return symcal.to_date(model, value) if _flag(model, flag) else None

    def month(flag: Any, value: SMonth) -> Month | None:
        return symcal.to_month(model, value) if _flag(model, flag) else None

    ground = _int(model, c.ground)
    return Contract(
        state=m.lifecycle.states[_int(model, c.state)].id,
        clock=symcal.to_date(model, c.clock),
        applied_on=symcal.to_date(model, c.applied_on),
        planned_start=symcal.to_date(model, c.planned_start),
        formed_on=day(c.formed, c.formed_on),
        started_on=day(c.started, c.started_on),
        notice_on=day(c.noticed, c.notice_on),
        named_month=month(c.noticed, c.named_month),
        termination_month=month(c.noticed, c.termination_month),
        demand_on=day(c.demanded, c.demand_on),
        ended_on=day(c.ended, c.ended_on),
        ground=None if ground < 0 else m.grounds[ground],
    )


def concrete_event(m: Machine, model: z3.ModelRef, e: SymEvent) -> Event:
    name = m.event_name(_int(model, e.code))
    t = m.transitions.get(name)
    return Event(
        name,
        symcal.to_date(model, e.on),
        symcal.to_month(model, e.month) if t is not None and m.uses_month(t) else None,
        _flag(model, e.earlier_pending),
        _flag(model, e.hindered),
    )


def _replay(
    m: Machine, model: z3.ModelRef, path: _Path, steps: int, claim: Claim, p: Params, k: int
) -> _Trace:
    """Run the solver's events through :func:`step`, comparing every contract."""
    expected = [concrete(m, model, c) for c in path.contracts[: steps + 1]]
    events = [concrete_event(m, model, e) for e in path.events[:steps]]
    try:
        contracts = [apply(m, expected[0].applied_on, expected[0].planned_start)]
        for event in events:
            contracts.append(step(m, contracts[-1], event))
    except Refused as exc:
        return _Trace(
            expected,
            events,
            False,
            f"the executable machine refuses: {exc.reason}",
            f"実行可能な状態機械が拒む: `{exc.reason}`",
        )
    if contracts != expected:
        at = next(i for i, (a, b) in enumerate(zip(contracts, expected, strict=True)) if a != b)
        return _Trace(
            expected,
            events,
            False,
            f"Z3 and the machine differ after step {at}",
            f"手順{at}の後でZ3と状態機械が食い違う",
        )
    if _holds_at(m, claim, p, contracts, events, k):
        return _Trace(
            contracts,
            events,
            False,
            "the machine does not violate the claim",
            "状態機械ではこの主張が破られない",
        )
    return _Trace(contracts, events, True)


# --- Evidence: a numbered trace of dated events -------------------------------------------------


def _record_labels(m: Machine, record: str, default: tuple[str, str]) -> tuple[str, str]:
    """The model's own name (ja, en) for a contract record, from the fact `[lifecycle.facts]`
    binds to it: the engine knows the record, the terms name it."""
    for fact, bound in m.lifecycle.facts.items():
        entry = m.spec.vocabulary.entries.get(fact)
        if bound.strip() == record and entry is not None:
            return entry.ja, entry.en
    return default


def _step_lines(m: Machine, trace: _Trace) -> Iterator[tuple[date, str, str]]:
    first = trace.contracts[0]
    initial = m.states[first.state]
    planned = ("予定日", "planned start")
    planned_ja, planned_en = _record_labels(m, "contract.planned_start", planned)
    yield (
        first.applied_on,
        f"申込み（{heading(m, initial.article)}）→ {initial.ja}、{planned_ja} "
        f"{day_text(first.planned_start, 'ja')}",
        f"application ({heading(m, initial.article)}) → {initial.en}, {planned_en} "
        f"{first.planned_start}",
    )
    for event, after in zip(trace.events, trace.contracts[1:], strict=True):
        state = m.states[after.state]
        if event.name == TICK:
            yield event.on, f"時の経過 → {state.ja}", f"time passes → {state.en}"
            continue
        t = m.transitions[event.name]
        note_ja, note_en = _effect_note(t, after)
        yield (
            event.on,
            f"{t.ja}（{heading(m, t.article)}）→ {state.ja}{note_ja}",
            f"{t.en} ({heading(m, t.article)}) → {state.en}{note_en}",
        )


def _effect_note(t: LifecycleTransition, c: Contract) -> tuple[str, str]:
    if t.effect == "form-back-dated":
        return f"、成立日 {day_text(c.formed_on, 'ja')}", f", formed as of {c.formed_on}"
    if t.effect in ("give-notice", "move-termination-month"):
        month = c.termination_month
        assert month is not None
        return f"、解約月 {month.year}年{month.month}月", f", termination month {month}"
    return "", ""


def _trace_evidence(m: Machine, trace: _Trace, claim: Claim, p: Params, k: int) -> Evidence:
    events = tuple(_step_lines(m, trace))
    ja = [f"{n}. {day_text(day, 'ja')}  {text}" for n, (day, text, _) in enumerate(events)]
    en = [f"{n}. {day.isoformat()}  {text}" for n, (day, _, text) in enumerate(events)]
    c = trace.contracts[k]
    e, after = (None, None) if claim.over == "state" else (trace.events[k], trace.contracts[k + 1])
    why_ja, why_en = claim.explain(m, p, c, e, after)
    ja.append(f"→ {why_ja}")
    en.append(f"→ {why_en}")
    data = {
        "claim": claim.check,
        "position": k,
        "steps": [
            {"n": n, "date": day.isoformat(), "ja": text_ja, "en": text_en}
            for n, (day, text_ja, text_en) in enumerate(events)
        ],
        "violation": {"ja": why_ja, "en": why_en},
    }
    if claim.context is not None:
        more_ja, more_en, more = claim.context(m, p)
        ja += more_ja
        en += more_en
        data["context"] = more
    return evidence(data, ja, en, events)


# --- Built-in checks ------------------------------------------------------------------------------


def _register(claim: Claim) -> None:
    def run_claim(spec: Spec, prop: Property, rlimit: int) -> Result:
        return _check_claim(spec, prop, rlimit, claim)

    run_claim.__doc__ = f"The lifecycle claim {claim.check!r}, by k-induction."
    REGISTRY.register("lifecycle", claim.check, tuple(claim.params), claim.optional)(run_claim)


for _claim in CLAIMS.values():
    _register(_claim)


@REGISTRY.register("lifecycle", "possible", tuple(CLAIMS["never"].params), CLAIMS["never"].optional)
def run_possible(spec: Spec, prop: Property, rlimit: int) -> Result:
    """The transition can be taken under the condition `when`: a trace from the
    application that the executable machine replays (the negation of `never`)."""
    return _check_claim(spec, prop, rlimit, CLAIMS["never"], possible=True)


@REGISTRY.register("lifecycle", "application-answered")
def check_application_answered(spec: Spec, prop: Property, rlimit: int) -> Result:
    """Every application is eventually answered (accepted or refused).

    Refuted by a lasso: an unanswered contract with no end date pending, in which time
    passes. A tick changes nothing but the clock and is always possible in such a state,
    so the same wait repeats forever: an infinite path on which no answer comes. No such
    lasso is not a proof of the contrary, so then the check is inconclusive.
    """
    run = Run(spec, prop, rlimit)
    m = machine(spec)
    if m is None:
        raise run.missing("lifecycle")
    z = Symbolic(m)
    path = _from_application(z, run.solver, "b")
    path.extend_to(1)
    waited = path.contracts[1]
    pending, _ = z.due(waited)
    run.solver.add(path.events[0].code == -1, waited.state == z.codes[m.initial], z3.Not(pending))
    try:
        if not run.sat():
            return run.undecided(
                "no lasso found; that every application is answered is not proved",
                "永遠に待つ経路は見つからないが、どの申込みにも応答があることは証明していない",
            )
        start = path.contracts[0]
        year_later = SDate(start.clock.year + 1, start.clock.month, start.clock.day)
        if run.sat(path.events[0].on == year_later):  # a year's wait reads plainly
            run.solver.add(path.events[0].on == year_later)
        model = _readable(run, z, path, 1)
    except Undecided as exc:
        return run.undecided(exc)
    trace = _replay_wait(m, model, path)
    ja_rules = "、".join(
        f"{heading(m, f.article)}（{f.ja}の禁止）"
        for f in m.lifecycle.forbidden
        if f.state == m.initial
    )
    en_rules = ", ".join(
        f"{heading(m, f.article)} ({f.en} forbidden)"
        for f in m.lifecycle.forbidden
        if f.state == m.initial
    )
    events = tuple(_step_lines(m, trace))
    ja = [f"{n}. {day_text(day, 'ja')}  {text}" for n, (day, text, _) in enumerate(events)]
    en = [f"{n}. {day.isoformat()}  {text}" for n, (day, _, text) in enumerate(events)]
    ja.append(
        "→ 承諾にも不承諾にも期限がなく、この待ちは何度でも繰り返せる"
        + (f"。申込者は抜け出せない: {ja_rules}" if ja_rules else "")
    )
    en.append(
        "→ neither acceptance nor refusal has a time limit: the wait repeats forever"
        + (f"; the applicant cannot leave: {en_rules}" if en_rules else "")
    )
    data = {
        "claim": "application-answered",
        "lasso": True,
        "steps": [
            {"n": n, "date": day.isoformat(), "ja": a, "en": b}
            for n, (day, a, b) in enumerate(events)
        ],
    }
    return run.finish(
        Status.VIOLATED,
        evidence=evidence(data, ja, en, events),
        replayed=trace.replayed,
        detail=trace.why_not or "an unanswered application can wait forever",
        detail_ja=trace.why_not_ja if trace.why_not else "応答のない申込みは永遠に待ち続けうる",
    )


def _replay_wait(m: Machine, model: z3.ModelRef, path: _Path) -> _Trace:
    """Replay the wait, then wait as long again: the machine must still be waiting."""
    expected = [concrete(m, model, c) for c in path.contracts[:2]]
    events = [concrete_event(m, model, path.events[0])]
    try:
        first = apply(m, expected[0].applied_on, expected[0].planned_start)
        waited = step(m, first, events[0])
        again = step(m, waited, Event(TICK, waited.clock + (waited.clock - first.clock)))
    except (Refused, OverflowError) as exc:
        return _Trace(
            expected,
            events,
            False,
            f"the executable machine refuses the wait: {exc}",
            f"実行可能な状態機械がこの待ちを拒む: `{exc}`",
        )
    waiting = all(c.state == m.initial and due_day(c) is None for c in (waited, again))
    if [first, waited] != expected or not waiting:
        return _Trace(
            expected,
            events,
            False,
            "the machine does not keep the application waiting",
            "状態機械では申込みが待ち続けない",
        )
    return _Trace([first, waited], events, True)
