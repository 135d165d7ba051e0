"""The stored holiday table and the concrete business-day functions.

The table under semantics/holidays/ is data generated from python-holidays (installed by
the test extra); it is compared with the library here, so a correction upstream shows
as a failing test, and checked on days a Japanese reviewer knows by heart, so that the
comparison is not only the table against its own source.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from termcheck.semantics.businessdays import (
    BusinessCalendar,
    OutsideCalendar,
    read_table,
    stored_table,
)

HOLIDAYS, FIRST_YEAR, LAST_YEAR = stored_table("jp")
JP = BusinessCalendar("jp", HOLIDAYS, FIRST_YEAR, LAST_YEAR)
WITH_CLOSURES = BusinessCalendar(
    "jp", HOLIDAYS, FIRST_YEAR, LAST_YEAR, frozenset({(12, 29), (12, 30), (12, 31), (1, 2)})
)


def test_the_stored_table_is_what_the_library_says() -> None:
    holidays = pytest.importorskip("holidays", reason="the test extra installs python-holidays")
    library = set(holidays.Japan(years=range(FIRST_YEAR, LAST_YEAR + 1)))
    missing = sorted(library - HOLIDAYS)[:5]
    extra = sorted(HOLIDAYS - library)[:5]
    assert not missing and not extra, (
        f"the stored table lacks {missing} and has {extra} that python-holidays "
        f"{holidays.__version__} does not; regenerate it with "
        f"python -m termcheck.semantics.holidays.generate jp {FIRST_YEAR} {LAST_YEAR}"
    )


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # 元日
        date(2026, 1, 12),  # 成人の日: the second Monday of January
        date(2026, 5, 6),  # 振替休日: 憲法記念日 (3 May) falls on a Sunday
        date(2026, 9, 22),  # 国民の休日: between 敬老の日 and 秋分の日
        date(2019, 5, 1),  # 即位の日
        date(2020, 7, 24),  # スポーツの日, moved for the Olympics
        date(2021, 7, 23),  # スポーツの日, moved again
    ],
)
def test_days_everyone_knows_are_holidays(day: date) -> None:
    assert day in HOLIDAYS
    assert not JP.is_business_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 10, 12),  # the second Monday of October 2020: 体育の日 was moved away
        date(2026, 12, 28),  # a Monday, not a holiday
        date(2026, 11, 24),  # the Tuesday after 勤労感謝の日 (a Monday in 2026): no substitute
    ],
)
def test_days_that_are_not_holidays(day: date) -> None:
    assert day not in HOLIDAYS
    assert JP.is_business_day(day)


def test_closed_days_count_as_days_off() -> None:
    assert JP.is_business_day(date(2026, 12, 29))
    assert not WITH_CLOSURES.is_business_day(date(2026, 12, 29))
    # The search for the next business day crosses New Year and its closures.
    assert WITH_CLOSURES.following(date(2026, 12, 29)) == date(2027, 1, 4)
    assert WITH_CLOSURES.preceding(date(2027, 1, 3)) == date(2026, 12, 28)


def test_outside_the_table_there_is_no_answer() -> None:
    with pytest.raises(OutsideCalendar, match=f"{LAST_YEAR + 1}-01-01 is outside"):
        JP.is_business_day(date(LAST_YEAR + 1, 1, 1))
    with pytest.raises(OutsideCalendar):
        JP.add(date(FIRST_YEAR - 1, 12, 31), 1)


days = st.dates(date(2000, 1, 1), date(2090, 12, 31))


@given(day=days, count=st.integers(-40, 40))
def test_adding_business_days_lands_on_a_business_day_and_counts_them(
    day: date, count: int
) -> None:
    landed = WITH_CLOSURES.add(day, count)
    if count == 0:
        assert landed == day
        return
    assert WITH_CLOSURES.is_business_day(landed)
    # Forward: the business days in (day, landed]; backward: those in [landed, day).
    first, last = (day + timedelta(days=1), landed) if count > 0 else (landed, day - timedelta(1))
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    between = [d for d in span if WITH_CLOSURES.is_business_day(d)]
    assert len(between) == abs(count)


@given(day=days)
def test_preceding_and_following_bracket_the_day(day: date) -> None:
    before, after = WITH_CLOSURES.preceding(day), WITH_CLOSURES.following(day)
    assert before <= day <= after
    assert WITH_CLOSURES.is_business_day(before) and WITH_CLOSURES.is_business_day(after)
    assert (before == day) == (after == day) == WITH_CLOSURES.is_business_day(day)
    for i in range(1, (after - before).days):
        assert not WITH_CLOSURES.is_business_day(before + timedelta(days=i))


def test_the_longest_closure_bounds_every_search() -> None:
    longest = WITH_CLOSURES.longest_closure(2000, 2090)
    assert 5 <= longest <= 12  # ゴールデンウィーク and the New Year closure with a weekend
    day = date(2000, 1, 1)
    while day.year <= 2090:
        assert (WITH_CLOSURES.following(day) - day).days <= longest
        day += timedelta(days=37)


@pytest.mark.parametrize(
    "text, message",
    [
        ("2026-01-01 New Year\n", "years"),
        ("years 2026\n", "line 1"),
        ("years 2026 2026\n2026-13-01 x\n", "line 2"),
    ],
)
def test_a_malformed_table_names_its_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_table(text)
