"""The Z3 meaning of the termcheck language: a checked expression, as a Z3 term.

Values: :class:`~termcheck.smt.symcal.SDate` and :class:`~termcheck.smt.symcal.SMonth`
for dates and months, Z3 integers for int, yen and enumeration values (an enumeration
value is its position in the model's list), Z3 booleans, and frozensets for the constant
sets of enumeration values. Its concrete twin is :mod:`termcheck.language.evaluate`.

What keeps the solver fast (docs/encoding.md): no product of two unknowns where the
bounds of one allow a case split over its values, division only by constants (a
divisor of few values is split too), month shifts by constants, dates compared as
(year, month, day). Where a function has no value (a business day outside the holiday
table) the compiler records a condition in :attr:`Compiler.conditions`; callers add it
to the cases, so no verdict rests on an undefined value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import z3

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
    typed,
)
from termcheck.language.bounds import Bounds, Interval, business_days_defined
from termcheck.language.evaluate import COMPARE, option_or_literal
from termcheck.language.types import Type
from termcheck.semantics import calendar
from termcheck.semantics.businessdays import BusinessCalendar
from termcheck.semantics.calendar import Month
from termcheck.smt import businessdays as symbusiness
from termcheck.smt import symcal
from termcheck.smt.symcal import SDate, SMonth

SymValue = Any  # SDate | SMonth | z3.ArithRef | z3.BoolRef | frozenset[str]

# A count with at most this many values is multiplied by a case split over them; a wider
# one is split over its first few values (where contracts live) and multiplied otherwise.
SPLIT_LIMIT: Final = 400
WIDE_SPLIT: Final = 12


@dataclass(frozen=True)
class SymContext:
    """What compiling needs beyond the names: enumeration values and the business
    calendar of the model."""

    enums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    calendar: BusinessCalendar | None = None

    def code(self, type_: Type, value: str) -> int:
        assert type_.enum is not None
        return self.enums[type_.enum].index(value)


def lift(value: object, type_: Type, context: SymContext) -> SymValue:
    """A concrete value as the Z3 value the compiler computes with."""
    if isinstance(value, bool):
        return z3.BoolVal(value)
    if isinstance(value, int):
        return z3.IntVal(value)
    if isinstance(value, date):
        return symcal.const_date(value)
    if isinstance(value, Month):
        return symcal.const_month(value)
    if isinstance(value, str):
        return z3.IntVal(context.code(type_, value))
    return value  # a frozenset: sets are constants


def lower(model: z3.ModelRef, value: SymValue, type_: Type, context: SymContext) -> object:
    """The concrete value a Z3 model gives a symbolic value of type `type_`."""
    if type_.kind == "date":
        return symcal.to_date(model, value)
    if type_.kind == "month":
        return symcal.to_month(model, value)
    if type_.kind == "bool":
        return z3.is_true(model.eval(value, model_completion=True))
    if type_.kind == "set":
        return value
    number = int(model.eval(value, model_completion=True).as_long())
    if type_.kind == "enum":
        assert type_.enum is not None
        return context.enums[type_.enum][number]
    return number


def times(count: Any, count_bounds: Interval, amount: Any) -> Any:
    """`count * amount` without a product of two unknowns where the count's bounds allow:
    a case split over the count's values, each a constant times `amount`."""
    if z3.is_int_value(count):
        return count.as_long() * amount
    if z3.is_int_value(amount):
        return amount.as_long() * count
    # A factor that is a choice among constants (a fee by plan) needs no split over the
    # other's values: the product is the same choice, each a constant times the other.
    for choice, other in ((amount, count), (count, amount)):
        leaves = _constant_leaves(choice)
        if leaves is not None and (leaves < count_bounds.size or count_bounds.size > SPLIT_LIMIT):
            return _distribute(choice, other)
    if count_bounds.size <= SPLIT_LIMIT:
        values = range(count_bounds.low, count_bounds.high + 1)
        result = values[-1] * amount
        for value in reversed(values[:-1]):
            result = z3.If(count == value, value * amount, result)
        return result
    low = max(count_bounds.low, 0)
    high = min(count_bounds.high, low + WIDE_SPLIT)
    split = times(count, Interval(low, high), amount)
    return z3.If(z3.And(count >= low, count <= high), split, count * amount)


def _constant_leaves(term: Any, limit: int = SPLIT_LIMIT) -> int | None:
    """How many constants a term chooses among (`If(c, 980, If(d, 2980, 9800))`), or None
    when it is not such a choice (or chooses among more than `limit`)."""
    if z3.is_int_value(term):
        return 1
    if not z3.is_app_of(term, z3.Z3_OP_ITE):
        return None
    yes = _constant_leaves(term.arg(1), limit)
    no = None if yes is None else _constant_leaves(term.arg(2), limit - yes)
    if yes is None or no is None or yes + no > limit:
        return None
    return yes + no


def _distribute(choice: Any, other: Any) -> Any:
    if z3.is_int_value(choice):
        return choice.as_long() * other
    yes, no = _distribute(choice.arg(1), other), _distribute(choice.arg(2), other)
    return z3.If(choice.arg(0), yes, no)


