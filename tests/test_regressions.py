"""Known findings pinned as concrete customers, and proved properties sampled on the rules.

Each finding below is a counterexample `termcheck verify` found, written out by hand so
that it stays a regression example even if the solver's choice of witness changes. The
Hypothesis test evaluates every proved single-customer property concretely on random
customers: the rules must never contradict a proof.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given

from termcheck.calendar import Month
from termcheck.check import replay_scenarios
from termcheck.properties import Property, load_properties
from termcheck.rules import Scenario
from termcheck.spec import Spec
from termcheck.vocabulary import Ground, LiabilityReading, NoticeReading

from strategies import scenarios

PROPERTIES = Path(__file__).resolve().parents[1] / "properties"


@pytest.fixture(scope="module")
def properties(spec: Spec) -> dict[str, Property]:
    return {p.id: p for p in load_properties(PROPERTIES, spec) if p.kind == "scenario"}


def customer(**changes: object) -> Scenario:
    base: dict[str, object] = {
        "service_start": date(2026, 3, 15),
        "monthly_fee": 100_000,
        "termination_month": Month(2026, 10),
        "ground": Ground.CUSTOMER,
        "notice_arrival": date(2026, 8, 31),
        "notice_reading": NoticeReading.END_OF_MONTH,
        "planned_start": date(2026, 3, 15),
        "incident_date": date(2026, 5, 1),
        "liability_reading": LiabilityReading.PAID_LAST_YEAR,
    }
    return Scenario(**{**base, **changes})  # type: ignore[arg-type]


FINDINGS: list[tuple[str, dict[str, Scenario]]] = [
    # 第11条第2項: rescinded at once for a breach, seven months into the term: no penalty.
    ("penalty.every-company-rescission", {"": customer(ground=Ground.IMMEDIATE)}),
    ("penalty.every-company-rescission", {"": customer(ground=Ground.ANTISOCIAL_CONDUCT)}),
    ("penalty.every-company-rescission", {"": customer(ground=Ground.START_DELAY)}),
    (
        "penalty.conduct-as-status",
        {
            "a": customer(ground=Ground.ANTISOCIAL_STATUS),
            "b": customer(ground=Ground.ANTISOCIAL_CONDUCT),
        },
    ),
    (
        "penalty.immediate-not-cheaper-than-demand",
        {"a": customer(ground=Ground.NONPERFORMANCE), "b": customer(ground=Ground.IMMEDIATE)},
    ),
    # 第10条: a notice arriving on 2026-08-15 for October 2026.
    (
        "notice.readings.end-of-month-vs-first-of-month",
        {
            "a": customer(notice_arrival=date(2026, 8, 15)),
            "b": customer(
                notice_arrival=date(2026, 8, 15), notice_reading=NoticeReading.FIRST_OF_MONTH
            ),
        },
    ),
    (
        "notice.readings.end-of-month-vs-clear-months",
        {
            "a": customer(notice_arrival=date(2026, 8, 1)),
            "b": customer(
                notice_arrival=date(2026, 8, 1), notice_reading=NoticeReading.CLEAR_MONTHS
            ),
        },
    ),
    (
        "notice.readings.first-of-month-vs-clear-months",
        {
            "a": customer(
                notice_arrival=date(2026, 8, 1), notice_reading=NoticeReading.FIRST_OF_MONTH
            ),
            "b": customer(
                notice_arrival=date(2026, 8, 1), notice_reading=NoticeReading.CLEAR_MONTHS
            ),
        },
    ),
    # 第7条: the days from 2026-03-15 to 2026-03-31 are not billed.
    ("billing.start-month-is-free", {"": customer()}),
    # 第13条: damage on 2026-03-20, before the first billed month: a cap of 0円.
    ("liability.cap-positive-while-provided", {"": customer(incident_date=date(2026, 3, 20))}),
    # 第11条第4項: planned for 2026-01-31, rescindable after 2026-02-28: 28 days.
    (
        "start-delay.grace-at-least-thirty-days",
        {"": customer(planned_start=date(2026, 1, 31), service_start=date(2026, 3, 15))},
    ),
]


@pytest.mark.parametrize(("property_id", "customers"), FINDINGS)
def test_known_finding_replays_in_the_rules(
    spec: Spec,
    properties: dict[str, Property],
    property_id: str,
    customers: dict[str, Scenario],
) -> None:
    prop = properties[property_id]
    assert prop.expect == "finding"
    assumption, assertion = replay_scenarios(spec, prop, customers)
    assert assumption and not assertion


def test_every_finding_has_a_regression_example(properties: dict[str, Property]) -> None:
    pinned = {property_id for property_id, _ in FINDINGS}
    findings = {p.id for p in properties.values() if p.expect == "finding"}
    assert findings <= pinned


@given(scenario=scenarios())
def test_proved_properties_hold_on_random_customers(
    spec: Spec, properties: dict[str, Property], scenario: Scenario
) -> None:
    adopted = customer(
        **{
            field: getattr(scenario, field)
            for field in ("service_start", "monthly_fee", "termination_month", "ground")
        },
        notice_arrival=scenario.notice_arrival,
        planned_start=scenario.planned_start,
        incident_date=scenario.incident_date,
    )
    for prop in properties.values():
        if prop.expect != "holds" or prop.scenarios:
            continue
        assumption, assertion = replay_scenarios(spec, prop, {"": adopted})
        assert not assumption or assertion, prop.id
