"""The property language: grammar, precedence, positioned type errors, and the two evaluators.

The last test is the contract between the evaluators: for random well-typed expressions
and random values, Python and Z3 compute the same thing.
"""

from __future__ import annotations

from datetime import date

import pytest
import z3

from conftest import SHIPPED_MODEL
from termcheck.errors import InputError, Position
from termcheck.language.ast import (
    Arith,
    BoolLit,
    Call,
    Compare,
    Expr,
    IntLit,
    Logic,
    Membership,
    Name,
    Negate,
    Not,
    SetLit,
    StrLit,
    names_used,
)
from termcheck.language.bounds import Bounds
from termcheck.language.evaluate import eval_concrete
from termcheck.language.parse import parse
from termcheck.language.typecheck import Scope, check
from termcheck.language.types import BOOL, DATE, INT, MONTH, YEN, Type, enum
from termcheck.model.spec import load_spec
from termcheck.semantics.calendar import Month
from termcheck.smt import symcal
from termcheck.smt.compile import Compiler, SymContext

PATH = "properties/penalty.toml"
FIELD = "penalty.cap assert"
# The expression starts mid-line, as in `assert = "..."` at column 10 of line 12.
ORIGIN = Position(PATH, 12, 10)

# The shipped model's names, unqualified and, as properties over two customers write them,
# as a.<name> and b.<name>.
MODEL = load_spec(SHIPPED_MODEL).vocabulary
GROUND = enum("ground")
_TYPES = MODEL.types()
NAMES: dict[str, Type] = _TYPES | {f"{s}.{n}": t for s in ("a", "b") for n, t in _TYPES.items()}
NAMES |= {"p": BOOL, "q": BOOL, "x": INT, "S": MODEL.entries["penalty_grounds"].type}
SCOPE = Scope(NAMES, MODEL.enums, False, MODEL.static_constants())


def show(expr: Expr) -> str:
    """The tree as an S-expression, so that a test states the structure it expects."""
    match expr:
        case IntLit(value=value):
            return str(value)
        case BoolLit(value=value):
            return str(value).lower()
        case StrLit(value=value):
            return f'"{value}"'
        case Name(name=name):
            return name
        case SetLit(items=items):
            return "{" + " ".join(show(i) for i in items) + "}"
        case Negate(operand=operand):
            return f"(neg {show(operand)})"
        case Not(operand=operand):
            return f"(not {show(operand)})"
        case Arith(op=op, left=left, right=right) | Logic(op=op, left=left, right=right):
            return f"({op} {show(left)} {show(right)})"
        case Compare(op=op, left=left, right=right):
            return f"({op} {show(left)} {show(right)})"
        case Membership(element=element, collection=collection, negated=negated):
            return f"({'not in' if negated else 'in'} {show(element)} {show(collection)})"
        case Call(function=function, args=args):
            return f"({function} {' '.join(show(a) for a in args)})"
    raise AssertionError(expr)


def parsed(text: str) -> str:
    return show(parse(text, ORIGIN, FIELD))


def checked(text: str, origin: Position = ORIGIN) -> tuple[Expr, Type]:
    expr = parse(text, origin, FIELD)
    return expr, check(expr, SCOPE, origin, FIELD)


def refused(text: str, origin: Position = ORIGIN) -> str:
    """The one-line message for an expression that does not parse or type-check."""
    with pytest.raises(InputError) as caught:
        checked(text, origin)
    assert caught.value.field == FIELD
    return str(caught.value)


