"""Known findings pinned as concrete customers, and proved properties sampled concretely.

Each finding below is a counterexample `termcheck verify` found, written out by hand so
that it stays a regression example even if the solver's choice of witness changes. The
Hypothesis test evaluates every proved single-customer property concretely on random
customers (the model's formulas and the hand-written implementation): neither may ever
contradict a proof.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given

from termcheck import load_properties
from termcheck.model.spec import Spec
from termcheck.semantics.calendar import Month
from termcheck.semantics.case import evaluate
from termcheck.verify.implementation import disagreements, of_model
from termcheck.verify.properties import Property
from termcheck.verify.scenario import replay_property

from strategies import cases

Customer = tuple[dict[str, object], dict[str, str]]  # facts and readings

PROPERTIES = Path(__file__).resolve().parents[1] / "properties"


@pytest.fixture(scope="module")
def properties(spec: Spec) -> dict[str, Property]:
    return {p.id: p for p in load_properties(PROPERTIES, spec) if p.kind == "scenario"}


def customer(readings: dict[str, str] | None = None, **changes: object) -> Customer:
    base: dict[str, object] = {
        "service_start": date(2026, 3, 15),
        "monthly_fee": 100_000,
        "termination_month": Month(2026, 10),
        "ground": "customer",
        "notice_arrival": date(2026, 8, 31),
        "planned_start": date(2026, 3, 15),
        "incident_date": date(2026, 5, 1),
    }
    return {**base, **changes}, readings or {}


FIRST_OF_MONTH = {"notice_deadline": "first-of-month"}
CLEAR_MONTHS = {"notice_deadline": "clear-months"}

FINDINGS: list[tuple[str, dict[str, Customer]]] = [
    # 第11条第2項: rescinded at once for a breach, seven months into the term: no penalty.
    ("penalty.every-company-rescission", {"": customer(ground="immediate")}),
    ("penalty.every-company-rescission", {"": customer(ground="antisocial-conduct")}),
    ("penalty.every-company-rescission", {"": customer(ground="start-delay")}),
    (
        "penalty.conduct-as-status",
        {
            "a": customer(ground="antisocial-status"),
            "b": customer(ground="antisocial-conduct"),
        },
    ),
    (
        "penalty.immediate-not-cheaper-than-demand",
        {"a": customer(ground="nonperformance"), "b": customer(ground="immediate")},
    ),
    # 第10条: a notice arriving on 2026-08-15 for October 2026.
    (
        "notice.readings.end-of-month-vs-first-of-month",
        {
            "a": customer(notice_arrival=date(2026, 8, 15)),
            "b": customer(FIRST_OF_MONTH, notice_arrival=date(2026, 8, 15)),
        },
    ),
    (
        "notice.readings.end-of-month-vs-clear-months",
        {
            "a": customer(notice_arrival=date(2026, 8, 1)),
            "b": customer(CLEAR_MONTHS, notice_arrival=date(2026, 8, 1)),
        },
    ),
    (
        "notice.readings.first-of-month-vs-clear-months",
        {
            "a": customer(FIRST_OF_MONTH, notice_arrival=date(2026, 8, 1)),
            "b": customer(CLEAR_MONTHS, notice_arrival=date(2026, 8, 1)),
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
    # 第7条: terminated in the service-start month, nothing is billed at all.
    (
        "billing.start-month-termination-billed-nothing",
        {"": customer(termination_month=Month(2026, 3), notice_arrival=date(2026, 3, 20))},
    ),
    # 第13条, read five ways: damage in the first month of the second contract year (1 fee
    # in that year, 12 in the year before it), damage in the second billed month (2 fees
    # billed, 1 paid), and the tax (200,000円 against 220,000円).
    (
        "liability.readings.last-twelve-months-vs-contract-year",
        {
            "a": customer(incident_date=date(2027, 4, 10), termination_month=Month(2027, 10)),
            "b": customer(incident_date=date(2027, 4, 10), termination_month=Month(2027, 10)),
        },
    ),
    ("liability.readings.billed-vs-paid-before-the-incident", {"a": customer(), "b": customer()}),
    ("liability.readings.before-tax-vs-with-tax", {"a": customer(), "b": customer()}),
    # 第10条 なお書き: the company names 2027-06 instead of 2026-10 (three more months
    # billed past the term), or 2026-09 (the same 1,200,000円 for a month less).
    (
        "notice.company-named-later-month-bills-more",
        {"a": customer(), "b": customer(termination_month=Month(2027, 6))},
    ),
    (
        "notice.company-named-earlier-month-charges-the-same",
        {"a": customer(), "b": customer(termination_month=Month(2026, 9))},
    ),
    # 第10条: a notice arriving on 2026-09-01 for 2026-10 is a day late; the earliest month
    # it is timely for is 2026-11. Named for 2027-03, the last month of the term, and
    # arriving 2027-02-01, it ends 2027-03 (1,200,000円) or 2027-04 (1,300,000円).
    (
        "notice.late-notice-ends-the-month-it-names",
        {"": customer(notice_arrival=date(2026, 9, 1))},
    ),
    (
        "notice.late-notice-changes-the-total",
        {
            "a": customer(termination_month=Month(2027, 3), notice_arrival=date(2027, 2, 1)),
            "b": customer(termination_month=Month(2027, 4), notice_arrival=date(2027, 2, 1)),
        },
    ),
    # 第9条第2項 「最低利用期間内に」: an ending in the service-start month, before the term.
    (
        "penalty.readings.before-the-term-ends-vs-within-the-term",
        {
            "a": customer(termination_month=Month(2026, 3), notice_arrival=date(2026, 3, 20)),
            "b": customer(termination_month=Month(2026, 3), notice_arrival=date(2026, 3, 20)),
        },
    ),
    # 第6条第2項・第10条: formed on 2026-01-10, terminated for 2026-02, before the service
    # starts on 2026-03-15: the whole term's 1,200,000円 under the adopted reading.
    (
        "penalty.ending-before-the-service-start",
        {
            "": customer(
                application_date=date(2026, 1, 10),
                termination_month=Month(2026, 2),
                notice_arrival=date(2026, 1, 20),
            )
        },
    ),
]


@pytest.mark.parametrize(("property_id", "customers"), FINDINGS)
def test_known_finding_replays(
    spec: Spec,
    properties: dict[str, Property],
    property_id: str,
    customers: dict[str, Customer],
) -> None:
    prop = properties[property_id]
    assert prop.expect == "finding"
    implementation = of_model(spec)
    assert implementation is not None
    outcomes = {}
    for name, (facts, readings) in customers.items():
        outcome = evaluate(spec.vocabulary, facts, {**readings, **prop.pinned.get(name, {})})
        assert disagreements(spec, implementation, outcome, name) == []
        outcomes[name] = outcome
    assumption, assertion = replay_property(spec, prop, outcomes)
    assert assumption and not assertion


def test_every_finding_has_a_regression_example(properties: dict[str, Property]) -> None:
    pinned = {property_id for property_id, _ in FINDINGS}
    findings = {p.id for p in properties.values() if p.expect == "finding"}
    assert findings <= pinned


@given(case=cases())
def test_proved_properties_hold_on_random_customers(
    spec: Spec, properties: dict[str, Property], case: dict[str, object]
) -> None:
    for prop in properties.values():
        if prop.expect != "holds" or prop.scenarios or prop.every_reading:
            continue
        outcome = evaluate(spec.vocabulary, case, prop.pinned.get("", {}))
        assumption, assertion = replay_property(spec, prop, {"": outcome})
        assert not assumption or assertion, prop.id
