"""(3) Cases Hypothesis generates from the model's facts, and shrinking what they find.

The strategy is built from the facts alone: dates are drawn near the terms' date (within
the model's witness window) as offsets from one base day, so that relations such as "the
notice arrives after the service starts" hold often; months likewise; yen and counts
within their bounds, small and round values first; every enumeration value; an optional
fact present or not. A drawn case the model calls impossible is rejected, not asked.
Hypothesis runs derandomized and without a database, so the same model gives the same
cases. A disagreement first seen here is shrunk (``hypothesis.find``) to the smallest
case that still shows it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from termcheck.model.spec import Spec
from termcheck.model.vocabulary import Entry
from termcheck.semantics import calendar
from termcheck.semantics.calendar import Month

if TYPE_CHECKING:
    from termcheck.conform.run import _Checker

# Offsets from the base day a date fact is drawn at (days): a few months before it, a
# few years after.
BEFORE_DAYS = 120
AFTER_DAYS = 4 * 366


def case_strategy(spec: Spec) -> st.SearchStrategy[dict[str, object]]:
    v = spec.vocabulary
    anchor = calendar.parse_date(spec.anchor)
    window = spec.document.witness.window_years
    base = st.dates(anchor, date(anchor.year + max(window, 1), 12, 31))

    @st.composite
    def cases(draw: Any) -> dict[str, object]:
        day = draw(base)
        facts: dict[str, object] = {}
        for entry in v.facts:
            if entry.optional and draw(st.booleans()):
                continue
            facts[entry.id] = draw(_value(entry, day, v.enums))
        return facts

    return cases()


def _value(entry: Entry, day: date, enums: Any) -> st.SearchStrategy[object]:
    kind = entry.type.kind
    if kind == "date":
        first, last = entry.days or (date.min, date.max)
        offsets = st.integers(-BEFORE_DAYS, AFTER_DAYS)
        return offsets.map(lambda k: min(last, max(first, day + timedelta(days=k))))
    if kind == "month":
        bounds = entry.bounds
        here = calendar.month_of(day).index

        def month(k: int) -> object:
            index = here + k
            if bounds is not None:
                index = min(bounds.high, max(bounds.low, index))
            return Month.from_index(index)

        return st.integers(-4, 60).map(month)
    if kind == "bool":
        return st.booleans()
    if kind == "enum":
        return st.sampled_from(enums[entry.type.enum or ""])
    bounds = entry.bounds
    low, high = (bounds.low, bounds.high) if bounds is not None else (0, 10**9)
    round_values = [x for x in (0, 1, 12, 1_000, 100_000) if low <= x <= high]
    return st.one_of(
        st.sampled_from(round_values) if round_values else st.nothing(),
        st.integers(max(low, 0) if low <= 0 <= high else low, min(high, 10**6)),
        st.integers(low, high),
    )


def generated_cases(spec: Spec, checker: _Checker, budget: int) -> Iterator[dict[str, object]]:
    """Ask `budget` generated cases through `checker`, then yield the shrunk case of each
    disagreement they found that the earlier cases had not."""
    from termcheck.conform.run import Case

    strategy = case_strategy(spec)
    before = checker.found_so_far()
    options = settings(
        max_examples=budget,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )

    @options
    @given(strategy)
    def ask(facts: dict[str, object]) -> None:
        checker.ask(Case(facts, "generated", "Hypothesis"))

    # Every drawn case impossible is Unsatisfiable: the report counts the cases asked.
    with contextlib.suppress(Unsatisfiable):
        ask()
    shrink = settings(options, phases=[Phase.generate, Phase.shrink], max_examples=budget)
    for kind, quantity in sorted(checker.found_so_far() - before):

        def shows(facts: dict[str, object], kind: str = kind, quantity: str = quantity) -> bool:
            return checker.disagrees(facts, quantity, kind)

        try:
            smallest = find(strategy, shows, settings=shrink)
        except (NoSuchExample, Unsatisfiable):
            continue
        yield smallest
