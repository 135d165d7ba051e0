"""Type-check an expression against the names of a model: every node gets its type.

Yen and counts never mix, a date is not a month, an enumeration value is one of its
model's values, and every literal a function needs as a literal is one. Each error points
at the offending node, as file:line:column, and says what to write instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

from termcheck.errors import InputError, Position
from termcheck.language import functions as fn
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
    annotate,
    set_static,
)
from termcheck.language.parse import position
from termcheck.language.types import BOOL, DATE, INT, MONTH, YEN, Type, enum, set_of
from termcheck.semantics import calendar


@dataclass(frozen=True)
class Scope:
    """What an expression may name: facts and quantities with their types, the model's
    enumerations (id → values, in order), and whether the model has a business-day
    calendar."""

    names: Mapping[str, Type]
    enums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    business_days: bool = False
    # The values of the model's constants (quantities that depend on no fact), usable
    # where a literal is required: add_months(m, -notice_months).
    constants: Mapping[str, object] = field(default_factory=dict)


# While checking, None stands for an integer literal expression (`3`, `-1`, `2 * 12`):
# it becomes int or yen from its context, so `penalty >= 0` and `billed_months > 0` both
# check while `penalty >= billed_months` does not.
_Checked: TypeAlias = Type | None
_NUMBERS = (INT, YEN)


def check(
    expr: Expr,
    scope: Scope,
    origin: Position,
    field: str,
    expected: Type | None = None,
) -> Type:
    """Type-check `expr`, annotate every node, return its type.

    `expected` is the type the context wants (a quantity's declared type): it settles
    an integer literal as yen, and gives a bare enumeration value or set its
    enumeration. Raises :class:`InputError` at the offending node.
    """
    checker = _Checker(scope, origin, field)
    result = checker.visit(expr, expected)
    if result is None:
        settled = expected if expected in _NUMBERS else INT
        assert settled is not None
        checker.settle(expr, settled)
        return settled
    return result


def _name(type_: _Checked) -> str:
    return "int" if type_ is None else str(type_)


def _a(words: str) -> str:
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


def _describe(types: frozenset[Type]) -> str:
    return " or ".join(sorted(str(t) for t in types))


def _conversion_hint(wanted: frozenset[Type], got: _Checked) -> str:
    if got == DATE and MONTH in wanted:
        return ": write month_of(...) around the date"
    if got == MONTH and DATE in wanted:
        return ": write first_day(...) or last_day(...) around the month"
    return ""


class _Checker:
    def __init__(self, scope: Scope, origin: Position, field: str) -> None:
        self.scope = scope
        self.origin = origin
        self.field = field

    def error(self, message: str, node: Expr) -> InputError:
        return InputError(message, position(self.origin, node.row, node.col), self.field)

    # --- Dispatch --------------------------------------------------------------------------

    def visit(self, node: Expr, expected: Type | None = None) -> _Checked:
        result = self.infer(node, expected)
        # Literal expressions get int for now; settle() overrides it where yen is meant.
        annotate(node, INT if result is None else result)
        return result

    def infer(self, node: Expr, expected: Type | None) -> _Checked:
        match node:
            case IntLit():
                return None
            case BoolLit():
                return BOOL
            case StrLit():
                return self.bare_string(node, expected)
            case SetLit():
                return self.bare_set(node, expected)
            case Name():
                return self.name(node)
            case Negate():
                return self.negate(node, expected)
            case Not():
                self.condition(node.operand, "`not`")
                return BOOL
            case Arith():
                return self.arith(node, expected)
            case Logic():
                self.condition(node.left, f"the left of `{node.op}`")
                self.condition(node.right, f"the right of `{node.op}`")
                return BOOL
            case Compare():
                return self.compare(node)
            case Membership():
                return self.membership(node)
            case IfExpr():
                return self.conditional(node, expected)
            case Call():
                return self.call(node, expected)
        raise TypeError(f"not a language node: {node!r}")  # pragma: no cover

    def settle(self, node: Expr, type_: Type) -> None:
        """Give an integer literal expression the type its context requires."""
        annotate(node, type_)
        match node:
            case Negate():
                self.settle(node.operand, type_)
            case Arith(op="+" | "-"):
                self.settle(node.left, type_)
                self.settle(node.right, type_)
            case Arith():  # * // %: the right side is a count
                self.settle(node.left, type_)
                self.settle(node.right, INT)
            case IfExpr():
                self.settle(node.yes, type_)
                self.settle(node.no, type_)
            case Call(function="min" | "max"):
                for arg in node.args:
                    self.settle(arg, type_)

    def join(
        self, left: Expr, left_type: _Checked, right: Expr, right_type: _Checked
    ) -> tuple[bool, _Checked]:
        """The common type of two operands, settling a literal side; (False, _) if none."""
        if left_type is None and right_type is None:
            return True, None
        if left_type is None and right_type in _NUMBERS:
            self.settle(left, right_type)
            return True, right_type
        if right_type is None and left_type in _NUMBERS:
            self.settle(right, left_type)
            return True, left_type
        return left_type == right_type, left_type

    def static_int(self, node: Expr) -> int | None:
        """The value of an integer expression known before solving: literals and the
        model's integer constants, combined by arithmetic; None for anything else."""
        match node:
            case IntLit(value=value):
                return value
            case Negate(operand=operand):
                inner = self.static_int(operand)
                return None if inner is None else -inner
            case Name(name=name):
                constant = self.scope.constants.get(name)
                if isinstance(constant, int) and not isinstance(constant, bool):
                    return constant
                return None
            case Arith(op=op, left=left, right=right):
                a, b = self.static_int(left), self.static_int(right)
                if a is None or b is None:
                    return None
                if op in ("//", "%"):
                    if b <= 0:
                        return None
                    return a // b if op == "//" else a % b
                return a + b if op == "+" else a - b if op == "-" else a * b
        return None

    # --- Leaves ----------------------------------------------------------------------------

    def enum_values(self, type_: Type) -> tuple[str, ...]:
        assert type_.enum is not None
        return self.scope.enums[type_.enum]

    def enum_names(self) -> str:
        return ", ".join(sorted(self.scope.enums)) or "none: the model declares no enumeration"

    def example_value(self) -> str:
        for values in self.scope.enums.values():
            if values:
                return values[0]
        return "value"

    def bare_string(self, node: StrLit, expected: Type | None) -> Type:
        if expected is not None and expected.is_enum:
            self.enum_value(node, expected)
            return expected
        example = self.example_value()
        raise self.error(
            "a string is an enumeration value and can only be compared with one, "
            f'as in `x == "{example}"`; write date("...") or month("...") '
            "for a date or a month",
            node,
        )

    def bare_set(self, node: SetLit, expected: Type | None) -> Type:
        if expected is not None and expected.is_set:
            element = enum(expected.enum or "")
            for item in node.items:
                self.enum_value(item, element)
            return expected
        example = self.example_value()
        raise self.error(
            f'a set {{...}} stands right of `in`, as in `x in {{"{example}"}}`, or as the '
            "formula of a set-valued quantity",
            node,
        )

    def enum_value(self, literal: StrLit, type_: Type) -> None:
        values = self.enum_values(type_)
        if literal.value not in values:
            close = difflib.get_close_matches(literal.value, values, n=1)
            guess = f'did you mean "{close[0]}"? ' if close else ""
            listed = ", ".join(f'"{v}"' for v in values)
            raise self.error(
                f'"{literal.value}" is not a {type_}: {guess}write one of {listed}', literal
            )
        annotate(literal, type_)

    def name(self, node: Name) -> Type:
        if node.name in self.scope.names:
            return self.scope.names[node.name]
        if node.name in fn.FUNCTIONS:
            raise self.error(f"{node.name} is a function: call it, as {node.name}(...)", node)
        known = [*self.scope.names, "true", "false"]
        close = difflib.get_close_matches(node.name, known, n=1)
        hint = (
            f": did you mean `{close[0]}`?"
            if close
            else ": the model declares no fact or quantity of that name"
        )
        raise self.error(f"unknown name `{node.name}`{hint}", node)

    # --- Operators -------------------------------------------------------------------------

    def condition(self, node: Expr, where: str) -> None:
        found = self.visit(node, BOOL)
        if found != BOOL:
            hint = " such as `x > 0`" if found in (None, *_NUMBERS) else ""
            raise self.error(
                f"{where} needs a condition (bool), not {_name(found)}: write a comparison{hint}",
                node,
            )

    def negate(self, node: Negate, expected: Type | None = None) -> _Checked:
        found = self.visit(node.operand, expected if expected in _NUMBERS else None)
        if found is not None and found not in _NUMBERS:
            raise self.error(f"`-` needs a number (int or yen), not {found}", node)
        return found

    def arith(self, node: Arith, expected: Type | None = None) -> _Checked:
        if node.op in ("//", "%"):
            return self.division(node)
        inner = expected if node.op in ("+", "-") and expected in _NUMBERS else None
        left = self.visit(node.left, inner)
        if node.op == "*" and expected == YEN and left == INT:
            right = self.visit(node.right, YEN)  # a count times the amount
        else:
            right = self.visit(node.right, inner)
        for side, found in ((node.left, left), (node.right, right)):
            if found is not None and found not in _NUMBERS:
                raise self.error(
                    f"`{node.op}` needs numbers (int or yen), not {found}: "
                    f"{self.mismatch_hint(found, INT)}",
                    side,
                )
        if node.op == "*":
            return self.product(node, left, right, expected)
        same, result = self.join(node.left, left, node.right, right)
        if not same:
            raise self.error(
                f"cannot {'add' if node.op == '+' else 'subtract'} {_name(left)} and "
                f"{_name(right)}: {self.mismatch_hint(left, right)}",
                node,
            )
        return result

    def product(
        self, node: Arith, left: _Checked, right: _Checked, expected: Type | None = None
    ) -> _Checked:
        if left == YEN and right == YEN:
            raise self.error("cannot multiply yen by yen: one factor must be a count (int)", node)
        if left is None and right is None:
            return None
        # A count times a literal where yen is wanted: the literal is the amount
        # (`billed_months * 1000` as a fee per month).
        if expected == YEN and INT in (left, right) and None in (left, right):
            literal = node.left if left is None else node.right
            self.settle(literal, YEN)
            return YEN
        # A literal factor beside an int or yen operand is the count: `12 * monthly_fee`.
        if left is None:
            self.settle(node.left, INT)
        if right is None:
            self.settle(node.right, INT)
        return YEN if YEN in (left, right) else INT

    def division(self, node: Arith) -> _Checked:
        found = self.visit(node.left)
        if found is not None and found not in _NUMBERS:
            raise self.error(
                f"`{node.op}` needs a number (int or yen) on its left, not {found}", node.left
            )
        divisor = node.right
        # Z3 stays decidable and fast only when it divides by constants; a positive one
        # also makes `//` and `%` mean the same in Python (floor) and in Z3 (Euclidean).
        known = self.static_int(divisor)
        if known is None or known <= 0:
            value = known
            what = (
                "by a variable amount"
                if value is None
                else "by zero"
                if value == 0
                else "by a negative number"
            )
            raise self.error(
                f"cannot divide {what}: `{node.op}` takes a positive integer literal or "
                "constant on its right, such as `x // 12` (the solver divides by constants only)",
                divisor,
            )
        if isinstance(divisor, Name):
            self.visit(divisor)
        annotate(divisor, INT)
        set_static(divisor, known)
        return found

    def mismatch_hint(self, left: _Checked, right: _Checked) -> str:
        pair = {left or INT, right or INT}
        if pair == {YEN, INT}:
            return "yen and counts never mix: multiply a count by a fee (`n * fee`)"
        if pair == {DATE, MONTH}:
            return (
                "turn the date into its month with month_of(...), or the month into a date "
                "with first_day(...) or last_day(...)"
            )
        if pair == {DATE, INT}:
            return "count days with days_between(...) or take day(...) of the date"
        if pair == {MONTH, INT}:
            return "count months with months_between(...) or shift with add_months(...)"
        enums = [t for t in (left, right) if t is not None and t.is_enum]
        if enums:
            values = self.enum_values(enums[0])
            example = values[0] if values else "value"
            return f'compare a {enums[0]} with one of its values in quotes, as "{example}"'
        return "compare values of the same type"

    def compare(self, node: Compare) -> Type:
        if isinstance(node.left, StrLit) or isinstance(node.right, StrLit):
            return self.compare_enum_literal(node)
        left = self.visit(node.left)
        right = self.visit(node.right)
        same, common = self.join(node.left, left, node.right, right)
        if not same:
            raise self.error(
                f"cannot compare {_name(left)} with {_name(right)}: "
                f"{self.mismatch_hint(left, right)}",
                node,
            )
        if common is None:
            self.settle(node.left, INT)
            self.settle(node.right, INT)
            common = INT
        self.comparable(node, common)
        return BOOL

    def comparable(self, node: Compare, type_: Type) -> None:
        if node.op in ("==", "!=") and not type_.is_set:
            return
        if type_.is_ordered:
            return
        if type_.is_set:
            advice = "test one value with `in`, as `x in the_set`"
        else:
            advice = "use `==` or `!=`" + (", or `in`" if type_.is_enum else "")
        raise self.error(f"`{node.op}` does not apply to {type_}: {advice}", node)

    def compare_enum_literal(self, node: Compare) -> Type:
        if isinstance(node.left, StrLit) and isinstance(node.right, StrLit):
            raise self.error(
                'both sides are strings: compare a quantity with a value, as `x == "value"`',
                node,
            )
        literal, other = (
            (node.left, node.right) if isinstance(node.left, StrLit) else (node.right, node.left)
        )
        assert isinstance(literal, StrLit)
        found = self.visit(other)
        if found is None or not found.is_enum:
            raise self.error(self.string_misuse(found, literal), literal)
        self.enum_value(literal, found)
        if node.op not in ("==", "!="):
            raise self.error(f"`{node.op}` does not apply to {found}: use `==`, `!=` or `in`", node)
        return BOOL

    def string_misuse(self, found: _Checked, literal: StrLit) -> str:
        if found == DATE:
            return f'compare a date with a date literal: write date("{literal.value}")'
        if found == MONTH:
            return f'compare a month with a month literal: write month("{literal.value}")'
        return (
            f"cannot compare {_name(found)} with a string: strings are values of an "
            f"enumeration ({self.enum_names()})"
        )

    def membership(self, node: Membership) -> Type:
        collection = node.collection
        if isinstance(collection, SetLit):
            element_type = self.enum_element(node.element)
            assert element_type.enum is not None
            if not collection.items:
                raise self.error(
                    "an empty set contains nothing: write `false` (or `true` for `not in`)",
                    collection,
                )
            for item in collection.items:
                self.enum_value(item, element_type)
            annotate(collection, set_of(element_type.enum))
            return BOOL
        found = self.visit(collection)
        if found is None or not found.is_set:
            raise self.error(
                f"`in` needs a set on its right, not {_name(found)}: write a set of values "
                "in braces or name a set-valued quantity",
                collection,
            )
        element = enum(found.enum or "")
        if isinstance(node.element, StrLit):
            self.enum_value(node.element, element)
            return BOOL
        got = self.visit(node.element)
        if got != element:
            raise self.error(
                f"only a {element} can be in a {found}, not {_name(got)}", node.element
            )
        return BOOL

    def enum_element(self, element: Expr) -> Type:
        if isinstance(element, StrLit):
            raise self.error(
                "the left of `in {...}` must be a fact or quantity, not a string", element
            )
        found = self.visit(element)
        if found is None or not found.is_enum:
            raise self.error(
                f"`in {{...}}` needs an enumeration value on its left ({self.enum_names()}), "
                f"not {_name(found)}",
                element,
            )
        return found

    def conditional(self, node: IfExpr, expected: Type | None) -> _Checked:
        self.condition(node.condition, "the condition of `if`")
        bare = (StrLit, SetLit)
        if expected is None and isinstance(node.yes, bare) and not isinstance(node.no, bare):
            # `if c then "a" else x`: the other branch says which enumeration "a" is of.
            no = self.visit(node.no)
            yes = self.visit(node.yes, no)
        else:
            yes = self.visit(node.yes, expected)
            no = self.visit(node.no, expected if expected is not None else yes)
        same, common = self.join(node.yes, yes, node.no, no)
        if not same:
            raise self.error(
                f"the two branches of `if` must have one type, not {_name(yes)} and "
                f"{_name(no)}: {self.mismatch_hint(yes, no)}",
                node,
            )
        return common

    # --- Calls -----------------------------------------------------------------------------

    def call(self, node: Call, expected: Type | None = None) -> _Checked:
        function = fn.FUNCTIONS.get(node.function)
        if function is None:
            if node.function in self.scope.names:
                raise self.error(
                    f"`{node.function}` is a fact or quantity, not a function: drop the (...)",
                    node,
                )
            close = difflib.get_close_matches(node.function, sorted(fn.FUNCTIONS), n=1)
            hint = (
                f": did you mean {close[0]}(...)?"
                if close
                else f": the functions are {', '.join(sorted(fn.FUNCTIONS))}"
            )
            raise self.error(f"unknown function `{node.function}`{hint}", node)
        if function.business_days and not self.scope.business_days:
            raise self.error(
                f"{node.function} counts business days, and this model has no [calendar]: "
                'add `[calendar] holidays = "jp"` (Japanese public holidays) to model.toml',
                node,
            )
        if node.function in ("min", "max"):
            return self.extremum(node, expected)
        if node.function == "sum_fees":
            return self.sum_fees(node)
        if node.function in ("date", "month"):
            return self.calendar_literal(node)
        self.arity(node, function)
        for index, (arg, param) in enumerate(zip(node.args, function.params, strict=False)):
            self.argument(node, index, arg, param)
        result = function.result
        assert result is not None
        return result

    def arity(self, node: Call, function: fn.Function) -> None:
        required = sum(1 for p in function.params if not p.optional)
        if not required <= len(node.args) <= len(function.params):
            count = (
                f"{required}"
                if required == len(function.params)
                else f"{required} or {len(function.params)}"
            )
            plural = "argument" if count == "1" else "arguments"
            raise self.error(
                f"{node.function} takes {count} {plural}, not {len(node.args)}: "
                f"write {function.usage()}",
                node,
            )

    def ordinal(self, node: Call, index: int) -> str:
        words = ("first ", "second ", "third ", "fourth ", "fifth ")
        if len(node.args) == 1:
            return ""
        return words[index] if index < len(words) else f"{index + 1}th "

    def argument(self, node: Call, index: int, arg: Expr, param: fn.Param) -> None:
        where = f"its {self.ordinal(node, index)}argument ({param.name})"
        if param.literal == "option":
            if not isinstance(arg, StrLit) or (param.options and arg.value not in param.options):
                listed = " or ".join(f'"{o}"' for o in param.options)
                raise self.error(f"{node.function} takes {listed} as {where}", arg)
            set_static(arg, arg.value)
            return  # an option is syntax, not a value: it has no type
        if param.literal == "count" and self.static_int(arg) is None:
            found = self.visit(arg, INT)
            if found is None:
                self.settle(arg, INT)
            elif found != INT:
                raise self.error(f"{node.function} takes a count as {where}, not {found}", arg)
            return
        if param.literal in ("int", "count"):
            value = self.static_int(arg)
            if value is None:
                raise self.error(
                    f"{node.function} takes an integer literal or constant as {where}: write "
                    f"a number such as 3 or -2, or a constant of the model (the solver "
                    "shifts by constants)",
                    arg,
                )
            found = self.visit(arg)
            if found is not None and found != INT:
                raise self.error(f"{node.function} takes a count as {where}, not {found}", arg)
            self.settle(arg, INT)
            set_static(arg, value)
            self.literal_range(node, arg, value)
            return
        single = next(iter(param.types)) if len(param.types) == 1 else None
        found = self.visit(arg, single)
        if found is None and INT in param.types:
            self.settle(arg, INT)
            return
        if found is None and YEN in param.types:
            self.settle(arg, YEN)
            return
        if found not in param.types:
            raise self.error(
                f"{node.function} takes {_a(_describe(param.types))} as {where}, not "
                f"{_name(found)}{_conversion_hint(param.types, found)}",
                arg,
            )

    def literal_range(self, node: Call, arg: Expr, value: int) -> None:
        limits = {
            "add_months": (-fn.MAX_MONTHS_SHIFT, fn.MAX_MONTHS_SHIFT, False),
            "shift_date": (-fn.MAX_MONTHS_SHIFT, fn.MAX_MONTHS_SHIFT, False),
            "period_end": (1, fn.MAX_MONTHS_SHIFT, False),
            "add_days": (-fn.MAX_DAYS_SHIFT, fn.MAX_DAYS_SHIFT, False),
            "add_business_days": (-fn.MAX_BUSINESS_DAYS, fn.MAX_BUSINESS_DAYS, True),
            "scale": (1, 10_000, False),
        }
        low, high, nonzero = limits.get(node.function, (None, None, False))
        if low is None or high is None:
            return
        if not low <= value <= high or (nonzero and value == 0):
            extra = ", not 0" if nonzero else ""
            raise self.error(
                f"{node.function} takes {low:,} to {high:,} here{extra}, not {value:,}", arg
            )

    def calendar_literal(self, node: Call) -> Type:
        is_date = node.function == "date"
        usage = 'date("YYYY-MM-DD")' if is_date else 'month("YYYY-MM")'
        if len(node.args) != 1:
            raise self.error(
                f"{node.function} takes 1 argument, not {len(node.args)}: write {usage}", node
            )
        arg = node.args[0]
        if not isinstance(arg, StrLit):
            raise self.error(f"{node.function} takes a literal in quotes: write {usage}", arg)
        try:
            if is_date:
                calendar.parse_date(arg.value)
            else:
                calendar.parse_month(arg.value)
        except ValueError as error:
            raise self.error(str(error), arg) from None
        result = DATE if is_date else MONTH
        annotate(arg, result)
        return result

    def extremum(self, node: Call, expected: Type | None = None) -> _Checked:
        if len(node.args) < 2:
            raise self.error(
                f"{node.function} takes two or more arguments, not {len(node.args)}: "
                f"write {node.function}(x, y)",
                node,
            )
        inner = expected if expected in _NUMBERS else None
        found = [self.visit(arg, inner) for arg in node.args]
        for arg, got in zip(node.args, found, strict=True):
            if got is not None and not got.is_ordered:
                raise self.error(f"{node.function} takes int, yen, date or month, not {got}", arg)
        known = [t for t in found if t is not None]
        common = known[0] if known else None
        for arg, got in zip(node.args, found, strict=True):
            if got is None:
                continue
            if got != common:
                raise self.error(
                    f"{node.function} needs values of one type, not {_name(common)} and "
                    f"{_name(got)}: {self.mismatch_hint(common, got)}",
                    arg,
                )
        if common is not None:
            if common not in _NUMBERS and None in found:
                bad = node.args[found.index(None)]
                raise self.error(
                    f"{node.function} needs values of one type, not {common} and int: "
                    f"{self.mismatch_hint(common, None)}",
                    bad,
                )
            for arg, got in zip(node.args, found, strict=True):
                if got is None:
                    self.settle(arg, common)
        return common

    def sum_fees(self, node: Call) -> Type:
        count = len(node.args)
        if count < 3 or (count - 3) % 2:
            raise self.error(
                f"sum_fees takes the first and last month, a fee, then (month, fee) pairs "
                f"for each change, not {count} arguments: write "
                "sum_fees(first, last, fee) or sum_fees(first, last, fee, from_month, new_fee)",
                node,
            )
        for index, arg in enumerate(node.args):
            wanted = MONTH if index < 2 or (index > 2 and index % 2 == 1) else YEN
            found = self.visit(arg, wanted)
            if found is None and wanted == YEN:
                self.settle(arg, YEN)
                continue
            if found != wanted:
                raise self.error(
                    f"sum_fees takes {_a(str(wanted))} as argument {index + 1}, not "
                    f"{_name(found)}{_conversion_hint(frozenset({wanted}), found)}",
                    arg,
                )
        return YEN
