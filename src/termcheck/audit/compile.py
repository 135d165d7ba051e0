"""The concrete meaning, compiled: a model's formulas as one Python function per case shape.

:func:`termcheck.language.evaluate.eval_concrete` walks a formula's tree for every value
it computes; checking millions of billing records that way costs a tree walk per node
per record. Here each formula is translated once into Python source, and all of a case's
defaults, bound checks, quantities and relations into one straight-line function, which
CPython compiles to byte code. The translation keeps the concrete meaning exactly:

- every value is the one ``eval_concrete`` gives, except that a month is its index
  (``12 * year + month - 1``, :attr:`Month.index`) inside the function, an isomorphism
  that keeps order and equality, converted at the edges (:func:`to_inner`,
  :func:`from_inner`);
- what ``eval_concrete`` evaluates lazily (``if``, ``and``, ``or``, ``implies`` as an
  operator) stays lazy, and what it evaluates eagerly (every argument of a call) stays
  eager, so a formula fails (a business day outside the holiday table, a date past year
  9999) on exactly the cases where the interpreter does;
- dates, periods, month ends, roundings and business days call the same functions the
  interpreter calls.

``tests/test_audit.py`` checks the agreement on generated formulas and generated cases.

A *case shape* is which facts a record gives: a fact left out takes its default, and a
quantity that depends on a fact neither given nor defaulted has no value (as in
:func:`termcheck.semantics.case.evaluate`). The function of a shape returns the values
of the quantities asked for, :data:`ABSENT` for one the shape does not decide, or
``None`` when the case is not a possible one or a formula has no value: the caller then
asks the interpreter itself what is wrong (:mod:`termcheck.audit.check`), so that every
refusal is worded exactly as ``termcheck calc`` words it.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from termcheck.language import evaluate as concrete
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
    names_used,
    static_int,
)
from termcheck.language.evaluate import EvaluationError
from termcheck.language.types import Type
from termcheck.model.vocabulary import Vocabulary
from termcheck.semantics import calendar
from termcheck.semantics.businessdays import BusinessCalendar
from termcheck.semantics.calendar import Month


class _Absent:
    """The value of a quantity a case shape does not decide."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __reduce__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()

# What a compiled function can raise where the interpreter raises EvaluationError: the
# interpreter turns ValueError and OverflowError of a call into it, and raises it itself.
_FAILURES: Final = (ValueError, OverflowError, ArithmeticError)


# --- Values at the edges -------------------------------------------------------------------


def to_inner(value: object, type_: Type) -> object:
    """A value of the concrete meaning as the compiled functions take it."""
    if type_.kind == "month" and isinstance(value, Month):
        return value.index
    return value


def from_inner(value: object, type_: Type) -> object:
    """A value of a compiled function as the concrete meaning gives it."""
    if type_.kind == "month" and isinstance(value, int):
        return Month.from_index(value)
    return value


# --- The runtime the generated code calls --------------------------------------------------


