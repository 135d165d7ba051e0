"""A tree back as text in the language: what a mutated formula is written as.

The text parses back to the same tree (``tests/test_language_meanings.py`` checks it on
generated formulas); it is parenthesised wherever precedence could be in doubt, not
pretty.
"""

from __future__ import annotations

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
)


def unparse(node: Expr) -> str:
    match node:
        case IntLit(value=value):
            return str(value)
        case BoolLit(value=value):
            return "true" if value else "false"
        case StrLit(value=value):
            return f'"{value}"'
        case Name(name=name):
            return name
        case SetLit(items=items):
            return "{" + ", ".join(unparse(item) for item in items) + "}"
        case Negate(operand=operand):
            return f"-({unparse(operand)})"
        case Not(operand=operand):
            return f"not ({unparse(operand)})"
        case Arith(op=op, left=left, right=right):
            return f"({unparse(left)} {op} {unparse(right)})"
        case Logic(op=op, left=left, right=right):
            return f"({unparse(left)} {op} {unparse(right)})"
        case Compare(op=op, left=left, right=right):
            return f"({unparse(left)} {op} {unparse(right)})"
        case Membership(element=element, collection=collection, negated=negated):
            word = "not in" if negated else "in"
            return f"({unparse(element)} {word} {unparse(collection)})"
        case IfExpr(condition=condition, yes=yes, no=no):
            return f"(if {unparse(condition)} then {unparse(yes)} else {unparse(no)})"
        case Call(function=function, args=args):
            return f"{function}({', '.join(unparse(arg) for arg in args)})"
    raise TypeError(f"not a language node: {node!r}")  # pragma: no cover
