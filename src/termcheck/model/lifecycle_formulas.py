"""The formulas of [lifecycle]: checked when the model loads, like every other formula.

A guard, a fact binding or a customer's choice is a formula over the event
(`event.on`, `event.month`, `event.earlier_pending`, `event.hindered`), the contract's
records (`contract.started_on`, `contract.noticed`, …) and the model's quantities whose
facts [lifecycle.facts] reads from the records. docs/lifecycle.md lists the names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from termcheck.errors import InputError
from termcheck.language.ast import Expr
from termcheck.language.parse import parse
from termcheck.language.typecheck import Scope, check
from termcheck.language.types import BOOL, DATE, MONTH, Type
from termcheck.model.schema import Lifecycle
from termcheck.model.tomlfile import TomlFile, value_origin
from termcheck.model.vocabulary import Entry, Vocabulary

DATES: Final = (
    "clock",
    "applied_on",
    "planned_start",
    "formed_on",
    "started_on",
    "notice_on",
    "demand_on",
    "ended_on",
)
MONTHS: Final = ("named_month", "termination_month")
FLAGS: Final = ("formed", "started", "noticed", "demanded", "ended")
EVENT_NAMES: Final[dict[str, Type]] = {
    "event.on": DATE,
    "event.month": MONTH,
    "event.earlier_pending": BOOL,
    "event.hindered": BOOL,
}
RECORD_NAMES: Final[dict[str, Type]] = {
    **{f"contract.{d}": DATE for d in DATES},
    **{f"contract.{m}": MONTH for m in MONTHS},
    **{f"contract.{f}": BOOL for f in FLAGS},
}
LIFECYCLE_NAMES: Final = {**EVENT_NAMES, **RECORD_NAMES}


@dataclass
class LifecycleFormulas:
    """The checked formulas of [lifecycle]."""

    quantities: dict[str, Entry]  # the quantities a lifecycle formula may name
    scope: Scope
    bindings: dict[str, Expr] = field(default_factory=dict)  # fact → formula over records
    guards: dict[str, Expr] = field(default_factory=dict)  # guard id → condition
    choices: dict[str, tuple[Expr, Expr | None]] = field(default_factory=dict)  # event → on, month


def _formula(
    source: TomlFile, scope: Scope, loc: tuple[str | int, ...], text: str, expected: Type
) -> Expr:
    origin = value_origin(source, loc)
    name = ".".join(str(p) for p in loc)
    expr = parse(text, origin, name)
    found = check(expr, scope, origin, name, expected)
    if found != expected:
        raise InputError(f"must be {expected}, not {found}", origin, name)
    return expr


def check_lifecycle(lifecycle: Lifecycle, v: Vocabulary, source: TomlFile) -> LifecycleFormulas:
    """Parse and type-check every formula of [lifecycle]; raises InputError at the first
    that does not."""
    bound = set(lifecycle.facts)
    quantities = {e.id: e for e in v.quantities if e.facts <= bound}
    names = dict(LIFECYCLE_NAMES)
    for name, entry in quantities.items():
        names[name] = entry.type
    constants = v.static_constants()
    scope = Scope(names, v.enums, v.calendar is not None, constants)
    records = Scope(LIFECYCLE_NAMES, v.enums, v.calendar is not None, constants)
    found = LifecycleFormulas(quantities, scope)
    for fact, text in lifecycle.facts.items():
        expected = v.entries[fact].type
        loc: tuple[str | int, ...] = ("lifecycle", "facts", fact)
        found.bindings[fact] = _formula(source, records, loc, text, expected)
    for i, guard in enumerate(lifecycle.guards):
        loc = ("lifecycle", "guards", i, "formula")
        found.guards[guard.id] = _formula(source, scope, loc, guard.formula, BOOL)
    for i, transition in enumerate(lifecycle.transitions):
        if transition.choice is None:
            continue
        loc = ("lifecycle", "transitions", i, "choice")
        on = _formula(source, scope, (*loc, "on"), transition.choice.on, DATE)
        month = (
            None
            if transition.choice.month is None
            else _formula(source, scope, (*loc, "month"), transition.choice.month, MONTH)
        )
        found.choices[transition.event] = (on, month)
    return found