# --- Grammar and precedence -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        # implies is the loosest operator and groups to the right.
        ("p implies q implies r", "(implies p (implies q r))"),
        ("p or q implies r and s", "(implies (or p q) (and r s))"),
        ("p implies q or r", "(implies p (or q r))"),
        ("(p implies q) implies r", "(implies (implies p q) r)"),
        ("implies(p, q implies r)", "(implies p (implies q r))"),
        # and binds tighter than or; both group to the left.
        ("p or q and r or s", "(or (or p (and q r)) s)"),
        ("p and q and r", "(and (and p q) r)"),
        # not binds looser than a comparison, tighter than and.
        ("not x == y", "(not (== x y))"),
        ("not x < y and p", "(and (not (< x y)) p)"),
        ("not not p", "(not (not p))"),
        ("not x in S", "(not (in x S))"),
        # Comparisons chain as in Python.
        ("0 <= x < 10", "(and (<= 0 x) (< x 10))"),
        ("a == b == c != d", "(and (and (== a b) (== b c)) (!= c d))"),
        ('x not in {"customer", "immediate"}', '(not in x {"customer" "immediate"})'),
        ("ground in penalty_grounds", "(in ground penalty_grounds)"),
        # Arithmetic: * // % over + -, unary minus tightest, all left-associative.
        ("a + b * c - d", "(- (+ a (* b c)) d)"),
        ("a - b - c", "(- (- a b) c)"),
        ("x // 2 % 3", "(% (// x 2) 3)"),
        ("-a * b", "(* (neg a) b)"),
        ("- -a", "(neg (neg a))"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("a + b < c * 2", "(< (+ a b) (* c 2))"),
        # Atoms.
        ("1_000_000 == x", "(== 1000000 x)"),
        ("true != false", "(!= true false)"),
        ("a.notice_timely implies b.notice_timely", "(implies a.notice_timely b.notice_timely)"),
        ("add_months(m, -2)", "(add_months m (neg 2))"),
        ('date("2026-03-15")', '(date "2026-03-15")'),
        ("min(x, y,)", "(min x y)"),
    ],
)
def test_precedence_and_grouping(text: str, tree: str) -> None:
    assert parsed(text) == tree


def test_a_chain_shares_its_middle_operand() -> None:
    expr = parse("0 <= x < 10", ORIGIN, FIELD)
    assert isinstance(expr, Logic)
    assert isinstance(expr.left, Compare) and isinstance(expr.right, Compare)
    assert expr.left.right is expr.right.left


def test_names_used_lists_names_not_functions() -> None:
    expr = parse(
        "a.penalty <= max(b.penalty, 0) and ground in penalty_grounds "
        'and month_of(a.service_start) < month("2026-01")',
        ORIGIN,
        FIELD,
    )
    assert names_used(expr) == {
        "a.penalty",
        "b.penalty",
        "ground",
        "penalty_grounds",
        "a.service_start",
    }


def test_nodes_remember_offsets_and_get_types() -> None:
    expr, result = checked("penalty >= 0")
    assert result == BOOL
    assert isinstance(expr, Compare)
    assert expr.offset == 8  # the operator
    assert (expr.left.offset, expr.right.offset) == (0, 11)
    # The literal took yen from the other side.
    assert (expr.type, expr.left.type, expr.right.type) == (BOOL, YEN, YEN)


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("billed_months * monthly_fee", YEN),
        ("12 * monthly_fee", YEN),
        ("monthly_fee * 12 // 10", YEN),
        ("penalty % 1000", YEN),
        ("-penalty", YEN),
        ("billed_months + 1", INT),
        ("1 + 2", INT),
        ("max(penalty, 0)", YEN),
        ('min(service_start, date("2026-01-01"))', DATE),
        ("add_months(termination_month, -2)", MONTH),
        ("months_between(month_of(service_start), termination_month)", INT),
        ("year(termination_month) + month_number(service_start) + day(service_start)", INT),
        ("days_in_month(termination_month) == 31", BOOL),
        ("is_last_day(service_end) and is_leap_year(year(service_end))", BOOL),
        ("days_between(service_start, service_end) >= 0", BOOL),
        ("ground", GROUND),
        ('"customer" in penalty_grounds', BOOL),
        ('ground in {"customer", "immediate"}', BOOL),
        ("if penalty_applies then remaining_term_fees else 0", YEN),
        ('if ground == "customer" then notice_deadline else service_end', DATE),
        ("add_months(termination_month, -notice_months)", MONTH),
        ("billed_months % minimum_term_months", INT),
        ('scale(monthly_fee, 110, 100, "floor")', YEN),
        ("sum_fees(termination_month, termination_month, monthly_fee)", YEN),
        ("months_in(month_of(billing_start), termination_month)", INT),
        ("min(penalty, monthly_fee, 0)", YEN),
        ("within_minimum_term == (ground in penalty_grounds)", BOOL),
        ("implies(within_minimum_term, penalty_applies)", BOOL),
    ],
)
def test_well_typed_expressions(text: str, result: Type) -> None:
    assert checked(text)[1] == result


