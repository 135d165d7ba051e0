"""The lifecycle: the executable machine, its Z3 twin, and the k-induction checks.

The stateful test steps the executable machine with random events (most of which its
guards refuse) and asserts, at every step, that the Z3 transition relation accepts
exactly the steps the machine takes, to exactly the same contract, and that every claim
proved of the shipped model holds of the contract reached.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from typer.testing import CliRunner

from termcheck import load_properties
from termcheck.checks import REGISTRY, lifecycle_check
from termcheck.checks import lifecycle as lc
from termcheck.checks.lifecycle_claims import CLAIMS, Claim, Params, compile_params
from termcheck.cli import app
from termcheck.errors import InputError, Position
from termcheck.model.spec import Spec, load_spec
from termcheck.semantics.calendar import Month, month_of
from termcheck.semantics.case import values_of
from termcheck.verify.properties import Property
from termcheck.verify.results import Result, Status

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "model" / "usen-gate02-iij-id"


@pytest.fixture(scope="module")
def props(spec: Spec) -> dict[str, Property]:
    return {p.id: p for p in load_properties(ROOT / "properties", spec)}


@pytest.fixture(scope="module")
def machine(spec: Spec) -> lc.Machine:
    m = lc.machine(spec)
    assert m is not None
    return m


def run(spec: Spec, prop: Property) -> Result:
    assert prop.check is not None
    return lifecycle_check._check_claim(spec, prop, 50_000_000, CLAIMS[prop.check])


# --- The executable machine --------------------------------------------------------------


def _started(machine: lc.Machine) -> lc.Contract:
    c = lc.apply(machine, date(2026, 1, 5), date(2026, 2, 1))
    c = lc.step(machine, c, lc.Event("accept", date(2026, 1, 9)))
    return lc.step(machine, c, lc.Event("start", date(2026, 2, 1)))


def test_a_contract_from_application_to_termination(machine: lc.Machine) -> None:
    c = lc.apply(machine, date(2026, 1, 5), date(2026, 2, 1))
    c = lc.step(machine, c, lc.Event("accept", date(2026, 1, 9)))
    assert (c.state, c.formed_on) == ("accepted", date(2026, 1, 5))  # 第6条第2項: back-dated
    c = lc.step(machine, c, lc.Event("start", date(2026, 2, 1)))
    c = lc.step(machine, c, lc.Event("give-notice", date(2026, 8, 31), Month(2026, 10)))
    c = lc.step(machine, c, lc.Event("terminate", date(2026, 10, 31)))
    assert (c.state, c.ended_on, c.ground) == ("terminated", date(2026, 10, 31), "customer")


def test_withdrawal_is_refused_citing_article_8(machine: lc.Machine) -> None:
    c = lc.apply(machine, date(2026, 1, 5), date(2026, 2, 1))
    with pytest.raises(lc.Refused) as refused:
        lc.step(machine, c, lc.Event("withdraw", date(2026, 1, 6)))
    assert refused.value.article == "8-1"


@pytest.mark.parametrize(
    ("event", "why"),
    [
        (lc.Event("give-notice", date(2026, 9, 1), Month(2026, 10)), "guard"),  # late
        (lc.Event("terminate", date(2026, 10, 31)), "not possible"),  # no notice yet
        (lc.Event("tick", date(2026, 1, 31)), "before"),  # time does not run back
        (lc.Event("rescind-for-nonperformance", date(2026, 3, 1)), "guard"),  # no demand
    ],
)
def test_the_machine_refuses_what_the_terms_do_not_allow(
    machine: lc.Machine, event: lc.Event, why: str
) -> None:
    c = _started(machine)
    with pytest.raises(lc.Refused, match=why):
        lc.step(machine, c, event)
    assert not lc.relation_accepts(machine, c, event, c)


def test_a_pending_termination_month_stops_the_clock(machine: lc.Machine) -> None:
    c = lc.apply(machine, date(2026, 1, 5), date(2026, 2, 1))
    for event in (
        lc.Event("accept", date(2026, 1, 9)),
        lc.Event("start", date(2026, 2, 1)),
        lc.Event("give-notice", date(2026, 3, 2), Month(2026, 6)),
    ):
        c = lc.step(machine, c, event)
    with pytest.raises(lc.Refused, match="termination month"):
        lc.step(machine, c, lc.Event("tick", date(2026, 7, 1)))


# --- The Z3 relation agrees with the machine, step by step -------------------------------


@pytest.mark.parametrize(
    ("before", "event", "allowed"),
    [  # each guard on both sides of the day where its answer changes
        ("started", lc.Event("give-notice", date(2026, 8, 31), Month(2026, 10)), True),
        ("started", lc.Event("give-notice", date(2026, 9, 1), Month(2026, 10)), False),
        ("demanded", lc.Event("rescind-for-nonperformance", date(2026, 3, 10)), False),
        ("demanded", lc.Event("rescind-for-nonperformance", date(2026, 3, 11)), True),
        ("accepted", lc.Event("rescind-for-start-delay", date(2026, 3, 31)), False),
        ("accepted", lc.Event("rescind-for-start-delay", date(2026, 4, 1)), True),
        ("accepted", lc.Event("start", date(2026, 1, 4)), False),
        ("accepted", lc.Event("start", date(2026, 1, 9)), True),
        ("applied", lc.Event("accept", date(2026, 1, 9), earlier_pending=True), False),
        (
            "applied",
            lc.Event("accept", date(2026, 1, 9), earlier_pending=True, hindered=True),
            True,
        ),
    ],
)
def test_machine_and_relation_agree_at_each_guard_edge(
    machine: lc.Machine, before: str, event: lc.Event, allowed: bool
) -> None:
    c = lc.apply(machine, date(2026, 1, 5), date(2026, 2, 1))
    if before != "applied":
        c = lc.step(machine, c, lc.Event("accept", date(2026, 1, 9)))
    if before in ("started", "demanded"):
        c = lc.step(machine, c, lc.Event("start", date(2026, 2, 1)))
    if before == "demanded":
        c = lc.step(machine, c, lc.Event("demand", date(2026, 3, 10)))
    relation = lc.PointwiseRelation(machine)
    assert relation.enables(c, event) is allowed
    try:
        after = lc.step(machine, c, event)
    except lc.Refused:
        assert not allowed
    else:
        assert allowed and relation.accepts(c, event, after)


EVENTS = [
    "tick",
    "withdraw",
    "accept",
    "refuse",
    "start",
    "give-notice",
    "move-termination-month",
    "terminate",
    "demand",
    "rescind-for-nonperformance",
    "rescind-immediately",
    "rescind-for-start-delay",
    "rescind-for-antisocial-status",
    "rescind-for-antisocial-conduct",
    "extinguish",
]


class LifecycleMachine(RuleBasedStateMachine):
    """Random events against the executable machine, each checked against Z3."""

    def __init__(self) -> None:
        super().__init__()
        self.m, self.relation = _shipped_relation()
        self.contract: lc.Contract | None = None

    @initialize(
        applied=st.dates(date(2025, 1, 1), date(2030, 12, 31)),
        planned_after=st.integers(0, 90),
    )
    def application(self, applied: date, planned_after: int) -> None:
        self.contract = lc.apply(self.m, applied, applied + timedelta(days=planned_after))

    @rule(
        data=st.data(),
        days=st.one_of(st.integers(0, 3), st.integers(0, 120), st.just(-1)),
        to_month_end=st.booleans(),
        months=st.integers(-1, 5),
        earlier_pending=st.booleans(),
        hindered=st.booleans(),
    )
    def event(
        self,
        data: st.DataObject,
        days: int,
        to_month_end: bool,
        months: int,
        earlier_pending: bool,
        hindered: bool,
    ) -> None:
        assert self.contract is not None
        # Mostly events the state has a transition for, so that walks go deep; the
        # others (and withdrawal) check that Z3 refuses what the machine refuses.
        here = [t.event for t in self.m.lifecycle.transitions if self.contract.state in t.source]
        name = data.draw(st.sampled_from(here * 4 + EVENTS), label="event")
        c = self.contract
        assert c is not None
        on = c.clock + timedelta(days=days)
        if to_month_end:  # month ends are where terminations happen
            on = month_of(on).last_day
        notice_months = self.m.spec.vocabulary.constants["notice_months"]
        assert isinstance(notice_months, int)
        month = month_of(on).shift(months + notice_months)
        # The days where guards change their answer, one day either side.
        deadline = quantity(self.m, "notice_deadline", termination_month=month)
        delay = quantity(self.m, "start_delay_deadline", planned_start=c.planned_start)
        edges = [month_of(on).last_day, deadline, delay]
        edges += [d for d in (c.demand_on, c.formed_on) if d is not None]
        if c.termination_month is not None:
            edges.append(c.termination_month.last_day)
        edge = data.draw(st.sampled_from(edges), label="edge")
        if data.draw(st.booleans(), label="at an edge"):
            on = edge + timedelta(days=data.draw(st.integers(-1, 1), label="shift"))
        e = lc.Event(name, on, month, earlier_pending, hindered)
        try:
            after = lc.step(self.m, c, e)
        except lc.Refused:
            assert not self.relation.enables(c, e), f"Z3 allows what the machine refuses: {e}"
            return
        assert self.relation.accepts(c, e, after), f"Z3 disagrees on {e} from {c}"
        for prop_id, claim, params in _proved(self.m):
            if claim.over == "step":
                assert claim.concrete(self.m, params, c, e, after), prop_id
        self.contract = after

    @invariant()
    def proved_claims_hold(self) -> None:
        if self.contract is None:
            return
        for prop_id, claim, params in _proved(self.m):
            if claim.over == "state":
                assert claim.concrete(self.m, params, self.contract, None, None), prop_id


_RELATION: list[tuple[lc.Machine, lc.PointwiseRelation]] = []


def _shipped_relation() -> tuple[lc.Machine, lc.PointwiseRelation]:
    """Built once: every example of the state machine reuses the same Z3 terms."""
    if not _RELATION:
        m = lc.machine(load_spec(SHIPPED))
        assert m is not None
        _RELATION.append((m, lc.PointwiseRelation(m)))
    return _RELATION[0]


# The claims the shipped model proves (properties/lifecycle.toml expects them to hold).
PROVED = {
    "well-formed",
    "terminal-absorbing",
    "customer-can-end",
    "no-withdrawal-after-applying",
    "formation-back-dated",
    "acceptance-in-order-of-receipt",
    "rescission-after-demand",
    "taken-by",
    "never",
    "possible",
}
_PROVED: list[tuple[str, Claim, Params]] = []


def _proved(m: lc.Machine) -> list[tuple[str, Claim, Params]]:
    """Every claim properties/lifecycle.toml expects to hold, with the parameters its
    property gives (a possibility has nothing to check on one step: left out)."""
    if not _PROVED:
        for prop in load_properties(ROOT / "properties", m.spec):
            if prop.kind != "lifecycle" or prop.expect != "holds" or prop.check not in CLAIMS:
                continue
            claim = CLAIMS[prop.check]
            where = Position(prop.path, prop.line)
            params = compile_params(m, claim.params, prop.params, where, prop.id)
            _PROVED.append((prop.id, claim, params))
    return _PROVED


def quantity(m: lc.Machine, name: str, **facts: object) -> date:
    """A date quantity of the model, computed from the facts given (its formula)."""
    values = values_of(m.spec.vocabulary, facts)
    found = values.value(name)
    assert isinstance(found, date), name
    return found


LifecycleMachine.TestCase.settings = settings(
    settings.default,
    max_examples=max(25, settings.default.max_examples // 6),
    stateful_step_count=12,
)
TestLifecycleAgainstZ3 = LifecycleMachine.TestCase


def test_proved_claims_are_those_the_properties_expect(props: dict[str, Property]) -> None:
    expected = {p.check for p in props.values() if p.kind == "lifecycle" and p.expect == "holds"}
    assert expected == PROVED


# --- The checks --------------------------------------------------------------------------


def test_shipped_claims_meet_their_expectations(spec: Spec, props: dict[str, Property]) -> None:
    for prop in props.values():
        if prop.kind != "lifecycle" or prop.check not in CLAIMS:
            continue
        result = run(spec, prop)
        assert result.met, (prop.id, result.status, result.detail)
        if result.status is Status.PROVED:
            assert "every length" in result.detail
        else:
            assert result.replayed is True
            assert result.evidence is not None
            assert result.evidence.story["ja"][0].startswith("0. ")
            numbered = [line for line in result.evidence.story["ja"] if line[0].isdigit()]
            assert len(result.evidence.events) == len(numbered)


def test_fees_counterexample_is_a_rescission_mid_month(
    spec: Spec, props: dict[str, Property]
) -> None:
    result = run(spec, props["lifecycle.fees-only-while-provided"])
    assert result.status is Status.VIOLATED and result.evidence is not None
    last_event = result.evidence.events[-1]
    assert last_event[0] != month_of(last_event[0]).last_day  # ended before the month's end


def test_a_terminal_state_with_a_way_out_is_caught(spec: Spec, props: dict[str, Property]) -> None:
    lifecycle = spec.document.lifecycle
    assert lifecycle is not None
    broken = [
        t.model_copy(update={"source": [*t.source, "terminated"]}) if t.event == "demand" else t
        for t in lifecycle.transitions
    ]
    transitions = [
        t.model_copy(update={"target": "accepted"}) if t.event == "demand" else t for t in broken
    ]
    variant = _with_lifecycle(spec, lifecycle.model_copy(update={"transitions": transitions}))
    result = run(variant, props["lifecycle.terminal-absorbing"])
    assert result.status is Status.VIOLATED and result.replayed is True
    assert "解約" in result.evidence.story["ja"][-1] if result.evidence else False


def test_an_unreplayable_counterexample_is_divergent(
    spec: Spec, props: dict[str, Property], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = lc._effect

    def forgetful(m: object, t: object, c: lc.Contract, e: lc.Event) -> lc.Contract:
        after = real(m, t, c, e)  # type: ignore[arg-type]
        return replace(after, ended_on=None, ground=None) if after.ended_on else after

    monkeypatch.setattr(lc, "_effect", forgetful)
    result = run(spec, props["lifecycle.fees-only-while-provided"])
    assert result.status is Status.DIVERGENT and result.replayed is False
    assert not result.met


def test_a_claim_only_checked_to_depth_is_inconclusive(
    spec: Spec, props: dict[str, Property], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        lifecycle_check, "MAX_DEPTH", 0
    )  # the step case of formation-back-dated needs k=1
    result = run(spec, props["lifecycle.formation-back-dated"])
    assert result.status is Status.INCONCLUSIVE
    assert "checked to depth 0 only" in result.detail


def _with_lifecycle(spec: Spec, lifecycle: object) -> Spec:
    return replace(spec, document=spec.document.model_copy(update={"lifecycle": lifecycle}))


# --- Who acts, and what a guard must allow and forbid --------------------------------------


def run_builtin(spec: Spec, prop: Property) -> Result:
    assert prop.check is not None
    return REGISTRY.runner(prop.kind, prop.check)(spec, prop, 50_000_000)


def _with_guard(spec: Spec, guard: str, formula: str) -> Spec:
    lifecycle = spec.document.lifecycle
    assert lifecycle is not None
    guards = [
        g.model_copy(update={"formula": formula}) if g.id == guard else g for g in lifecycle.guards
    ]
    return spec.with_document(
        spec.document.model_copy(
            update={"lifecycle": lifecycle.model_copy(update={"guards": guards})}
        )
    )


def test_a_possibility_is_shown_by_a_trace_the_machine_replays(
    spec: Spec, props: dict[str, Property]
) -> None:
    result = run_builtin(spec, props["lifecycle.acceptance-out-of-order-when-hindered"])
    assert result.status is Status.PROVED and result.met
    assert result.evidence is not None and result.evidence.data["claim"] == "possible"
    assert "witness" in result.evidence.data and "violation" not in result.evidence.data
    assert result.evidence.story["en"][-1].startswith("→ ")
    assert "replayed by the executable machine" in result.detail


def test_a_guard_stricter_than_the_text_makes_a_possibility_fail(
    spec: Spec, props: dict[str, Property]
) -> None:
    """第6条第1項 read as "in order and hindered": accepting in order, unhindered, can no
    longer happen. Proved impossible, which is no replayed counterexample: not met."""
    stricter = "not event.earlier_pending and event.hindered"
    strict = _with_guard(spec, "in-order-of-receipt", stricter)
    result = run_builtin(strict, props["lifecycle.acceptance-in-order-unhindered"])
    assert result.status is Status.VIOLATED and result.replayed is False and not result.met
    assert result.detail.startswith("never happens")
    assert result.evidence is not None and result.evidence.story["ja"][0].startswith("起こりえない")


def test_a_guard_looser_than_the_text_is_caught_by_never(
    spec: Spec, props: dict[str, Property]
) -> None:
    loose = _with_guard(spec, "notice-timely", "true")
    result = run_builtin(loose, props["lifecycle.no-late-notice-is-accepted"])
    assert result.status is Status.VIOLATED and result.replayed is True
    assert result.evidence is not None
    assert "not notice_timely" in result.evidence.story["en"][-1]


def test_a_step_taken_by_the_wrong_party_is_caught(spec: Spec, props: dict[str, Property]) -> None:
    lifecycle = spec.document.lifecycle
    assert lifecycle is not None
    transitions = [
        t.model_copy(update={"actor": "customer"}) if t.event == "accept" else t
        for t in lifecycle.transitions
    ]
    variant = _with_lifecycle(spec, lifecycle.model_copy(update={"transitions": transitions}))
    result = run_builtin(variant, props["lifecycle.the-company-answers-and-starts"])
    assert result.status is Status.VIOLATED and result.replayed is True
    assert result.evidence is not None
    assert "契約者が行う（当社が行うはず）" in result.evidence.story["ja"][-1]


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ('{ actor = "company", transitions = "accept, x" }', "transitions", "not a transition"),
        ('{ actor = "nobody", transitions = "accept" }', "actor", "not one of"),
        ('{ transition = "accept, refuse" }', "transition", "name one transition"),
        ('{ transition = "accept", when = "event.onn == event.on" }', "when", "event.onn"),
    ],
)
def test_a_bad_parameter_of_a_lifecycle_claim_names_the_property_and_field(
    spec: Spec, tmp_path: Path, given: str, field: str, message: str
) -> None:
    check = "taken-by" if "actor" in given else "never"
    (tmp_path / "p.toml").write_text(
        f"""[[property]]
