"""Bounds: the least and greatest value each expression can take, known before solving.

The Z3 meaning uses them to stay linear and fast: a fee times a count becomes a case
split over the count's values when there are few of them, a division by a count of days
becomes a split over 28..31, and a business-day test looks only at the holiday table's
years a date can fall in. The bounds must be sound (every value the expression can take
lies within them, which ``tests/test_language_meanings.py`` checks on generated
formulas); they need not be tight.

An int or yen expression has an :class:`Interval` of values; a date or a month has one of
month indices (``12 * year + month - 1``); other types have none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from termcheck.errors import InputError, Position
from termcheck.language import functions as fn
from termcheck.language.ast import (
    Arith,
    Call,
    Expr,
    IfExpr,
    IntLit,
    Name,
    Negate,
    StrLit,
    nodes,
    static_int,
    typed,
)
from termcheck.language.parse import position
from termcheck.semantics import calendar


@dataclass(frozen=True)
class Interval:
    low: int
    high: int

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError(f"empty interval {self.low}..{self.high}")

    @property
    def size(self) -> int:
        return self.high - self.low + 1

    def union(self, other: Interval) -> Interval:
        return Interval(min(self.low, other.low), max(self.high, other.high))

    def shift(self, by: int) -> Interval:
        return Interval(self.low + by, self.high + by)

    def widen(self, below: int, above: int) -> Interval:
        return Interval(self.low - below, self.high + above)

    @property
    def years(self) -> tuple[int, int]:
        """For an interval of month indices: the years its months fall in."""
        return self.low // 12, self.high // 12


def horizon_months() -> Interval:
    first = calendar.Month(calendar.HORIZON_FIRST_YEAR, 1).index
    last = calendar.Month(calendar.HORIZON_LAST_YEAR, 12).index
    return Interval(first, last)


def _corners(a: Interval, b: Interval) -> Interval:
    products = [a.low * b.low, a.low * b.high, a.high * b.low, a.high * b.high]
    return Interval(min(products), max(products))


NameBounds = Callable[[str], Interval | None]


class Bounds:
    """The bounds of the nodes of checked expressions, given the bounds of names."""

    def __init__(self, names: NameBounds) -> None:
        self.names = names
        self._memo: dict[int, Interval | None] = {}
        self._keep: list[Expr] = []  # the memo keys by id(): keep the nodes alive

    def of(self, node: Expr) -> Interval | None:
        key = id(node)
        if key not in self._memo:
            self._memo[key] = self._compute(node)
            self._keep.append(node)
        return self._memo[key]

    def need(self, node: Expr) -> Interval:
        found = self.of(node)
        if found is None:
            raise TypeError(f"no bounds for a {typed(node)} expression")  # pragma: no cover
        return found

    def _compute(self, node: Expr) -> Interval | None:
        kind = typed(node).kind
        if kind not in ("int", "yen", "date", "month"):
            return None
        match node:
            case IntLit(value=value):
                return Interval(value, value)
            case Name(name=name):
                found = self.names(name)
                if found is None:
                    return horizon_months() if kind in ("date", "month") else None
                return found
            case Negate(operand=operand):
                inner = self.need(operand)
                return Interval(-inner.high, -inner.low)
            case Arith():
                return self._arith(node)
            case IfExpr(yes=yes, no=no):
                return self.need(yes).union(self.need(no))
            case Call():
                return self._call(node)
        raise TypeError(f"no bounds for {node!r}")  # pragma: no cover

    def _arith(self, node: Arith) -> Interval:
        left = self.need(node.left)
        if node.op in ("//", "%"):
            divisor = static_int(node.right)
            if node.op == "//":
                return Interval(left.low // divisor, left.high // divisor)
            if left.low >= 0 and left.high < divisor:
                return left
            return Interval(0, divisor - 1)
        right = self.need(node.right)
        if node.op == "+":
            return Interval(left.low + right.low, left.high + right.high)
        if node.op == "-":
            return Interval(left.low - right.high, left.high - right.low)
        return _corners(left, right)

    def _call(self, node: Call) -> Interval:
        function = node.function
        args = node.args
        handler = _CALLS.get(function)
        if handler is not None:
            return handler(self, node)
        if function in ("min", "max"):
            found = [self.need(arg) for arg in args]
            pick = min if function == "min" else max
            return Interval(pick(i.low for i in found), pick(i.high for i in found))
        raise TypeError(f"no bounds for {function}")  # pragma: no cover


def business_days_defined(b: Bounds, node: Call, first_year: int, last_year: int) -> bool:
    """Whether a business-day call has a value for every case, by bounds alone: the day
    it starts from and the day it finds (and so every day between, which the search
    visits) lie in the years of the holiday table. When not, its value may not exist,
    and the cases where it does not are no cases (the concrete meaning refuses them)."""
    spans = [b.of(node.args[0])]
    if node.function != "is_business_day":
        spans.append(b.of(node))
    return all(
        span is not None and first_year <= span.years[0] and span.years[1] <= last_year
        for span in spans
    )


def divisor_problem(b: Bounds, node: Call) -> str | None:
    """Why the whole of a `scale` call cannot be divided by, or None when it can.

    The Z3 meaning divides by a constant, or splits a divisor of few values into one
    case each (the days of a month); a whole that may be zero or negative has no value,
    and one of many values would build a term too large to solve."""
    if node.function != "scale":
        return None
    whole = b.of(node.args[2])
    if whole is None:  # pragma: no cover - scale's whole is a count or yen, which has bounds
        return "its whole has no bounds"
    if whole.low < 1:
        return (
            f"its whole can be {whole.low:,}, and nothing is divided by zero or less: "
            "bound the fact it depends on (min = 1) or write max(…, 1)"
        )
    if not isinstance(node.args[2].static, int) and whole.size > fn.MAX_DIVISOR_VALUES:
        return (
            f"its whole takes {whole.size:,} values ({whole.low:,}..{whole.high:,}), more "
            f"than the {fn.MAX_DIVISOR_VALUES} the solver splits a divisor into: divide by "
            "a constant or narrow the bounds of the facts it depends on"
        )
    return None


def check_divisors(b: Bounds, expr: Expr, origin: Position, field: str) -> None:
    """Refuse a checked expression whose divisions the solver cannot mean (see
    :func:`divisor_problem`), pointing at the call."""
    for node in nodes(expr):
        if isinstance(node, Call):
            problem = divisor_problem(b, node)
            if problem is not None:
                raise InputError(f"scale: {problem}", position(origin, node.row, node.col), field)


def _months_between(b: Bounds, node: Call) -> Interval:
    earlier, later = b.need(node.args[0]), b.need(node.args[1])
    return Interval(later.low - earlier.high, later.high - earlier.low)


def _months_in(b: Bounds, node: Call) -> Interval:
    between = _months_between(b, node)
    return Interval(max(0, between.low + 1), max(0, between.high + 1))


def _days_between(b: Bounds, node: Call) -> Interval:
    months = _months_between(b, node)
    # A month step is 28 to 31 days; the days within the two months add at most a month.
    low = min(28 * months.low, 31 * months.low) - 31
    high = max(28 * months.high, 31 * months.high) + 31
    return Interval(low, high)


def _year(b: Bounds, node: Call) -> Interval:
    first, last = b.need(node.args[0]).years
    return Interval(first, last)


def _same(b: Bounds, node: Call) -> Interval:
    return b.need(node.args[0])


def _shifted(b: Bounds, node: Call) -> Interval:
    arg = node.args[1]
    if isinstance(arg.static, int) and not isinstance(arg.static, bool):
        return b.need(node.args[0]).shift(arg.static)
    months = b.need(arg)
    return b.need(node.args[0]).widen(-months.low, months.high)


def _add_days(b: Bounds, node: Call) -> Interval:
    days = static_int(node.args[1])
    assert days is not None
    months = abs(days) // 28 + 1
    return b.need(node.args[0]).widen(months if days < 0 else 0, months if days > 0 else 0)


def _period_end(b: Bounds, node: Call) -> Interval:
    months = static_int(node.args[1])
    assert months is not None
    return b.need(node.args[0]).shift(months).widen(1, 1)


def _business(b: Bounds, node: Call) -> Interval:
    # A business day is found within a few weeks of any day (the longest closure of a
    # stored table is about ten days).
    if node.function == "add_business_days":
        days = static_int(node.args[1])
        assert days is not None
        months = (2 * abs(days) + 20) // 28 + 1
        return b.need(node.args[0]).widen(months if days < 0 else 0, months if days > 0 else 0)
    return b.need(node.args[0]).widen(1, 1)


def _scale(b: Bounds, node: Call) -> Interval:
    amount, part, whole = (b.need(arg) for arg in node.args[:3])
    unit = static_int(node.args[4]) if len(node.args) > 4 else 1
    assert unit is not None
    product = _corners(amount, part)
    smallest = max(1, whole.low)
    candidates = [product.low // smallest, product.high // smallest]
    candidates += [product.low // max(1, whole.high), product.high // max(1, whole.high)]
    return Interval(min(candidates) - unit, max(candidates) + unit)


def _sum_fees(b: Bounds, node: Call) -> Interval:
    months = _months_in(b, node)
    fees = [b.need(node.args[2])] + [b.need(node.args[i]) for i in range(4, len(node.args), 2)]
    low = min(0, *(f.low for f in fees)) * months.high
    high = max(0, *(f.high for f in fees)) * months.high
    return Interval(low, high)


def _calendar_literal(b: Bounds, node: Call) -> Interval:
    arg = node.args[0]
    assert isinstance(arg, StrLit)
    if node.function == "date":
        day = calendar.parse_date(arg.value)
        index = calendar.month_of(day).index
    else:
        index = calendar.parse_month(arg.value).index
    return Interval(index, index)


def _constant(low: int, high: int) -> Callable[[Bounds, Call], Interval]:
    return lambda b, node: Interval(low, high)


_CALLS: dict[str, Callable[[Bounds, Call], Interval]] = {
    "months_between": _months_between,
    "months_in": _months_in,
    "days_between": _days_between,
    "year": _year,
    "month_number": _constant(1, 12),
    "day": _constant(1, 31),
    "days_in_month": _constant(28, 31),
    "weekday": _constant(0, 6),
    "month_of": _same,
    "first_day": _same,
    "last_day": _same,
    "add_months": _shifted,
    "shift_date": lambda b, node: _shifted(b, node).widen(0, 1),
    "add_days": _add_days,
    "period_end": _period_end,
    "preceding_business_day": _business,
    "following_business_day": _business,
    "add_business_days": _business,
    "scale": _scale,
    "sum_fees": _sum_fees,
    "date": _calendar_literal,
    "month": _calendar_literal,
}


def month_index(day: date) -> int:
    return calendar.month_of(day).index
