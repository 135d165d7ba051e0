"""The two implementations agree: the Z3 encoding at a scenario equals the rules' result.

Run deeper with `TERMCHECK_PROFILE=thorough python -m pytest tests/test_crosscheck.py`.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from termcheck.calendar import Month
from termcheck.encoding import evaluate_at
from termcheck.rules import Outcome, Scenario, evaluate
from termcheck.spec import Spec
from termcheck.vocabulary import DERIVED, QUANTITIES, Kind, LiabilityReading, NoticeReading

from strategies import model_variants, scenarios


def _disagreements(spec: Spec, scenario: Scenario) -> list[str]:
    outcome: Outcome = evaluate(spec, scenario)
    symbolic = evaluate_at(spec, scenario)
    return [
        f"{q.name}: rules {outcome.value(q.name)!r}, Z3 {symbolic[q.name]!r}"
        for q in DERIVED
        if outcome.value(q.name) != symbolic[q.name]
    ]


def test_every_vocabulary_name_has_both_implementations(spec: Spec) -> None:
    scenario = Scenario(
        date(2026, 3, 15),
        100_000,
        Month(2026, 10),
        notice_arrival=date(2026, 8, 31),
        incident_date=date(2026, 5, 1),
    )
    outcome = evaluate(spec, scenario)
    symbolic = evaluate_at(spec, scenario)
    for quantity in QUANTITIES:
        if quantity.kind is Kind.DERIVED:
            assert quantity.name in symbolic
        if quantity.kind is not Kind.PARAMETER:
            assert outcome.value(quantity.name) is not None


@given(scenario=scenarios())
@example(
    Scenario(
        date(2026, 3, 15),
        100_000,
        Month(2026, 10),
        notice_arrival=date(2026, 8, 31),
        notice_reading=NoticeReading.END_OF_MONTH,
        planned_start=date(2026, 3, 15),
        incident_date=date(2026, 3, 20),
        liability_reading=LiabilityReading.PAID_LAST_YEAR,
    )
)
@example(
    Scenario(
        date(2399, 12, 31),
        1,
        Month(2399, 12),
        notice_arrival=date(1900, 1, 1),
        notice_reading=NoticeReading.CLEAR_MONTHS,
        planned_start=date(2399, 12, 31),
        incident_date=date(2399, 12, 31),
        liability_reading=LiabilityReading.ANNUAL_FEE,
    )
)
@example(
    Scenario(
        date(2028, 2, 29),
        7,
        Month(2029, 2),
        notice_arrival=date(2028, 12, 31),
        notice_reading=NoticeReading.FIRST_OF_MONTH,
        planned_start=date(2028, 1, 31),
        incident_date=date(2029, 2, 28),
        liability_reading=LiabilityReading.PAID_LAST_YEAR,
    )
)
def test_encoding_agrees_with_rules_on_the_shipped_model(spec: Spec, scenario: Scenario) -> None:
    assert _disagreements(spec, scenario) == []


@given(data=st.data(), scenario=scenarios())
def test_encoding_agrees_with_rules_on_model_variants(
    spec: Spec, data: st.DataObject, scenario: Scenario
) -> None:
    variant = data.draw(model_variants(spec))
    assert _disagreements(variant, scenario) == []


@pytest.mark.parametrize("reading", list(NoticeReading))
def test_year_boundary_deadlines_agree(spec: Spec, reading: NoticeReading) -> None:
    for month in (1, 2, 3, 12):
        scenario = Scenario(
            date(2025, 12, 25),
            100_000,
            Month(2027, month),
            notice_arrival=date(2026, 12, 31),
            notice_reading=reading,
            incident_date=date(2027, 1, 31),
        )
        assert _disagreements(spec, scenario) == []