class Compiler:
    """Compiles checked expressions to Z3 with each name's value from `lookup`."""

    def __init__(
        self,
        lookup: Callable[[str], SymValue],
        bounds: Bounds,
        context: SymContext | None = None,
    ) -> None:
        self.lookup = lookup
        self.bounds = bounds
        self.context = context or SymContext()
        self.conditions: list[Any] = []

    def compile(self, node: Expr) -> SymValue:
        match node:
            case IntLit(value=value):
                return z3.IntVal(value)
            case BoolLit(value=value):
                return z3.BoolVal(value)
            case StrLit(value=value):
                return z3.IntVal(self.context.code(typed(node), value))
            case SetLit(items=items):
                return frozenset(item.value for item in items)
            case Name(name=name):
                return lift(self.lookup(name), typed(node), self.context)
            case Negate(operand=operand):
                return -self.compile(operand)
            case Not(operand=operand):
                return z3.Not(self.compile(operand))
            case Arith():
                return self.arith(node)
            case Logic(op=op, left=left, right=right):
                combine = {"and": z3.And, "or": z3.Or, "implies": z3.Implies}[op]
                return combine(self.compile(left), self.compile(right))
            case Compare(op=op, left=left, right=right):
                return COMPARE[op](self.compile(left), self.compile(right))
            case Membership():
                return self.membership(node)
            case IfExpr(condition=condition, yes=yes, no=no):
                return choose(self.compile(condition), self.compile(yes), self.compile(no))
            case Call():
                return self.call(node)
        raise TypeError(f"not a language node: {node!r}")  # pragma: no cover

    def arith(self, node: Arith) -> Any:
        left = self.compile(node.left)
        if node.op in ("//", "%"):
            divisor = z3.IntVal(static_int(node.right))
            # z3's `/` on Ints is Euclidean; by a positive constant it floors, as `//`.
            return left / divisor if node.op == "//" else left % divisor
        right = self.compile(node.right)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        return self.product(node.left, left, node.right, right)

    def product(self, left_node: Expr, left: Any, right_node: Expr, right: Any) -> Any:
        """A product: the factor with fewer values (the count, beside a fee) is split."""
        left_bounds = self.bounds.need(left_node)
        right_bounds = self.bounds.need(right_node)
        if typed(left_node).kind == "yen":
            return times(right, right_bounds, left)
        if typed(right_node).kind == "yen" or left_bounds.size <= right_bounds.size:
            return times(left, left_bounds, right)
        return times(right, right_bounds, left)

    def membership(self, node: Membership) -> Any:
        members: frozenset[str] = self.compile(node.collection)
        element_type = typed(node.element)
        code = self.compile(node.element)
        tests = [code == self.context.code(element_type, m) for m in sorted(members)]
        found = z3.Or(*tests) if tests else z3.BoolVal(False)
        return z3.Not(found) if node.negated else found

    # --- Calls -----------------------------------------------------------------------------

    def call(self, node: Call) -> SymValue:
        function = node.function
        if function in ("date", "month"):
            arg = node.args[0]
            assert isinstance(arg, StrLit)
            if function == "date":
                return symcal.const_date(calendar.parse_date(arg.value))
            return symcal.const_month(calendar.parse_month(arg.value))
        if function in _SPECIAL:
            return _SPECIAL[function](self, node)
        args = [self.argument(node, index) for index in range(len(node.args))]
        return _PLAIN[function](*args)

    def argument(self, node: Call, index: int) -> Any:
        literal = option_or_literal(node, index)
        return self.compile(node.args[index]) if literal is None else literal

    def years(self, node: Expr) -> tuple[int, int]:
        return self.bounds.need(node).years

    def business_calendar(self) -> BusinessCalendar:
        cal = self.context.calendar
        assert cal is not None, "the type checker refuses business days without [calendar]"
        return cal


def choose(condition: Any, yes: SymValue, no: SymValue) -> SymValue:
    if z3.is_true(condition):  # known when the term is built: no case split
        return yes
    if z3.is_false(condition):
        return no
    if isinstance(yes, SDate):
        return symcal.select_date(condition, yes, no)
    if isinstance(yes, SMonth):
        return symcal.select_month(condition, yes, no)
    if isinstance(yes, frozenset):
        if z3.is_true(z3.simplify(condition)):
            return yes
        if z3.is_false(z3.simplify(condition)):
            return no
        raise TypeError("a set-valued `if` must have a constant condition")  # pragma: no cover
    return z3.If(condition, yes, no)


def _smallest(values: list[Any]) -> Any:
    result = values[0]
    for value in values[1:]:
        if isinstance(result, SDate):
            result = symcal.select_date(value < result, value, result)
        elif isinstance(result, SMonth):
            result = symcal.min_month(result, value)
        else:
            result = z3.If(value < result, value, result)
    return result


def _largest(values: list[Any]) -> Any:
    result = values[0]
    for value in values[1:]:
        if isinstance(result, SDate):
            result = symcal.select_date(value > result, value, result)
        elif isinstance(result, SMonth):
            result = symcal.max_month(result, value)
        else:
            result = z3.If(value > result, value, result)
    return result


