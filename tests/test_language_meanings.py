"""One language, two meanings: on random well-typed formulas over random facts, the Python
value and the Z3 term agree.

The formulas are generated as text from every construct of the language (each function of
the table in termcheck.language.functions, every operator, `if`, sets, enumerations,
business days), parsed and type-checked as a model's formula would be, then given both
meanings: :func:`termcheck.language.evaluate.eval_concrete` on the facts' values, and
:class:`termcheck.smt.compile.Compiler` over Z3 variables pinned to them (so the case
splits that the facts' bounds decide are exercised, not constant-folded away). The
same tests check that the bounds analysis is sound and that unparsing is faithful.
`TERMCHECK_PROFILE=thorough` runs 100,000 formulas per test.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import z3
from hypothesis import currently_in_test_context, given, note, settings
from hypothesis import strategies as st

from termcheck.errors import Position
from termcheck.language import functions
from termcheck.language.bounds import Bounds, Interval
from termcheck.language.evaluate import IMPLEMENTED as CONCRETE
from termcheck.language.evaluate import Context, EvaluationError, eval_concrete
from termcheck.language.parse import parse
from termcheck.language.typecheck import Scope, check
from termcheck.language.types import BOOL, DATE, INT, MONTH, YEN, Type, enum
from termcheck.language.unparse import unparse
from termcheck.semantics.businessdays import BusinessCalendar, stored_table
from termcheck.semantics.calendar import Month, month_of
from termcheck.smt import symcal
from termcheck.smt.compile import IMPLEMENTED as SYMBOLIC
from termcheck.smt.compile import Compiler, SymContext, lower

ORIGIN = Position("generated.toml", 1, 1)
FIRST, LAST = date(2020, 1, 1), date(2030, 12, 31)
GROUND = enum("ground")
ENUMS = {"ground": ("a", "b", "c")}
HOLIDAYS, TABLE_FIRST, TABLE_LAST = stored_table("jp")
CALENDAR = BusinessCalendar("jp", HOLIDAYS, TABLE_FIRST, TABLE_LAST, frozenset({(12, 31), (1, 2)}))

# The facts of the generated formulas, with the bounds the Z3 meaning relies on.
TYPES: dict[str, Type] = {
    "d1": DATE,
    "d2": DATE,
    "m1": MONTH,
    "m2": MONTH,
    "y1": YEN,
    "y2": YEN,
    "n1": INT,
    "n2": INT,
    "b1": BOOL,
    "g1": GROUND,
}
MONTHS = Interval(month_of(FIRST).index, month_of(LAST).index)
BOUNDS: dict[str, Interval] = {
    "d1": MONTHS,
    "d2": MONTHS,
    "m1": MONTHS,
    "m2": MONTHS,
    "y1": Interval(0, 1_000_000),
    "y2": Interval(0, 1_000_000),
    "n1": Interval(0, 40),
    "n2": Interval(-5, 40),
}
SCOPE = Scope(TYPES, ENUMS, business_days=True)


def test_both_meanings_cover_every_function() -> None:
    assert set(functions.FUNCTIONS) == CONCRETE == SYMBOLIC


# --- Generating well-typed formulas, as text ----------------------------------------------------


def _date_text(day: date) -> str:
    return f'date("{day.isoformat()}")'


def _pick(draw: st.DrawFn, *options: Any) -> Any:
    return draw(st.sampled_from(options))


@st.composite
def formulas(draw: st.DrawFn, kind: str, depth: int = 3) -> str:
    """A formula of type `kind` ("int", "yen", "date", "month", "bool")."""
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return draw(_leaf(kind))
    sub = depth - 1
    maker = {"int": _int, "yen": _yen, "date": _date, "month": _month, "bool": _bool}[kind]
    return str(draw(maker(sub)))


@st.composite
def _leaf(draw: st.DrawFn, kind: str) -> str:
    if kind == "int":
        return _pick(draw, "n1", "n2", str(draw(st.integers(0, 30))))
    if kind == "yen":
        return _pick(draw, "y1", "y2", str(draw(st.integers(0, 500_000))))
    if kind == "date":
        return _pick(draw, "d1", "d2", _date_text(draw(st.dates(FIRST, LAST))))
    if kind == "month":
        day = draw(st.dates(FIRST, LAST))
        return _pick(draw, "m1", "m2", f'month("{day.year:04d}-{day.month:02d}")')
    return _pick(draw, "b1", "true", "false", 'g1 == "a"')


def _ite(draw: st.DrawFn, kind: str, sub: int) -> str:
    condition = draw(formulas("bool", sub))
    return f"(if {condition} then {draw(formulas(kind, sub))} else {draw(formulas(kind, sub))})"


def _extremum(draw: st.DrawFn, kind: str, sub: int) -> str:
    count = draw(st.integers(2, 3))
    args = ", ".join(draw(formulas(kind, sub)) for _ in range(count))
    return f"{_pick(draw, 'min', 'max')}({args})"


@st.composite
def _int(draw: st.DrawFn, sub: int) -> str:
    choice = draw(st.integers(0, 12))
    f = formulas
    if choice == 0:
        return f"({draw(f('int', sub))} {_pick(draw, '+', '-')} {draw(f('int', sub))})"
    if choice == 1:
        return f"({draw(f('int', sub))} * {draw(st.integers(-3, 3))})"
    if choice == 2:
        return f"({draw(f('int', sub))} {_pick(draw, '//', '%')} {draw(st.integers(1, 13))})"
    if choice == 3:
        function = _pick(draw, "months_between", "months_in")
        return f"{function}({draw(f('month', sub))}, {draw(f('month', sub))})"
    if choice == 4:
        return f"days_between({draw(f('date', sub))}, {draw(f('date', sub))})"
    if choice == 5:
        function = _pick(draw, "year", "month_number")
        return f"{function}({draw(f(_pick(draw, 'date', 'month'), sub))})"
    if choice == 6:
        return f"{_pick(draw, 'day', 'weekday')}({draw(f('date', sub))})"
    if choice == 7:
        return f"days_in_month({draw(f('month', sub))})"
    if choice == 8:
        return f"-({draw(f('int', sub))})"
    if choice == 9:
        return _extremum(draw, "int", sub)
    return _ite(draw, "int", sub)


@st.composite
def _yen(draw: st.DrawFn, sub: int) -> str:
    choice = draw(st.integers(0, 7))
    f = formulas
    if choice == 0:
        return f"({draw(f('yen', sub))} {_pick(draw, '+', '-')} {draw(f('yen', sub))})"
    if choice == 1:
        count = _pick(draw, "n1", "n2", str(draw(st.integers(0, 24))), "months_in(m1, m2)")
        amount = draw(f("yen", sub))
        # A bare number times a count would be a count: the amount must be yen by itself.
        return f"({count} * {'y1' if amount.isdigit() else amount})"
    if choice == 2:
        whole = _pick(draw, str(draw(st.integers(1, 400))), f"days_in_month({draw(f('month', 0))})")
        part = _pick(draw, "n1", str(draw(st.integers(0, 120))), f"day({draw(f('date', 0))})")
        rounding = _pick(draw, *functions.ROUNDINGS)
        unit = _pick(draw, "", ", 1", ", 10", ", 100")
        return f'scale({draw(f("yen", sub))}, {part}, {whole}, "{rounding}"{unit})'
    if choice == 3:
        pairs = "".join(
            f", {draw(f('month', sub))}, {draw(f('yen', sub))}"
            for _ in range(draw(st.integers(0, 2)))
        )
        first, last = draw(f("month", sub)), draw(f("month", sub))
        return f"sum_fees({first}, {last}, {draw(f('yen', sub))}{pairs})"
    if choice == 4:
        return _extremum(draw, "yen", sub)
    if choice == 5:
        return f"-({draw(f('yen', sub))})"
    return _ite(draw, "yen", sub)


@st.composite
def _date(draw: st.DrawFn, sub: int) -> str:
    choice = draw(st.integers(0, 9))
    f = formulas
    if choice == 0:
        return f"{_pick(draw, 'first_day', 'last_day')}({draw(f('month', sub))})"
    if choice == 1:
        return f"add_days({draw(f('date', sub))}, {draw(st.integers(-400, 400))})"
    if choice == 2:
        policy = _pick(draw, *functions.MONTH_END_POLICIES)
        return f'shift_date({draw(f("date", sub))}, {draw(st.integers(-25, 25))}, "{policy}")'
    if choice == 3:
        mode = _pick(draw, *functions.PERIOD_MODES)
        return f'period_end({draw(f("date", sub))}, {draw(st.integers(1, 25))}, "{mode}")'
    if choice == 4:
        function = _pick(draw, "preceding_business_day", "following_business_day")
        return f"{function}({draw(f('date', 0))})"
    if choice == 5:
        count = draw(st.integers(1, 6)) * _pick(draw, 1, -1)
        return f"add_business_days({draw(f('date', 0))}, {count})"
    if choice == 6:
        return _extremum(draw, "date", sub)
    return _ite(draw, "date", sub)


@st.composite
def _month(draw: st.DrawFn, sub: int) -> str:
    choice = draw(st.integers(0, 4))
    f = formulas
    if choice == 0:
        return f"month_of({draw(f('date', sub))})"
    if choice == 1:
        return f"add_months({draw(f('month', sub))}, {draw(st.integers(-30, 30))})"
    if choice == 2:
        return _extremum(draw, "month", sub)
    if choice == 3:
        # A shift by a count only the solver knows, kept within a few years.
        count = f"({draw(f('int', sub))}) % {draw(st.integers(1, 40))} - {draw(st.integers(0, 20))}"
        return f"add_months({draw(f('month', sub))}, {count})"
    return _ite(draw, "month", sub)


@st.composite
def _bool(draw: st.DrawFn, sub: int) -> str:
    choice = draw(st.integers(0, 9))
    f = formulas
    if choice <= 2:
        kind = _pick(draw, "int", "yen", "date", "month")
        op = _pick(draw, "==", "!=", "<", "<=", ">", ">=")
        return f"({draw(f(kind, sub))} {op} {draw(f(kind, sub))})"
    if choice == 3:
        op = _pick(draw, "and", "or", "implies")
        return f"({draw(f('bool', sub))} {op} {draw(f('bool', sub))})"
    if choice == 4:
        return f"not ({draw(f('bool', sub))})"
    if choice == 5:
        members = draw(st.lists(st.sampled_from(ENUMS["ground"]), min_size=1, unique=True))
        listed = ", ".join(f'"{m}"' for m in members)
        return f"(g1 {_pick(draw, 'in', 'not in')} {{{listed}}})"
    if choice == 6:
        return f"is_last_day({draw(f('date', sub))})"
    if choice == 7:
        return f"is_leap_year({draw(f('int', sub))} + 2000)"
    if choice == 8:
        return f"is_business_day({draw(f('date', 0))})"
    return _ite(draw, "bool", sub)


@st.composite
def facts(draw: st.DrawFn) -> dict[str, object]:
    return {
        "d1": draw(st.dates(FIRST, LAST)),
        "d2": draw(st.dates(FIRST, LAST)),
        "m1": month_of(draw(st.dates(FIRST, LAST))),
        "m2": month_of(draw(st.dates(FIRST, LAST))),
        "y1": draw(st.integers(0, 1_000_000)),
        "y2": draw(st.sampled_from([0, 1, 99, 100_000, 1_000_000])),
        "n1": draw(st.integers(0, 40)),
        "n2": draw(st.integers(-5, 40)),
        "b1": draw(st.booleans()),
        "g1": draw(st.sampled_from(ENUMS["ground"])),
    }


# --- The two meanings ---------------------------------------------------------------------------


def _variables() -> tuple[dict[str, Any], list[Any]]:
    """A Z3 variable for each fact and the constraints of its type and bounds."""
    values: dict[str, Any] = {}
    domain: list[Any] = []
    for name, type_ in TYPES.items():
        if type_ == DATE:
            day, valid = symcal.date_var(name)
            values[name] = day
            domain += [valid, symcal.year_in(day.year, FIRST.year, LAST.year)]
        elif type_ == MONTH:
            month, valid = symcal.month_var(name)
            values[name] = month
            domain += [valid, symcal.year_in(month.year, FIRST.year, LAST.year)]
        elif type_ == BOOL:
            values[name] = z3.Bool(name)
        else:
            number = z3.Int(name)
            values[name] = number
            if name in BOUNDS:
                domain += [number >= BOUNDS[name].low, number <= BOUNDS[name].high]
            else:  # the enumeration
                domain += [number >= 0, number < len(ENUMS["ground"])]
    return values, domain


def _pins(values: dict[str, Any], case: dict[str, object]) -> list[Any]:
    pins = []
    for name, value in case.items():
        sym = values[name]
        if isinstance(value, date):
            pins.append(sym == symcal.const_date(value))
        elif isinstance(value, Month):
            pins.append(sym == symcal.const_month(value))
        elif isinstance(value, str):
            pins.append(sym == ENUMS["ground"].index(value))
        else:
            pins.append(sym == value)
    return pins


def _both(text: str, case: dict[str, object], kind: str) -> None:
    expr = parse(text, ORIGIN, "generated")
    expected = {"int": INT, "yen": YEN, "date": DATE, "month": MONTH, "bool": BOOL}[kind]
    found = check(expr, SCOPE, ORIGIN, "generated", expected)
    assert found == expected
    if currently_in_test_context():
        note(f"formula: {text}")
        note(f"facts: {case}")
    values, domain = _variables()
    bounds = Bounds(BOUNDS.get)
    compiler = Compiler(values.__getitem__, bounds, SymContext(ENUMS, CALENDAR))
    term = compiler.compile(expr)
    solver = z3.Solver()
    solver.set("random_seed", 0)
    solver.add(*domain, *_pins(values, case), *compiler.conditions)
    try:
        concrete = eval_concrete(expr, case.__getitem__, Context(CALENDAR))
    except EvaluationError:
        # No concrete value (a business day outside the holiday table): Z3 must have none
        # either — the condition it records rules the case out.
        assert solver.check() == z3.unsat
        return
    assert solver.check() == z3.sat
    symbolic = lower(solver.model(), term, found, SymContext(ENUMS, CALENDAR))
    assert symbolic == concrete
    # The bounds are sound: the value lies within them.
    interval = bounds.of(expr)
    if interval is not None:
        point = month_of(concrete).index if isinstance(concrete, date) else concrete
        point = point.index if isinstance(point, Month) else point
        assert interval.low <= point <= interval.high, (interval, concrete)
    # Unparsing is faithful: the text it writes means the same tree.
    again = unparse(parse(unparse(expr), ORIGIN, "generated"))
    assert again == unparse(expr)


# Each formula costs a Z3 check: the CI profile runs a third of its examples per kind (250
# formulas in all), the thorough profile its full count.
EXAMPLES = (
    max(50, settings().max_examples // 3)
    if settings().max_examples < 1000
    else settings().max_examples
)


@pytest.mark.parametrize("kind", ["int", "yen", "date", "month", "bool"])
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_concrete_and_z3_meanings_agree(kind: str, data: st.DataObject) -> None:
    text = data.draw(formulas(kind, 3), label="formula")
    case = data.draw(facts(), label="facts")
    _both(text, case, kind)


# --- Regression examples: formulas a generated run once found wanting -------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A business-day search crosses New Year: the closed days of the year before count.
        ('preceding_business_day(date("2026-01-04"))', "date"),
        # A pro-rata share by the days of a month: a divisor of four values, split.
        ('scale(y1, day(d1), days_in_month(m1), "half-up", 10)', "yen"),
        # Later fee changes win over earlier ones, even listed out of order.
        (
            "sum_fees(m1, add_months(m1, 13), y1, add_months(m1, 3), 5000, add_months(m1, 1), 7)",
            "yen",
        ),
        # A period from the 1st ends on the last day of its last month.
        ('period_end(first_day(m1), 12, "first-day-counts")', "date"),
        ('period_end(d1, 1, "first-day-excluded")', "date"),
    ],
)
def test_regression_examples(text: str, kind: str) -> None:
    case = {
        "d1": date(2026, 1, 31),
        "d2": date(2028, 2, 29),
        "m1": Month(2026, 2),
        "m2": Month(2027, 12),
        "y1": 100_001,
        "y2": 0,
        "n1": 7,
        "n2": -3,
        "b1": True,
        "g1": "b",
    }
    _both(text, case, kind)
