"""The civil calendar: months, month ends and periods (民法第140条・第143条).

The oracles here are written independently of termcheck.calendar: periods are found by
walking day by day, day counts by stepping, month lengths by the standard library.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from termcheck.semantics.calendar import (
    HORIZON_FIRST_YEAR,
    HORIZON_LAST_YEAR,
    MissingDayError,
    Month,
    MonthEnd,
    add_months,
    days_between,
    days_in_month,
    is_leap_year,
    month_of,
    months_between,
    parse_date,
    parse_month,
    period_end,
)

ONE_DAY = timedelta(days=1)

years = st.integers(HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR)
months = st.builds(Month, years, st.integers(1, 12))
dates = st.dates(date(HORIZON_FIRST_YEAR, 1, 1), date(HORIZON_LAST_YEAR, 12, 31))
shifts = st.integers(-120, 120)


def stdlib_last_day(month: Month) -> date:
    return date(month.year, month.month, stdlib_calendar.monthrange(month.year, month.month)[1])


# Dates that stress periods: any day, month ends, Feb 29 and Dec 31.
tricky_dates = st.one_of(
    dates,
    months.map(stdlib_last_day),
    st.sampled_from([y for y in range(1904, 2400, 4) if stdlib_calendar.isleap(y)]).map(
        lambda y: date(y, 2, 29)
    ),
    years.map(lambda y: date(y, 12, 31)),
)


# --- Month -------------------------------------------------------------------------------


@given(months)
def test_month_index_round_trips(month: Month) -> None:
    assert Month.from_index(month.index) == month


@given(months, shifts, shifts)
def test_shift_adds_to_the_index_and_composes(month: Month, a: int, b: int) -> None:
    assert month.shift(a).index == month.index + a
    assert month.shift(a).shift(b) == month.shift(a + b)
    assert month.shift(a).shift(-a) == month
    assert months_between(month, month.shift(a)) == a


@given(months, shifts, shifts)
def test_shift_is_strictly_monotone_and_agrees_with_order(month: Month, a: int, b: int) -> None:
    if a < b:
        assert month.shift(a) < month.shift(b)
        assert month.shift(a).index < month.shift(b).index
    assert (month.shift(a) <= month.shift(b)) == (a <= b)


@given(months)
def test_consecutive_months_are_adjacent_in_the_calendar(month: Month) -> None:
    assert month.shift(1).first_day == month.last_day + ONE_DAY
    assert month.shift(-1).last_day == month.first_day - ONE_DAY


@given(months)
def test_last_day_of_month_matches_stdlib(month: Month) -> None:
    length = stdlib_calendar.monthrange(month.year, month.month)[1]
    assert month.days == length
    assert days_in_month(month.year, month.month) == length
    assert month.last_day == date(month.year, month.month, length)
    assert (month.last_day + ONE_DAY).day == 1


def test_month_rejects_month_13_and_0() -> None:
    with pytest.raises(ValueError):
        Month(2026, 13)
    with pytest.raises(ValueError):
        Month(2026, 0)


# --- leap years --------------------------------------------------------------------------


@given(st.integers(1, 9999))
def test_is_leap_year_matches_stdlib(year: int) -> None:
    assert is_leap_year(year) == stdlib_calendar.isleap(year)


def test_is_leap_year_matches_stdlib_over_the_whole_horizon() -> None:
    for year in range(HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR + 1):
        assert is_leap_year(year) == stdlib_calendar.isleap(year), year
    # The century rules: 1900 and 2100 are not leap years, 2000 is.
    assert not is_leap_year(1900)
    assert is_leap_year(2000)
    assert not is_leap_year(2100)


# --- add_months and its month-end policies ------------------------------------------------


@given(dates, shifts)
def test_add_months_last_day_never_leaves_the_target_month(day: date, k: int) -> None:
    target = month_of(day).shift(k)
    result = add_months(day, k, MonthEnd.LAST_DAY)
    assert month_of(result) == target
    assert result.day == min(day.day, stdlib_calendar.monthrange(target.year, target.month)[1])


@given(dates, shifts)
def test_add_months_next_day_rounds_up_to_the_first(day: date, k: int) -> None:
    target = month_of(day).shift(k)
    length = stdlib_calendar.monthrange(target.year, target.month)[1]
    result = add_months(day, k, MonthEnd.NEXT_DAY)
    if day.day <= length:
        assert result == date(target.year, target.month, day.day)
    else:
        assert result == target.shift(1).first_day
        assert result.day == 1


@given(dates, shifts)
def test_add_months_error_raises_exactly_when_the_day_is_missing(day: date, k: int) -> None:
    target = month_of(day).shift(k)
    missing = day.day > stdlib_calendar.monthrange(target.year, target.month)[1]
    if missing:
        with pytest.raises(MissingDayError):
            add_months(day, k, MonthEnd.ERROR)
    else:
        assert add_months(day, k, MonthEnd.ERROR) == date(target.year, target.month, day.day)


@given(dates, dates, shifts, st.sampled_from([MonthEnd.LAST_DAY, MonthEnd.NEXT_DAY]))
def test_add_months_is_monotone(a: date, b: date, k: int, policy: MonthEnd) -> None:
    # Monotone but not strictly: Jan 29, 30 and 31 + 1 month all give Feb 28 (LAST_DAY).
    early, late = min(a, b), max(a, b)
    assert add_months(early, k, policy) <= add_months(late, k, policy)


@pytest.mark.parametrize(
    ("year", "last_day", "next_day"),
    [
        (2024, date(2024, 2, 29), date(2024, 3, 1)),  # leap year: Feb 29 exists
        (2026, date(2026, 2, 28), date(2026, 3, 1)),
        (2013, date(2013, 2, 28), date(2013, 3, 1)),  # Catala's example
        (2000, date(2000, 2, 29), date(2000, 3, 1)),
        (2100, date(2100, 2, 28), date(2100, 3, 1)),
    ],
)
def test_january_31_plus_one_month(year: int, last_day: date, next_day: date) -> None:
    jan31 = date(year, 1, 31)
    assert add_months(jan31, 1, MonthEnd.LAST_DAY) == last_day
    assert add_months(jan31, 1, MonthEnd.NEXT_DAY) == next_day
    with pytest.raises(MissingDayError):
        add_months(jan31, 1, MonthEnd.ERROR)


def test_month_addition_is_not_associative_and_does_not_undo() -> None:
    # REFERENCES (Catala, dates_calc): (Jan 31 + 1m) + 1m ≠ Jan 31 + 2m.
    jan31 = date(2013, 1, 31)
    step = add_months(add_months(jan31, 1, MonthEnd.LAST_DAY), 1, MonthEnd.LAST_DAY)
    assert step == date(2013, 3, 28)
    assert add_months(jan31, 2, MonthEnd.LAST_DAY) == date(2013, 3, 31)
    assert step != add_months(jan31, 2, MonthEnd.LAST_DAY)

    step_up = add_months(add_months(jan31, 1, MonthEnd.NEXT_DAY), 1, MonthEnd.NEXT_DAY)
    assert step_up == date(2013, 4, 1)
    assert add_months(jan31, 2, MonthEnd.NEXT_DAY) == date(2013, 3, 31)

    # ... and (Jan 31 + 1m) − 1m ≠ Jan 31.
    back = add_months(add_months(jan31, 1, MonthEnd.LAST_DAY), -1, MonthEnd.LAST_DAY)
    assert back == date(2013, 1, 28)


# --- period_end against a day-by-day walk -----------------------------------------------


def walked_period_end(start: date, n: int, *, first_day_counts: bool) -> date:
    """The last day of an n-month period, found by walking the calendar one day at a time.

    民法第140条: without `first_day_counts` the period is reckoned from the next day.
    民法第143条: the period ends the day before the day that corresponds (応当日) to the
    reckoning day in the n-th month after it; if that month has no such day, on its last
    day; a period reckoned from the 1st ends on the last day of its n-th month.

    All three cases are one rule: walk from the reckoning day, counting the month changes
    passed (k); the period ends the day before the first day on which either k == n and
    the day of the month has reached the reckoning day's, or k > n.
    """
    reckoning = start if first_day_counts else start + ONE_DAY
    changes = 0
    day = reckoning
    while True:
        following = day + ONE_DAY
        if following.month != day.month:
            changes += 1
        day = following
        if (changes == n and day.day >= reckoning.day) or changes > n:
            return day - ONE_DAY


@given(tricky_dates.filter(lambda d: d.year <= HORIZON_LAST_YEAR - 4), st.integers(1, 36))
def test_period_end_matches_a_day_by_day_walk(start: date, n: int) -> None:
    for counts in (True, False):
        expected = walked_period_end(start, n, first_day_counts=counts)
        assert period_end(start, n, first_day_counts=counts) == expected


@pytest.mark.parametrize(
    ("start", "n", "counts", "end"),
    [
        # 民法第143条: 4月1日から3ヶ月 ends on 6月30日 (the period starts with a month).
        (date(2026, 4, 1), 3, True, date(2026, 6, 30)),
        # 第140条 初日不算入: reckoned from Feb 1, so one month ends with February.
        (date(2026, 1, 31), 1, False, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, False, date(2028, 2, 29)),
        # Reckoned from Jan 31: the corresponding day in February is missing → Feb 28.
        (date(2026, 1, 31), 1, True, date(2026, 2, 28)),
        # Reckoned from Jan 30: the day before Feb 30 does not exist either → Feb 28.
        (date(2026, 1, 30), 1, True, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, True, date(2026, 2, 14)),
        (date(2026, 1, 15), 1, False, date(2026, 2, 15)),
        # Feb 29 + 12 months: no Feb 29 in 2029 → the last day of February.
        (date(2028, 2, 29), 12, True, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, True, date(2032, 2, 28)),
        # Dec 31, first day not counted: reckoned from Jan 1 → the end of December.
        (date(2026, 12, 31), 12, False, date(2027, 12, 31)),
        (date(2026, 12, 31), 2, True, date(2027, 2, 28)),
        # 第9条's minimum term: reckoned from 2026-04-01 for 12 months.
        (date(2026, 4, 1), 12, True, date(2027, 3, 31)),
    ],
)
def test_period_end_examples(start: date, n: int, counts: bool, end: date) -> None:
    assert period_end(start, n, first_day_counts=counts) == end
    assert walked_period_end(start, n, first_day_counts=counts) == end


def test_period_end_needs_at_least_one_month() -> None:
    with pytest.raises(ValueError):
        period_end(date(2026, 4, 1), 0, first_day_counts=True)


# --- days_between -------------------------------------------------------------------------


@given(dates, st.integers(-800, 800))
def test_days_between_matches_a_day_by_day_count(start: date, offset: int) -> None:
    other = start + timedelta(days=offset)
    earlier, later = min(start, other), max(start, other)
    steps = 0
    day = earlier
    while day < later:
        day += ONE_DAY
        steps += 1
    assert days_between(earlier, later) == steps
    assert days_between(later, earlier) == -steps


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2025-02-29", "2026-3-1", "2026-13-01", "2026-00-10", "2026-04-31"]
)
def test_parse_date_rejects_impossible_or_loose_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-3", "26-03", "2026-03-01"])
def test_parse_month_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_month(text)


def test_parse_accepts_valid_input() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("2000-02-29") == date(2000, 2, 29)
    assert parse_date("2026-12-31") == date(2026, 12, 31)
    assert parse_month("2026-03") == Month(2026, 3)
    assert parse_month("2026-12") == Month(2026, 12)


@given(dates)
def test_parse_date_round_trips_iso(day: date) -> None:
    assert parse_date(day.isoformat()) == day


@given(months)
def test_parse_month_round_trips(month: Month) -> None:
    assert parse_month(str(month)) == month
