"""Hypothesis strategies for scenarios and model variants, shared by the tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import strategies as st

from termcheck.calendar import HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR, Month, month_of
from termcheck.rules import Scenario
from termcheck.spec import BillingStart, PenaltyBasis, Spec
from termcheck.vocabulary import Ground, LiabilityReading, NoticeReading

FIRST = date(HORIZON_FIRST_YEAR, 1, 1)
LAST = date(HORIZON_LAST_YEAR, 12, 31)


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


def near(anchor: date, days: int) -> st.SearchStrategy[date]:
    low = max(FIRST, anchor - timedelta(days=days))
    high = min(LAST, anchor + timedelta(days=days))
    return dates(low, high)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A complete scenario inside the terms' domain, biased toward interesting months."""
    start = draw(dates(FIRST, date(HORIZON_LAST_YEAR - 1, 12, 31)))
    start_month = month_of(start)
    offset = draw(st.one_of(st.integers(0, 40), st.integers(0, 12 * 3)))
    last_index = Month(HORIZON_LAST_YEAR, 12).index
    termination = Month.from_index(min(start_month.index + offset, last_index))
    return Scenario(
        service_start=start,
        monthly_fee=draw(st.one_of(st.integers(0, 10**9), st.sampled_from([0, 1, 100_000]))),
        termination_month=termination,
        ground=draw(st.sampled_from(list(Ground))),
        notice_arrival=draw(st.one_of(near(termination.first_day, 120), dates())),
        notice_reading=draw(st.sampled_from(list(NoticeReading))),
        planned_start=draw(st.one_of(st.just(start), near(start, 90))),
        incident_date=draw(st.one_of(near(start, 500), dates())),
        liability_reading=draw(st.sampled_from(list(LiabilityReading))),
    )


def with_document(spec: Spec, **sections: object) -> Spec:
    """`spec` with some sections of its document replaced (a model variant)."""
    return replace(spec, document=spec.document.model_copy(update=sections))


@st.composite
def model_variants(draw: st.DrawFn, spec: Spec) -> Spec:
    """Other minimum terms, notice lengths, trigger sets, bases, billing starts, readings."""
    doc = spec.document
    basis = draw(st.sampled_from(list(PenaltyBasis)))
    penalty = doc.penalty.model_copy(
        update={
            "basis": basis,
            "months": draw(st.integers(0, 24)) if basis is PenaltyBasis.FIXED_MONTHS else None,
            "grounds": draw(st.lists(st.sampled_from(list(Ground)), unique=True)),
        }
    )
    readings = [
        reading.model_copy(
            update={"adopted": draw(st.sampled_from([o.id for o in reading.options]))}
        )
        for reading in doc.readings
    ]
    return with_document(
        spec,
        billing=doc.billing.model_copy(update={"start": draw(st.sampled_from(list(BillingStart)))}),
        minimum_term=doc.minimum_term.model_copy(update={"months": draw(st.integers(1, 36))}),
        penalty=penalty,
        notice=doc.notice.model_copy(update={"months": draw(st.integers(0, 6))}),
        liability=doc.liability.model_copy(update={"months": draw(st.integers(1, 24))}),
        start_delay=doc.start_delay.model_copy(
            update={"months_after_planned_month": draw(st.integers(0, 3))}
        ),
        readings=readings,
    )
