"""The functions of the termcheck language: their signatures, in one table.

Each function has exactly two meanings, a Python one (:mod:`termcheck.language.evaluate`)
and a Z3 one (:mod:`termcheck.smt.compile`); ``tests/test_language_meanings.py`` checks
that both tables cover this one and that the two agree on generated formulas.

Arguments marked `literal` must be written as integer literals: Z3 stays fast and
decidable when months are shifted, days added and amounts divided by constants
(docs/encoding.md). Options (a rounding, a month-end policy) are string literals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from termcheck.language.types import BOOL, DATE, INT, MONTH, YEN, Type


@dataclass(frozen=True)
class Param:
    """One parameter: the types it accepts, or a literal it must be."""

    name: str
    types: frozenset[Type] = frozenset()
    # "int" for an integer literal (or constant), "option" for a string one, "count" for
    # a count that is used as written when it is known before solving and evaluated
    # otherwise (a shift by a constant is a case split; by a count, arithmetic).
    literal: str | None = None
    options: tuple[str, ...] = ()  # the strings an option may be
    optional: bool = False


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[Param, ...]
    result: Type | None  # None: the type of its arguments (min, max)
    doc: str
    variadic: bool = False  # min/max take two or more; sum_fees takes pairs after three
    business_days: bool = False  # needs the model's [calendar]

    def usage(self) -> str:
        shown = []
        for p in self.params:
            text = f'"{"|".join(p.options)}"' if p.literal == "option" else p.name
            shown.append(f"[{text}]" if p.optional else text)
        if self.variadic:
            shown.append("…")
        return f"{self.name}({', '.join(shown)})"


def _p(name: str, *types: Type) -> Param:
    return Param(name, frozenset(types))


def _literal(name: str) -> Param:
    return Param(name, frozenset({INT}), literal="int")


def _count(name: str) -> Param:
    return Param(name, frozenset({INT}), literal="count")


def _option(name: str, *options: str, optional: bool = False) -> Param:
    return Param(name, literal="option", options=options, optional=optional)


ROUNDINGS: Final = ("floor", "ceiling", "half-up")
MONTH_END_POLICIES: Final = ("last-day", "next-day")
PERIOD_MODES: Final = ("first-day-counts", "first-day-excluded")
ORDERED: Final = frozenset({INT, YEN, DATE, MONTH})

_TABLE: Final = (
    Function("month_of", (_p("day", DATE),), MONTH, "the month a date falls in"),
    Function("first_day", (_p("month", MONTH),), DATE, "the 1st of a month"),
    Function("last_day", (_p("month", MONTH),), DATE, "the last day of a month"),
    Function(
        "months_between",
        (_p("earlier", MONTH), _p("later", MONTH)),
        INT,
        "how many month steps lead from `earlier` to `later` (negative if reversed)",
    ),
    Function(
        "months_in",
        (_p("first", MONTH), _p("last", MONTH)),
        INT,
        "how many months from `first` to `last`, both counted (0 when `last` is earlier)",
    ),
    Function(
        "days_between",
        (_p("earlier", DATE), _p("later", DATE)),
        INT,
        "days from `earlier` to `later` (negative if reversed)",
    ),
    Function("year", (_p("value", DATE, MONTH),), INT, "the year of a date or month"),
    Function("month_number", (_p("value", DATE, MONTH),), INT, "1 to 12"),
    Function("day", (_p("day", DATE),), INT, "the day of the month, 1 to 31"),
    Function("days_in_month", (_p("month", MONTH),), INT, "28 to 31"),
    Function("is_last_day", (_p("day", DATE),), BOOL, "the day is its month's last"),
    Function("is_leap_year", (_p("year", INT),), BOOL, "the Gregorian rule"),
    Function("implies", (_p("if", BOOL), _p("then", BOOL)), BOOL, "`if` implies `then`"),
    Function("weekday", (_p("day", DATE),), INT, "0 for Monday to 6 for Sunday"),
    Function(
        "add_months",
        (_p("month", MONTH), _count("months")),
        MONTH,
        "the month `months` later (earlier when negative); `months` may be any count, "
        "a literal or constant being cheapest for the solver",
    ),
    Function(
        "add_days",
        (_p("day", DATE), _literal("days")),
        DATE,
        "the day `days` later (earlier when negative); at most 3,660 either way",
    ),
    Function(
        "shift_date",
        (_p("day", DATE), _literal("months"), _option("month_end", *MONTH_END_POLICIES)),
        DATE,
        "the same day `months` later; where that month has no such day, its last day "
        '("last-day") or the 1st of the month after ("next-day")',
    ),
    Function(
        "period_end",
        (_p("start", DATE), _literal("months"), _option("first_day", *PERIOD_MODES)),
        DATE,
        "the last day of a period of `months` months from `start` under 民法第140条・第143条: "
        '"first-day-excluded" is the default rule (初日不算入), "first-day-counts" a period '
        "from the beginning of a day or a reckoning day the contract names (民法第138条)",
    ),
    Function(
        "scale",
        (
            _p("amount", YEN),
            _p("part", INT),
            _p("whole", INT),
            _option("rounding", *ROUNDINGS),
            Param("unit", frozenset({INT}), literal="int", optional=True),
        ),
        YEN,
        "amount × part ÷ whole, rounded down, up or half up to a multiple of `unit` yen "
        "(1 unless given); `whole` is a positive literal or a count of at most 400 values",
    ),
    Function(
        "sum_fees",
        (_p("first", MONTH), _p("last", MONTH), _p("fee", YEN)),
        YEN,
        "the fees of the months `first` to `last`, each month at the fee in force: `fee` "
        "until the first change, then each (`from_month`, `fee`) pair from its month on",
        variadic=True,
    ),
    Function(
        "is_business_day",
        (_p("day", DATE),),
        BOOL,
        "not a Saturday, a Sunday, a holiday of the model's [calendar] or a day it closes",
        business_days=True,
    ),
    Function(
        "preceding_business_day",
        (_p("day", DATE),),
        DATE,
        "the day itself if it is a business day, else the latest business day before it",
        business_days=True,
    ),
    Function(
        "following_business_day",
        (_p("day", DATE),),
        DATE,
        "the day itself if it is a business day, else the first business day after it",
        business_days=True,
    ),
    Function(
        "add_business_days",
        (_p("day", DATE), _literal("days")),
        DATE,
        "the `days`-th business day after the day (before it when negative); 1 to 60 either way",
        business_days=True,
    ),
    Function("date", (_option("text"),), DATE, 'a date literal: date("2026-03-31")'),
    Function("month", (_option("text"),), MONTH, 'a month literal: month("2026-03")'),
    Function(
        "min",
        (_p("x", *ORDERED), _p("y", *ORDERED)),
        None,
        "the least of two or more values of one type",
        variadic=True,
    ),
    Function(
        "max",
        (_p("x", *ORDERED), _p("y", *ORDERED)),
        None,
        "the greatest of two or more values of one type",
        variadic=True,
    ),
)

FUNCTIONS: Final[dict[str, Function]] = {f.name: f for f in _TABLE}

# Bounds the Z3 meaning relies on, checked at load time with the literal's position.
MAX_DAYS_SHIFT: Final = 3_660
MAX_BUSINESS_DAYS: Final = 60
MAX_MONTHS_SHIFT: Final = 1_200
MAX_DIVISOR_VALUES: Final = 400
