"""The concrete meaning of the termcheck language: a checked expression, as a Python value.

Values: :class:`datetime.date`, :class:`~termcheck.semantics.calendar.Month`, int (for
int and yen), bool, str (an enumeration value) and frozenset[str] (a set of them). Its Z3
twin is :mod:`termcheck.smt.compile`; the two are tested to agree on generated formulas.
Where a function's result does not exist (a business day outside the holiday table, a
date past year 9999) evaluation raises :class:`EvaluationError` instead of guessing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from termcheck.language.ast import (
    Arith,
    BoolLit,
    Call,
    Compare,
    Expr,
    IfExpr,
    IntLit,
    Logic,
    Membership,
    Name,
    Negate,
    Not,
    SetLit,
    StrLit,
    static_int,
)
from termcheck.language.functions import FUNCTIONS
from termcheck.semantics import calendar
from termcheck.semantics.businessdays import BusinessCalendar, OutsideCalendar
from termcheck.semantics.calendar import Month, MonthEnd


class EvaluationError(ValueError):
    """A formula has no value for these facts (see the message for which and why)."""


@dataclass(frozen=True)
class Context:
    """What evaluation needs beyond the names' values: the model's business calendar."""

    calendar: BusinessCalendar | None = None


COMPARE: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def eval_concrete(
    expr: Expr, lookup: Callable[[str], object], context: Context | None = None
) -> object:
    """The value of a checked expression, each name's value from `lookup`."""
    result: object = _Concrete(lookup, context or Context()).eval(expr)
    return result


