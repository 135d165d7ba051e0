"""What must hold of every contract in the lifecycle, each claim implemented twice.

A claim is about a state (`over = "state"`) or about a step: the contract before, the
event, the contract after. `concrete` evaluates it on :class:`~termcheck.lifecycle.Contract`
values, `symbolic` builds the same predicate in Z3 over
:class:`~termcheck.lifecycle.SymContract` terms; `explain` says, for people, why a
position violates it. :mod:`termcheck.lifecycle_check` proves or refutes each one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import z3

from termcheck import calendar as cal
from termcheck.calendar import HORIZON_LAST_YEAR
from termcheck.lifecycle import (
    FLAGS,
    TICK,
    Contract,
    Event,
    Machine,
    Refused,
    Symbolic,
    SymContract,
    SymEvent,
    billing_start,
    due_day,
    last_billed_day,
    minimum_term_end,
    step,
    valid_date,
    valid_month,
)
from termcheck.spec import Effect, Guard, LifecycleState, LifecycleTransition
from termcheck.symcal import Z3Bool
from termcheck.vocabulary import Ground

# --- Claims: what must hold of every contract, on both sides -----------------------------------
# A claim is about a state (`over = "state"`) or about a step (the contract before, the
# event, the contract after). `concrete` and `symbolic` are the same predicate twice.

Over = Literal["state", "step"]
ConcreteClaim = Callable[[Machine, Contract, "Event | None", "Contract | None"], bool]
SymbolicClaim = Callable[[Symbolic, SymContract, "SymEvent | None", "SymContract | None"], Any]
Explain = Callable[[Machine, Contract, "Event | None", "Contract | None"], tuple[str, str]]


@dataclass(frozen=True)
class Claim:
    check: str
    over: Over
    concrete: ConcreteClaim
    symbolic: SymbolicClaim
    explain: Explain
    # Proved together with the well-formedness invariant, which it needs as a lemma.
    strengthened: bool = False
    # Why the claim has nothing to check in this model (None: it has).
    scope: Callable[[Machine], str | None] = field(default=lambda m: None)
    # What a reviewer wants beside a counterexample: lines (ja, en) and data.
    context: Callable[[Machine], Context] | None = None


Context = tuple[list[str], list[str], list[dict[str, object]]]


def _state(m: Machine, c: Contract) -> LifecycleState:
    return m.states[c.state]


def _transition(m: Machine, e: Event | None) -> LifecycleTransition | None:
    return None if e is None or e.name == TICK else m.transitions[e.name]


def day_text(day: date | None, lang: str) -> str:
    if day is None:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日" if lang == "ja" else day.isoformat()


def heading(m: Machine, article_id: str) -> str:
    for article in m.spec.articles:
        if article.id == article_id:
            return article.heading
    return article_id


# Well-formedness: what every reachable contract looks like. A lemma for other proofs.


def well_formed(m: Machine, c: Contract, *_: object) -> bool:
    s = _state(m, c)
    recorded = (c.applied_on, c.formed_on, c.started_on, c.notice_on, c.demand_on, c.ended_on)
    due = due_day(c)
    return (
        all(d <= c.clock for d in recorded if d is not None)
        and c.applied_on <= c.planned_start
        and (not s.formed or c.formed_on is not None)
        and (not s.provided or (c.started_on is not None and c.ended_on is None))
        and s.terminal == (c.ended_on is not None)
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
        if t.effect is Effect.GIVE_NOTICE and t.target is not None
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


def sym_well_formed(z: Symbolic, c: SymContract, *_: object) -> Z3Bool:
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
        z3.Implies(c.started, z3.And(c.formed, c.formed_on <= c.started_on)),
        z3.Implies(pending, c.clock <= due),
        z3.Implies(c.ground != -1, c.ended),
        z3.Implies(
            z.states_where(c, _before_contract), z3.Not(z3.Or(*(getattr(c, f) for f in FLAGS)))
        ),
        z3.Implies(z.states_where(c, _before_start), z3.Not(c.started)),
        z3.Implies(z.in_states(c, sorted(_noticed_states(z.m))), c.noticed),
        c.ground >= -1,
        c.ground < len(Ground),
    )


def _explain_well_formed(m: Machine, c: Contract, *_: object) -> tuple[str, str]:
    return (
        f"状態 {_state(m, c).ja} の記録が整合しない",
        f"the records of state {c.state} are inconsistent",
    )


# Terminal states are absorbing.


def _absorbing(m: Machine, c: Contract, e: Event | None, after: Contract | None) -> bool:
    assert after is not None
    return not _state(m, c).terminal or (
        after.state == c.state and after.ended_on == c.ended_on and after.ground == c.ground
    )


def _sym_absorbing(
    z: Symbolic, c: SymContract, e: SymEvent | None, after: SymContract | None
) -> Z3Bool:
    assert after is not None
    return z3.Implies(
        z.states_where(c, lambda s: s.terminal),
        z3.And(after.state == c.state, after.ended_on == c.ended_on, after.ground == c.ground),
    )


def _explain_absorbing(
    m: Machine, c: Contract, e: Event | None, after: Contract | None
) -> tuple[str, str]:
    assert after is not None
    return (
        f"終了した契約（{_state(m, c).ja}）が {_state(m, after).ja} に移る",
        f"an ended contract ({c.state}) moves to {after.state}",
    )


# 第7条: fees accrue only while the service is provided.


def _fees_while_provided(m: Machine, c: Contract, *_: object) -> bool:
    first, last = billing_start(m, c), last_billed_day(c)
    if first is None or last is None or c.started_on is None or c.ended_on is None:
        return True
    return first >= c.started_on and last <= c.ended_on


def _sym_fees_while_provided(z: Symbolic, c: SymContract, *_: object) -> Z3Bool:
    return z3.Implies(
        z3.And(c.started, c.ended),
        z3.And(z.billing_start(c) >= c.started_on, z.last_billed_day(c) <= c.ended_on),
    )


def _explain_fees(m: Machine, c: Contract, *_: object) -> tuple[str, str]:
    last = last_billed_day(c)
    assert last is not None and c.ended_on is not None
    unserved = (last - c.ended_on).days
    return (
        f"料金は{day_text(last, 'ja')}まで発生する（{heading(m, '7-1')}）が、提供は"
        f"{day_text(c.ended_on, 'ja')}に終了した: 提供のない{unserved}日分の料金",
        f"fees accrue to {last} ({heading(m, '7-1')}) but the service ended on "
        f"{c.ended_on}: {unserved} days billed without service",
    )


# Every active contract can be ended by the customer. The customer's moves, with the inputs
# the customer chooses: notice today naming the month after next-but-one (timely under
# every reading), termination on the last day of the month in force.


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
    if t.guard is Guard.ALWAYS:
        return Event(t.event, c.clock)
    if t.guard is Guard.NOTICE_TIMELY:
        return Event(t.event, c.clock, cal.month_of(c.clock).shift(m.spec.notice_months + 1))
    if t.guard is Guard.END_OF_TERMINATION_MONTH and c.termination_month is not None:
        return Event(t.event, c.termination_month.last_day)
    return None  # a guard the customer does not control


def _customer_can_end(m: Machine, c: Contract, *_: object) -> bool:
    if not _active(_state(m, c)) or c.clock.year >= HORIZON_LAST_YEAR:
        return True
    return any(_customer_reaches_end(m, c, path) for path in _customer_paths(m, c.state))


def _customer_reaches_end(m: Machine, c: Contract, path: list[LifecycleTransition]) -> bool:
    for t in path:
        e = _customer_event(m, t, c)
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
    if t.guard is Guard.ALWAYS:
        return SymEvent(code, c.clock, c.clock.month_of, false, false)
    if t.guard is Guard.NOTICE_TIMELY:
        month = c.clock.month_of.shift(z.m.spec.notice_months + 1)
        return SymEvent(code, c.clock, month, false, false)
    if t.guard is Guard.END_OF_TERMINATION_MONTH:
        last = c.termination_month.last_day
        return SymEvent(code, last, c.termination_month, false, false)
    return None


def _sym_customer_can_end(z: Symbolic, c: SymContract, *_: object) -> Z3Bool:
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


def _explain_customer(m: Machine, c: Contract, *_: object) -> tuple[str, str]:
    return (
        f"{_state(m, c).ja} の契約を契約者が終了させる手順がない",
        f"the customer has no way to end a contract in state {c.state}",
    )


# 第9条第2項: every way a contract ends inside the minimum term has a penalty consequence.


def _ends_without_ground(t: LifecycleTransition) -> bool:
    return t.effect is Effect.END and t.ground is None


def _penalty_defined(m: Machine, c: Contract, e: Event | None, _: Contract | None) -> bool:
    t = _transition(m, e)
    term_end = minimum_term_end(m, c)
    if t is None or e is None or term_end is None or not _ends_without_ground(t):
        return True
    return e.on > term_end


def _sym_penalty_defined(z: Symbolic, c: SymContract, e: SymEvent | None, _: Any) -> Z3Bool:
    assert e is not None
    return z3.Not(
        z3.And(z.events_where(e, _ends_without_ground), c.started, e.on <= z.minimum_term_end(c))
    )


def _explain_penalty(
    m: Machine, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    t = _transition(m, e)
    assert t is not None and e is not None
    term_end = minimum_term_end(m, c)
    return (
        f"{t.ja}（{heading(m, t.article)}）で最低利用期間（{day_text(term_end, 'ja')}まで）の内に"
        f"契約が終わるが、この終了には[penalty]の事由（{heading(m, '9-2')}）が定められていない",
        f"{t.en} ({heading(m, t.article)}) ends the contract inside the minimum term "
        f"(to {term_end}), and no ground of [penalty] ({heading(m, '9-2')}) says what it costs",
    )


def _penalty_consequences(m: Machine) -> Context:
    """Each way a formed contract ends, and what [penalty] makes of it (第9条第2項)."""
    penalty = m.spec.document.penalty
    where = heading(m, penalty.article)
    ja = ["違約金の扱い（[penalty]）:"]
    en = ["what each ending costs ([penalty]):"]
    data: list[dict[str, object]] = []
    for t in m.lifecycle.transitions:
        if t.effect is not Effect.END or not any(m.states[s].formed for s in t.source):
            continue
        if t.ground is None:
            verdict_ja, verdict_en, owed = "定めなし", "not defined", None
        elif t.ground in m.spec.penalty_grounds:
            verdict_ja, verdict_en, owed = f"違約金あり（{where}）", f"penalty ({where})", True
        else:
            verdict_ja, verdict_en, owed = (
                f"違約金なし（{where}に挙げられない）",
                "no penalty",
                False,
            )
        ground = t.ground.value if t.ground else "—"
        ja.append(f"  {t.ja}（{heading(m, t.article)}）: 事由 {ground} → {verdict_ja}")
        en.append(f"  {t.en} ({heading(m, t.article)}): ground {ground} → {verdict_en}")
        data.append({"event": t.event, "ground": t.ground and str(t.ground), "penalty": owed})
    return ja, en, data


def _penalty_scope(m: Machine) -> str | None:
    if not any(t.effect is Effect.END for t in m.lifecycle.transitions):
        return "no transition ends the contract"
    return None


# 第8条: no withdrawal after applying (each [[lifecycle.forbidden]] entry).


def _not_forbidden(m: Machine, c: Contract, e: Event | None, _: Contract | None) -> bool:
    t = _transition(m, e)
    return t is None or not any(
        f.state == c.state and f.actor == t.actor for f in m.lifecycle.forbidden
    )


def _sym_not_forbidden(z: Symbolic, c: SymContract, e: SymEvent | None, _: Any) -> Z3Bool:
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
    m: Machine, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    t = _transition(m, e)
    assert t is not None
    rule = next(f for f in m.lifecycle.forbidden if f.state == c.state and f.actor == t.actor)
    return (
        f"{_state(m, c).ja} で {t.ja} ができる（{heading(m, rule.article)}: {rule.ja}は不可）",
        f"{t.en} is possible in state {c.state} ({heading(m, rule.article)} forbids {rule.en})",
    )


def _forbidden_scope(m: Machine) -> str | None:
    return None if m.lifecycle.forbidden else "model.toml lists no [[lifecycle.forbidden]] event"


# 第6条第2項: the contract is formed as of the application date.


def _back_dated(m: Machine, c: Contract, *_: object) -> bool:
    return c.formed_on is None or c.formed_on == c.applied_on


def _sym_back_dated(z: Symbolic, c: SymContract, *_: object) -> Z3Bool:
    return z3.Implies(c.formed, c.formed_on == c.applied_on)


def _explain_back_dated(m: Machine, c: Contract, *_: object) -> tuple[str, str]:
    return (
        f"契約の成立日 {day_text(c.formed_on, 'ja')} が"
        f"申込日 {day_text(c.applied_on, 'ja')} と異なる",
        f"the contract is formed on {c.formed_on}, not on the application date {c.applied_on}",
    )


def _forms(t: LifecycleTransition) -> bool:
    return t.effect is Effect.FORM_BACK_DATED


def _forms_scope(m: Machine) -> str | None:
    return None if any(map(_forms, m.lifecycle.transitions)) else "no transition forms a contract"


# 第6条第1項: accepted in the order of receipt, unless the company's work is hindered.


def _in_order(m: Machine, c: Contract, e: Event | None, _: Contract | None) -> bool:
    t = _transition(m, e)
    return t is None or e is None or not _forms(t) or not e.earlier_pending or e.hindered


def _sym_in_order(z: Symbolic, c: SymContract, e: SymEvent | None, _: Any) -> Z3Bool:
    assert e is not None
    return z3.Implies(z.events_where(e, _forms), z3.Or(z3.Not(e.earlier_pending), e.hindered))


def _explain_in_order(
    m: Machine, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    return (
        "先に受け付けた申込みが承諾待ちのまま、支障もなく後の申込みが承諾される",
        "a later application is accepted while an earlier one waits, with no hindrance",
    )


# 第11条第1項: rescission for nonperformance only after a demand and its period.


def _for_nonperformance(t: LifecycleTransition) -> bool:
    return t.effect is Effect.END and t.ground is Ground.NONPERFORMANCE


def _after_demand(m: Machine, c: Contract, e: Event | None, _: Contract | None) -> bool:
    t = _transition(m, e)
    if t is None or e is None or not _for_nonperformance(t):
        return True
    return c.demand_on is not None and c.demand_on < e.on


def _sym_after_demand(z: Symbolic, c: SymContract, e: SymEvent | None, _: Any) -> Z3Bool:
    assert e is not None
    return z3.Implies(
        z.events_where(e, _for_nonperformance), z3.And(c.demanded, c.demand_on < e.on)
    )


def _explain_after_demand(
    m: Machine, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    return (
        "催告期間の経過を待たずに第11条第1項の解除がされる"
        f"（催告日 {day_text(c.demand_on, 'ja')}）",
        f"rescission under 第11条第1項 without a demand whose period passed ({c.demand_on})",
    )


def _nonperformance_scope(m: Machine) -> str | None:
    if any(map(_for_nonperformance, m.lifecycle.transitions)):
        return None
    return "no transition rescinds for nonperformance"


# Every rescission by the company is preceded by a notice to the customer (a demand).


def _company_ends(m: Machine, c: Contract, t: LifecycleTransition) -> bool:
    return t.actor == "company" and t.effect is Effect.END and _state(m, c).formed


def _notified(m: Machine, c: Contract, e: Event | None, _: Contract | None) -> bool:
    t = _transition(m, e)
    return t is None or not _company_ends(m, c, t) or c.demand_on is not None


def _sym_notified(z: Symbolic, c: SymContract, e: SymEvent | None, _: Any) -> Z3Bool:
    assert e is not None
    company_ends = z.events_where(e, lambda t: t.actor == "company" and t.effect is Effect.END)
    formed = z.states_where(c, lambda s: s.formed)
    return z3.Implies(z3.And(company_ends, formed), c.demanded)


def _explain_notified(
    m: Machine, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    t = _transition(m, e)
    assert t is not None
    return (
        f"{t.ja}（{heading(m, t.article)}）: 契約者への通知も催告もないまま契約が解除される",
        f"{t.en} ({heading(m, t.article)}): the contract is rescinded with no notice or "
        "demand to the customer",
    )


# 第10条: a customer's termination ends the contract in the month the customer named.


def _customer_ends(t: LifecycleTransition) -> bool:
    return t.effect is Effect.END and t.ground is Ground.CUSTOMER


def _in_named_month(m: Machine, c: Contract, e: Event | None, _: Contract | None) -> bool:
    t = _transition(m, e)
    if t is None or e is None or not _customer_ends(t):
        return True
    return c.named_month == cal.month_of(e.on)


def _sym_in_named_month(z: Symbolic, c: SymContract, e: SymEvent | None, _: Any) -> Z3Bool:
    assert e is not None
    return z3.Implies(z.events_where(e, _customer_ends), e.on.month_of == c.named_month)


def _explain_named_month(
    m: Machine, c: Contract, e: Event | None, _: Contract | None
) -> tuple[str, str]:
    assert e is not None and c.named_month is not None
    return (
        f"契約者は{c.named_month.year}年{c.named_month.month}月を解約月に指定したが、"
        f"契約は{day_text(e.on, 'ja')}まで続く（{heading(m, '10-1')}なお書き: 当社が解約月を指定）",
        f"the customer named {c.named_month} but the contract runs to {e.on} "
        f"({heading(m, '10-1')}: the company may name the termination month)",
    )


def _named_scope(m: Machine) -> str | None:
    if any(map(_customer_ends, m.lifecycle.transitions)):
        return None
    return "no transition ends the contract at the customer's notice"


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
            "rescission-for-nonperformance-after-demand",
            "step",
            _after_demand,
            _sym_after_demand,
            _explain_after_demand,
            scope=_nonperformance_scope,
        ),
        Claim(
            "rescission-notified",
            "step",
            _notified,
            _sym_notified,
            _explain_notified,
        ),
        Claim(
            "customer-termination-in-named-month",
            "step",
            _in_named_month,
            _sym_in_named_month,
            _explain_named_month,
            scope=_named_scope,
        ),
    )
}
