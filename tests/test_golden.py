"""The shipped terms against cases derived by hand from the articles.

Each golden case carries its derivation: the article that decides each figure and the
calendar steps that lead to it, so a reviewer can check the figure against the text of the
terms (model/usen-gate02-iij-id/terms.ja.md) without reading code. Every figure is asked of
both meanings a billing reviewer cares about: the model's own (its formulas, evaluated
concretely) and the hand-written billing implementation of the terms
(model/usen-gate02-iij-id/implementation/billing.py), which must agree with it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given

from termcheck.errors import ScenarioError
from termcheck.model.spec import Spec
from termcheck.semantics.calendar import Month
from termcheck.semantics.case import Outcome, evaluate
from termcheck.verify.implementation import of_model

from strategies import cases

FEE = 100_000


class Figures:
    """A case's figures: each attribute is the model's value, after checking that the
    hand-written implementation computes the same (where it implements the reading)."""

    def __init__(self, spec: Spec, outcome: Outcome) -> None:
        self.spec = spec
        self.outcome = outcome
        implementation = of_model(spec)
        assert implementation is not None
        answers, failure = implementation.run(outcome.facts)
        assert answers is not None, failure
        self.answers = answers

    def reading(self, name: str) -> str:
        return self.outcome.readings[name]

    def __getattr__(self, name: str) -> Any:
        entries = self.spec.vocabulary.entries
        if name not in entries:
            raise AttributeError(name)
        value = self.outcome.value(name)
        entry = entries[name]
        adopted = all(
            self.outcome.readings.get(q) == entries[q].adopted for q in entry.depends_on_readings
        )
        if entry.kind == "derived" and adopted:
            assert self.answers.get(name) == value, (name, self.answers.get(name), value)
        return value


def run(spec: Spec, readings: dict[str, str] | None = None, **facts: object) -> Figures:
    facts.setdefault("monthly_fee", FEE)
    return Figures(spec, evaluate(spec.vocabulary, facts, readings))


# --- the worked example ------------------------------------------------------------------


def test_worked_example(spec: Spec) -> None:
    # 提供開始日 2026-03-15, 月額 100,000円, 解約月 2026-10.
    # 第7条第1項: fees accrue from 提供開始日の翌月1日 → 2026-04-01.
    # 第9条第1項: 起算日 is the same day, 2026-04-01; it is named by the terms, so it counts
    #   (民法第138条), and 1年間 from the 1st of a month ends on the last day of the twelfth
    #   month (民法第143条) → 2027-03-31.
    # Service ends with the termination month → 2026-10-31; 第7条 bills April..October
    #   2026 → 7 months, 700,000円.
    # 第9条第2項: the remaining term is November 2026..March 2027 → 5 months; the penalty is
    #   the fees for them → 500,000円; billed + penalty = 12 fees = 1,200,000円.
    # 第10条 (end-of-month reading): 2 months before October is August → by 2026-08-31.
    out = run(
        spec,
        service_start=date(2026, 3, 15),
        termination_month=Month(2026, 10),
        notice_arrival=date(2026, 8, 31),
    )
    assert out.reckoning_day == date(2026, 4, 1)
    assert out.billing_start == date(2026, 4, 1)
    assert out.minimum_term_end == date(2027, 3, 31)
    assert out.service_end == date(2026, 10, 31)
    assert out.billed_months == 7
    assert out.billed_fees == 700_000
    assert out.within_minimum_term
    assert out.remaining_months == 5
    assert out.remaining_term_fees == 500_000
    assert out.penalty_applies
    assert out.penalty == 5 * FEE
    assert out.total_charged == 1_200_000
    assert out.minimum_commitment == 12 * FEE
    assert out.reading("notice_deadline") == "end-of-month"
    assert out.notice_deadline == date(2026, 8, 31)
    assert out.notice_timely is True


def test_worked_example_notice_one_day_late(spec: Spec) -> None:
    # 第10条: the notice counts when it arrives (到達); 2026-09-01 is after 2026-08-31.
    out = run(
        spec,
        service_start=date(2026, 3, 15),
        termination_month=Month(2026, 10),
        notice_arrival=date(2026, 9, 1),
    )
    assert out.notice_timely is False
    # The terms attach no consequence to lateness: the model ends the named month, and the
    # money is that of a timely notice (finding notice.late-notice-ends-the-month-it-names).
    assert out.penalty == 5 * FEE
    # Arriving in September, the notice is in time for November (its deadline 2026-09-30)
    # under the adopted reading; by the 1st, November's deadline is 2026-09-01, the day it
    # arrives; two clear months put it in time for December only (deadline 2026-09-30).
    assert out.earliest_termination_month == Month(2026, 11)
    for reading, earliest in (
        ("first-of-month", Month(2026, 11)),
        ("clear-months", Month(2026, 12)),
    ):
        read = run(
            spec,
            {"notice_deadline": reading},
            service_start=date(2026, 3, 15),
            termination_month=Month(2026, 10),
            notice_arrival=date(2026, 9, 1),
        )
        assert read.notice_timely is False and read.earliest_termination_month == earliest


def test_late_notice_at_the_end_of_the_term_costs_a_month(spec: Spec) -> None:
    # 第10条: named for 2027-03 (the minimum term's last month), arriving 2027-02-01: late by
    # a day (deadline 2027-01-31); the earliest month it is timely for is 2027-04.
    # Ending 2027-03: 12 fees, no remaining term (1,200,000円); ending 2027-04, as a reader
    # who holds a late notice to its earliest month would: 13 fees (1,300,000円).
    named = run(
        spec,
        service_start=date(2026, 3, 15),
        termination_month=Month(2027, 3),
        notice_arrival=date(2027, 2, 1),
    )
    assert named.notice_timely is False
    assert named.earliest_termination_month == Month(2027, 4)
    assert named.total_charged == 1_200_000
    earliest = run(
        spec,
        service_start=date(2026, 3, 15),
        termination_month=named.earliest_termination_month,
        notice_arrival=date(2027, 2, 1),
    )
    assert earliest.notice_timely is True and earliest.total_charged == 1_300_000


def test_no_notice_means_timeliness_unknown(spec: Spec) -> None:
    out = run(spec, service_start=date(2026, 3, 15), termination_month=Month(2026, 10))
    assert out.notice_timely is None


# --- the service start and the minimum term ----------------------------------------------


@pytest.mark.parametrize(
    ("start", "billing", "term_end"),
    [
        # Start on the 1st: 第7条 still says 翌月1日 → 2026-05-01, not 2026-04-01;
        # 第9条 reckons 12 months from 2026-05-01 → the end of April 2027 (民法第143条).
        (date(2026, 4, 1), date(2026, 5, 1), date(2027, 4, 30)),
        # Start on Dec 31: 翌月1日 wraps the year → 2027-01-01; 12 months → 2027-12-31.
        (date(2026, 12, 31), date(2027, 1, 1), date(2027, 12, 31)),
        # Start on Feb 29 2028: 翌月1日 → 2028-03-01; 12 months → 2029-02-28.
        (date(2028, 2, 29), date(2028, 3, 1), date(2029, 2, 28)),
        # Start on the last day of a 30-day month.
        (date(2026, 6, 30), date(2026, 7, 1), date(2027, 6, 30)),
    ],
)
def test_billing_start_and_minimum_term_end(
    spec: Spec, start: date, billing: date, term_end: date
) -> None:
    out = run(spec, service_start=start, termination_month=Month(start.year + 3, 1))
    assert out.reckoning_day == billing
    assert out.billing_start == billing
    assert out.minimum_term_end == term_end


def test_dec_31_start_terminating_mid_term(spec: Spec) -> None:
    # Start 2026-12-31: billing January 2027..June 2027 → 6 months; the term runs to
    # 2027-12-31 (第9条第1項), so July..December 2027 remain → 6 months (第9条第2項).
    out = run(spec, service_start=date(2026, 12, 31), termination_month=Month(2027, 6))
    assert out.billed_months == 6
    assert out.remaining_months == 6
    assert out.penalty == 6 * FEE


def test_feb_29_start_terminating_in_the_last_month(spec: Spec) -> None:
    # Start 2028-02-29: term March 2028..February 2029; ending with February 2029
    # leaves nothing of the term → no penalty; 12 months billed.
    out = run(spec, service_start=date(2028, 2, 29), termination_month=Month(2029, 2))
    assert out.billed_months == 12
    assert out.remaining_months == 0
    assert out.penalty == 0
    assert out.within_minimum_term


# --- where the termination month falls ---------------------------------------------------


def test_termination_in_the_service_start_month(spec: Spec) -> None:
    # Start 2026-03-15, terminate with March 2026: billing would start 2026-04-01 (第7条),
    # after the service ends (2026-03-31) → nothing billed. The whole term April 2026..
    # March 2027 remains (第9条第2項: 最低利用期間は提供開始日から) → 12 fees.
    out = run(spec, service_start=date(2026, 3, 15), termination_month=Month(2026, 3))
    assert out.billed_months == 0
    assert out.billed_fees == 0
    assert out.remaining_months == 12
    assert out.penalty_applies
    assert out.penalty == 12 * FEE
    assert out.total_charged == 12 * FEE


def test_termination_in_the_last_month_of_the_term(spec: Spec) -> None:
    # Terminating with March 2027 ends the service on 2027-03-31 = the term's end (第9条第1項):
    # nothing remains → no penalty (第9条第2項); April 2026..March 2027 billed → 12.
    out = run(spec, service_start=date(2026, 3, 15), termination_month=Month(2027, 3))
    assert out.within_minimum_term
    assert out.billed_months == 12
    assert out.remaining_months == 0
    assert not out.penalty_applies
    assert out.penalty == 0
    assert out.total_charged == 12 * FEE


def test_termination_after_the_term(spec: Spec) -> None:
    # Terminating with August 2027, after the term ended 2027-03-31: outside 最低利用期間内
    # (第9条第2項) → no penalty; April 2026..August 2027 billed → 17 months (第7条).
    out = run(spec, service_start=date(2026, 3, 15), termination_month=Month(2027, 8))
    assert not out.within_minimum_term
    assert out.billed_months == 17
    assert out.remaining_months == 0
    assert out.penalty == 0
    assert out.total_charged == 17 * FEE


# --- grounds: 第9条第2項 lists 第10条, 第11条第1項 and 第16条第2項 only ----------------------


@pytest.mark.parametrize(
    ("ground", "owes"),
    [
        ("customer", True),  # 第10条 解約
        ("nonperformance", True),  # 第11条第1項 催告後の解除
        ("antisocial-status", True),  # 第16条第2項
        ("immediate", False),  # 第11条第2項: not listed in 第9条第2項
        ("start-delay", False),  # 第11条第4項: not listed
        ("antisocial-conduct", False),  # 第16条第3項: not listed
    ],
)
def test_penalty_only_on_the_listed_grounds(spec: Spec, ground: str, owes: bool) -> None:
    # Worked example's dates: 5 months remain, so the penalty is 5 fees where it applies.
    out = run(
        spec,
        service_start=date(2026, 3, 15),
        termination_month=Month(2026, 10),
        ground=ground,
    )
    assert out.remaining_months == 5
    assert out.penalty_applies is owes
    assert out.penalty == (5 * FEE if owes else 0)
    assert out.total_charged == 7 * FEE + out.penalty


# --- 第10条 "解約月を指定し、その2ヶ月前までに": the three readings ---------------------------


@pytest.mark.parametrize(
    ("termination", "end_of_month", "first_of_month", "clear_months"),
    [
        # June 2027 (REFERENCES): June − 2 = April → 04-30 / 04-01; two clear months
        # (April and May whole) → by the end of March.
        (Month(2027, 6), date(2027, 4, 30), date(2027, 4, 1), date(2027, 3, 31)),
        # Across the year boundary: January 2027 − 2 = November 2026; − 3 = October 2026.
        (Month(2027, 1), date(2026, 11, 30), date(2026, 11, 1), date(2026, 10, 31)),
        # February 2027 − 2 = December 2026; − 3 = November 2026.
        (Month(2027, 2), date(2026, 12, 31), date(2026, 12, 1), date(2026, 11, 30)),
        # March 2027 − 2 = January 2027; − 3 = December 2026.
        (Month(2027, 3), date(2027, 1, 31), date(2027, 1, 1), date(2026, 12, 31)),
    ],
)
def test_notice_deadline_under_each_reading(
    spec: Spec,
    termination: Month,
    end_of_month: date,
    first_of_month: date,
    clear_months: date,
) -> None:
    expected = {
        "end-of-month": end_of_month,
        "first-of-month": first_of_month,
        "clear-months": clear_months,
    }
    for reading, deadline in expected.items():
        out = run(
            spec,
            service_start=date(2026, 3, 15),
            termination_month=termination,
            readings={"notice_deadline": reading},
        )
        assert out.reading("notice_deadline") == reading
        assert out.notice_deadline == deadline


def test_readings_disagree_on_a_notice_arriving_mid_april(spec: Spec) -> None:
    # For June 2027, a notice arriving 2027-04-15 is in time only under end-of-month.
    verdicts = {
        reading: run(
            spec,
            service_start=date(2026, 3, 15),
            termination_month=Month(2027, 6),
            notice_arrival=date(2027, 4, 15),
            readings={"notice_deadline": reading},
        ).notice_timely
        for reading in ("end-of-month", "first-of-month", "clear-months")
    }
    assert verdicts == {
        "end-of-month": True,
        "first-of-month": False,
        "clear-months": False,
    }


# --- 第11条第4項: 利用開始予定日の属する月の翌月末 ---------------------------------------------


@pytest.mark.parametrize(
    ("planned", "deadline"),
    [
        # Planned 2026-01-31: its month is January; the month after is February → 02-28.
        (date(2026, 1, 31), date(2026, 2, 28)),
        # Planned 2026-12-10: December's next month is January 2027 → 2027-01-31.
        (date(2026, 12, 10), date(2027, 1, 31)),
        # Planned 2027-12-31, leap February ahead is not involved: January 2028 → 01-31.
        (date(2027, 12, 31), date(2028, 1, 31)),
        # Planned in January of a leap year → the end of February is the 29th.
        (date(2028, 1, 5), date(2028, 2, 29)),
    ],
)
def test_start_delay_deadline(spec: Spec, planned: date, deadline: date) -> None:
    on_time = run(
        spec,
        service_start=deadline,
        planned_start=planned,
        termination_month=Month(deadline.year + 2, 1),
    )
    assert on_time.start_delay_deadline == deadline
    # Starting on the deadline day itself is not "過ぎても".
    assert not on_time.start_delay_rescindable
    late = run(
        spec,
        service_start=date.fromordinal(deadline.toordinal() + 1),
        planned_start=planned,
        termination_month=Month(deadline.year + 2, 1),
    )
    assert late.start_delay_deadline == deadline
    assert late.start_delay_rescindable


def test_planned_start_defaults_to_the_service_start(spec: Spec) -> None:
    out = run(spec, service_start=date(2026, 3, 15), termination_month=Month(2026, 10))
    assert out.planned_start == date(2026, 3, 15)
    assert out.start_delay_deadline == date(2026, 4, 30)
    assert not out.start_delay_rescindable


# --- 第13条: 支払った1年間の総額 ------------------------------------------------------------


def test_liability_cap_in_the_service_start_month(spec: Spec) -> None:
    # Start 2026-03-15, incident 2026-03-20: billing starts 2026-04-01 (第7条), so nothing
    # has been billed by the incident's month → the cap is 0 under paid-last-year, and
    # 12 fees under annual-fee (第13条 read as 月額料金の12ヶ月分).
    facts = {
        "service_start": date(2026, 3, 15),
        "termination_month": Month(2028, 12),
        "incident_date": date(2026, 3, 20),
    }
    paid = run(spec, **facts, readings={"liability_cap": "paid-last-year"})
    annual = run(spec, **facts, readings={"liability_cap": "annual-fee"})
    assert paid.liability_cap == 0
    assert annual.liability_cap == 12 * FEE
    # The adopted reading is paid-last-year.
    assert run(spec, **facts).liability_cap == 0


def test_liability_cap_twenty_months_in(spec: Spec) -> None:
    # Start 2026-03-15, incident 2027-11-15 (20 months after March 2026): the twelve
    # months up to the incident are December 2026..November 2027, all billed → 12 fees.
    facts = {
        "service_start": date(2026, 3, 15),
        "termination_month": Month(2028, 12),
        "incident_date": date(2027, 11, 15),
    }
    assert run(spec, **facts, readings={"liability_cap": "paid-last-year"}).liability_cap == (
        12 * FEE
    )
    assert run(spec, **facts, readings={"liability_cap": "annual-fee"}).liability_cap == (12 * FEE)


def test_liability_cap_five_months_in(spec: Spec) -> None:
    # Incident 2026-08-10: April..August 2026 billed → 5 fees under paid-last-year.
    out = run(
        spec,
        service_start=date(2026, 3, 15),
        termination_month=Month(2028, 12),
        incident_date=date(2026, 8, 10),
    )
    assert out.liability_cap == 5 * FEE


def test_no_incident_no_cap(spec: Spec) -> None:
    out = run(spec, service_start=date(2026, 3, 15), termination_month=Month(2026, 10))
    assert out.liability_cap is None


# --- scenarios outside the terms ---------------------------------------------------------


def test_termination_month_before_the_service_start_month(spec: Spec) -> None:
    with pytest.raises(ScenarioError) as caught:
        run(spec, service_start=date(2026, 3, 15), termination_month=Month(2026, 2))
    assert caught.value.field == "termination_month"
    assert "termination_month" in str(caught.value)


def test_negative_fee_is_refused(spec: Spec) -> None:
    with pytest.raises(ScenarioError) as caught:
        run(
            spec,
            service_start=date(2026, 3, 15),
            termination_month=Month(2026, 10),
            monthly_fee=-5,
        )
    assert caught.value.field == "monthly_fee"


def test_date_outside_the_horizon_is_refused(spec: Spec) -> None:
    with pytest.raises(ScenarioError) as caught:
        run(spec, service_start=date(1899, 12, 31), termination_month=Month(1900, 6))
    assert caught.value.field == "service_start"


# --- properties ------------------------------------------------------------------------


@given(cases())
def test_money_properties(spec: Spec, case: dict[str, object]) -> None:
    out = run(spec, **case)
    assert out.penalty >= 0
    assert out.penalty <= out.remaining_term_fees <= out.minimum_commitment
    if out.penalty_applies:
        assert out.billed_fees + out.penalty == out.minimum_commitment
    else:
        assert out.penalty == 0
    assert out.total_charged == out.billed_fees + out.penalty
    assert out.billed_fees == out.billed_months * case["monthly_fee"]
    for name in (
        "billed_fees",
        "remaining_term_fees",
        "minimum_commitment",
        "penalty",
        "total_charged",
        "liability_cap",
    ):
        assert type(getattr(out, name)) is int, name


@given(cases())
def test_month_counts_add_up_within_the_term(spec: Spec, case: dict[str, object]) -> None:
    out = run(spec, **case)
    term = spec.vocabulary.constants["minimum_term_months"]
    assert isinstance(term, int)
    assert 0 <= out.remaining_months <= term
    if out.within_minimum_term:
        # 第7条 bills the term's months up to the service end; 第9条第2項 the rest.
        assert out.billed_months + out.remaining_months == term
    else:
        assert out.remaining_months == 0
        assert out.billed_months > term
