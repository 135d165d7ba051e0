"""Business days: weekdays that are neither a public holiday nor a day the company closes.

A model that counts business days names its calendar in model.toml::

    [calendar]
    holidays = "jp"                      # a stored table (semantics/holidays/jp.txt)
    closed = ["12-29", "12-30", "12-31", "01-02", "01-03"]   # closed every year

The holiday table is data, generated from a maintained library and stored (see
:mod:`termcheck.semantics.holidays.generate`), so the solver sees a finite table. A date
outside the table's years has no answer: the concrete meaning refuses it and the Z3
meaning leaves it out of the cases, and reports say which years are covered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

HOLIDAY_TABLES = Path(__file__).resolve().parent / "holidays"


class OutsideCalendar(ValueError):
    """The date lies outside the years the holiday table covers."""


@dataclass(frozen=True)
class BusinessCalendar:
    """A holiday table, the years it covers, and the days closed every year."""

    name: str
    holidays: frozenset[date]
    first_year: int
    last_year: int
    closed: frozenset[tuple[int, int]] = frozenset()  # (month, day)
    _gaps: dict[tuple[int, int], int] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def covers(self, day: date) -> bool:
        return self.first_year <= day.year <= self.last_year

    def require(self, day: date) -> None:
        if not self.covers(day):
            raise OutsideCalendar(
                f"{day.isoformat()} is outside the {self.name} holiday table "
                f"({self.first_year}–{self.last_year})"
            )

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.closed

    def is_business_day(self, day: date) -> bool:
        self.require(day)
        return day.weekday() < 5 and not self.is_holiday(day)

    def preceding(self, day: date) -> date:
        """The day itself if a business day, else the latest business day before it."""
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def following(self, day: date) -> date:
        """The day itself if a business day, else the first business day after it."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add(self, day: date, count: int) -> date:
        """The `count`-th business day after `day` (before it when negative)."""
        step = timedelta(days=1 if count > 0 else -1)
        self.require(day)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day

    def longest_closure(self, first_year: int, last_year: int) -> int:
        """The longest run of consecutive days that are not business days, over the years
        given (cut to the table): how far a search for a business day must look."""
        first_year = max(first_year, self.first_year)
        last_year = min(last_year, self.last_year)
        key = (first_year, last_year)
        if key not in self._gaps:
            longest = run = 0
            day = date(first_year, 1, 1)
            while day.year <= last_year:
                run = run + 1 if day.weekday() >= 5 or self.is_holiday(day) else 0
                longest = max(longest, run)
                day += timedelta(days=1)
            self._gaps[key] = longest
        return self._gaps[key]

    def days_off(self, first_year: int, last_year: int) -> list[date]:
        """The holidays and closed days (not weekends) in the years given, cut to the table."""
        first_year = max(first_year, self.first_year)
        last_year = min(last_year, self.last_year)
        found = {d for d in self.holidays if first_year <= d.year <= last_year}
        for year in range(first_year, last_year + 1):
            for month, day_of_month in self.closed:
                try:
                    found.add(date(year, month, day_of_month))
                except ValueError:  # 02-29 in a common year
                    continue
        return sorted(found)


@cache
def stored_table(name: str) -> tuple[frozenset[date], int, int]:
    """A stored holiday table by name ("jp"): its holidays and the years it covers."""
    path = HOLIDAY_TABLES / f"{name}.txt"
    if not path.is_file():
        raise ValueError(f"no stored holiday table {name!r}")
    return read_table(path.read_text(encoding="utf-8"))


def read_table(text: str) -> tuple[frozenset[date], int, int]:
    """The holidays and years of a table: `years FIRST LAST`, then `YYYY-MM-DD name` lines.

    Raises ValueError naming the line of a malformed entry.
    """
    years: tuple[int, int] | None = None
    days: set[date] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        try:
            if words[0] == "years":
                years = (int(words[1]), int(words[2]))
            else:
                days.add(date.fromisoformat(words[0]))
        except (IndexError, ValueError):
            raise ValueError(f"line {number}: expected `years FIRST LAST` or a date") from None
    if years is None:
        raise ValueError("the table does not say which years it covers (`years FIRST LAST`)")
    return frozenset(days), years[0], years[1]