def _scale(compiler: Compiler, node: Call) -> Any:
    amount = compiler.compile(node.args[0])
    part = compiler.compile(node.args[1])
    rounding = option_or_literal(node, 3)
    unit = option_or_literal(node, 4) if len(node.args) > 4 else 1
    assert isinstance(rounding, str) and isinstance(unit, int)
    numerator = compiler.product(node.args[0], amount, node.args[1], part)
    whole = compiler.compile(node.args[2])
    whole_bounds = compiler.bounds.need(node.args[2])

    def divide(divisor: int) -> Any:
        if rounding == "floor":
            quotient = numerator / divisor
        elif rounding == "ceiling":
            quotient = (numerator + divisor - 1) / divisor
        else:
            quotient = (2 * numerator + divisor) / (2 * divisor)
        return quotient * unit

    if z3.is_int_value(whole):
        return divide(whole.as_long() * unit)
    # A divisor of few values (the days of a month) is a case split over them.
    values = range(whole_bounds.low, whole_bounds.high + 1)
    result = divide(values[-1] * unit)
    for value in reversed(values[:-1]):
        result = z3.If(whole == value, divide(value * unit), result)
    return result


def _sum_fees(compiler: Compiler, node: Call) -> Any:
    first, last = compiler.compile(node.args[0]), compiler.compile(node.args[1])
    fees = [(None, node.args[2])] + [
        (node.args[i], node.args[i + 1]) for i in range(3, len(node.args), 2)
    ]
    since = [None if at is None else compiler.compile(at) for at, _ in fees]
    total: Any = z3.IntVal(0)
    for k, (_, fee_node) in enumerate(fees):
        start = since[k]
        lower = first if start is None else symcal.max_month(first, start)
        later = [s for s in since[k + 1 :] if s is not None]
        upper = last if not later else symcal.min_month(last, _smallest(later).shift(-1))
        count = symcal.months_in(lower, upper)
        fee = compiler.compile(fee_node)
        months = compiler.bounds.need(node.args[0]), compiler.bounds.need(node.args[1])
        count_bounds = Interval(0, max(0, months[1].high - months[0].low + 1))
        total = total + times(count, count_bounds, fee)
    return total


def _business(compiler: Compiler, node: Call) -> Any:
    cal = compiler.business_calendar()
    day = compiler.compile(node.args[0])
    years = compiler.years(node.args[0])
    # Where the bounds show the table covers every day the call can visit, it always
    # has a value: no condition for the case's domain, so nothing forces its terms in.
    defined = business_days_defined(compiler.bounds, node, cal.first_year, cal.last_year)
    if not defined:
        compiler.conditions.append(symbusiness.covered(cal, day))
    if node.function == "is_business_day":
        return symbusiness.is_business_day(cal, day, years)
    if node.function == "add_business_days":
        count = option_or_literal(node, 1)
        assert isinstance(count, int)
        result = symbusiness.add_business_days(cal, day, years, count)
    else:
        forward = node.function == "following_business_day"
        result = symbusiness.nearest(cal, day, years, forward)
    # The search looks at days around `day`: they must lie in the table too.
    if not defined:
        compiler.conditions.append(symbusiness.covered(cal, result))
    return result


def _min(compiler: Compiler, node: Call) -> Any:
    return _smallest([compiler.compile(arg) for arg in node.args])


def _max(compiler: Compiler, node: Call) -> Any:
    return _largest([compiler.compile(arg) for arg in node.args])


_SPECIAL: Final[dict[str, Callable[[Compiler, Call], Any]]] = {
    "scale": _scale,
    "sum_fees": _sum_fees,
    "min": _min,
    "max": _max,
    "is_business_day": _business,
    "preceding_business_day": _business,
    "following_business_day": _business,
    "add_business_days": _business,
}
_PLAIN: Final[dict[str, Callable[..., Any]]] = {
    "month_of": lambda day: day.month_of,
    "first_day": lambda month: month.first_day,
    "last_day": lambda month: month.last_day,
    "months_between": symcal.months_between,
    "months_in": symcal.months_in,
    "days_between": symcal.days_between,
    "year": lambda value: value.year,
    "month_number": lambda value: value.month,
    "day": lambda day: day.day,
    "days_in_month": lambda month: month.days,
    "is_last_day": lambda day: day.day == symcal.days_in_month(day.year, day.month),
    "is_leap_year": symcal.is_leap_year,
    "implies": z3.Implies,
    "weekday": symcal.weekday,
    "add_months": lambda month, months: month.shift(months),
    "add_days": symcal.add_days,
    "shift_date": lambda day, months, policy: symcal.shift_date(day, months, policy == "next-day"),
    "period_end": lambda start, months, mode: symcal.period_end(
        start, months, mode == "first-day-counts"
    ),
}
IMPLEMENTED: Final = frozenset(_SPECIAL) | frozenset(_PLAIN) | {"date", "month"}