id = "lifecycle.probe"
kind = "lifecycle"
check = "{check}"
with = {given}
articles = ["6-2"]
title_ja = "試し"
title_en = "probe"
expect = "holds"
""",
        encoding="utf-8",
    )
    (prop,) = load_properties(tmp_path, spec)
    with pytest.raises(InputError) as caught:
        run_builtin(spec, prop)
    assert caught.value.field == f"lifecycle.probe.with.{field}"
    assert message in str(caught.value)


# --- model.toml [lifecycle] errors ---------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('to = "notice-given"', 'to = "notice-givn"', "lifecycle.transitions.3.to"),
        ('initial = "applied"', 'initial = "aplied"', "lifecycle.initial"),
        ('guard = "notice-timely"', 'guard = "notice-tardy"', "lifecycle.transitions.3.guard"),
        ('state = "applied"', 'state = "apllied"', "lifecycle.forbidden.0.state"),
    ],
)
def test_an_unknown_name_is_reported_at_its_line(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED, folder)
    model = folder / "model.toml"
    text = model.read_text(encoding="utf-8")
    assert text.count(old) == 1
    broken = text.replace(old, new)
    model.write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_spec(folder)
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if new in row)
    assert f"model.toml:{line}:" in str(caught.value)
    assert caught.value.field == field


# --- model.toml [lifecycle]: what 第10条 allows, checked at load ----------------------------

_RESCISSIONS = [
    "rescind-for-nonperformance",
    "rescind-immediately",
    "rescind-for-start-delay",
    "rescind-for-antisocial-status",
    "rescind-for-antisocial-conduct",
]


def _set_in_transition(text: str, event: str, key: str, value: str) -> tuple[str, int]:
    """`text` with `key` of the transition of `event` set to `value`, and that line."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f'event = "{event}"\n')
    at = next(i for i in range(start, len(lines)) if lines[i].startswith(f"{key} = "))
    lines[at] = f'{key} = "{value}"\n'
    return "".join(lines), at + 1


@pytest.mark.parametrize(
    ("event", "key", "value"),
    [
        *(
            (event, "effect", "move-termination-month")
            for event in ["accept", "refuse", "start", *_RESCISSIONS, "extinguish"]
        ),
    ],
)
def test_the_termination_month_outside_the_notice_state_is_rejected_at_its_line(
    tmp_path: Path, event: str, key: str, value: str
) -> None:
    # These once loaded and then crashed the claims (termcheck mutate found them): moving
    # the termination month before any notice named it.
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED, folder)
    model = folder / "model.toml"
    text, line = _set_in_transition(model.read_text(encoding="utf-8"), event, key, value)
    model.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(folder)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (message,) = result.stderr.splitlines()
    assert re.search(rf"model\.toml:{line}:\d+: lifecycle\.transitions\.", message), message
    assert f".{key}: " in message and "a notice leads into" in message
