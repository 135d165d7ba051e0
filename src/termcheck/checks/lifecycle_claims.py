"""What must hold of every contract in the lifecycle, each claim implemented twice.

A claim is about a state (`over = "state"`) or about a step: the contract before, the
event, the contract after. `concrete` evaluates it on :class:`~.lifecycle.Contract`
values, `symbolic` builds the same predicate in Z3 over :class:`~.lifecycle.SymContract`
terms; `explain` says, for people, why a position violates it.
:mod:`termcheck.checks.lifecycle_check` proves or refutes each one.

A claim that speaks of a particular ground or of a billing rule takes it from its
property (`with = { ground = "…" }`, `with = { billing_start = "billing_start" }`): the
engine knows no agreement's grounds or rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import z3

from termcheck.checks.lifecycle import (
    TICK,
    Contract,
    Event,
    Machine,
    Refused,
    Symbolic,
    SymContract,
    SymEvent,
    due_day,
    evaluate,
    step,
    valid_date,
    valid_month,
)
from termcheck.errors import InputError, Position
from termcheck.language.ast import Expr
from termcheck.language.parse import parse
from termcheck.language.typecheck import check
from termcheck.language.types import BOOL, DATE, Type, set_of
from termcheck.model.lifecycle_formulas import FLAGS
from termcheck.model.schema import LifecycleState, LifecycleTransition
from termcheck.semantics.calendar import HORIZON_LAST_YEAR, month_of
from termcheck.smt.symcal import Z3Bool


@dataclass
class Params:
    """A lifecycle property's `with` table: formulas over the contract's records, and
    values of the model's grounds."""

    formulas: dict[str, Expr] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def expr(self, name: str) -> Expr:
        return self.formulas[name]

    def value(self, name: str) -> str:
        return self.values[name]


# What each parameter of a claim is: a formula of a type, a ground, a transition (by its
# event), several (comma-separated), or who acts.
ParamKind = Type | Literal["ground", "ground-set", "transition", "transition-set", "actor"]
ACTORS = ("customer", "company", "world")


def compile_params(
    m: Machine, wanted: dict[str, ParamKind], given: dict[str, str], where: Position, prop_id: str
) -> Params:
    """The property's parameters, checked: a ground must be one of the lifecycle's, a
    formula must type-check in the lifecycle's scope."""
    params = Params(texts=dict(given))
    for name, kind in wanted.items():
        # A formula the property leaves out (only an optional one can be) is `true`.
        text = given.get(name, "true")
        field_name = f"{prop_id}.with.{name}"
        if kind in ("transition", "transition-set"):
            events = tuple(event.strip() for event in text.split(",")) if text.strip() else ()
            if kind == "transition" and len(events) != 1:
                raise InputError("name one transition, by its event", where, field_name)
            for event in events or ("",):
                if event not in m.transitions:
                    known = ", ".join(m.transitions) or "none"
                    raise InputError(f"{event!r} is not a transition: {known}", where, field_name)
            params.names[name] = events
            continue
        if kind == "actor":
            if text not in ACTORS:
                raise InputError(f"{text!r} is not one of: {', '.join(ACTORS)}", where, field_name)
            params.values[name] = text
            continue
        if kind == "ground":
            if text not in m.grounds:
                listed = ", ".join(m.grounds) or "none: [lifecycle] names no `grounds`"
                raise InputError(f"{text!r} is not a ground: {listed}", where, field_name)
            params.values[name] = text
            continue
        expected = set_of(m.lifecycle.grounds or "") if kind == "ground-set" else kind
        assert isinstance(expected, Type)  # every other kind is handled above
        expr = parse(text, where, field_name)
        found = check(expr, m.scope, where, field_name, expected)
        if found != expected:
            raise InputError(f"must be {expected}, not {found}", where, field_name)
        params.formulas[name] = expr
    return params