def scale(amount: int, part: int, whole: int, rounding: str, unit: int = 1) -> int:
    """amount × part ÷ whole, rounded to a multiple of `unit` yen.

    "floor" rounds toward −∞, "ceiling" toward +∞, "half-up" to the nearest multiple with
    halves toward +∞ (四捨五入 for the non-negative amounts fees are).
    """
    if whole <= 0:
        raise EvaluationError(f"scale divides by {whole}: the whole must be positive")
    numerator, divisor = amount * part, whole * unit
    if rounding == "floor":
        quotient = numerator // divisor
    elif rounding == "ceiling":
        quotient = -(-numerator // divisor)
    else:
        quotient = (2 * numerator + divisor) // (2 * divisor)
    return quotient * unit


def sum_fees(first: Month, last: Month, fee: int, *changes: object) -> int:
    """The fees of the months `first` to `last`, each at the fee in force in its month:
    `fee`, replaced from its month on by each (month, fee) pair in turn."""
    pairs = [(changes[i], changes[i + 1]) for i in range(0, len(changes), 2)]
    total = 0
    for index in range(first.index, last.index + 1):
        month = Month.from_index(index)
        in_force = fee
        for since, new_fee in pairs:
            assert isinstance(since, Month) and isinstance(new_fee, int)
            if since <= month:
                in_force = new_fee
        total += in_force
    return total


def _months_in(first: Month, last: Month) -> int:
    return max(0, calendar.months_between(first, last) + 1)


def _add_days(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise EvaluationError(f"{day.isoformat()} + {days} days is past the calendar") from None


def _shift_date(day: date, months: int, policy: str) -> date:
    return calendar.add_months(day, months, MonthEnd(policy))


def _period_end(start: date, months: int, mode: str) -> date:
    return calendar.period_end(start, months, first_day_counts=mode == "first-day-counts")


_PLAIN: Final[dict[str, Callable[..., Any]]] = {
    "month_of": calendar.month_of,
    "first_day": lambda month: month.first_day,
    "last_day": lambda month: month.last_day,
    "months_between": calendar.months_between,
    "months_in": _months_in,
    "days_between": calendar.days_between,
    "year": lambda value: value.year,
    "month_number": lambda value: value.month,
    "day": lambda day: day.day,
    "days_in_month": lambda month: month.days,
    "is_last_day": lambda day: day.day == calendar.days_in_month(day.year, day.month),
    "is_leap_year": calendar.is_leap_year,
    "implies": lambda left, right: (not left) or right,
    "weekday": lambda day: day.weekday(),
    "add_months": lambda month, months: month.shift(months),
    "add_days": _add_days,
    "shift_date": _shift_date,
    "period_end": _period_end,
    "scale": scale,
    "sum_fees": sum_fees,
    "min": min,
    "max": max,
}
_BUSINESS: Final[dict[str, Callable[..., Any]]] = {
    "is_business_day": lambda cal, day: cal.is_business_day(day),
    "preceding_business_day": lambda cal, day: cal.preceding(day),
    "following_business_day": lambda cal, day: cal.following(day),
    "add_business_days": lambda cal, day, days: cal.add(day, days),
}
IMPLEMENTED: Final = frozenset(_PLAIN) | frozenset(_BUSINESS) | {"date", "month"}


class _Concrete:
    def __init__(self, lookup: Callable[[str], object], context: Context) -> None:
        self.lookup = lookup
        self.context = context

    def eval(self, node: Expr) -> Any:
        match node:
            case IntLit(value=value) | BoolLit(value=value):
                return value
            case StrLit(value=value):
                return value
            case SetLit(items=items):
                return frozenset(item.value for item in items)
            case Name(name=name):
                return self.lookup(name)
            case Negate(operand=operand):
                return -self.eval(operand)
            case Not(operand=operand):
                return not self.eval(operand)
            case Arith(op=op, left=left, right=right):
                divisor = op in ("//", "%")
                return _arith(
                    op, self.eval(left), static_int(right) if divisor else self.eval(right)
                )
            case Logic(op=op, left=left, right=right):
                return self.logic(op, left, right)
            case Compare(op=op, left=left, right=right):
                return bool(COMPARE[op](self.eval(left), self.eval(right)))
            case Membership(element=element, collection=collection, negated=negated):
                return (self.eval(element) in self.eval(collection)) != negated
            case IfExpr(condition=condition, yes=yes, no=no):
                return self.eval(yes) if self.eval(condition) else self.eval(no)
            case Call():
                return self.call(node)
        raise TypeError(f"not a language node: {node!r}")  # pragma: no cover

    def logic(self, op: str, left: Expr, right: Expr) -> bool:
        first = bool(self.eval(left))
        if op == "and":
            return first and bool(self.eval(right))
        if op == "or":
            return first or bool(self.eval(right))
        return (not first) or bool(self.eval(right))

    def call(self, node: Call) -> Any:
        function = node.function
        if function in ("date", "month"):
            arg = node.args[0]
            assert isinstance(arg, StrLit)
            if function == "date":
                return calendar.parse_date(arg.value)
            return calendar.parse_month(arg.value)
        args = [self.argument(node, index, arg) for index, arg in enumerate(node.args)]
        try:
            if function in _BUSINESS:
                cal = self.context.calendar
                if cal is None:
                    raise EvaluationError(f"{function} needs the model's [calendar]")
                return _BUSINESS[function](cal, *args)
            return _PLAIN[function](*args)
        except OutsideCalendar as exc:
            raise EvaluationError(str(exc)) from None
        except (ValueError, OverflowError) as exc:
            if isinstance(exc, EvaluationError):
                raise
            raise EvaluationError(f"{function}: {exc}") from None

    def argument(self, node: Call, index: int, arg: Expr) -> Any:
        literal = option_or_literal(node, index)
        return self.eval(arg) if literal is None else literal


def option_or_literal(node: Call, index: int) -> str | int | None:
    """An argument the function takes as written (an option such as "floor", or an
    integer literal such as a number of months), or None for a value to evaluate."""
    function = FUNCTIONS[node.function]
    if function.variadic or index >= len(function.params):
        return None
    param = function.params[index]
    arg = node.args[index]
    if param.literal == "option":
        assert isinstance(arg.static, str)
        return arg.static
    if param.literal == "int":
        return static_int(arg)
    if param.literal == "count":
        # Known before solving (a literal or constant): as written; else evaluated.
        value = arg.static
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return None


def _arith(op: str, left: int, right: int) -> int:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    # The divisor is a positive constant: floor division is z3's Euclidean division.
    return left // right if op == "//" else left % right