# --- Positioned errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("penalty = 0", 18, "unexpected `=`: write `==` to compare"),
        ("p && q", 12, "unexpected `&&`: write `and`"),
        ("p => q", 12, "unexpected `=>`: write `implies`"),
        ("penalty / 2 > 0", 18, "write `//` to divide"),
        ("ground == 'customer'", 20, "write strings in double quotes"),
        ('ground == "customer', 20, 'unterminated string: close it with `"`'),
        ("penalty ＞ 0", 18, "unexpected full-width `＞`: write the ASCII `>`"),
        ("penalty > 007", 20, "malformed number `007`"),
        ("penalty > 1__000", 20, "malformed number `1__000`"),
        ("penalty > 10yen", 22, "malformed number `10y`"),
        ("penalty > 1.5", 21, "no fractions"),
        ("", 10, "empty expression"),
        ("penalty >", 19, "expected a value, found the end of the expression"),
        ("(penalty > 0", 22, "expected `)` to close the `(` at properties/penalty.toml:12:10"),
        ("penalty > 0 penalty", 22, "unexpected `penalty` after a complete expression"),
        ("max(penalty 0)", 22, "expected `,` between the arguments of max(...)"),
        ("p == not q", 15, "`not` cannot stand here: put it in parentheses"),
        ("0 < x in S", 16, "`in` cannot follow a comparison: join the two tests with `and`"),
        ("ground in S == p", 22, "`==` cannot follow `in`"),
        ('{"customer"} == S', 10, "a set {...} stands right of `in`"),
        ("if p then 1", 21, "every `if` needs an `else`"),
        ("p then 1", 12, "unexpected `then` after a complete expression"),
        ("ground in {}", 20, "an empty set contains nothing"),
        ("ground in {customer}", 21, "expected an enumeration value in double quotes"),
    ],
)
def test_syntax_errors_point_at_the_character(text: str, column: int, message: str) -> None:
    error = refused(text)
    assert error.startswith(f"{PATH}:12:{column}: {FIELD}: "), error
    assert message in error


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        # Yen and counts never mix; the error points at the operator.
        ("penalty >= billed_months", 18, "cannot compare yen with int"),
        ("penalty <= notice_deadline", 18, "cannot compare yen with date"),
        ("penalty + billed_months > 0", 18, "cannot add yen and int: yen and counts never mix"),
        ("penalty - remaining_months", 18, "cannot subtract yen and int"),
        ("penalty * monthly_fee", 18, "cannot multiply yen by yen"),
        ("notice_deadline < termination_month", 26, "cannot compare date with month"),
        ("service_start + 1 > service_end", 10, "`+` needs numbers (int or yen), not date"),
        ("-service_start", 10, "`-` needs a number (int or yen), not date"),
        # Conditions.
        ("penalty and p", 10, "the left of `and` needs a condition (bool), not yen"),
        ("penalty_applies or 1", 29, "the right of `or` needs a condition (bool), not int"),
        ("not penalty", 14, "`not` needs a condition (bool), not yen"),
        ("penalty_applies < within_minimum_term", 26, "`<` does not apply to bool"),
        ('ground < "customer"', 17, "`<` does not apply to ground: use `==`, `!=` or `in`"),
        ("penalty_grounds == penalty_grounds", 26, "test one value with `in`"),
        # Strings, sets and membership.
        ('"customer" == "immediate"', 21, "both sides are strings"),
        ('notice_deadline == "2026-01-01"', 29, 'write date("2026-01-01")'),
        ('termination_month != "2026-01"', 31, 'write month("2026-01")'),
        ('penalty == "0"', 21, "cannot compare yen with a string"),
        ('"customer" + 1 > 0', 10, "a string is an enumeration value"),
        ("billed_months in penalty_grounds", 10, "only a ground can be in a set of ground"),
        ("ground in ground", 20, "`in` needs a set on its right, not ground"),
        ('penalty in {"customer"}', 10, "needs an enumeration value on its left"),
        ('"customer" in {"customer"}', 10, "must be a fact or quantity, not a string"),
        ("if penalty then 1 else 2", 13, "the condition of `if` needs a condition (bool), not yen"),
        (
            "if p then penalty else notice_deadline",
            10,
            "the two branches of `if` must have one type, not yen and date",
        ),
        # Functions.
        (
            "month_of(termination_month)",
            19,
            "month_of takes a date as its argument (day), not month: "
            "write first_day(...) or last_day(...)",
        ),
        ("first_day(service_start)", 20, "write month_of(...) around the date"),
        (
            "months_between(termination_month, service_end) > 0",
            44,
            "months_between takes a month as its second argument (later), not date",
        ),
        (
            "month_of(service_start, 1)",
            10,
            "month_of takes 1 argument, not 2: write month_of(day)",
        ),
        ('shift_date(service_start, billed_months, "last-day")', 36, "integer literal or constant"),
        ("add_months(termination_month, monthly_fee)", 40, "add_months takes a count"),
        ("add_months(termination_month)", 10, "write add_months(month, months)"),
        ("add_days(service_start, 4000)", 34, "add_days takes -3,660 to 3,660 here"),
        ('scale(monthly_fee, 1, 3, "round")', 35, '"floor" or "ceiling" or "half-up"'),
        ("sum_fees(termination_month, termination_month)", 10, "then (month, fee) pairs"),
        ("is_business_day(service_start)", 10, "add `[calendar] holidays"),
        ("date(service_start)", 15, 'date takes a literal in quotes: write date("YYYY-MM-DD")'),
        ('date("2026-02-30") < service_start', 15, "2026-02 has no day 30"),
        ('month("2026-13") < termination_month', 16, "there is no month 13"),
        ('month("2026/01") < termination_month', 16, "write it as YYYY-MM"),
        ("max(penalty, billed_months)", 23, "max needs values of one type, not yen and int"),
        (
            "min(within_minimum_term, penalty_applies)",
            14,
            "min takes int, yen, date or month, not bool",
        ),
        ("monthly_fee(1)", 10, "`monthly_fee` is a fact or quantity, not a function"),
        (
            "month_off(service_start)",
            10,
            "unknown function `month_off`: did you mean month_of(...)?",
        ),
        ("frobnicate(1)", 10, "the functions are add_business_days, add_days, add_months"),
        ("month_of", 10, "month_of is a function: call it, as month_of(...)"),
    ],
)
def test_type_errors_point_at_the_offending_node(text: str, column: int, message: str) -> None:
    error = refused(text)
    assert error.startswith(f"{PATH}:12:{column}: {FIELD}: "), error
    assert message in error