Over = Literal["state", "step"]
ConcreteClaim = Callable[[Machine, Params, Contract, "Event | None", "Contract | None"], bool]
SymbolicClaim = Callable[
    [Symbolic, Params, SymContract, "SymEvent | None", "SymContract | None"], Any
]
Explain = Callable[[Machine, Params, Contract, "Event | None", "Contract | None"], tuple[str, str]]
Context = tuple[list[str], list[str], list[dict[str, object]]]


@dataclass(frozen=True)
class Claim:
    check: str
    over: Over
    concrete: ConcreteClaim
    symbolic: SymbolicClaim
    explain: Explain
    # Proved together with the well-formedness invariant, which it needs as a lemma.
    strengthened: bool = False
    # Why the claim has nothing to check in this model, (ja, en) (None: it has).
    scope: Callable[[Machine, Params], tuple[str, str] | None] = field(default=lambda m, p: None)
    # What a reviewer wants beside a counterexample: lines (ja, en) and data.
    context: Callable[[Machine, Params], Context] | None = None
    params: dict[str, ParamKind] = field(default_factory=dict)
    optional: tuple[str, ...] = ()  # of `params`, formulas a property may leave out (true)


def _state(m: Machine, c: Contract) -> LifecycleState:
    return m.states[c.state]


def _transition(m: Machine, e: Event | None) -> LifecycleTransition | None:
    return None if e is None or e.name == TICK else m.transitions[e.name]


def day_text(day: date | None, lang: str) -> str:
    if day is None:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日" if lang == "ja" else day.isoformat()


def heading(m: Machine, article_id: str) -> str:
    return m.spec.heading(article_id)


# Well-formedness: what every reachable contract looks like. A lemma for other proofs.


def well_formed(m: Machine, p: Params, c: Contract, *_: object) -> bool:
    s = _state(m, c)
    recorded = (c.applied_on, c.formed_on, c.started_on, c.notice_on, c.demand_on, c.ended_on)
    due = due_day(c)
    return (
        all(d <= c.clock for d in recorded if d is not None)
        and c.applied_on <= c.planned_start
        and (not s.formed or c.formed_on is not None)
        and (not s.provided or (c.started_on is not None and c.ended_on is None))
        and s.terminal == (c.ended_on is not None)
        and not (s.terminal and s.formed)  # an ended contract no longer exists
        and (c.started_on is None or (c.formed_on is not None and c.formed_on <= c.started_on))
        and (c.notice_on is None or c.started_on is not None)
        and (due is None or c.clock <= due)
        and (c.ground is None or c.ended_on is not None)
        and (not _before_contract(s) or _nothing_recorded(c))
        and (not _before_start(s) or c.started_on is None)
        and (c.state not in _noticed_states(m) or c.notice_on is not None)
    )


def _noticed_states(m: Machine) -> set[str]:
    """The states a notice leads to: a contract in one has been given notice."""
    return {
        t.target
        for t in m.lifecycle.transitions
        if t.effect == "give-notice" and t.target is not None
    }


def _before_contract(s: LifecycleState) -> bool:
    """A state of an application not yet answered: no contract, not ended."""
    return not s.formed and not s.terminal


def _before_start(s: LifecycleState) -> bool:
    """A state of a contract formed whose service has not started."""
    return s.formed and not s.provided and not s.terminal


def _nothing_recorded(c: Contract) -> bool:
    recorded = (c.formed_on, c.started_on, c.notice_on, c.demand_on, c.ended_on)
    return all(d is None for d in recorded)


