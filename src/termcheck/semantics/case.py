"""One customer's case, concretely: facts in, every quantity the terms decide out.

This is the model's own concrete meaning: each quantity is its formula evaluated in the
language (:mod:`termcheck.language.evaluate`), in the vocabulary's order. An executable
implementation of the terms (what a billing system runs) is checked against it, never
generated from it.

A case must be possible: its facts lie within their bounds and satisfy the model's
relations (a notice cannot arrive before the contract exists). :func:`evaluate` refuses
one that is not, naming the fact at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from termcheck.errors import ScenarioError
from termcheck.language.ast import names_used
from termcheck.language.evaluate import EvaluationError, eval_concrete
from termcheck.language.types import Type
from termcheck.model.vocabulary import SINGLE, Entry, Vocabulary
from termcheck.semantics import calendar
from termcheck.semantics.calendar import Month

Readings = Mapping[str, str]


@dataclass(frozen=True)
class Outcome:
    """Every value of one case: its facts (given or defaulted) and its quantities, under
    the readings it was evaluated with. A quantity that depends on a fact the case does
    not give (an optional one) is absent."""

    facts: Mapping[str, object]
    readings: Mapping[str, str]
    values: Mapping[str, object] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        return self.values.get(name)

    def has(self, name: str) -> bool:
        return name in self.values


def reading_choice(v: Vocabulary, readings: Readings | None) -> dict[str, str]:
    """The reading of every quantity that has readings: the adopted one unless given."""
    chosen = {e.id: e.adopted for e in v.entries.values() if e.adopted != SINGLE}
    for name, option in (readings or {}).items():
        entry = v.entries.get(name)
        if entry is None or entry.adopted == SINGLE:
            raise ScenarioError(f"{name!r} has no readings", field="reading")
        if option not in entry.formulas:
            listed = ", ".join(sorted(entry.formulas))
            raise ScenarioError(
                f"{option!r} is not a reading of {name}; the readings are {listed}",
                field="reading",
            )
        chosen[name] = option
    return chosen


def evaluate(
    v: Vocabulary,
    facts: Mapping[str, object],
    readings: Readings | None = None,
    *,
    possible: bool = True,
) -> Outcome:
    """Every quantity for a case; raises ScenarioError naming the fact at fault. With
    `possible` False the model's relations are not asked (a property about every
    combination of facts, on purpose)."""
    chosen = reading_choice(v, readings)
    given = complete_facts(v, facts)
    outcome = _values(v, given, chosen)
    if possible:
        stated = frozenset(name for name, value in facts.items() if value is not None)
        check_relations(v, outcome, stated)
    return outcome


def complete_facts(v: Vocabulary, facts: Mapping[str, object]) -> dict[str, object]:
    """The given facts with the model's defaults filled in (in an order that lets a
    default name another fact); refuses unknown facts and missing required ones."""
    unknown = sorted(set(facts) - {e.id for e in v.facts})
    if unknown:
        raise ScenarioError(f"{unknown[0]!r} is not a fact of this model", field=unknown[0])
    given = {name: value for name, value in facts.items() if value is not None}
    pending = [e for e in v.facts if e.id not in given]
    progress = True
    while pending and progress:
        progress = False
        for entry in list(pending):
            default = v.defaults.get(entry.id)
            if default is None:
                continue
            if names_used(default.expr) <= set(given):
                given[entry.id] = eval_concrete(default.expr, given.__getitem__, v.context())
                pending.remove(entry)
                progress = True
    for entry in pending:
        if not entry.optional and entry.id not in v.defaults:
            raise ScenarioError(f"{entry.label('en')} is required", field=entry.id)
    for entry in v.facts:
        if entry.id in given:
            check_value(entry, given[entry.id], v)
    return given


def check_value(entry: Entry, value: object, v: Vocabulary) -> None:
    """A fact's value has its type and lies within its bounds."""
    type_ = entry.type
    if not _has_type(value, type_, v):
        raise ScenarioError(f"{value!r} is not a {type_}", field=entry.id)
    bounds = entry.bounds
    if type_.kind in ("int", "yen") and bounds is not None:
        assert isinstance(value, int)
        if not bounds.low <= value <= bounds.high:
            unit = "円" if type_.kind == "yen" else ""
            raise ScenarioError(
                f"{value:,}{unit} is outside {bounds.low:,}..{bounds.high:,}", field=entry.id
            )
    if entry.days is not None and isinstance(value, date):
        first_day, last_day = entry.days
        if not first_day <= value <= last_day:
            raise ScenarioError(
                f"{value.isoformat()} is outside {first_day.isoformat()}..{last_day.isoformat()}",
                field=entry.id,
            )
    if type_.kind in ("date", "month") and bounds is not None:
        month = calendar.month_of(value) if isinstance(value, date) else value
        assert isinstance(month, Month)
        if not bounds.low <= month.index <= bounds.high:
            first, last = Month.from_index(bounds.low), Month.from_index(bounds.high)
            shown = value.isoformat() if isinstance(value, date) else str(value)
            raise ScenarioError(
                f"{shown} is outside {first.first_day.isoformat()}..{last.last_day.isoformat()}",
                field=entry.id,
            )


