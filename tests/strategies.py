"""Hypothesis strategies for dates and for cases of the shipped model, shared by the tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import strategies as st

from termcheck.model.spec import Spec
from termcheck.semantics.calendar import HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR, Month, month_of

FIRST = date(HORIZON_FIRST_YEAR, 1, 1)
LAST = date(HORIZON_LAST_YEAR, 12, 31)
GROUNDS = (
    "customer",
    "nonperformance",
    "immediate",
    "start-delay",
    "antisocial-status",
    "antisocial-conduct",
)


def dates(first: date = FIRST, last: date = LAST) -> st.SearchStrategy[date]:
    # Month ends, year ends and leap days are where calendars break: ask for them often.
    special = st.builds(
        lambda y, m, end: Month(y, m).last_day if end else Month(y, m).first_day,
        st.integers(max(first.year, FIRST.year), min(last.year, LAST.year)),
        st.integers(1, 12),
        st.booleans(),
    ).filter(lambda d: first <= d <= last)
    leap_days = [
        date(y, 2, 29 if (y % 100 or y % 400 == 0) else 28)
        for y in range(first.year, last.year + 1)
        if y % 4 == 0 and first <= date(y, 2, 28) <= last
    ]
    if not leap_days:
        return st.one_of(st.dates(first, last), special)
    return st.one_of(st.dates(first, last), special, st.sampled_from(leap_days))


def months(first: date = FIRST, last: date = LAST) -> st.SearchStrategy[Month]:
    return dates(first, last).map(month_of)


def near(anchor: date, days: int) -> st.SearchStrategy[date]:
    low = max(FIRST, anchor - timedelta(days=days))
    high = min(LAST, anchor + timedelta(days=days))
    return dates(low, high)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, object]:
    """A possible case of the shipped model (its relations: the contract is formed on or
    before the service start; the termination month is not before the month it was formed
    in; the notice arrives between the formation and the end of the termination month;
    the incident on or after the service start), biased toward interesting months."""
    start = draw(dates(FIRST, date(HORIZON_LAST_YEAR - 1, 12, 31)))
    formed = draw(st.one_of(st.just(start), near(start, 120).filter(lambda d: d <= start)))
    formed_month = month_of(formed)
    offset = draw(st.one_of(st.integers(0, 40), st.integers(0, 12 * 3)))
    last_index = Month(HORIZON_LAST_YEAR, 12).index
    termination = Month.from_index(min(formed_month.index + offset, last_index))
    return {
        "application_date": formed,
        "service_start": start,
        "monthly_fee": draw(st.one_of(st.integers(0, 10**9), st.sampled_from([0, 1, 100_000]))),
        "termination_month": termination,
        "ground": draw(st.sampled_from(GROUNDS)),
        "notice_arrival": draw(
            st.one_of(near(termination.first_day, 120), dates(formed, termination.last_day)).filter(
                lambda d: formed <= d <= termination.last_day
            )
        ),
        "planned_start": draw(st.one_of(st.just(start), near(start, 90))),
        "incident_date": draw(
            st.one_of(near(start, 500), dates(start, LAST)).filter(lambda d: d >= start)
        ),
    }


def readings() -> st.SearchStrategy[dict[str, str]]:
    """A choice of reading for each of the shipped model's ambiguous phrases."""
    return st.fixed_dictionaries(
        {
            "notice_deadline": st.sampled_from(["end-of-month", "first-of-month", "clear-months"]),
            "liability_cap": st.sampled_from(
                [
                    "paid-last-year",
                    "annual-fee",
                    "contract-year",
                    "paid-before-incident",
                    "with-tax",
                ]
            ),
            "penalty_applies": st.sampled_from(["before-the-term-ends", "within-the-term"]),
        }
    )


def with_document(spec: Spec, **sections: object) -> Spec:
    """`spec` with some review sections of its document replaced (the reading itself,
    and so the vocabulary, unchanged)."""
    return replace(spec, document=spec.document.model_copy(update=sections))