def sym_well_formed(z: Symbolic, p: Params, c: SymContract, *_: object) -> Z3Bool:
    pending, due = z.due(c)
    recorded = [
        z3.Implies(getattr(c, flag), day <= c.clock)
        for flag, day in (
            ("formed", c.formed_on),
            ("started", c.started_on),
            ("noticed", c.notice_on),
            ("demanded", c.demand_on),
            ("ended", c.ended_on),
        )
    ]
    return z3.And(
        c.state >= 0,
        c.state < len(z.codes),
        valid_date(c.clock),
        valid_date(c.applied_on),
        valid_date(c.planned_start),
        c.applied_on <= c.clock,
        c.applied_on <= c.planned_start,
        *recorded,
        # Dates are valid by type on the executable side; here only those the claims
        # compute with need saying so (fewer terms: the proof is 4x faster).
        z3.Implies(c.started, valid_date(c.started_on)),
        z3.Implies(c.noticed, z3.And(valid_month(c.termination_month), c.started)),
        z3.Implies(z.states_where(c, lambda s: s.formed), c.formed),
        z3.Implies(z.states_where(c, lambda s: s.provided), z3.And(c.started, z3.Not(c.ended))),
        z.states_where(c, lambda s: s.terminal) == c.ended,
        z3.Not(z.states_where(c, lambda s: s.terminal and s.formed)),
        z3.Implies(c.started, z3.And(c.formed, c.formed_on <= c.started_on)),
        z3.Implies(pending, c.clock <= due),
        z3.Implies(c.ground != -1, c.ended),
        z3.Implies(
            z.states_where(c, _before_contract), z3.Not(z3.Or(*(getattr(c, f) for f in FLAGS)))
        ),
        z3.Implies(z.states_where(c, _before_start), z3.Not(c.started)),
        z3.Implies(z.in_states(c, sorted(_noticed_states(z.m))), c.noticed),
        c.ground >= -1,
        c.ground < len(z.m.grounds),
    )


def _explain_well_formed(m: Machine, p: Params, c: Contract, *_: object) -> tuple[str, str]:
    return (
        f"状態 {_state(m, c).ja} の記録が整合しない",
        f"the records of state {c.state} are inconsistent",
    )


# Terminal states are absorbing.


def _absorbing(m: Machine, p: Params, c: Contract, e: Event | None, after: Contract | None) -> bool:
    assert after is not None
    return not _state(m, c).terminal or (
        after.state == c.state and after.ended_on == c.ended_on and after.ground == c.ground
    )


def _sym_absorbing(
    z: Symbolic, p: Params, c: SymContract, e: SymEvent | None, after: SymContract | None
) -> Z3Bool:
    assert after is not None
    return z3.Implies(
        z.states_where(c, lambda s: s.terminal),
        z3.And(after.state == c.state, after.ended_on == c.ended_on, after.ground == c.ground),
    )


def _explain_absorbing(
    m: Machine, p: Params, c: Contract, e: Event | None, after: Contract | None
) -> tuple[str, str]:
    assert after is not None
    return (
        f"終了した契約（{_state(m, c).ja}）が {_state(m, after).ja} に移る",
        f"an ended contract ({c.state}) moves to {after.state}",
    )


# Fees accrue only while the service is provided: billing starts no earlier than the
# service and ends no later than it (the property gives both days as formulas).


def _fees_while_provided(m: Machine, p: Params, c: Contract, *_: object) -> bool:
    if c.started_on is None or c.ended_on is None:
        return True
    first = evaluate(m, p.expr("billing_start"), c)
    last = evaluate(m, p.expr("billing_end"), c)
    if first > last:  # an empty billing period bills nothing
        return True
    return bool(first >= c.started_on and last <= c.ended_on)


def _sym_fees_while_provided(z: Symbolic, p: Params, c: SymContract, *_: object) -> Z3Bool:
    first = z.compile(p.expr("billing_start"), c)
    last = z.compile(p.expr("billing_end"), c)
    return z3.Implies(
        z3.And(c.started, c.ended, first <= last),
        z3.And(first >= c.started_on, last <= c.ended_on),
    )


def _explain_fees(m: Machine, p: Params, c: Contract, *_: object) -> tuple[str, str]:
    last = evaluate(m, p.expr("billing_end"), c)
    assert isinstance(last, date) and c.ended_on is not None
    unserved = (last - c.ended_on).days
    return (
        f"料金は{day_text(last, 'ja')}まで発生するが、提供は"
        f"{day_text(c.ended_on, 'ja')}に終了した: 提供のない{unserved}日分の料金",
        f"fees accrue to {last} but the service ended on {c.ended_on}: "
        f"{unserved} days billed without service",
    )