def _has_type(value: object, type_: Type, v: Vocabulary) -> bool:
    kind = type_.kind
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("int", "yen"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "date":
        return isinstance(value, date)
    if kind == "month":
        return isinstance(value, Month)
    if kind == "enum":
        return isinstance(value, str) and value in v.enums[type_.enum or ""]
    return False


def check_relations(v: Vocabulary, values: Outcome, stated: frozenset[str] | None = None) -> None:
    """Every relation the model declares holds of the case (those that name a fact the
    case leaves out are not asked). `stated`: the facts the case gives, not defaulted;
    a refusal names one of them where it can, since that is what the user can change."""
    for relation_id, relation in v.relations:
        used = names_used(relation.expr)
        if not all(values.has(name) for name in used):
            continue
        holds = eval_concrete(relation.expr, values.value, v.context())
        if holds is not True:
            blamed = _blamed(v, used, stated)
            text = " ".join(relation.text.split())
            raise ScenarioError(
                f"not a possible case: {text} does not hold (relation {relation_id})",
                field=blamed,
            )


def _blamed(v: Vocabulary, used: frozenset[str], stated: frozenset[str] | None = None) -> str:
    """The fact a refused relation is reported against: the latest declared of those it
    depends on (the later event is the one that came out of order), among those the
    case states if it states any (a defaulted fact is not the user's to correct)."""
    facts: set[str] = set()
    for name in used:
        facts |= v.entries[name].facts
    ordered = [e.id for e in v.facts if e.id in facts]
    given = [name for name in ordered if stated is None or name in stated]
    chosen = given or ordered
    return chosen[-1] if chosen else "case"


def values_of(
    v: Vocabulary, facts: Mapping[str, object], readings: Readings | None = None
) -> Outcome:
    """The quantities some facts decide (those that depend only on them), without asking
    whether the facts make a possible case: a part of a case, such as a lifecycle's."""
    return _values(v, facts, reading_choice(v, readings))


def _values(v: Vocabulary, facts: Mapping[str, object], readings: Readings) -> Outcome:
    values: dict[str, object] = dict(facts)
    for name in v.order:
        entry = v.entries[name]
        if not entry.facts <= set(facts):
            continue  # it depends on an optional fact the case leaves out
        formula = entry.formula(readings.get(name))
        try:
            values[name] = eval_concrete(formula, values.__getitem__, v.context())
        except EvaluationError as exc:
            raise ScenarioError(f"{name}: {exc}", field=_blamed(v, frozenset({name}))) from None
    return Outcome(dict(facts), dict(readings), values)