def _month_of(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_day(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def _last_day(month: int) -> date:
    year, index = divmod(month, 12)
    return date(year, index + 1, calendar.days_in_month(year, index + 1))


def _period_end(start: date, months: int, mode: str) -> date:
    """:func:`termcheck.semantics.calendar.period_end` over month indices."""
    if months < 1:
        raise ValueError("a period has at least one month")
    reckoning = start if mode == "first-day-counts" else start + timedelta(days=1)
    if reckoning.day == 1:
        return _last_day(reckoning.year * 12 + reckoning.month - 1 + months - 1)
    year, index = divmod(reckoning.year * 12 + reckoning.month - 1 + months, 12)
    days = calendar.days_in_month(year, index + 1)
    if reckoning.day <= days:
        return date(year, index + 1, reckoning.day) - timedelta(days=1)
    return date(year, index + 1, days)


def _days_in_month(month: int) -> int:
    year, index = divmod(month, 12)
    return calendar.days_in_month(year, index + 1)


def _is_last_day(day: date) -> bool:
    return day.day == calendar.days_in_month(day.year, day.month)


def _implies(left: bool, right: bool) -> bool:
    return (not left) or right


def _sum_fees(first: int, last: int, fee: int, *changes: int) -> int:
    """:func:`termcheck.language.evaluate.sum_fees` over month indices."""
    pairs = [(changes[i], changes[i + 1]) for i in range(0, len(changes), 2)]
    total = 0
    for month in range(first, last + 1):
        in_force = fee
        for since, new_fee in pairs:
            if since <= month:
                in_force = new_fee
        total += in_force
    return total


def _no_calendar(function: str) -> Any:
    raise EvaluationError(f"{function} needs the model's [calendar]")


_RUNTIME: Final[dict[str, object]] = {
    "_date": date,
    "_month_of": _month_of,
    "_first_day": _first_day,
    "_last_day": _last_day,
    "_days_in_month": _days_in_month,
    "_is_last_day": _is_last_day,
    "_is_leap_year": calendar.is_leap_year,
    "_implies": _implies,
    "_add_days": concrete._add_days,
    "_shift_date": concrete._shift_date,
    "_period_end": _period_end,
    "_scale": concrete.scale,
    "_sum_fees": _sum_fees,
    "_no_calendar": _no_calendar,
    "_ABSENT": ABSENT,
    "_FAILURES": _FAILURES,
}
_BUSINESS: Final = {
    "is_business_day": "is_business_day",
    "preceding_business_day": "preceding",
    "following_business_day": "following",
    "add_business_days": "add",
}


# --- Formulas as Python expressions --------------------------------------------------------


class _Translator:
    """Python source for checked formulas; names are looked up in `names` (a Python
    expression for each fact or quantity), literals and constants go into `constants`
    (the generated code's globals)."""

    def __init__(self, names: Mapping[str, str], has_calendar: bool) -> None:
        self.names = names
        self.has_calendar = has_calendar
        self.constants: dict[str, object] = {}
        self._interned: dict[tuple[str, object], str] = {}

    def constant(self, value: object) -> str:
        """A name for a value in the generated code (literals as written)."""
        if isinstance(value, bool) or value is None:
            return repr(value)
        if isinstance(value, int | str):
            return f"({value!r})"
        key = (type(value).__name__, value)
        found = self._interned.get(key)
        if found is None:
            found = f"_K{len(self._interned)}"
            self._interned[key] = found
            self.constants[found] = value
        return found

    def expr(self, node: Expr) -> str:
        match node:
            case IntLit(value=value):
                return f"({value!r})"
            case BoolLit(value=value):
                return repr(bool(value))
            case StrLit(value=value):
                return repr(value)
            case SetLit(items=items):
                return self.constant(frozenset(item.value for item in items))
            case Name(name=name):
                return self.names[name]
            case Negate(operand=operand):
                return f"(-{self.expr(operand)})"
            case Not(operand=operand):
                return f"(not {self.expr(operand)})"
            case Arith(op=op, left=left, right=right):
                if op in ("//", "%"):
                    return f"({self.expr(left)} {op} ({static_int(right)!r}))"
                return f"({self.expr(left)} {op} {self.expr(right)})"
            case Logic(op=op, left=left, right=right):
                first, second = self.expr(left), self.expr(right)
                if op == "implies":
                    return f"((not {first}) or {second})"
                return f"({first} {op} {second})"
            case Compare(op=op, left=left, right=right):
                return f"({self.expr(left)} {op} {self.expr(right)})"
            case Membership(element=element, collection=collection, negated=negated):
                test = "not in" if negated else "in"
                return f"({self.expr(element)} {test} {self.expr(collection)})"
            case IfExpr(condition=condition, yes=yes, no=no):
                return f"({self.expr(yes)} if {self.expr(condition)} else {self.expr(no)})"
            case Call():
                return self.call(node)
        raise TypeError(f"not a language node: {node!r}")  # pragma: no cover

    def call(self, node: Call) -> str:
        function = node.function
        if function == "date":
            arg = node.args[0]
            assert isinstance(arg, StrLit)
            return self.constant(calendar.parse_date(arg.value))
        if function == "month":
            arg = node.args[0]
            assert isinstance(arg, StrLit)
            return self.constant(calendar.parse_month(arg.value).index)
        args = [self.argument(node, index, arg) for index, arg in enumerate(node.args)]
        first_type = node.args[0].type if node.args else None
        on_month = first_type is not None and first_type.kind == "month"
        simple: dict[str, Callable[[], str]] = {
            "month_of": lambda: f"_month_of({args[0]})",
            "first_day": lambda: f"_first_day({args[0]})",
            "last_day": lambda: f"_last_day({args[0]})",
            "months_between": lambda: f"({args[1]} - {args[0]})",
            "months_in": lambda: f"max(0, {args[1]} - {args[0]} + 1)",
            "days_between": lambda: f"({args[1]} - {args[0]}).days",
            "year": lambda: f"({args[0]} // 12)" if on_month else f"{args[0]}.year",
            "month_number": lambda: f"({args[0]} % 12 + 1)" if on_month else f"{args[0]}.month",
            "day": lambda: f"{args[0]}.day",
            "days_in_month": lambda: f"_days_in_month({args[0]})",
            "is_last_day": lambda: f"_is_last_day({args[0]})",
            "is_leap_year": lambda: f"_is_leap_year({args[0]})",
            "implies": lambda: f"_implies({args[0]}, {args[1]})",
            "weekday": lambda: f"{args[0]}.weekday()",
            "add_months": lambda: f"({args[0]} + {args[1]})",
            "add_days": lambda: f"_add_days({', '.join(args)})",
            "shift_date": lambda: f"_shift_date({', '.join(args)})",
            "period_end": lambda: f"_period_end({', '.join(args)})",
            "scale": lambda: f"_scale({', '.join(args)})",
            "sum_fees": lambda: f"_sum_fees({', '.join(args)})",
            "min": lambda: f"min({', '.join(args)})",
            "max": lambda: f"max({', '.join(args)})",
        }
        if function in simple:
            return simple[function]()
        if function in _BUSINESS:
            if not self.has_calendar:
                return f"_no_calendar({function!r})"
            return f"_calendar.{_BUSINESS[function]}({', '.join(args)})"
        raise TypeError(f"no compiled meaning for {function}")  # pragma: no cover

    def argument(self, node: Call, index: int, arg: Expr) -> str:
        literal = concrete.option_or_literal(node, index)
        if literal is None:
            return self.expr(arg)
        return repr(literal)


def _identifier(prefix: str, index: int, name: str) -> str:
    """A local variable of the generated code for a name of the model (readable, and
    never a keyword or a runtime name)."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name)
    candidate = f"{prefix}{index}_{cleaned}"
    return candidate if candidate.isidentifier() and not keyword.iskeyword(candidate) else prefix


def _build(
    source: str, constants: Mapping[str, object], calendar_: BusinessCalendar | None
) -> Callable[..., Any]:
    namespace: dict[str, object] = {**_RUNTIME, **constants, "_calendar": calendar_}
    code = compile(source, "<termcheck.audit compiled>", "exec")
    exec(code, namespace)
    function = namespace["_compiled"]
    assert callable(function)
    return function


# --- One formula --------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledFormula:
    """One checked formula as a Python function of its names' values."""

    source: str
    names: tuple[str, ...]
    types: tuple[Type, ...]
    result: Type
    function: Callable[..., Any]

    def __call__(self, values: Mapping[str, object]) -> object:
        """The formula's value for `values` (concrete values: dates, Month, int, …);
        raises EvaluationError where the concrete meaning does."""
        args = [to_inner(values[n], t) for n, t in zip(self.names, self.types, strict=True)]
        try:
            result = self.function(*args)
        except EvaluationError:
            raise
        except _FAILURES as exc:
            raise EvaluationError(str(exc)) from None
        return from_inner(result, self.result)


def compile_formula(
    expr: Expr, types: Mapping[str, Type], calendar_: BusinessCalendar | None = None
) -> CompiledFormula:
    """A type-checked formula over names of the given types, compiled."""
    used = sorted(names_used(expr))
    local = {name: _identifier("n", i, name) for i, name in enumerate(used)}
    translator = _Translator(local, calendar_ is not None)
    body = translator.expr(expr)
    params = ", ".join(local[name] for name in used)
    source = f"def _compiled({params}):\n    return {body}\n"
    result = expr.type
    assert result is not None, "compile a formula only after the type checker accepted it"
    return CompiledFormula(
        source,
        tuple(used),
        tuple(types[name] for name in used),
        result,
        _build(source, translator.constants, calendar_),
    )


# --- A whole case ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSource:
    """The generated function of one case shape, as source and constants (picklable:
    a worker compiles it itself)."""

    source: str
    constants: Mapping[str, object]
    facts: tuple[str, ...]  # the parameters, in the model's order of facts
    targets: tuple[str, ...]  # what it returns, in this order

    def build(self, calendar_: BusinessCalendar | None) -> Callable[..., Any]:
        return _build(self.source, self.constants, calendar_)


def resolved_facts(v: Vocabulary, given: frozenset[str]) -> tuple[list[str], frozenset[str]]:
    """The facts a case shape's defaults fill in (in an order in which each default's
    names are known) and every fact the case then has, as complete_facts decides."""
    known = set(given)
    order: list[str] = []
    pending = [e.id for e in v.facts if e.id not in known]
    progress = True
    while pending and progress:
        progress = False
        for name in list(pending):
            default = v.defaults.get(name)
            if default is None:
                continue
            if names_used(default.expr) <= known:
                order.append(name)
                known.add(name)
                pending.remove(name)
                progress = True
    return order, frozenset(known)


def case_source(
    v: Vocabulary,
    readings: Mapping[str, str],
    given: frozenset[str],
    targets: Sequence[str],
    constants: Mapping[str, object],
) -> CaseSource:
    """The function of the case shape that gives the facts `given`: it takes every fact
    of the model (None for those not given) and returns the values of `targets`.

    `readings` is the reading of every quantity that has readings; `constants` the
    value of each constant under them. Every quantity the shape decides is computed,
    as :func:`termcheck.semantics.case.evaluate` computes them, so that a formula
    without a value refuses the case whether or not a target needs it.
    """
    facts = [e.id for e in v.facts]
    local: dict[str, str] = {}
    for i, name in enumerate(facts):
        local[name] = _identifier("f", i, name)
    translator = _Translator(local, v.calendar is not None)
    for name, value in constants.items():
        local[name] = translator.constant(to_inner(value, v.entries[name].type))
    lines: list[str] = []
    defaulted, present = resolved_facts(v, given)
    if any(e.id not in present and not e.optional and e.id not in v.defaults for e in v.facts):
        lines.append("return None")  # a required fact is missing: never a case
    for name in defaulted:
        lines.append(f"{local[name]} = {translator.expr(v.defaults[name].expr)}")
    for name in facts:
        if name in present:
            lines += _bound_check(translator, v, name, local[name])
    computed = set(present)
    for i, name in enumerate(v.order):
        entry = v.entries[name]
        if name in constants:
            computed.add(name)
            continue
        if not entry.facts <= present:
            continue
        local[name] = _identifier("q", i, name)
        lines.append(f"{local[name]} = {translator.expr(entry.formula(readings.get(name)))}")
        computed.add(name)
    for _relation_id, relation in v.relations:
        if names_used(relation.expr) <= computed:
            lines.append(f"if {translator.expr(relation.expr)} is not True:")
            lines.append("    return None")
    returned = [local[name] if name in computed else "_ABSENT" for name in targets]
    params = ", ".join(local[name] for name in facts)
    body = "\n".join(f"        {line}" for line in lines) or "        pass"
    source = (
        f"def _compiled({params}):\n"
        "    try:\n"
        f"{body}\n"
        "    except _FAILURES:\n"
        "        return None\n"
        f"    return ({''.join(f'{r}, ' for r in returned)})\n"
    )
    return CaseSource(source, dict(translator.constants), tuple(facts), tuple(targets))


def _bound_check(translator: _Translator, v: Vocabulary, name: str, local: str) -> list[str]:
    """The lines that refuse a fact's value outside its bounds (check_value's rules)."""
    entry = v.entries[name]
    kind = entry.type.kind
    bounds = entry.bounds
    tests: list[str] = []
    if kind in ("int", "yen") and bounds is not None:
        tests.append(f"{bounds.low!r} <= {local} <= {bounds.high!r}")
    if kind == "date" and entry.days is not None:
        first, last = entry.days
        tests.append(f"{translator.constant(first)} <= {local} <= {translator.constant(last)}")
    if kind == "date" and bounds is not None:
        tests.append(f"{bounds.low!r} <= _month_of({local}) <= {bounds.high!r}")
    if kind == "month" and bounds is not None:
        tests.append(f"{bounds.low!r} <= {local} <= {bounds.high!r}")
    return [line for test in tests for line in (f"if not ({test}):", "    return None")]