# Every active contract can be ended by the customer, by the customer's own moves: each
# customer transition with its `choice` of day and month in model.toml.


def _active(s: LifecycleState) -> bool:
    return s.provided and not s.terminal


def _customer_paths(m: Machine, state: str, depth: int = 3) -> list[list[LifecycleTransition]]:
    """Sequences of customer transitions from `state` to a terminal state."""
    found: list[list[LifecycleTransition]] = []
    for t in m.lifecycle.transitions:
        if t.actor != "customer" or state not in t.source:
            continue
        target = t.target or state
        if m.states[target].terminal:
            found.append([t])
        elif depth > 1 and target != state:
            found += [[t, *rest] for rest in _customer_paths(m, target, depth - 1)]
    return found


def _customer_event(m: Machine, t: LifecycleTransition, c: Contract) -> Event | None:
    if t.guard is None:
        return Event(t.event, c.clock)
    choice = m.choices.get(t.event)
    if choice is None:
        return None  # a guard the customer does not control
    on, month = choice
    return Event(t.event, evaluate(m, on, c), None if month is None else evaluate(m, month, c))


def _customer_can_end(m: Machine, p: Params, c: Contract, *_: object) -> bool:
    if not _active(_state(m, c)) or c.clock.year >= HORIZON_LAST_YEAR:
        return True
    return any(_customer_reaches_end(m, c, path) for path in _customer_paths(m, c.state))


def _customer_reaches_end(m: Machine, c: Contract, path: list[LifecycleTransition]) -> bool:
    for t in path:
        try:
            e = _customer_event(m, t, c)
        except (ValueError, OverflowError):
            return False
        if e is None:
            return False
        try:
            c = step(m, c, e)
        except Refused:
            return False
    return True


def _sym_customer_event(z: Symbolic, t: LifecycleTransition, c: SymContract) -> SymEvent | None:
    code = z3.IntVal(list(z.m.transitions).index(t.event))
    false = z3.BoolVal(False)
    if t.guard is None:
        return SymEvent(code, c.clock, c.clock.month_of, false, false)
    choice = z.m.choices.get(t.event)
    if choice is None:
        return None
    on_expr, month_expr = choice
    on = z.compile(on_expr, c)
    month = on.month_of if month_expr is None else z.compile(month_expr, c)
    return SymEvent(code, on, month, false, false)


def _sym_customer_can_end(z: Symbolic, p: Params, c: SymContract, *_: object) -> Z3Bool:
    ways = []
    for state in z.m.lifecycle.states:
        if not _active(state):
            continue
        for path in _customer_paths(z.m, state.id):
            steps = [c.state == z.codes[state.id]]
            current = c
            for t in path:
                e = _sym_customer_event(z, t, current)
                if e is None:
                    steps.append(z3.BoolVal(False))
                    break
                steps.append(z.enabled(current, e))
                current = z.after(current, e)
            ways.append(z3.And(*steps))
    active = z.states_where(c, _active)
    inside = c.clock.year < HORIZON_LAST_YEAR  # the calendar ends with the horizon
    return z3.Implies(z3.And(active, inside), z3.Or(*ways, z3.BoolVal(False)))


def _explain_customer(m: Machine, p: Params, c: Contract, *_: object) -> tuple[str, str]:
    return (
        f"{_state(m, c).ja} の契約を契約者が終了させる手順がない",
        f"the customer has no way to end a contract in state {c.state}",
    )


# Every way a contract ends inside the minimum term has a penalty consequence: an ending
# with no ground leaves the penalty rule nothing to say.


def _ends_without_ground(t: LifecycleTransition) -> bool:
    return t.effect == "end" and t.ground is None


