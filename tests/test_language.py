"""The property language: grammar, precedence, positioned type errors, and the two evaluators.

The last test is the contract between the evaluators: for random well-typed expressions
and random values, Python and Z3 compute the same thing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import z3
from hypothesis import given
from hypothesis import strategies as st

from termcheck import symcal
from termcheck.calendar import Month
from termcheck.errors import InputError, Position
from termcheck.language import (
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
    check,
    eval_concrete,
    eval_symbolic,
    names_used,
    parse,
)
from termcheck.vocabulary import BY_NAME, Ground, NoticeReading, Type

PATH = "properties/penalty.toml"
FIELD = "penalty.cap assert"
# The expression starts mid-line, as in `assert = "..."` at column 10 of line 12.
ORIGIN = Position(PATH, 12, 10)

VOCABULARY: dict[str, Type] = {q.name: q.type for q in BY_NAME.values()}
# Properties over two scenarios name their quantities a.<name> and b.<name>.
NAMES = VOCABULARY | {f"{s}.{n}": t for s in ("a", "b") for n, t in VOCABULARY.items()}


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
    return expr, check(expr, NAMES, origin, FIELD)


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
    assert result is Type.BOOL
    assert isinstance(expr, Compare)
    assert expr.offset == 8  # the operator
    assert (expr.left.offset, expr.right.offset) == (0, 11)
    # The literal took yen from the other side.
    assert (expr.type, expr.left.type, expr.right.type) == (Type.BOOL, Type.YEN, Type.YEN)


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("billed_months * monthly_fee", Type.YEN),
        ("12 * monthly_fee", Type.YEN),
        ("monthly_fee * 12 // 10", Type.YEN),
        ("penalty % 1000", Type.YEN),
        ("-penalty", Type.YEN),
        ("billed_months + 1", Type.INT),
        ("1 + 2", Type.INT),
        ("max(penalty, 0)", Type.YEN),
        ('min(service_start, date("2026-01-01"))', Type.DATE),
        ("add_months(termination_month, -2)", Type.MONTH),
        ("months_between(month_of(service_start), termination_month)", Type.INT),
        ("year(termination_month) + month_number(service_start) + day(service_start)", Type.INT),
        ("days_in_month(termination_month) == 31", Type.BOOL),
        ("is_last_day(service_end) and is_leap_year(year(service_end))", Type.BOOL),
        ("days_between(service_start, service_end) >= 0", Type.BOOL),
        ("ground", Type.GROUND),
        ('"customer" in penalty_grounds', Type.BOOL),
        ('notice_reading in {"end-of-month", "first-of-month"}', Type.BOOL),
        ("within_minimum_term == (ground in penalty_grounds)", Type.BOOL),
        ("implies(within_minimum_term, penalty_applies)", Type.BOOL),
    ],
)
def test_well_typed_expressions(text: str, result: Type) -> None:
    assert checked(text)[1] is result


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
        ('{"customer"} == S', 10, "a set {...} can only follow `in`"),
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
        ("penalty_grounds == penalty_grounds", 26, "test one ground with `in`"),
        # Strings, sets and membership.
        ('"customer" == "immediate"', 21, "both sides are strings"),
        ('notice_deadline == "2026-01-01"', 29, 'write date("2026-01-01")'),
        ('termination_month != "2026-01"', 31, 'write month("2026-01")'),
        ('penalty == "0"', 21, "cannot compare yen with a string"),
        ('"customer" + 1 > 0', 10, "a string is an enumeration value"),
        ("notice_reading in penalty_grounds", 10, "only a ground can be in a ground-set"),
        ("ground in ground", 20, "`in` needs a set on its right, not ground"),
        ('penalty in {"customer"}', 10, "needs an enumeration value on its left"),
        ('"customer" in {"customer"}', 10, "must be a quantity such as `ground`"),
        # Functions.
        (
            "month_of(termination_month)",
            19,
            "month_of takes a date as its argument, not month: "
            "write first_day(...) or last_day(...)",
        ),
        ("first_day(service_start)", 20, "write month_of(...) around the date"),
        (
            "months_between(termination_month, service_end) > 0",
            44,
            "months_between takes a month as its second argument, not date",
        ),
        (
            "month_of(service_start, 1)",
            10,
            "month_of takes 1 argument, not 2: write month_of(date)",
        ),
        ("add_months(termination_month, notice_months)", 40, "add_months shifts by a constant"),
        ("add_months(termination_month)", 10, "write add_months(month, k)"),
        ("date(service_start)", 15, 'date takes a literal in quotes: write date("YYYY-MM-DD")'),
        ('date("2026-02-30") < service_start', 15, "2026-02 has no day 30"),
        ('month("2026-13") < termination_month', 16, "there is no month 13"),
        ('month("2026/01") < termination_month', 16, "write it as YYYY-MM"),
        ("max(penalty, billed_months)", 10, "max needs two values of one type, not yen and int"),
        (
            "min(within_minimum_term, penalty_applies)",
            14,
            "min takes int, yen, date or month, not bool",
        ),
        ("monthly_fee(1)", 10, "`monthly_fee` is a quantity, not a function"),
        (
            "month_off(service_start)",
            10,
            "unknown function `month_off`: did you mean month_of(...)?",
        ),
        ("frobnicate(1)", 10, "the functions are add_months, date, day"),
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
    assert "unknown name `zzz`: it is not in the vocabulary" in refused("zzz")


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
    assert '"end-of-month" is not a liability-reading' in refused(
        'liability_reading != "end-of-month"'
    )
    assert "is not a ground" in refused('"immediately" in penalty_grounds')


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("penalty // monthly_fee > 0", 21, "cannot divide by a variable amount"),
        ("billed_months % notice_months > 0", 26, "cannot divide by a variable amount"),
        ("penalty // (1 + 1) > 0", 24, "cannot divide by a variable amount"),
        ("penalty // -2 > 0", 21, "cannot divide by a negative number"),
        ("penalty // 0 > 0", 21, "cannot divide by zero"),
    ],
)
def test_division_only_by_a_positive_literal(text: str, column: int, message: str) -> None:
    error = refused(text)
    assert error.startswith(f"{PATH}:12:{column}: "), error
    assert message in error
    assert "positive integer literal" in error


# --- Evaluation ---------------------------------------------------------------------------


def test_concrete_evaluation_of_a_property() -> None:
    expr, _ = checked(
        "ground in penalty_grounds and termination_month < month_of(minimum_term_end)"
    )
    values: dict[str, object] = {
        "ground": Ground.CUSTOMER,
        "penalty_grounds": frozenset({Ground.CUSTOMER, Ground.NONPERFORMANCE}),
        "termination_month": Month(2026, 5),
        "minimum_term_end": date(2026, 12, 31),
    }
    assert eval_concrete(expr, values.__getitem__) is True
    values["ground"] = Ground.IMMEDIATE
    assert eval_concrete(expr, values.__getitem__) is False


def test_symbolic_evaluation_returns_z3_and_lifts_concrete_values() -> None:
    expr, _ = checked('notice_reading == "clear-months" implies penalty >= 0')
    values: dict[str, object] = {"notice_reading": z3.Int("r"), "penalty": z3.Int("x")}
    formula = eval_symbolic(expr, values.__getitem__)
    assert isinstance(formula, z3.BoolRef)
    solver = z3.Solver()
    solver.add(z3.Not(formula))
    assert solver.check() == z3.sat  # penalty < 0 with the clear-months reading
    # Concrete values from `lookup` (a pinned parameter, say) are lifted into Z3.
    pinned = {"notice_reading": NoticeReading.CLEAR_MONTHS, "penalty": -1}
    assert z3.is_false(z3.simplify(eval_symbolic(expr, pinned.__getitem__)))


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
        ('add_months(month("2026-02"), -2)', Month(2025, 12)),
        ('add_months(month("2026-11"), 14)', Month(2028, 1)),
        ('first_day(add_months(month("2026-01"), -1))', date(2025, 12, 1)),
        ('last_day(month("2024-02"))', date(2024, 2, 29)),
        ('month_of(date("2026-03-15"))', Month(2026, 3)),
        ('year(date("2026-03-15")) * 100 + month_number(month("2026-03"))', 202603),
        ('day(max(date("2026-03-15"), date("2026-03-14")))', 15),
        ('min(month("2026-03"), month("2025-12"))', Month(2025, 12)),
        ("-7 // 2", -4),
        ("-7 % 2", 1),
        ("7 % 3 - 7 // 3 * 2", -3),
        ("1 < 2 < 3 and not 3 < 2 < 1", True),
        ("false implies false implies false", True),
        ("(false implies false) implies false", False),
    ],
)
def test_calendar_functions_and_arithmetic_in_both_evaluators(text: str, expected: object) -> None:
    expr, _ = checked(text)
    assert eval_concrete(expr, NAMES.__getitem__) == expected
    assert _solved(eval_symbolic(expr, NAMES.__getitem__), []) == expected


def test_evaluation_needs_a_checked_expression() -> None:
    # Which enumeration "customer" belongs to is only known after check().
    expr = parse('ground == "customer"', ORIGIN, FIELD)
    with pytest.raises(TypeError, match="after check"):
        eval_concrete(expr, {"ground": Ground.CUSTOMER}.__getitem__)


def _nodes(expr: Expr) -> list[Expr]:
    return [expr, *(node for child in expr.children() for node in _nodes(child))]


# --- The evaluators agree -----------------------------------------------------------------

ENV: dict[str, Type] = {
    "i": Type.INT,
    "a.i": Type.INT,
    "y": Type.YEN,
    "z": Type.YEN,
    "d": Type.DATE,
    "e": Type.DATE,
    "m": Type.MONTH,
    "n": Type.MONTH,
    "p": Type.BOOL,
    "q": Type.BOOL,
    "g": Type.GROUND,
    "h": Type.GROUND,
    "gs": Type.GROUND_SET,
}
OF_TYPE = {t: [name for name, u in ENV.items() if u is t] for t in set(ENV.values())}
GROUNDS = [g.value for g in Ground]
ANY_DATE = st.dates(date(1890, 1, 1), date(2410, 12, 31))
# Month ends and century Februaries are where calendar code goes wrong; draw them often.
DATES = st.one_of(
    ANY_DATE,
    st.builds(
        lambda day, back: Month(day.year, day.month).last_day - timedelta(days=back),
        ANY_DATE,
        st.integers(0, 1),
    ),
    st.sampled_from([date(1900, 2, 28), date(2000, 2, 29), date(2100, 2, 28), date(2024, 2, 29)]),
)
ORDERED = (Type.INT, Type.YEN, Type.DATE, Type.MONTH)


def _leaf(draw: st.DrawFn, type_: Type) -> str:
    if type_ in (Type.INT, Type.YEN) and draw(st.booleans()):
        # Century years exercise the leap-year rule; negatives the floor of // and %.
        special = st.sampled_from([1900, 2000, 2100, 2024, 0, -1, -13])
        return str(draw(st.one_of(st.integers(-30, 1000), special)))
    if type_ is Type.BOOL and draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(["true", "false"]))
    if type_ is Type.DATE and draw(st.integers(0, 3)) == 0:
        return f'date("{draw(DATES).isoformat()}")'
    if type_ is Type.MONTH and draw(st.integers(0, 3)) == 0:
        day = draw(DATES)
        return f'month("{day.year:04d}-{day.month:02d}")'
    return draw(st.sampled_from(OF_TYPE[type_]))


@st.composite
def expressions(draw: st.DrawFn, type_: Type, depth: int) -> str:
    """A well-typed expression of `type_`, fully parenthesized, at most `depth` deep."""
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        return _leaf(draw, type_)

    def sub(t: Type) -> str:
        return draw(expressions(t, depth - 1))

    k = draw(st.integers(1, 13))
    choices: dict[Type, list[Any]] = {
        Type.INT: [
            lambda: f"({sub(Type.INT)} {draw(st.sampled_from('+-*'))} {sub(Type.INT)})",
            lambda: f"({sub(Type.INT)} {draw(st.sampled_from(['//', '%']))} {k})",
            lambda: f"(-{sub(Type.INT)})",
            lambda: f"months_between({sub(Type.MONTH)}, {sub(Type.MONTH)})",
            lambda: f"days_between({sub(Type.DATE)}, {sub(Type.DATE)})",
            lambda: (
                f"{draw(st.sampled_from(['year', 'month_number']))}"
                f"({sub(draw(st.sampled_from([Type.DATE, Type.MONTH])))})"
            ),
            lambda: f"day({sub(Type.DATE)})",
            lambda: f"days_in_month({sub(Type.MONTH)})",
            lambda: f"{draw(st.sampled_from(['min', 'max']))}({sub(Type.INT)}, {sub(Type.INT)})",
        ],
        Type.YEN: [
            lambda: f"({sub(Type.YEN)} {draw(st.sampled_from('+-'))} {sub(Type.YEN)})",
            # The yen factor must contain a yen name: a literal factor would be the count.
            lambda: f"(({sub(Type.YEN)} + y) * {sub(Type.INT)})",
            lambda: f"({sub(Type.INT)} * (z - {sub(Type.YEN)}))",
            lambda: f"({sub(Type.YEN)} {draw(st.sampled_from(['//', '%']))} {k})",
            lambda: f"(-{sub(Type.YEN)})",
            lambda: f"{draw(st.sampled_from(['min', 'max']))}({sub(Type.YEN)}, {sub(Type.YEN)})",
        ],
        Type.DATE: [
            lambda: f"{draw(st.sampled_from(['first_day', 'last_day']))}({sub(Type.MONTH)})",
            lambda: f"{draw(st.sampled_from(['min', 'max']))}({sub(Type.DATE)}, {sub(Type.DATE)})",
        ],
        Type.MONTH: [
            lambda: f"month_of({sub(Type.DATE)})",
            lambda: f"add_months({sub(Type.MONTH)}, {draw(st.integers(-30, 30))})",
            lambda: (
                f"{draw(st.sampled_from(['min', 'max']))}({sub(Type.MONTH)}, {sub(Type.MONTH)})"
            ),
        ],
        Type.BOOL: [
            lambda: f"(not {sub(Type.BOOL)})",
            lambda: (
                f"({sub(Type.BOOL)} {draw(st.sampled_from(['and', 'or', 'implies']))} "
                f"{sub(Type.BOOL)})"
            ),
            lambda: f"implies({sub(Type.BOOL)}, {sub(Type.BOOL)})",
            lambda: _comparison(draw, sub),
            lambda: f"({sub(Type.BOOL)} {draw(st.sampled_from(['==', '!=']))} {sub(Type.BOOL)})",
            lambda: f'({draw(st.sampled_from(["g", "h"]))} == "{draw(st.sampled_from(GROUNDS))}")',
            lambda: "(g != h)",
            lambda: (
                f"({draw(st.sampled_from(['g', 'h']))} "
                f"{draw(st.sampled_from(['in', 'not in']))} {_ground_set(draw)})"
            ),
            lambda: f"is_last_day({sub(Type.DATE)})",
            lambda: f"is_leap_year({sub(Type.INT)})",
        ],
    }
    make = draw(st.sampled_from(choices[type_]))
    text: str = make()
    return text


def _comparison(draw: st.DrawFn, sub: Any) -> str:
    type_ = draw(st.sampled_from(ORDERED))
    ops = draw(
        st.lists(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), min_size=1, max_size=2)
    )
    text = sub(type_)
    for op in ops:
        text += f" {op} {sub(type_)}"
    return f"({text})"


def _ground_set(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return "gs"
    chosen = draw(st.lists(st.sampled_from(GROUNDS), min_size=1, max_size=3))
    return "{" + ", ".join(f'"{g}"' for g in chosen) + "}"


def _values(draw: st.DrawFn) -> dict[str, object]:
    def month() -> Month:
        day = draw(DATES)
        return Month(day.year, day.month)

    return {
        "i": draw(st.integers(-1000, 1000)),
        "a.i": draw(st.integers(-1000, 1000)),
        "y": draw(st.integers(-(10**6), 10**7)),
        "z": draw(st.integers(-(10**6), 10**7)),
        "d": draw(DATES),
        "e": draw(DATES),
        "m": month(),
        "n": month(),
        "p": draw(st.booleans()),
        "q": draw(st.booleans()),
        "g": draw(st.sampled_from(list(Ground))),
        "h": draw(st.sampled_from(list(Ground))),
        "gs": frozenset(draw(st.sets(st.sampled_from(list(Ground))))),
    }


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, Type, dict[str, object]]:
    type_ = draw(st.sampled_from([*ORDERED, Type.BOOL, Type.BOOL]))
    return draw(expressions(type_, draw(st.integers(1, 4)))), type_, _values(draw)


def _symbols() -> tuple[dict[str, object], Any]:
    """Free Z3 values for ENV, and a function pinning them to concrete values."""
    symbols: dict[str, object] = {}
    for name, type_ in ENV.items():
        if type_ is Type.DATE:
            symbols[name] = symcal.date_var(name)[0]
        elif type_ is Type.MONTH:
            symbols[name] = symcal.month_var(name)[0]
        elif type_ is Type.BOOL:
            symbols[name] = z3.Bool(name)
        elif type_ is not Type.GROUND_SET:
            symbols[name] = z3.Int(name)

    def pin(values: dict[str, object]) -> list[tuple[Any, Any]]:
        pairs: list[tuple[Any, Any]] = []
        for name, symbol in symbols.items():
            value = values[name]
            if isinstance(value, date):
                pairs += zip(_parts(symbol), (value.year, value.month, value.day), strict=True)
            elif isinstance(value, Month):
                pairs += zip(_parts(symbol), (value.year, value.month), strict=True)
            elif isinstance(value, bool):
                pairs.append((symbol, z3.BoolVal(value)))
            elif isinstance(value, Ground):
                pairs.append((symbol, z3.IntVal(list(Ground).index(value))))
            else:
                assert isinstance(value, int)
                pairs.append((symbol, z3.IntVal(value)))
        return [(s, v if z3.is_expr(v) else z3.IntVal(v)) for s, v in pairs]

    return symbols, pin


def _parts(value: object) -> tuple[Any, ...]:
    if isinstance(value, symcal.SDate):
        return (value.year, value.month, value.day)
    assert isinstance(value, symcal.SMonth)
    return (value.year, value.month)


SYMBOLS, PIN = _symbols()


def _solved(symbolic: Any, pairs: list[tuple[Any, Any]]) -> object:
    """The Python value of a symbolic result with every name pinned."""

    def value(term: Any) -> Any:
        folded = z3.simplify(z3.substitute(term, *pairs))
        if z3.is_bool(folded):
            assert z3.is_true(folded) or z3.is_false(folded), folded
            return z3.is_true(folded)
        return folded.as_long()

    if isinstance(symbolic, symcal.SDate):
        return date(*(value(part) for part in _parts(symbolic)))
    if isinstance(symbolic, symcal.SMonth):
        return Month(*(value(part) for part in _parts(symbolic)))
    return value(symbolic)


@given(cases())
def test_concrete_and_symbolic_evaluation_agree(
    case: tuple[str, Type, dict[str, object]],
) -> None:
    text, type_, values = case
    expr = parse(text, ORIGIN, FIELD)
    result = check(expr, ENV, ORIGIN, FIELD)
    # A yen expression made of literals only (`(3 + 4)`) is an int on its own.
    assert result is type_ or (type_ is Type.YEN and result is Type.INT), text
    assert all(node.type is not None for node in _nodes(expr)), text
    concrete = eval_concrete(expr, values.__getitem__)
    symbolic_value = eval_symbolic(expr, {**SYMBOLS, "gs": values["gs"]}.__getitem__)
    if type_ is Type.BOOL:
        assert isinstance(symbolic_value, z3.BoolRef)
    assert _solved(symbolic_value, PIN(values)) == concrete, text
