"""The symbolic calendar agrees with the concrete one."""

from __future__ import annotations

import calendar
from datetime import date

import z3
from hypothesis import given
from hypothesis import strategies as st

from termcheck.semantics.calendar import Month, days_between, month_of
from termcheck.smt import symcal

from strategies import dates


def _value(term: object) -> object:
    result = z3.simplify(term)
    if z3.is_bool(result):
        return z3.is_true(result)
    return result.as_long()


def test_leap_rule_holds_over_its_whole_range() -> None:
    for year in range(symcal.LEAP_RULE_FIRST_YEAR, symcal.LEAP_RULE_LAST_YEAR + 1):
        assert _value(symcal.is_leap_year(z3.IntVal(year))) == calendar.isleap(year), year


@given(st.integers(1801, 2499), st.integers(1, 12))
def test_days_in_month(year: int, month: int) -> None:
    expected = calendar.monthrange(year, month)[1]
    assert _value(symcal.days_in_month(z3.IntVal(year), z3.IntVal(month))) == expected


@given(st.integers(1850, 2450), st.integers(1, 12), st.integers(-300, 300))
def test_month_shift(year: int, month: int, months: int) -> None:
    shifted = symcal.const_month(Month(year, month)).shift(months)
    expected = Month(year, month).shift(months)
    assert (_value(shifted.year), _value(shifted.month)) == (expected.year, expected.month)


@given(dates(), dates())
def test_date_order_and_day_count(first: date, second: date) -> None:
    a, b = symcal.const_date(first), symcal.const_date(second)
    assert _value(a < b) == (first < second)
    assert _value(a <= b) == (first <= second)
    assert _value(a == b) == (first == second)
    assert _value(symcal.days_between(a, b)) == days_between(first, second)
    assert _value(a.month_of.index) == month_of(first).index


def test_fast_and_gregorian_leap_rules_agree_where_the_fast_one_is_valid() -> None:
    for year in range(symcal.LEAP_RULE_FIRST_YEAR, symcal.LEAP_RULE_LAST_YEAR + 1):
        fast = _value(symcal.fast_leap_year(z3.IntVal(year)))
        assert fast == _value(symcal.gregorian_leap_year(z3.IntVal(year))), year


@given(st.integers(1, 9999))
def test_gregorian_leap_rule_is_the_calendar_one(year: int) -> None:
    assert _value(symcal.gregorian_leap_year(z3.IntVal(year))) == calendar.isleap(year)


def test_leap_rule_follows_the_horizon() -> None:
    # The shipped horizon keeps the fast rule; one the fast rule cannot reach takes the
    # full one (the fast rule calls 2500 a leap year).
    assert symcal.leap_rule(1900, 2399) is symcal.fast_leap_year
    assert symcal.leap_rule(2000, 2099) is symcal.fast_leap_year
    assert symcal.leap_rule(1900, 6899) is symcal.gregorian_leap_year
    assert symcal.leap_rule(1801, 2399) is symcal.gregorian_leap_year
    assert _value(symcal.fast_leap_year(z3.IntVal(2500))) is True
    assert _value(symcal.gregorian_leap_year(z3.IntVal(2500))) is False


@given(start=dates(), days=st.integers(-40, 40), pick=st.booleans())
def test_a_carried_weekday_is_the_weekday(start: date, days: int, pick: bool) -> None:
    # Business-day searches carry a day's weekday along add_days and select_date instead
    # of a day number each; the carried term must be the date's weekday.
    y, m, d = z3.Ints("y m d")
    base = symcal.SDate(y, m, d)
    carried = symcal.add_days(symcal.with_weekday(base), days)
    other = symcal.add_days(symcal.with_weekday(base), -days)
    chosen = symcal.select_date(z3.BoolVal(pick) == z3.Bool("c"), carried, other)
    assert carried.weekday is not None and chosen.weekday is not None
    s = z3.Solver()
    s.add(y == start.year, m == start.month, d == start.day, z3.Bool("c"))
    assert s.check() == z3.sat
    model = s.model()
    for value in (carried, chosen):
        day = symcal.to_date(model, value)
        assert model.eval(value.weekday).as_long() == day.weekday()
        # the same as the day number would give
        assert model.eval(symcal.weekday(symcal.SDate(value.year, value.month, value.day))) == (
            model.eval(value.weekday)
        )