def test_the_documented_example_message() -> None:
    # `x = "notice_deadline <= penalty"`: the text starts at column 6.
    error = refused("notice_deadline <= penalty", Position(PATH, 12, 6))
    assert error.startswith(f"{PATH}:12:22: {FIELD}: cannot compare date with yen")


def test_an_error_on_the_second_line_counts_columns_from_that_line() -> None:
    # A TOML multi-line string: the text starts on the line after `assume = """`.
    text = "a.notice_arrival == b.notice_arrival\nand a.termination_month <= b.service_start"
    error = refused(text, Position(PATH, 21, 1))
    assert error.startswith(f"{PATH}:22:25: {FIELD}: cannot compare month with date")
    # When the first line starts mid-line, the second line still counts from column 1.
    error = refused("penalty >= 0\n    and ground == 1", ORIGIN)
    assert error.startswith(f"{PATH}:13:16: {FIELD}: cannot compare ground with int")
    assert 'as "customer"' in error
    error = refused("penalty >= 0 and\n\n  (p or", ORIGIN)
    assert error.startswith(f"{PATH}:14:8: {FIELD}: expected a value")


def test_unknown_names_suggest_the_closest_known_name() -> None:
    assert "unknown name `penalti`: did you mean `penalty`?" in refused("penalti > 0")
    assert "did you mean `a.notice_timely`?" in refused("a.notice_timley implies p")
    assert "did you mean `true`?" in refused("True")
    assert "unknown name `zzz`: the model declares no fact or quantity" in refused("zzz")


