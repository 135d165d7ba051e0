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
    """The days after (or before) `day`, up to `span` of them.

    Each is the start's day of the month plus its offset, placed in the first month it
    fits: a choice among the few months the walk can reach, whose lengths all the days
    share. (Stepping one day at a time from the last nests each day's month-end test in
    the next's, and the solver pays for the depth.) Each knows its weekday from the
    start's: one day number for the whole walk, carried on to the day found.
    """
    start = symcal.with_weekday(day)
    assert start.weekday is not None
    reach = span // 28 + 2  # the months a walk of `span` days can touch
    months = [start.month_of.shift(step * k) for k in range(reach)]
    # Forward: the day of the month counted from the start month's 1st, and where each
    # month ends on that count; backward: counted back, where each month begins.
    edges: list[z3.ArithRef] = []
    total: z3.ArithRef = z3.IntVal(0)
    for month in months:
        if step > 0:
            total = total + month.days
            edges.append(total)
        else:
            edges.append(total)
            total = total - (months[len(edges)].days if len(edges) < reach else 0)
    found = [start] if include_start else []
    for offset in range(1, span + 1):
        position = start.day + step * offset
        candidate = _placed(position, months, edges, step)
        weekday = symcal.weekday_after(start.weekday, step * offset)
        found.append(symcal.SDate(candidate.year, candidate.month, candidate.day, weekday))
    return found


def _placed(
    position: z3.ArithRef, months: list[symcal.SMonth], edges: list[z3.ArithRef], step: int
) -> SDate:
    """The date at `position` days from the 1st of months[0] (counting the 1st as 1):
    forward, in the first month whose end it does not pass; backward, in the first month
    (going back) whose beginning it reaches."""
    last = len(months) - 1
    if step > 0:
        before = [z3.IntVal(0), *edges[:-1]]
        result = SDate(months[last].year, months[last].month, position - before[last])
        for k in reversed(range(last)):
            here = SDate(months[k].year, months[k].month, position - before[k])
            result = symcal.select_date(position <= edges[k], here, result)
        return result
    # Backward: months[0] holds positions 1.., months[1] the days before it (0, -1, …).
    result = SDate(months[last].year, months[last].month, position - edges[last])
    for k in reversed(range(last)):
        here = SDate(months[k].year, months[k].month, position - edges[k])
        result = symcal.select_date(position - edges[k] >= 1, here, result)
    return result


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
