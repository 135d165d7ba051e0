"""Business days in Z3: the symbolic twin of :mod:`termcheck.semantics.businessdays`.

A claim over a holiday table is a finite enumeration; the solver is given only the part
of the table the date can reach (its years, from the bounds of the expression) and,
for a search such as "the first business day after", only as many candidate days as
the table can need (its longest run of days off). Costs measured in docs/encoding.md.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import z3

from termcheck.semantics.businessdays import BusinessCalendar
from termcheck.smt import symcal
from termcheck.smt.symcal import SDate, Z3Bool


def covered(cal: BusinessCalendar, day: SDate) -> Z3Bool:
    """The date lies in the table's years: where a business-day answer exists."""
    return symcal.year_in(day.year, cal.first_year, cal.last_year)


def _year_ranges(years: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for year in sorted(years):
        if ranges and ranges[-1][1] == year - 1:
            ranges[-1] = (ranges[-1][0], year)
        else:
            ranges.append((year, year))
    return ranges


def is_day_off(cal: BusinessCalendar, day: SDate, years: tuple[int, int]) -> Z3Bool:
    """A holiday or closed day of the table, among the years given. Grouped by the day of
    the year, each with the runs of years it falls in: far fewer terms than one per
    holiday (New Year's Day is one term for a century)."""
    by_day: dict[tuple[int, int], list[int]] = defaultdict(list)
    for off in cal.days_off(*years):
        by_day[(off.month, off.day)].append(off.year)
    tests = []
    for (month, day_of_month), in_years in sorted(by_day.items()):
        spans = [symcal.year_in(day.year, first, last) for first, last in _year_ranges(in_years)]
        tests.append(z3.And(day.month == month, day.day == day_of_month, z3.Or(*spans)))
    return z3.Or(*tests) if tests else z3.BoolVal(False)


def is_business_day(cal: BusinessCalendar, day: SDate, years: tuple[int, int]) -> Z3Bool:
    return z3.And(symcal.weekday(day) < 5, z3.Not(is_day_off(cal, day, years)))


_SPANS: dict[tuple[object, ...], int] = {}


def search_span(cal: BusinessCalendar, years: tuple[int, int], count: int) -> int:
    key = (cal.name, cal.closed, years[0], years[1], count)
    if key not in _SPANS:
        _SPANS[key] = _search_span(cal, years, count)
    return _SPANS[key]


def _search_span(cal: BusinessCalendar, years: tuple[int, int], count: int) -> int:
    """How many days after (or before) a day the `count`-th business day can lie, over
    the years given: measured on the table itself."""
    gap = cal.longest_closure(years[0] - 1, years[1] + 1)
    if count == 0:
        return gap
    first = max(years[0], cal.first_year)
    last = min(years[1], cal.last_year)
    step = timedelta(days=1 if count > 0 else -1)
    longest = 0
    start = date(first, 1, 1)
    while start.year <= last:
        day, remaining, span = start, abs(count), 0
        while remaining:
            day += step
            span += 1
            if not cal.covers(day):
                break
            if day.weekday() < 5 and not cal.is_holiday(day):
                remaining -= 1
        longest = max(longest, span)
        start += timedelta(days=1)
    return max(longest, abs(count) + gap)


def _reach(years: tuple[int, int], span: int) -> tuple[int, int]:
    """The years the days searched can fall in: a span reaches into the next year or the
    one before, so their holidays (New Year's) matter too."""
    extra = span // 365 + 1
    return years[0] - extra, years[1] + extra


def _walk(day: SDate, step: int, span: int, *, include_start: bool) -> list[SDate]:
    """The days after (or before) `day`, one step at a time so each shares the last.
    Each knows its weekday from the first day's: one day number for the whole walk, and
    the day found carries its weekday on (to a test that it is a business day)."""
    current = symcal.with_weekday(day)
    found = [current] if include_start else []
    for _ in range(span):
        current = symcal.add_days(current, step)
        found.append(current)
    return found


def nearest(cal: BusinessCalendar, day: SDate, years: tuple[int, int], forward: bool) -> SDate:
    """The day itself if a business day, else the nearest one after (or before) it."""
    span = search_span(cal, years, 0)
    years = _reach(years, span)
    step = 1 if forward else -1
    candidates = _walk(day, step, span, include_start=True)
    result = candidates[-1]
    for candidate in reversed(candidates[:-1]):
        result = symcal.select_date(is_business_day(cal, candidate, years), candidate, result)
    return result


def add_business_days(
    cal: BusinessCalendar, day: SDate, years: tuple[int, int], count: int
) -> SDate:
    """The `count`-th business day after `day` (before it when negative)."""
    span = search_span(cal, years, count)
    years = _reach(years, span)
    step = 1 if count > 0 else -1
    candidates = _walk(day, step, span, include_start=False)
    flags = [is_business_day(cal, candidate, years) for candidate in candidates]
    seen: list[z3.ArithRef] = []
    running: z3.ArithRef = z3.IntVal(0)
    for flag in flags:
        running = running + z3.If(flag, 1, 0)
        seen.append(running)
    result = candidates[-1]
    for candidate, flag, total in reversed(list(zip(candidates, flags, seen, strict=True))[:-1]):
        result = symcal.select_date(z3.And(flag, total == abs(count)), candidate, result)
    return result
