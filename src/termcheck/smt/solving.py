"""One place for how termcheck asks Z3: seeded solvers, a resource limit, solver time,
and the searches that make a witness readable and the same on every run.

Fixed random seeds and an `rlimit` (not a wall-clock timeout, which is only softly
enforced and differs by machine) make every answer reproducible; `unknown` is never
taken for an answer.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import z3

from termcheck.smt import isolation
from termcheck.smt.symcal import SDate, SMonth

SEED = 0


def seed_globally() -> None:
    """Fix Z3's global seeds (per process): every solver created after starts alike."""
    z3.set_param("smt.random_seed", SEED)
    z3.set_param("sat.random_seed", SEED)


@contextmanager
def steady_collection() -> Iterator[None]:
    """Python's cyclic collector does not run while Z3 works (it runs again after).

    Z3 recycles the ids of freed terms, and its search follows them. The collector runs
    whenever allocations cross its threshold, in whatever thread allocates (a progress
    bar's, a process pool's): the terms it frees are freed at points that differ from
    run to run, so a search near its rlimit got a different answer under another
    PYTHONHASHSEED, and a term freed from another thread while Z3 worked crashed the
    process (a segmentation fault in `termcheck diff`). Freed by reference counting
    only, in this thread, Z3 sees the same history on every run. Collecting at fixed
    points instead would be as steady, but measured: the cycles left are a few MB over
    a whole `verify`, and each collection point changes which searches near the limit
    succeed."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class TimedSolver(z3.Solver):  # type: ignore[misc]
    """A solver that adds up the time spent inside `check` (the solver time)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0

    def check(self, *assumptions: Any) -> Any:
        started = time.perf_counter()
        try:
            return super().check(*assumptions)
        finally:
            self.seconds += time.perf_counter() - started


# Z3's "rlimit count" is one counter for a whole context. It is read from a solver that
# never checks anything, whose statistics are those four keys only: reading a working
# solver's statistics means walking dozens of keys, which cost more than many proofs.
_PROBE: dict[str, z3.Solver] = isolation.term_cache({})


def work_done() -> int:
    """The solver work done in this context so far; a check's work is the difference."""
    probe = _PROBE.get("probe")
    if probe is None:
        probe = _PROBE["probe"] = z3.Solver()
    stats = probe.statistics()
    keys = stats.keys()  # z3's Statistics offers keys() but no `in`
    return int(stats.get_key_value("rlimit count")) if "rlimit count" in keys else 0


def solver(rlimit: int) -> TimedSolver:
    found = TimedSolver()
    found.set("random_seed", SEED)
    found.set("rlimit", rlimit)
    return found


def optimizer(rlimit: int) -> z3.Optimize:
    found = z3.Optimize()
    found.set("random_seed", SEED)
    found.set("rlimit", rlimit)
    return found


# --- Keeping preferences ----------------------------------------------------------------------


def keep_if_satisfiable(s: z3.Solver, hint: Any) -> bool:
    """Keep `hint` if the problem stays satisfiable with it."""
    s.push()
    s.add(hint)
    if s.check() == z3.sat:
        s.pop()
        s.add(hint)
        return True
    s.pop()
    return False


def keep_satisfiable(s: z3.Solver, hints: list[Any]) -> set[int]:
    """Add the most preferred hints that fit together, and return their indices.

    Each hint is tracked by a literal; while the tracked hints conflict, the least
    preferred hint of the unsat core is dropped. A few checks instead of one per hint.
    Z3's cores are not minimal, so a dropped hint may not have been in conflict at all
    (a round fee dropped for two termination months that cannot be alike): each dropped
    hint is then tried again, most preferred first, and kept if it fits.
    """
    literals = [z3.Bool(f"termcheck.hint.{index}") for index in range(len(hints))]
    active = list(range(len(hints)))
    dropped: list[int] = []
    s.push()
    s.add(*(z3.Implies(literal, hint) for literal, hint in zip(literals, hints, strict=True)))
    while active:
        verdict = s.check(*(literals[index] for index in active))
        if verdict == z3.sat:
            break
        core = {str(literal) for literal in s.unsat_core()}
        conflicting = [index for index in active if str(literals[index]) in core]
        if verdict == z3.unknown or not conflicting:
            active, dropped = [], []
            break
        active.remove(max(conflicting))
        dropped.append(max(conflicting))
    for index in sorted(dropped):
        if s.check(*(literals[i] for i in [*active, index])) == z3.sat:
            active.append(index)
    active.sort()
    s.pop()
    s.add(*(hints[index] for index in active))
    return set(active)


def possible(s: z3.Solver, condition: Any) -> bool:
    s.push()
    s.add(condition)
    answer = s.check()
    s.pop()
    return bool(answer == z3.sat)


# --- Least values -------------------------------------------------------------------------------


def ordinal(value: SDate) -> Any:
    """Order-preserving and linear, to search with; never part of an encoding."""
    return 372 * value.year + 31 * value.month + value.day


def ordinal_of(day: date) -> int:
    return 372 * day.year + 31 * day.month + day.day


def current(s: z3.Solver, term: Any) -> int | None:
    if s.check() != z3.sat:
        return None
    return int(s.model().eval(term, model_completion=True).as_long())


def bisect_min(s: z3.Solver, term: Any, low: int, high: int) -> None:
    """Fix `term` to its least satisfiable value in [low, high] (known: high is reachable)."""
    while low < high:
        middle = (low + high) // 2
        if possible(s, term <= middle):
            high = middle
        else:
            low = middle + 1
    s.add(term == low)


def minimize(s: z3.Solver, term: Any, floor: int, low: int) -> None:
    """Fix `term` to its least value; search from `floor` (the anchor) first, which
    nearly every readable witness respects, so the bisection stays short."""
    now = current(s, term)
    if now is None:
        return
    if now == floor:
        s.add(term == floor)
        return
    below = possible(s, term < floor)
    if not below and keep_if_satisfiable(s, term == floor):
        return
    bisect_min(s, term, low if below else min(floor, now), now)


def minimize_date(s: z3.Solver, value: SDate, anchor: date, first_year: int) -> None:
    minimize(s, ordinal(value), ordinal_of(anchor), 372 * first_year)


def minimize_month(s: z3.Solver, value: SMonth, anchor: date, first_year: int) -> None:
    minimize(s, value.index, 12 * anchor.year + anchor.month - 1, 12 * first_year)


def fix_if_determined(s: z3.Solver, terms: list[Any]) -> bool:
    """If the other choices already determine every term, fix them in one check and
    say so; otherwise leave them to be settled one by one."""
    if not terms or s.check() != z3.sat:
        return False
    model = s.model()
    now = [model.eval(term, model_completion=True).as_long() for term in terms]
    equal = [term == value for term, value in zip(terms, now, strict=True)]
    determined = not possible(s, z3.Not(z3.And(*equal)))
    if determined:
        s.add(*equal)
    return determined


def settle(s: z3.Solver, term: Any, floor: int, low: int) -> None:
    """Fix a term: as it is when nothing else is possible, else its least value."""
    now = current(s, term)
    if now is None:
        return
    if not possible(s, term != now):
        s.add(term == now)
    else:
        minimize(s, term, floor, low)
