"""Readable counterexamples: the model's preferences steer Z3 toward a case a reviewer can
picture, and every fact is then fixed, so the same input gives the same report.

The preferences are the model's (model.toml [witness] and each fact's `prefer`): dates
near the terms' date, a round fee, the usual ground, facts the property does not look
at tied to the others, two customers as alike as possible. A preference is kept only
while the problem stays satisfiable with it, so the result is always a real
counterexample; the order of the preferences is the order of importance.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

import z3

from termcheck.language.types import Type
from termcheck.model.spec import Spec
from termcheck.model.vocabulary import Entry, Vocabulary
from termcheck.semantics import calendar
from termcheck.smt import solving, symcal
from termcheck.smt.compile import Compiler, SymValue
from termcheck.smt.encoding import SymbolicCase, context, equals


@dataclass(frozen=True)
class Preferences:
    """What a case of this model looks like when a person pictures it."""

    anchor: date
    window_end: date
    first_year: int


def preferences(spec: Spec, anchor: date | None = None) -> Preferences:
    anchor = anchor or calendar.parse_date(spec.anchor)
    years = spec.document.witness.window_years
    return Preferences(anchor, date(anchor.year + years, 12, 31), calendar.HORIZON_FIRST_YEAR)


def _compile_in(sym: SymbolicCase, v: Vocabulary, expr: Any) -> SymValue:
    return Compiler(sym.values.__getitem__, v.bounds, context(v)).compile(expr)


def _within(value: SymValue, first: date, last: date, type_: Type) -> Any:
    if type_.kind == "date":
        return z3.And(value >= symcal.const_date(first), value <= symcal.const_date(last))
    low, high = calendar.month_of(first), calendar.month_of(last)
    return z3.And(value >= symcal.const_month(low), value <= symcal.const_month(high))


def hints(
    spec: Spec,
    cases: Mapping[str, SymbolicCase],
    looked_at: Mapping[str, frozenset[str]],
    named: Mapping[str, frozenset[str]],
    anchor: date | None = None,
) -> Iterator[Any]:
    """The preferences for a readable witness, most important first.

    `looked_at[case]` are the facts the property depends on; `named[case]` those it
    names itself. A fact the property never looks at takes its preferred value; one it
    does stays free, but near the terms' date.
    """
    v = spec.vocabulary
    p = preferences(spec, anchor)
    for name, sym in cases.items():
        for entry in v.facts:
            prefer = v.prefer.get(entry.id)
            if entry.type.kind == "date":
                if prefer is not None and entry.id not in looked_at[name]:
                    yield equals(sym[entry.id], _compile_in(sym, v, prefer.expr))
                else:
                    yield _within(sym[entry.id], p.anchor, p.window_end, entry.type)
            elif entry.type.kind != "month" and prefer is not None and entry.id not in named[name]:
                yield equals(sym[entry.id], _compile_in(sym, v, prefer.expr))
        for preference in v.witness_prefer:
            yield _compile_in(sym, v, preference.expr)
    for first, second in pairwise(cases.values()):
        for fact in spec.document.witness.alike:
            yield equals(first[fact], second[fact])


def choices(spec: Spec, cases: Mapping[str, SymbolicCase]) -> list[tuple[Entry, Any, Any]]:
    """Each case's facts that are not dates or months and have a preferred value: the
    value is fixed if it can be, else the least the fact allows."""
    v = spec.vocabulary
    found = []
    for sym in cases.values():
        for entry in v.facts:
            prefer = v.prefer.get(entry.id)
            if entry.type.kind in ("date", "month") or prefer is None:
                continue
            found.append((entry, sym[entry.id], _compile_in(sym, v, prefer.expr)))
    return found


def readable(
    s: z3.Solver,
    spec: Spec,
    cases: Mapping[str, SymbolicCase],
    looked_at: Mapping[str, frozenset[str]],
    named: Mapping[str, frozenset[str]],
    anchor: date | None = None,
    first: list[Any] | None = None,
) -> z3.ModelRef:
    """Steer the witness by the model's preferences, then fix every fact: preferred or
    least for numbers and enumerations, earliest from the anchor for dates and months
    without a preference, the rest as determined or least. `first`: preferences that
    come before the model's (a diff prefers the new version's)."""
    v = spec.vocabulary
    p = preferences(spec, anchor)
    wanted = [*(first or []), *hints(spec, cases, looked_at, named, anchor)]
    chosen = choices(spec, cases)
    kept = solving.keep_satisfiable(s, [*wanted, *(equals(t, value) for _, t, value in chosen)])
    for index, (entry, term, _) in enumerate(chosen):
        if len(wanted) + index not in kept:
            low = entry.bounds.low if entry.bounds is not None else 0
            solving.minimize(s, term, low, low)
    for sym in cases.values():
        for entry in v.facts:
            if entry.id in v.prefer:
                continue
            if entry.type.kind == "date":
                solving.minimize_date(s, sym[entry.id], p.anchor, p.first_year)
            elif entry.type.kind == "month":
                solving.minimize_month(s, sym[entry.id], p.anchor, p.first_year)
            elif entry.type.kind == "bool":
                solving.keep_if_satisfiable(s, z3.Not(sym[entry.id]))
            else:
                low = entry.bounds.low if entry.bounds is not None else 0
                solving.minimize(s, sym[entry.id], low, low)
    others = [
        sym[e.id]
        for sym in cases.values()
        for e in v.facts
        if e.id in v.prefer and e.type.kind in ("date", "month")
    ]
    terms = [solving.ordinal(d) if isinstance(d, symcal.SDate) else d.index for d in others]
    if not solving.fix_if_determined(s, terms):
        floor = solving.ordinal_of(p.anchor)
        for value, term in zip(others, terms, strict=True):
            if isinstance(value, symcal.SDate):
                solving.settle(s, term, floor, 372 * p.first_year)
            else:
                solving.settle(s, term, 12 * p.anchor.year + p.anchor.month - 1, 12 * p.first_year)
    if s.check() != z3.sat:  # pragma: no cover - every preference kept was satisfiable
        raise RuntimeError("a kept preference made the problem unsatisfiable")
    return s.model()
