"""The executable terms: what a billing system would run, one function per provision.

:func:`evaluate` is a pure function from (spec, scenario) to every derived quantity of
the vocabulary. Its symbolic twin is :mod:`termcheck.encoding`; the cross-check tests
prove they agree, and every counterexample Z3 finds is replayed here before it is
reported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from termcheck import calendar as cal
from termcheck.calendar import Month
from termcheck.errors import ScenarioError
from termcheck.spec import BillingStart, PenaltyBasis, Spec
from termcheck.vocabulary import Ground, LiabilityReading, NoticeReading

# Fees are whole yen; the bound keeps the solver's search finite and is far above any
# monthly fee of this service.
MAX_MONTHLY_FEE = 10**9


@dataclass(frozen=True)
class Scenario:
    """One customer's facts: the inputs of the vocabulary.

    Optional facts default sensibly for `termcheck calc`: no notice, the adopted
    readings, a planned start equal to the service start, no incident.
    """

    service_start: date
    monthly_fee: int
    termination_month: Month
    ground: Ground = Ground.CUSTOMER
    notice_arrival: date | None = None
    notice_reading: NoticeReading | None = None
    planned_start: date | None = None
    incident_date: date | None = None
    liability_reading: LiabilityReading | None = None


@dataclass(frozen=True)
class Outcome:
    """Every derived quantity of the vocabulary, for one scenario, with its inputs."""

    scenario: Scenario
    notice_reading: NoticeReading
    liability_reading: LiabilityReading
    planned_start: date
    reckoning_day: date
    billing_start: date
    service_end: date
    billed_months: int
    billed_fees: int
    minimum_term_end: date
    within_minimum_term: bool
    remaining_months: int
    remaining_term_fees: int
    minimum_commitment: int
    penalty_applies: bool
    penalty: int
    total_charged: int
    notice_deadline: date
    notice_timely: bool | None
    start_delay_deadline: date
    start_delay_rescindable: bool
    liability_cap: int | None

    def value(self, name: str) -> Any:
        """The value of a vocabulary name: an input or a derived quantity."""
        if name in _RESOLVED_INPUTS:
            return getattr(self, name)
        if hasattr(self.scenario, name):
            return getattr(self.scenario, name)
        return getattr(self, name)

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        del values["scenario"]
        return values


_RESOLVED_INPUTS = {"notice_reading", "liability_reading", "planned_start"}


# --- 第7条, 第9条: billing and the minimum term ------------------------------------


def reckoning_day(service_start: date) -> date:
    """第9条第1項: 提供開始日の翌月1日を起算日として."""
    return cal.first_of_next_month(service_start)


def billing_start(spec: Spec, service_start: date) -> date:
    """第7条第1項: 料金は提供開始日の翌月1日から発生する."""
    if spec.document.billing.start is BillingStart.SERVICE_START:
        return service_start
    return cal.first_of_next_month(service_start)


def service_end(termination_month: Month) -> date:
    """The service ends with the termination month (model.toml [service_end])."""
    return termination_month.last_day


def billed_months(start: date, end: date) -> int:
    """第7条第1項: months from the billing start's month to the service end's month.

    Zero when the service ends before billing starts (termination in the start month).
    """
    return max(0, cal.months_between(cal.month_of(start), cal.month_of(end)) + 1)


def minimum_term_end(spec: Spec, service_start: date) -> date:
    """第9条第1項 with 民法第143条: the last day of the twelfth month from the reckoning day."""
    return cal.period_end(
        reckoning_day(service_start), spec.minimum_term_months, first_day_counts=True
    )


def remaining_months(spec: Spec, service_start: date, end: date) -> int:
    """第9条第2項 残余の期間: months of the minimum term after the service-end month.

    Counted as a subset of the term's months, so it never exceeds the term's length
    whatever the termination month.
    """
    term_first = cal.month_of(reckoning_day(service_start))
    term_last = cal.month_of(minimum_term_end(spec, service_start))
    after = max(cal.month_of(end), term_first.shift(-1))
    return max(0, cal.months_between(after, term_last))


def penalty_applies(spec: Spec, ground: Ground, remaining: int) -> bool:
    """第9条第2項: ended within the minimum term, on a ground the paragraph lists."""
    return ground in spec.penalty_grounds and remaining > 0


def penalty(spec: Spec, ground: Ground, remaining: int, monthly_fee: int) -> int:
    """第9条第2項: the remaining-term fees, on the grounds the paragraph lists."""
    if not penalty_applies(spec, ground, remaining):
        return 0
    if spec.document.penalty.basis is PenaltyBasis.FIXED_MONTHS:
        fixed = spec.document.penalty.months
        assert fixed is not None  # enforced by the model's validation
        return fixed * monthly_fee
    return remaining * monthly_fee


# --- 第10条: the customer's notice -----------------------------------------------------


def notice_deadline(termination_month: Month, months: int, reading: NoticeReading) -> date:
    """第10条 "その2ヶ月前までに", under the given reading."""
    if reading is NoticeReading.END_OF_MONTH:
        return termination_month.shift(-months).last_day
    if reading is NoticeReading.FIRST_OF_MONTH:
        return termination_month.shift(-months).first_day
    return termination_month.shift(-months - 1).last_day


def notice_timely(arrival: date, deadline: date) -> bool:
    """第10条: a notice counts when it arrives (到達), by the end of the deadline day."""
    return arrival <= deadline


# --- 第11条第4項, 第13条 -----------------------------------------------------------------


def start_delay_deadline(spec: Spec, planned_start: date) -> date:
    """第11条第4項: 利用開始予定日の属する月の翌月末."""
    months_after = spec.document.start_delay.months_after_planned_month
    return cal.month_of(planned_start).shift(months_after).last_day


def liability_cap(
    spec: Spec,
    reading: LiabilityReading,
    incident: date,
    billing_first: date,
    end: date,
    monthly_fee: int,
) -> int:
    """第13条: 支払った1年間の総額, under the given reading."""
    months = spec.document.liability.months
    if reading is LiabilityReading.ANNUAL_FEE:
        return months * monthly_fee
    window_last = min(cal.month_of(incident), cal.month_of(end))
    window_first = max(cal.month_of(incident).shift(1 - months), cal.month_of(billing_first))
    return max(0, cal.months_between(window_first, window_last) + 1) * monthly_fee


# --- The whole scenario ------------------------------------------------------------------


def check_scenario(scenario: Scenario) -> None:
    """Refuse scenarios the terms do not cover, naming the input at fault."""
    if not 0 <= scenario.monthly_fee <= MAX_MONTHLY_FEE:
        raise ScenarioError(
            f"{scenario.monthly_fee} is not a monthly fee in yen (0..{MAX_MONTHLY_FEE:,})",
            field="monthly_fee",
        )
    for name in ("service_start", "notice_arrival", "planned_start", "incident_date"):
        value = getattr(scenario, name)
        if value is not None:
            cal.check_in_horizon(value, name)
    month = scenario.termination_month
    cal.check_in_horizon(month.first_day, "termination_month")
    start_month = cal.month_of(scenario.service_start)
    if month < start_month:
        # 第8条 forbids withdrawing an application and 第10条 terminates a running
        # contract: a termination month before the service starts is outside the terms.
        raise ScenarioError(
            f"termination month {month} is before the service-start month {start_month}; "
            "the terms only end a contract whose service has started (第8条, 第10条)",
            field="termination_month",
        )


def evaluate(spec: Spec, scenario: Scenario) -> Outcome:
    """Every derived quantity for `scenario` under `spec`; raises ScenarioError."""
    check_scenario(scenario)
    reading = scenario.notice_reading or spec.adopted_notice_reading
    liability_reading = scenario.liability_reading or spec.adopted_liability_reading
    planned = scenario.planned_start or scenario.service_start
    fee = scenario.monthly_fee

    first_billed = billing_start(spec, scenario.service_start)
    end = service_end(scenario.termination_month)
    billed = billed_months(first_billed, end)
    term_end = minimum_term_end(spec, scenario.service_start)
    remaining = remaining_months(spec, scenario.service_start, end)
    owed = penalty(spec, scenario.ground, remaining, fee)
    deadline = notice_deadline(scenario.termination_month, spec.notice_months, reading)
    delay_deadline = start_delay_deadline(spec, planned)
    arrival = scenario.notice_arrival
    incident = scenario.incident_date
    return Outcome(
        scenario=scenario,
        notice_reading=reading,
        liability_reading=liability_reading,
        planned_start=planned,
        reckoning_day=reckoning_day(scenario.service_start),
        billing_start=first_billed,
        service_end=end,
        billed_months=billed,
        billed_fees=billed * fee,
        minimum_term_end=term_end,
        within_minimum_term=end <= term_end,
        remaining_months=remaining,
        remaining_term_fees=remaining * fee,
        minimum_commitment=spec.minimum_term_months * fee,
        penalty_applies=penalty_applies(spec, scenario.ground, remaining),
        penalty=owed,
        total_charged=billed * fee + owed,
        notice_deadline=deadline,
        notice_timely=None if arrival is None else notice_timely(arrival, deadline),
        start_delay_deadline=delay_deadline,
        start_delay_rescindable=scenario.service_start > delay_deadline,
        liability_cap=None
        if incident is None
        else liability_cap(spec, liability_reading, incident, first_billed, end, fee),
    )
