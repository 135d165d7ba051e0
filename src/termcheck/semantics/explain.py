"""What a single case's figures rest on: the readings that would change them, and the
findings the case is an instance of.

`termcheck calc` gives every figure for one customer. A reviewer who reads 0円 for a
liability cap needs to know that another reading of the same words gives 100,000円,
and that the case is one of the properties' accepted findings (the terms do not
guarantee what one would expect here). Both come from the model and the properties
alone: the case is evaluated again under each other reading of each ambiguous phrase,
and each single-case finding is replayed on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from termcheck.errors import TermcheckError
from termcheck.language.evaluate import EvaluationError
from termcheck.model.spec import Spec
from termcheck.semantics.case import Outcome, evaluate
from termcheck.verify.properties import Property
from termcheck.verify.scenario import replay_property


@dataclass(frozen=True)
class OtherReading:
    """A figure under another reading of a phrase it depends on."""

    quantity: str  # the quantity whose reading differs (notice_deadline)
    reading: str  # that other reading (clear-months)
    value: object  # the figure's value under it


def other_readings(
    spec: Spec, facts: Mapping[str, object], outcome: Outcome
) -> dict[str, list[OtherReading]]:
    """For each figure of `outcome`, its value under every other single reading that
    changes it (one phrase read otherwise at a time), in the model's order."""
    changed: dict[str, list[OtherReading]] = {}
    for entry in spec.vocabulary.with_readings:
        for option in entry.formulas:
            if option == outcome.readings.get(entry.id):
                continue
            try:
                other = evaluate(spec.vocabulary, facts, {**outcome.readings, entry.id: option})
            except (TermcheckError, EvaluationError):
                continue  # a reading that cannot be computed here says nothing about it
            for name, value in other.values.items():
                if outcome.has(name) and outcome.value(name) != value:
                    changed.setdefault(name, []).append(OtherReading(entry.id, option, value))
    return {name: changed[name] for name in spec.vocabulary.entries if name in changed}


def findings_shown(
    spec: Spec, facts: Mapping[str, object], outcome: Outcome, properties: list[Property]
) -> list[Property]:
    """The single-case findings this case is an instance of: it meets the assumption
    and breaks the assertion, under the readings the finding fixes."""
    shown = []
    for prop in properties:
        if prop.kind != "scenario" or prop.expect != "finding" or prop.scenarios:
            continue
        pinned = prop.pinned.get("", {})
        case = outcome
        try:
            if pinned:
                case = evaluate(spec.vocabulary, facts, {**outcome.readings, **pinned})
            if not all(case.has(name) for name in prop.names):
                continue  # it names a figure this case has no value for (a fact left out)
            assumption, assertion = replay_property(spec, prop, {"": case})
        except (TermcheckError, EvaluationError):
            continue
        if assumption and not assertion:
            shown.append(prop)
    return shown
