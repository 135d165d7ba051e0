"""The civil calendar in Z3: the symbolic twin of :mod:`termcheck.semantics.calendar`.

Encoding choices decide the speed (see docs/encoding.md):

- a date is a triple (year, month, day) of integers compared lexicographically;
- a month is a pair (year, month); its index ``12*year + month - 1`` is linear too;
- shifting a month by a constant is a case split on the month, never ``/ 12``;
- the only divisions are by constants (the leap-year rule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from termcheck.semantics import calendar as cal
from termcheck.semantics.calendar import Month
from termcheck.smt import isolation

Z3Int = Any  # z3.ArithRef; z3 ships no type information
Z3Bool = Any  # z3.BoolRef


@dataclass(frozen=True)
class SMonth:
    """A symbolic calendar month."""

    year: Z3Int
    month: Z3Int

    @property
    def index(self) -> Z3Int:
        return 12 * self.year + self.month - 1

    def shift(self, months: int | Z3Int) -> SMonth:
        """The month `months` later: by a constant of the model, a case split on the
        month; by a count known only to the solver, arithmetic on the month index."""
        if not isinstance(months, int):
            index = self.index + months
            return SMonth(index / 12, index % 12 + 1)  # Z3's div and mod: floor, 0..11
        years, rest = divmod(months, 12)
        wraps = self.month + rest > 12
        return SMonth(
            z3.If(wraps, self.year + years + 1, self.year + years),
            z3.If(wraps, self.month + rest - 12, self.month + rest),
        )

    @property
    def days(self) -> Z3Int:
        return days_in_month(self.year, self.month)

    @property
    def first_day(self) -> SDate:
        return SDate(self.year, self.month, z3.IntVal(1))

    @property
    def last_day(self) -> SDate:
        return SDate(self.year, self.month, self.days)

    def __eq__(self, other: object) -> Z3Bool:
        assert isinstance(other, SMonth)
        return self.index == other.index

    def __ne__(self, other: object) -> Z3Bool:
        assert isinstance(other, SMonth)
        return self.index != other.index

    def __lt__(self, other: SMonth) -> Z3Bool:
        return self.index < other.index

    def __le__(self, other: SMonth) -> Z3Bool:
        return self.index <= other.index

    def __gt__(self, other: SMonth) -> Z3Bool:
        return self.index > other.index

    def __ge__(self, other: SMonth) -> Z3Bool:
        return self.index >= other.index

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class SDate:
    """A symbolic date. `weekday`, when known, is the date's weekday as a cheaper term
    than the day number gives (a date a constant number of days after another whose
    weekday is known): business-day searches carry it along their candidates."""

    year: Z3Int
    month: Z3Int
    day: Z3Int
    weekday: Z3Int | None = field(default=None, compare=False)

    @property
    def month_of(self) -> SMonth:
        return SMonth(self.year, self.month)

    # Dates compare lexicographically on (year, month, day). A linear key such as
    # 512*year + 32*month + day is order-preserving too, but measured 30x slower in Z3
    # on the notice-monotonicity property (docs/encoding.md).
    def __eq__(self, other: object) -> Z3Bool:
        assert isinstance(other, SDate)
        return z3.And(self.year == other.year, self.month == other.month, self.day == other.day)

    def __ne__(self, other: object) -> Z3Bool:
        return z3.Not(self.__eq__(other))

    def __lt__(self, other: SDate) -> Z3Bool:
        return _before(self, other, strict=True)

    def __le__(self, other: SDate) -> Z3Bool:
        return _before(self, other, strict=False)

    def __gt__(self, other: SDate) -> Z3Bool:
        return _before(other, self, strict=True)

    def __ge__(self, other: SDate) -> Z3Bool:
        return _before(other, self, strict=False)

    __hash__ = None  # type: ignore[assignment]


def _before(a: SDate, b: SDate, *, strict: bool) -> Z3Bool:
    last = a.day < b.day if strict else a.day <= b.day
    same_month = z3.Or(a.month < b.month, z3.And(a.month == b.month, last))
    return z3.Or(a.year < b.year, z3.And(a.year == b.year, same_month))


# The Gregorian exceptions (divisible by 100, not by 400) between these years. Inputs lie
# in the horizon and derived dates at most a few years outside it, far inside this range;
# tests/test_symcal.py checks the rule against the full one for every year in it.
LEAP_RULE_FIRST_YEAR = 1801
LEAP_RULE_LAST_YEAR = 2499
_CENTURY_COMMON_YEARS = (1900, 2100, 2200, 2300)
# How far outside the horizon a date the encoding builds may lie: the model's periods
# reach at most ten years past an input (a 120-month minimum term or liability window),
# and a property's add_months rarely goes further. The fast rule is chosen only when the
# horizon widened by this margin stays inside its range.
HORIZON_MARGIN_YEARS = 50

LeapRule = Callable[[Z3Int], Z3Bool]


def fast_leap_year(year: Z3Int) -> Z3Bool:
    """The leap-year rule with one division instead of three, exact for the years
    LEAP_RULE_FIRST_YEAR..LEAP_RULE_LAST_YEAR: measured to cut the solver time of the
    shipped properties by 40% (docs/encoding.md)."""
    return z3.And(year % 4 == 0, *(year != common for common in _CENTURY_COMMON_YEARS))


def gregorian_leap_year(year: Z3Int) -> Z3Bool:
    """The full Gregorian rule (divisible by 4, not by 100 unless by 400), for any year."""
    return z3.And(year % 4 == 0, z3.Or(year % 100 != 0, year % 400 == 0))


def leap_rule(first_year: int, last_year: int) -> LeapRule:
    """The leap-year rule for a horizon: the fast one when it is exact for every year the
    encoding can reach, the full Gregorian one otherwise (a horizon of 5,000 years)."""
    low, high = first_year - HORIZON_MARGIN_YEARS, last_year + HORIZON_MARGIN_YEARS
    if low >= LEAP_RULE_FIRST_YEAR and high <= LEAP_RULE_LAST_YEAR:
        return fast_leap_year
    return gregorian_leap_year


def is_leap_year(year: Z3Int) -> Z3Bool:
    """The leap-year rule for the horizon of termcheck.calendar, read when the term is
    built so that a widened horizon takes the full rule with it."""
    return leap_rule(cal.HORIZON_FIRST_YEAR, cal.HORIZON_LAST_YEAR)(year)


_DAYS_IN_MONTH: dict[tuple[int, int], tuple[Z3Int, Z3Int, Z3Int]] = isolation.term_cache({})


def days_in_month(year: Z3Int, month: Z3Int) -> Z3Int:
    """The number of days in a month; the same (year, month) terms share one term.

    Building the case split is the costliest step of encoding a date, and properties ask
    for the last day of the same few months again and again. The cache holds the terms it
    keys on, so their ids cannot be reused while the entry lives.
    """
    key = (year.get_id(), month.get_id()) if z3.is_expr(year) and z3.is_expr(month) else None
    if key is not None:
        cached = _DAYS_IN_MONTH.get(key)
        if cached is not None:
            return cached[2]
    result = _days_in_month(year, month)
    if key is not None:
        if len(_DAYS_IN_MONTH) > 100_000:  # long runs (mutate, diff): start afresh
            _DAYS_IN_MONTH.clear()
        _DAYS_IN_MONTH[key] = (year, month, result)
    return result


def _days_in_month(year: Z3Int, month: Z3Int) -> Z3Int:
    thirty = z3.Or(month == 4, month == 6, month == 9, month == 11)
    february = z3.If(is_leap_year(year), 29, 28)
    return z3.If(month == 2, february, z3.If(thirty, 30, 31))


def date_var(name: str) -> tuple[SDate, Z3Bool]:
    """A fresh date and the constraint that it is a real date (the horizon is separate)."""
    year, month, day = z3.Ints(f"{name}.year {name}.month {name}.day")
    result = SDate(year, month, day)
    valid = z3.And(month >= 1, month <= 12, day >= 1, day <= days_in_month(year, month))
    return result, valid


def month_var(name: str) -> tuple[SMonth, Z3Bool]:
    year, month = z3.Ints(f"{name}.year {name}.month")
    return SMonth(year, month), z3.And(month >= 1, month <= 12)


def year_in(year: Z3Int, first: int, last: int) -> Z3Bool:
    return z3.And(first <= year, year <= last)


def const_date(value: date) -> SDate:
    return SDate(z3.IntVal(value.year), z3.IntVal(value.month), z3.IntVal(value.day))


def const_month(value: Month) -> SMonth:
    return SMonth(z3.IntVal(value.year), z3.IntVal(value.month))


def first_of_next_month(day: SDate) -> SDate:
    return day.month_of.shift(1).first_day


def months_between(earlier: SMonth, later: SMonth) -> Z3Int:
    return later.index - earlier.index


def max_month(a: SMonth, b: SMonth) -> SMonth:
    later = a.index >= b.index
    return SMonth(z3.If(later, a.year, b.year), z3.If(later, a.month, b.month))


def min_month(a: SMonth, b: SMonth) -> SMonth:
    earlier = a.index <= b.index
    return SMonth(z3.If(earlier, a.year, b.year), z3.If(earlier, a.month, b.month))


def select_date(condition: Z3Bool, then: SDate, otherwise: SDate) -> SDate:
    if z3.is_true(condition):  # a condition known when the term is built: no case split
        return then
    if z3.is_false(condition):
        return otherwise
    weekday = (
        z3.If(condition, then.weekday, otherwise.weekday)
        if then.weekday is not None and otherwise.weekday is not None
        else None
    )
    return SDate(
        z3.If(condition, then.year, otherwise.year),
        z3.If(condition, then.month, otherwise.month),
        z3.If(condition, then.day, otherwise.day),
        weekday,
    )


def day_number(day: SDate) -> Z3Int:
    """Days since 0000-03-01 (proleptic Gregorian): differences count days exactly.

    Divisions are by constants only; the year is shifted so that February ends it.
    """
    march_based = day.month <= 2
    year = z3.If(march_based, day.year - 1, day.year)
    month = z3.If(march_based, day.month + 9, day.month - 3)
    return 365 * year + year / 4 - year / 100 + year / 400 + (153 * month + 2) / 5 + day.day - 1


def days_between(earlier: SDate, later: SDate) -> Z3Int:
    return day_number(later) - day_number(earlier)


def to_date(model: z3.ModelRef, value: SDate) -> date:
    return date(_int(model, value.year), _int(model, value.month), _int(model, value.day))


def to_month(model: z3.ModelRef, value: SMonth) -> Month:
    return Month(_int(model, value.year), _int(model, value.month))


def _int(model: z3.ModelRef, term: Z3Int) -> int:
    return int(model.eval(term, model_completion=True).as_long())


def select_month(condition: Z3Bool, then: SMonth, otherwise: SMonth) -> SMonth:
    if z3.is_true(condition):
        return then
    if z3.is_false(condition):
        return otherwise
    return SMonth(
        z3.If(condition, then.year, otherwise.year),
        z3.If(condition, then.month, otherwise.month),
    )


def months_in(first: SMonth, last: SMonth) -> Z3Int:
    """Months from `first` to `last`, both counted; 0 when `last` is earlier."""
    return z3.If(last.index >= first.index, last.index - first.index + 1, 0)


def add_days(day: SDate, days: int) -> SDate:
    """`day` plus a constant number of days, by stepping over month ends.

    Each step carries the overflow of the day into the next (or previous) month: a
    case split on that month's length, never a day number (relating two day numbers
    costs the solver far more than comparing triples; docs/encoding.md).
    """
    year, month, rest = day.year, day.month, day.day + days
    steps = abs(days) // 28 + 2
    for _ in range(steps):
        if days >= 0:
            length = days_in_month(year, month)
            over = rest > length
            following = SMonth(year, month).shift(1)
            year, month, rest = (
                z3.If(over, following.year, year),
                z3.If(over, following.month, month),
                z3.If(over, rest - length, rest),
            )
        else:
            under = rest < 1
            before = SMonth(year, month).shift(-1)
            length = days_in_month(before.year, before.month)
            year, month, rest = (
                z3.If(under, before.year, year),
                z3.If(under, before.month, month),
                z3.If(under, rest + length, rest),
            )
    known = None if day.weekday is None else weekday_after(day.weekday, days)
    return SDate(year, month, rest, known)


def shift_date(day: SDate, months: int, next_day: bool) -> SDate:
    """The same day `months` later; where that month lacks it, its last day or (with
    `next_day`) the 1st of the month after (calendar.add_months and MonthEnd)."""
    target = day.month_of.shift(months)
    fits = day.day <= target.days
    missing = target.shift(1).first_day if next_day else target.last_day
    return select_date(fits, SDate(target.year, target.month, day.day), missing)


def period_end(start: SDate, months: int, first_day_counts: bool) -> SDate:
    """The last day of a period of `months` months from `start` (民法第140条・第143条),
    as calendar.period_end computes it."""
    reckoning = start if first_day_counts else add_days(start, 1)
    from_first = reckoning.month_of.shift(months - 1).last_day
    if z3.is_int_value(reckoning.day) and reckoning.day.as_long() == 1:
        return from_first  # reckoned from a 1st known as such (a named reckoning day)
    last_month = reckoning.month_of.shift(months)
    corresponding = SDate(last_month.year, last_month.month, reckoning.day - 1)
    return select_date(
        reckoning.day == 1,
        from_first,
        select_date(reckoning.day <= last_month.days, corresponding, last_month.last_day),
    )


# 0000-03-01 of the proleptic Gregorian calendar was a Wednesday (weekday 2).
_WEEKDAY_OF_DAY_ZERO = 2


def weekday(day: SDate) -> Z3Int:
    """0 for Monday to 6 for Sunday, as datetime.date.weekday()."""
    if day.weekday is not None:
        return day.weekday
    return (day_number(day) + _WEEKDAY_OF_DAY_ZERO) % 7


def weekday_after(start: Z3Int, days: int) -> Z3Int:
    """The weekday `days` after a day of weekday `start` (0–6): a case split, where
    another day number would bring its divisions by 4, 100 and 400."""
    shifted = start + days % 7
    return z3.If(shifted >= 7, shifted - 7, shifted)


def with_weekday(day: SDate) -> SDate:
    """`day` carrying its weekday, so that the days found from it by add_days know
    theirs without a day number each."""
    return day if day.weekday is not None else SDate(day.year, day.month, day.day, weekday(day))
