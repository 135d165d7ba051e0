"""The bounds on command-line values that would otherwise make a run that never ends.

Bounds on files and formulas live beside the code that reads them
(:mod:`termcheck.model.tomlfile`, :mod:`termcheck.language.parse`); docs/limits.md lists
them all. Each check returns why a value cannot be used, so a command says it in one line
naming its flag.
"""

from __future__ import annotations

from typing import Final

# Z3 reads an rlimit of 0 as no limit at all, and a hard property then never ends; 20
# times the default still ends within minutes per check.
MAX_RLIMIT: Final = 1_000_000_000
# Hypothesis cases `conform` generates after the solver's: 50 times the default.
MAX_BUDGET: Final = 10_000


def rlimit_problem(rlimit: int) -> str | None:
    """Why `rlimit` cannot be a Z3 resource limit, or None."""
    if not 1 <= rlimit <= MAX_RLIMIT:
        return f"{rlimit} is not a resource limit from 1 to {MAX_RLIMIT:,}"
    return None


def budget_problem(budget: int) -> str | None:
    """Why `budget` cannot be a number of generated cases, or None."""
    if not 0 <= budget <= MAX_BUDGET:
        return f"{budget} is not a number of cases from 0 to {MAX_BUDGET:,}"
    return None


# Digits of a number given on the command line: Python converts none of over 4,300 digits
# (and says so in terms of its own internals), and no fee or count comes near 10^18.
MAX_DIGITS: Final = 18


def whole_number(text: str, unit: str, *, signed: bool = False) -> int:
    """`text` as a whole number of `unit` (`1,000` and `1_000` are read); a ValueError
    says what to write instead."""
    cleaned = text.replace(",", "").replace("_", "")
    digits = cleaned[1:] if signed and cleaned.startswith("-") else cleaned
    if not digits.isdigit():
        kind = "whole number" if signed else "whole, non-negative number"
        raise ValueError(f"{text!r} is not a {kind} of {unit}")
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"a number of {len(digits):,} digits; at most {MAX_DIGITS} are read")
    return int(cleaned)