def test_a_string_must_be_a_value_of_the_enumeration() -> None:
    error = refused('ground == "custmer"')
    assert error.startswith(f"{PATH}:12:20: ")
    assert 'did you mean "customer"?' in error
    assert (
        '"customer", "nonperformance", "immediate", "start-delay", "antisocial-status", '
        '"antisocial-conduct"' in error
    )
    error = refused('ground in {"customer", "rescission"}')
    assert error.startswith(f"{PATH}:12:33: ")
    assert '"rescission" is not a ground' in error
    assert "is not a ground" in refused('"immediately" in penalty_grounds')


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("penalty // monthly_fee > 0", 21, "cannot divide by a variable amount"),
        ("billed_months % remaining_months > 0", 26, "cannot divide by a variable amount"),
        ("penalty // -2 > 0", 21, "cannot divide by a negative number"),
        ("penalty // 0 > 0", 21, "cannot divide by zero"),
    ],
)
def test_division_only_by_a_positive_literal(text: str, column: int, message: str) -> None:
    error = refused(text)
    assert error.startswith(f"{PATH}:12:{column}: "), error
    assert message in error
    assert "positive integer literal or constant" in error


def test_division_by_a_constant_of_the_model() -> None:
    # minimum_term_months is 12 in the shipped model: a divisor known before solving.
    expr, _ = checked("billed_months % minimum_term_months")
    assert expr.right.static == 12  # type: ignore[attr-defined]
    expr, _ = checked("penalty // (1 + 1)")
    assert expr.right.static == 2  # type: ignore[attr-defined]


# --- Evaluation ---------------------------------------------------------------------------


def _z3(expr: Expr, values: dict[str, object]) -> object:
    """The Z3 meaning of a checked expression, solved with every name given."""
    compiler = Compiler(values.__getitem__, Bounds(lambda name: None), SymContext(MODEL.enums))
    term = compiler.compile(expr)
    solver = z3.Solver()
    result = z3.Bool("result")
    if isinstance(term, symcal.SDate):
        y, m, d = z3.Ints("y m d")
        solver.add(y == term.year, m == term.month, d == term.day)
        assert solver.check() == z3.sat
        model = solver.model()
        return date(*(model.eval(v).as_long() for v in (y, m, d)))
    if isinstance(term, symcal.SMonth):
        y, m = z3.Ints("y m")
        solver.add(y == term.year, m == term.month)
        assert solver.check() == z3.sat
        model = solver.model()
        return Month(model.eval(y).as_long(), model.eval(m).as_long())
    if z3.is_bool(term):
        solver.add(result == term)
        assert solver.check() == z3.sat
        return z3.is_true(solver.model().eval(result))
    number = z3.Int("number")
    solver.add(number == term)
    assert solver.check() == z3.sat
    return solver.model().eval(number).as_long()


def test_concrete_evaluation_of_a_property() -> None:
    expr, _ = checked(
        "ground in penalty_grounds and termination_month < month_of(minimum_term_end)"
    )
    values: dict[str, object] = {
        "ground": "customer",
        "penalty_grounds": frozenset({"customer", "nonperformance"}),
        "termination_month": Month(2026, 5),
        "minimum_term_end": date(2026, 12, 31),
    }
    assert eval_concrete(expr, values.__getitem__) is True
    values["ground"] = "immediate"
    assert eval_concrete(expr, values.__getitem__) is False