def _penalty_defined(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> bool:
    t = _transition(m, e)
    if t is None or e is None or c.started_on is None or not _ends_without_ground(t):
        return True
    return bool(e.on > evaluate(m, p.expr("term_end"), c))


def _sym_penalty_defined(
    z: Symbolic, p: Params, c: SymContract, e: SymEvent | None, _: Any
) -> Z3Bool:
    assert e is not None
    term_end = z.compile(p.expr("term_end"), c)
    return z3.Not(z3.And(z.events_where(e, _ends_without_ground), c.started, e.on <= term_end))


def _charged_article(m: Machine, p: Params) -> str:
    entry = m.spec.vocabulary.entries.get(p.texts["charged"].strip())
    return heading(m, entry.article) if entry is not None else p.texts["charged"]


def _explain_penalty(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    t = _transition(m, e)
    assert t is not None and e is not None
    term_end = evaluate(m, p.expr("term_end"), c)
    where = _charged_article(m, p)
    return (
        f"{t.ja}（{heading(m, t.article)}）で最低利用期間（{day_text(term_end, 'ja')}まで）の内に"
        f"契約が終わるが、この終了の違約金（{where}）を決める事由が定められていない",
        f"{t.en} ({heading(m, t.article)}) ends the contract inside the minimum term "
        f"(to {term_end}), and no ground says what it costs ({where})",
    )


def _penalty_consequences(m: Machine, p: Params) -> Context:
    """Each way a formed contract ends, and what the penalty rule makes of it."""
    charged = evaluate(m, p.expr("charged"), _any_contract(m))
    assert isinstance(charged, frozenset)
    where = _charged_article(m, p)
    ja = ["違約金の扱い:"]
    en = ["what each ending costs:"]
    data: list[dict[str, object]] = []
    for t in m.lifecycle.transitions:
        if t.effect != "end" or not any(m.states[s].formed for s in t.source):
            continue
        if t.ground is None:
            verdict_ja, verdict_en, owed = "定めなし", "not defined", None
        elif t.ground in charged:
            verdict_ja, verdict_en, owed = f"違約金あり（{where}）", f"penalty ({where})", True
        else:
            verdict_ja, verdict_en, owed = (
                f"違約金なし（{where}に挙げられない）",
                "no penalty",
                False,
            )
        ground = t.ground or "—"
        ja.append(f"  {t.ja}（{heading(m, t.article)}）: 事由 {ground} → {verdict_ja}")
        en.append(f"  {t.en} ({heading(m, t.article)}): ground {ground} → {verdict_en}")
        data.append({"event": t.event, "ground": t.ground, "penalty": owed})
    return ja, en, data


def _any_contract(m: Machine) -> Contract:
    day = date(2000, 1, 1)
    return Contract(m.initial, day, day, day)


def _penalty_scope(m: Machine, p: Params) -> tuple[str, str] | None:
    if not any(t.effect == "end" for t in m.lifecycle.transitions):
        return "契約を終わらせる遷移がない", "no transition ends the contract"
    return None


# No withdrawal after applying (each [[lifecycle.forbidden]] entry).


def _not_forbidden(m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None) -> bool:
    t = _transition(m, e)
    return t is None or not any(
        f.state == c.state and f.actor == t.actor for f in m.lifecycle.forbidden
    )


def _sym_not_forbidden(
    z: Symbolic, p: Params, c: SymContract, e: SymEvent | None, _: Any
) -> Z3Bool:
    assert e is not None
    return z3.And(
        *(
            z3.Not(
                z3.And(
                    c.state == z.codes[f.state],
                    z.events_where(e, lambda t, actor=f.actor: t.actor == actor),  # type: ignore[misc]
                )
            )
            for f in z.m.lifecycle.forbidden
        ),
        z3.BoolVal(True),
    )


def _explain_forbidden(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    t = _transition(m, e)
    assert t is not None
    rule = next(f for f in m.lifecycle.forbidden if f.state == c.state and f.actor == t.actor)
    return (
        f"{_state(m, c).ja} で {t.ja} ができる（{heading(m, rule.article)}: {rule.ja}は不可）",
        f"{t.en} is possible in state {c.state} ({heading(m, rule.article)} forbids {rule.en})",
    )


def _forbidden_scope(m: Machine, p: Params) -> tuple[str, str] | None:
    if m.lifecycle.forbidden:
        return None
    return (
        "model.toml に `[[lifecycle.forbidden]]` の出来事がない",
        "model.toml lists no [[lifecycle.forbidden]] event",
    )


# The contract is formed as of the application date.


def _back_dated(m: Machine, p: Params, c: Contract, *_: object) -> bool:
    return c.formed_on is None or c.formed_on == c.applied_on


def _sym_back_dated(z: Symbolic, p: Params, c: SymContract, *_: object) -> Z3Bool:
    return z3.Implies(c.formed, c.formed_on == c.applied_on)


def _explain_back_dated(m: Machine, p: Params, c: Contract, *_: object) -> tuple[str, str]:
    return (
        f"契約の成立日 {day_text(c.formed_on, 'ja')} が"
        f"申込日 {day_text(c.applied_on, 'ja')} と異なる",
        f"the contract is formed on {c.formed_on}, not on the application date {c.applied_on}",
    )


def _forms(t: LifecycleTransition) -> bool:
    return t.effect == "form-back-dated"


def _forms_scope(m: Machine, p: Params) -> tuple[str, str] | None:
    if any(map(_forms, m.lifecycle.transitions)):
        return None
    return "契約を成立させる遷移がない", "no transition forms a contract"


# Accepted in the order of receipt, unless the company's work is hindered.


def _in_order(m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None) -> bool:
    t = _transition(m, e)
    return t is None or e is None or not _forms(t) or not e.earlier_pending or e.hindered


def _sym_in_order(z: Symbolic, p: Params, c: SymContract, e: SymEvent | None, _: Any) -> Z3Bool:
    assert e is not None
    return z3.Implies(z.events_where(e, _forms), z3.Or(z3.Not(e.earlier_pending), e.hindered))


def _explain_in_order(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    return (
        "先に受け付けた申込みが承諾待ちのまま、支障もなく後の申込みが承諾される",
        "a later application is accepted while an earlier one waits, with no hindrance",
    )


# A rescission on the property's ground only after a demand and its period.


def _on_ground(ground: str) -> Callable[[LifecycleTransition], bool]:
    return lambda t: t.effect == "end" and t.ground == ground


def _after_demand(m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None) -> bool:
    t = _transition(m, e)
    if t is None or e is None or not _on_ground(p.value("ground"))(t):
        return True
    return c.demand_on is not None and c.demand_on < e.on


def _sym_after_demand(z: Symbolic, p: Params, c: SymContract, e: SymEvent | None, _: Any) -> Z3Bool:
    assert e is not None
    return z3.Implies(
        z.events_where(e, _on_ground(p.value("ground"))), z3.And(c.demanded, c.demand_on < e.on)
    )


def _explain_after_demand(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    t = _transition(m, e)
    article = heading(m, t.article) if t is not None else ""
    return (
        f"催告期間の経過を待たずに{article}の解除がされる（催告日 {day_text(c.demand_on, 'ja')}）",
        f"rescission under {article} without a demand whose period passed ({c.demand_on})",
    )


def _ground_scope(m: Machine, p: Params) -> tuple[str, str] | None:
    if any(map(_on_ground(p.value("ground")), m.lifecycle.transitions)):
        return None
    ground = p.value("ground")
    return (
        f"事由 `{ground}` で契約を終わらせる遷移がない",
        f"no transition ends the contract on the ground {ground!r}",
    )


# Every rescission by the company comes after a demand (催告) that gives the customer a
# chance to perform or cure. A rescission always needs a declaration that reaches the
# customer (the Civil Code's rule on rescission and on when a declaration takes effect);
# what a term dispensing with 「通知・催告」 waives is the prior demand, so the check asks
# about the demand, not about being told.


def _company_ends(m: Machine, c: Contract, t: LifecycleTransition) -> bool:
    return t.actor == "company" and t.effect == "end" and _state(m, c).formed


def _after_any_demand(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> bool:
    t = _transition(m, e)
    return t is None or not _company_ends(m, c, t) or c.demand_on is not None


def _sym_after_any_demand(
    z: Symbolic, p: Params, c: SymContract, e: SymEvent | None, _: Any
) -> Z3Bool:
    assert e is not None
    company_ends = z.events_where(e, lambda t: t.actor == "company" and t.effect == "end")
    formed = z.states_where(c, lambda s: s.formed)
    return z3.Implies(z3.And(company_ends, formed), c.demanded)


def _explain_no_demand(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    t = _transition(m, e)
    assert t is not None
    return (
        f"{t.ja}（{heading(m, t.article)}）: 催告も是正の機会もないまま解除される"
        "（解除の意思表示が到達した時に効力を生じる）",
        f"{t.en} ({heading(m, t.article)}): the contract is rescinded with no prior demand "
        "and no chance to cure (the rescission takes effect when its declaration arrives)",
    )


# An ending on the property's ground (the customer's termination) falls in the month the
# customer named.


def _in_named_month(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> bool:
    t = _transition(m, e)
    if t is None or e is None or not _on_ground(p.value("ground"))(t):
        return True
    return c.named_month == month_of(e.on)


def _sym_in_named_month(
    z: Symbolic, p: Params, c: SymContract, e: SymEvent | None, _: Any
) -> Z3Bool:
    assert e is not None
    return z3.Implies(
        z.events_where(e, _on_ground(p.value("ground"))), e.on.month_of == c.named_month
    )


def _explain_named_month(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    assert e is not None and c.named_month is not None
    movers = [t for t in m.lifecycle.transitions if t.effect == "move-termination-month"]
    article = heading(m, movers[0].article) if movers else ""
    return (
        f"契約者は{c.named_month.year}年{c.named_month.month}月を解約月に指定したが、"
        f"契約は{day_text(e.on, 'ja')}まで続く（{article}: 当社が解約月を指定）",
        f"the customer named {c.named_month} but the contract runs to {e.on} "
        f"({article}: the company may name the termination month)",
    )


# Who takes a step: every event of the named transitions is taken by the named actor
# (the terms say who may accept, give notice, demand, rescind).

_ACTOR_JA = {"customer": "契約者", "company": "当社", "world": "当事者以外の事由（不可抗力等）"}


def _taken_by(m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None) -> bool:
    t = _transition(m, e)
    return t is None or t.event not in p.names["transitions"] or t.actor == p.value("actor")


def _sym_taken_by(z: Symbolic, p: Params, c: SymContract, e: SymEvent | None, _: Any) -> Z3Bool:
    assert e is not None
    listed, actor = p.names["transitions"], p.value("actor")
    return z3.Not(z.events_where(e, lambda t: t.event in listed and t.actor != actor))


def _explain_taken_by(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    t = _transition(m, e)
    assert t is not None
    wanted = p.value("actor")
    return (
        f"{t.ja}（{heading(m, t.article)}）を{_ACTOR_JA[t.actor]}が行う"
        f"（{_ACTOR_JA[wanted]}が行うはず）",
        f"{t.en} ({heading(m, t.article)}) is taken by the {t.actor}, not the {wanted}",
    )


# A transition taken under a condition (`when`, over the contract and the event): `never`
# claims it cannot happen; `possible` (termcheck.checks.lifecycle_check) that it can, with
# a trace from the application that the executable machine replays.


# `when` is of the contract before the step, `after` (true if left out) of the contract
# after it: what the step did.


def _when(m: Machine, p: Params, c: Contract, e: Event | None, after: Contract | None) -> bool:
    t = _transition(m, e)
    if t is None or e is None or after is None or t.event != p.names["transition"][0]:
        return False
    before_holds = evaluate(m, p.expr("when"), c, e) is True
    return before_holds and evaluate(m, p.expr("after"), after, e) is True


def _never(m: Machine, p: Params, c: Contract, e: Event | None, after: Contract | None) -> bool:
    return not _when(m, p, c, e, after)


def _sym_never(z: Symbolic, p: Params, c: SymContract, e: SymEvent | None, after: Any) -> Z3Bool:
    assert e is not None and after is not None
    event = p.names["transition"][0]
    taken = z.events_where(e, lambda t: t.event == event)
    when, then = z.compile(p.expr("when"), c, e), z.compile(p.expr("after"), after, e)
    return z3.Not(z3.And(taken, when, then))


def _explain_when(
    m: Machine, p: Params, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    t = m.transitions[p.names["transition"][0]]
    when = " ".join(p.texts.get("when", "true").split())
    then = " ".join(p.texts.get("after", "true").split())
    ja_after = "" if then == "true" else f"、その後 `{then}`"
    en_after = "" if then == "true" else f", and after it `{then}`"
    return (
        f"{t.ja}（{heading(m, t.article)}）が `{when}` のときに行われる{ja_after}",
        f"{t.en} ({heading(m, t.article)}) is taken when `{when}`{en_after}",
    )


CLAIMS: dict[str, Claim] = {
    claim.check: claim
    for claim in (
        Claim("well-formed", "state", well_formed, sym_well_formed, _explain_well_formed),
        Claim("terminal-absorbing", "step", _absorbing, _sym_absorbing, _explain_absorbing),
        Claim(
            "fees-only-while-provided",
            "state",
            _fees_while_provided,
            _sym_fees_while_provided,
            _explain_fees,
            params={"billing_start": DATE, "billing_end": DATE},
        ),
        Claim(
            "customer-can-end",
            "state",
            _customer_can_end,
            _sym_customer_can_end,
            _explain_customer,
            strengthened=True,
        ),
        Claim(
            "ending-has-penalty-consequence",
            "step",
            _penalty_defined,
            _sym_penalty_defined,
            _explain_penalty,
            scope=_penalty_scope,
            context=_penalty_consequences,
            params={"term_end": DATE, "charged": "ground-set"},
        ),
        Claim(
            "no-withdrawal-after-applying",
            "step",
            _not_forbidden,
            _sym_not_forbidden,
            _explain_forbidden,
            scope=_forbidden_scope,
        ),
        Claim(
            "formation-back-dated",
            "state",
            _back_dated,
            _sym_back_dated,
            _explain_back_dated,
            scope=_forms_scope,
        ),
        Claim(
            "acceptance-in-order-of-receipt",
            "step",
            _in_order,
            _sym_in_order,
            _explain_in_order,
            scope=_forms_scope,
        ),
        Claim(
            "rescission-after-demand",
            "step",
            _after_demand,
            _sym_after_demand,
            _explain_after_demand,
            scope=_ground_scope,
            params={"ground": "ground"},
        ),
        Claim(
            "rescission-after-demand-on-every-ground",
            "step",
            _after_any_demand,
            _sym_after_any_demand,
            _explain_no_demand,
        ),
        Claim(
            "taken-by",
            "step",
            _taken_by,
            _sym_taken_by,
            _explain_taken_by,
            params={"actor": "actor", "transitions": "transition-set"},
        ),
        Claim(
            "never",
            "step",
            _never,
            _sym_never,
            _explain_when,
            params={"transition": "transition", "when": BOOL, "after": BOOL},
            optional=("when", "after"),
        ),
        Claim(
            "ending-in-named-month",
            "step",
            _in_named_month,
            _sym_in_named_month,
            _explain_named_month,
            scope=_ground_scope,
            params={"ground": "ground"},
        ),
    )
}
