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
