"""The billing rules of the USEN GATE 02 IIJ ID service agreement (2025-12-25), by hand.

This is what a billing system runs: one function per provision, written from the terms
text with nothing but the standard library. termcheck checks it against the formal
reading in ../model.toml (the formulas are never used here): every counterexample the
solver finds is replayed through :func:`charges`, and tests cross-check the two on
generated cases. It implements the adopted readings only, as a billing system would.

`charges(facts)` takes one customer's facts (dates as datetime.date, the termination
month as an object with .year and .month, yen as int, the ground as its id) and returns
every figure it computes, by the quantity names of model.toml.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

MINIMUM_TERM_MONTHS = 12  # 第9条第1項: 1年間
NOTICE_MONTHS = 2  # 第10条: その2ヶ月前までに
LIABILITY_MONTHS = 12  # 第13条: 1年間の総額
# 第9条第2項: 第10条、第11条第1項、第16条第2項の規定により終了した場合
PENALTY_GROUNDS = frozenset({"customer", "nonperformance", "antisocial-status"})


def _index(year: int, month: int) -> int:
    return 12 * year + month - 1


def _month(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def _last_day(index: int) -> date:
    year, month = _month(index)
    return date(year, month, calendar.monthrange(year, month)[1])


def _first_day(index: int) -> date:
    year, month = _month(index)
    return date(year, month, 1)


def reckoning_day(service_start: date) -> date:
    """第9条第1項: 提供開始日の翌月1日を起算日として."""
    return _first_day(_index(service_start.year, service_start.month) + 1)


def billing_start(service_start: date) -> date:
    """第7条第1項: 料金は提供開始日の翌月1日から発生する."""
    return _first_day(_index(service_start.year, service_start.month) + 1)


def minimum_term_end(service_start: date) -> date:
    """第9条第1項 with 民法第143条: the last day of the twelfth month from the reckoning day."""
    start = reckoning_day(service_start)
    return _last_day(_index(start.year, start.month) + MINIMUM_TERM_MONTHS - 1)


def billed_months(first: date, end: date) -> int:
    """第7条第1項: from the billing start's month to the service end's month."""
    return max(0, _index(end.year, end.month) - _index(first.year, first.month) + 1)


def remaining_months(service_start: date, end: date) -> int:
    """第9条第2項 残余の期間: the term's months after the service-end month."""
    term_first = _index(service_start.year, service_start.month) + 1
    term_last = term_first + MINIMUM_TERM_MONTHS - 1
    after = max(_index(end.year, end.month), term_first - 1)
    return max(0, term_last - after)


def notice_deadline(termination_year: int, termination_month: int) -> date:
    """第10条 その2ヶ月前までに, read as the last day of the month two months before."""
    return _last_day(_index(termination_year, termination_month) - NOTICE_MONTHS)


def earliest_termination_month(arrival: date) -> int:
    """第10条: a notice arriving in a month is in time for the month two months later (the
    deadline of that month is the last day of the month of arrival); as a month index."""
    return _index(arrival.year, arrival.month) + NOTICE_MONTHS


def start_delay_deadline(planned_start: date) -> date:
    """第11条第4項: 利用開始予定日の属する月の翌月末."""
    return _last_day(_index(planned_start.year, planned_start.month) + 1)


def liability_cap(incident: date, first: date, end: date, monthly_fee: int) -> int:
    """第13条: the fees billed for the twelve months up to the month of the incident."""
    incident_month = _index(incident.year, incident.month)
    window_last = min(incident_month, _index(end.year, end.month))
    window_first = max(incident_month - LIABILITY_MONTHS + 1, _index(first.year, first.month))
    return max(0, window_last - window_first + 1) * monthly_fee


def charges(facts: dict[str, Any]) -> dict[str, object]:
    """Every figure these rules compute for one customer."""
    start: date = facts["service_start"]
    fee: int = facts["monthly_fee"]
    month = facts["termination_month"]
    ground: str = facts.get("ground") or "customer"
    planned: date = facts.get("planned_start") or start

    first = billing_start(start)
    end = _last_day(_index(month.year, month.month))
    billed = billed_months(first, end)
    term_end = minimum_term_end(start)
    remaining = remaining_months(start, end)
    applies = ground in PENALTY_GROUNDS and remaining > 0
    penalty = remaining * fee if applies else 0
    deadline = notice_deadline(month.year, month.month)
    delay_deadline = start_delay_deadline(planned)
    figures: dict[str, object] = {
        "reckoning_day": reckoning_day(start),
        "billing_start": first,
        "service_end": end,
        "billed_months": billed,
        "billed_fees": billed * fee,
        "minimum_term_end": term_end,
        "within_minimum_term": end <= term_end,
        "remaining_months": remaining,
        "remaining_term_fees": remaining * fee,
        "minimum_commitment": MINIMUM_TERM_MONTHS * fee,
        "penalty_applies": applies,
        "penalty": penalty,
        "total_charged": billed * fee + penalty,
        "notice_deadline": deadline,
        "start_delay_deadline": delay_deadline,
        "start_delay_rescindable": start > delay_deadline,
    }
    if facts.get("notice_arrival") is not None:
        figures["notice_timely"] = facts["notice_arrival"] <= deadline
        # A month of the same kind as the termination month given (it has .year, .month).
        earliest = _month(earliest_termination_month(facts["notice_arrival"]))
        figures["earliest_termination_month"] = type(month)(*earliest)
    if facts.get("incident_date") is not None:
        figures["liability_cap"] = liability_cap(facts["incident_date"], first, end, fee)
    return figures
