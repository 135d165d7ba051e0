"""The civil calendar, concretely: months, month ends and periods (民法第140条・第143条).

Dates are :class:`datetime.date`; a calendar month is a :class:`Month`. Month arithmetic
never rounds silently: adding months to a date whose day does not exist in the target
month needs an explicit :class:`MonthEnd` policy, as Catala's ``dates_calc`` does.

The symbolic twin of this module is :mod:`termcheck.smt.symcal`; the two are tested to agree.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from termcheck.errors import InputError

# The horizon over which every property is proved. Chosen to cover every date a
# contract under review can mention with a wide margin; the solver needs bounds.
HORIZON_FIRST_YEAR = 1900
HORIZON_LAST_YEAR = 2399

_MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
_DATE_PATTERN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month such as 2027-03 (解約月 is one)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, not {self.month}")

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months have consecutive indices."""
        return 12 * self.year + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def shift(self, months: int) -> Month:
        """The month `months` later (earlier when negative)."""
        return Month.from_index(self.index + months)

    @property
    def days(self) -> int:
        return _stdlib_calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class MonthEnd(Enum):
    """What to do when a day does not exist in the target month (Jan 31 + 1 month)."""

    LAST_DAY = "last-day"  # round down to the month's last day (民法第143条第2項ただし書)
    NEXT_DAY = "next-day"  # round up to the 1st of the following month
    ERROR = "error"  # refuse: the caller must decide


class MissingDayError(ValueError):
    """The day does not exist in the target month and the policy is MonthEnd.ERROR."""


def month_of(day: date) -> Month:
    return Month(day.year, day.month)


def is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap_year(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def months_between(earlier: Month, later: Month) -> int:
    """How many month steps lead from `earlier` to `later` (negative if reversed)."""
    return later.index - earlier.index


def add_months(day: date, months: int, on_missing: MonthEnd) -> date:
    """The same day of the month `months` later, with an explicit month-end policy."""
    target = month_of(day).shift(months)
    if day.day <= target.days:
        return date(target.year, target.month, day.day)
    if on_missing is MonthEnd.LAST_DAY:
        return target.last_day
    if on_missing is MonthEnd.NEXT_DAY:
        return target.last_day + timedelta(days=1)
    raise MissingDayError(f"{target} has no day {day.day}")


def first_of_next_month(day: date) -> date:
    """The 1st of the month after `day` (翌月1日, as terms often count)."""
    return month_of(day).shift(1).first_day


def period_end(start: date, months: int, *, first_day_counts: bool) -> date:
    """The last day of a period of `months` months from `start` (民法第140条・第143条).

    `first_day_counts` is False for the default rule of 民法第140条 (初日不算入: the period
    is reckoned from the next day) and True where the period starts at the beginning
    of a day or the contract names its own reckoning day (民法第138条), as a minimum term
    often does.
    """
    if months < 1:
        raise ValueError("a period has at least one month")
    reckoning_day = start if first_day_counts else start + timedelta(days=1)
    if reckoning_day.day == 1:
        # A period reckoned from the beginning of a month ends with its last month.
        return month_of(reckoning_day).shift(months - 1).last_day
    last_month = month_of(reckoning_day).shift(months)
    if reckoning_day.day <= last_month.days:
        # The day before the corresponding day (応当日) of the last month.
        return date(last_month.year, last_month.month, reckoning_day.day) - timedelta(days=1)
    # The last month has no corresponding day: the period ends on its last day.
    return last_month.last_day


def days_between(earlier: date, later: date) -> int:
    return (later - earlier).days


def in_horizon(day: date) -> bool:
    return HORIZON_FIRST_YEAR <= day.year <= HORIZON_LAST_YEAR


def parse_date(text: str) -> date:
    """Parse YYYY-MM-DD strictly; raises ValueError with a reason a person can act on."""
    match = _DATE_PATTERN.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    if year == 0:  # no date Python can make: say what the horizon is instead
        raise ValueError(f"{text!r}: write a year from {HORIZON_FIRST_YEAR} to {HORIZON_LAST_YEAR}")
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: there is no month {month}")
    if not 1 <= day <= days_in_month(year, month):
        raise ValueError(f"{text!r}: {year:04d}-{month:02d} has no day {day}")
    return date(year, month, day)


def parse_month(text: str) -> Month:
    """Parse YYYY-MM strictly."""
    match = _MONTH_PATTERN.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a month; write it as YYYY-MM")
    year, month = (int(part) for part in match.groups())
    if year == 0:
        raise ValueError(f"{text!r}: write a year from {HORIZON_FIRST_YEAR} to {HORIZON_LAST_YEAR}")
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: there is no month {month}")
    return Month(year, month)


def check_in_horizon(day: date, what: str) -> None:
    if not in_horizon(day):
        raise InputError(
            f"{day.isoformat()} is outside the horizon "
            f"{HORIZON_FIRST_YEAR}-01-01..{HORIZON_LAST_YEAR}-12-31",
            field=what,
        )


def format_date_ja(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def format_month_ja(month: Month) -> str:
    return f"{month.year}年{month.month}月"


def format_yen(amount: int) -> str:
    return f"{amount:,}円"