def test_symbolic_evaluation_returns_z3_and_lifts_concrete_values() -> None:
    expr, _ = checked('ground == "immediate" implies penalty >= 0')
    values: dict[str, object] = {"ground": z3.Int("g"), "penalty": z3.Int("x")}
    compiler = Compiler(values.__getitem__, Bounds(lambda name: None), SymContext(MODEL.enums))
    formula = compiler.compile(expr)
    assert isinstance(formula, z3.BoolRef)
    solver = z3.Solver()
    solver.add(z3.Not(formula))
    assert solver.check() == z3.sat  # penalty < 0 on an immediate rescission
    # Concrete values from `lookup` (a constant of the model, say) are lifted into Z3.
    pinned = {"ground": "immediate", "penalty": -1}
    compiler = Compiler(pinned.__getitem__, Bounds(lambda name: None), SymContext(MODEL.enums))
    assert z3.is_false(z3.simplify(compiler.compile(expr)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('is_last_day(date("2100-02-28"))', True),
        ('is_last_day(date("2000-02-28"))', False),
        ('is_last_day(date("2000-02-29"))', True),
        ('is_last_day(date("2026-04-30"))', True),
        ('is_last_day(date("2026-03-30"))', False),
        ("is_leap_year(1900)", False),
        ("is_leap_year(2000)", True),
        ("is_leap_year(2024)", True),
        ("is_leap_year(2100)", False),
        ('days_in_month(month("2100-02"))', 28),
        ('days_in_month(month("2024-02"))', 29),
        ('days_between(date("2026-01-31"), date("2026-03-01"))', 29),
        ('days_between(date("2024-03-01"), date("2024-02-28"))', -2),
        ('months_between(month("2025-11"), month("2026-02"))', 3),
        ('months_in(month("2025-11"), month("2026-02"))', 4),
        ('months_in(month("2026-02"), month("2025-11"))', 0),
        ('add_months(month("2026-02"), -2)', Month(2025, 12)),
        ('add_months(month("2026-11"), 14)', Month(2028, 1)),
        ('first_day(add_months(month("2026-01"), -1))', date(2025, 12, 1)),
        ('last_day(month("2024-02"))', date(2024, 2, 29)),
        ('month_of(date("2026-03-15"))', Month(2026, 3)),
        ('year(date("2026-03-15")) * 100 + month_number(month("2026-03"))', 202603),
        ('day(max(date("2026-03-15"), date("2026-03-14")))', 15),
        ('min(month("2026-03"), month("2025-12"), month("2026-01"))', Month(2025, 12)),
        ('add_days(date("2024-02-28"), 2)', date(2024, 3, 1)),
        ('add_days(date("2025-01-01"), -1)', date(2024, 12, 31)),
        ('shift_date(date("2026-01-31"), 1, "last-day")', date(2026, 2, 28)),
        ('shift_date(date("2026-01-31"), 1, "next-day")', date(2026, 3, 1)),
        # 民法第143条: 4月1日から3ヶ月 ends on 6月30日; from 1月31日 (first day excluded:
        # reckoned from 2月1日) one month ends 2月28日... of the month after: 2月末.
        ('period_end(date("2026-04-01"), 3, "first-day-counts")', date(2026, 6, 30)),
        ('period_end(date("2026-03-31"), 3, "first-day-excluded")', date(2026, 6, 30)),
        ('period_end(date("2026-03-15"), 1, "first-day-excluded")', date(2026, 4, 15)),
        ('period_end(date("2026-01-31"), 1, "first-day-counts")', date(2026, 2, 28)),
        ('weekday(date("2026-12-02"))', 2),  # a Wednesday
        ('scale(100_001, 110, 100, "floor")', 110_001),
        ('scale(100_001, 110, 100, "ceiling")', 110_002),
        ('scale(1_005, 1, 10, "half-up")', 101),
        ('scale(1_004, 1, 10, "half-up")', 100),
        ('scale(12_345, 1, 1, "floor", 100)', 12_300),
        ('sum_fees(month("2026-01"), month("2026-12"), 100, month("2026-07"), 200)', 1_800),
        ('sum_fees(month("2026-05"), month("2026-03"), 100)', 0),
        ('if 1 < 2 then date("2026-01-01") else date("2027-01-01")', date(2026, 1, 1)),
        ("-7 // 2", -4),
        ("-7 % 2", 1),
        ("7 % 3 - 7 // 3 * 2", -3),
        ("1 < 2 < 3 and not 3 < 2 < 1", True),
        ("false implies false implies false", True),
        ("(false implies false) implies false", False),
    ],
)
def test_calendar_functions_and_arithmetic_in_both_meanings(text: str, expected: object) -> None:
    expr, _ = checked(text)
    assert eval_concrete(expr, {}.__getitem__) == expected
    assert _z3(expr, {}) == expected


def test_evaluation_needs_a_checked_expression() -> None:
    # Which enumeration "customer" belongs to is only known after check().
    expr = parse('ground == "customer"', ORIGIN, FIELD)
    with pytest.raises(TypeError, match="after the type checker"):
        Compiler({"ground": z3.Int("g")}.__getitem__, Bounds(lambda n: None)).compile(expr)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    deep = "(" * 200 + "1" + ")" * 200
    assert "nested more than 60 levels" in refused(deep)
    long_sum = " + ".join(["billed_months"] * 300)
    assert "more than 60 operations chained" in refused(long_sum)
    assert "at most 20,000 are read" in refused("1 + " * 6000 + "1")
