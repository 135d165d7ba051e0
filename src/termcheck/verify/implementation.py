"""An implementation of the terms: what a billing system runs, checked against the model.

An implementation is a function from one case's facts to the quantities it computes (by
the model's names). It is hand-written, never generated from the formulas: termcheck
compares its answers with the model's concrete meaning, and a disagreement is an error
of one or the other, never a pass. The model names its own in model.toml::

    [implementation]
    python = "implementation/billing.py:charges"

It implements the adopted readings, as a billing system does; a quantity that depends
on a reading the check does not adopt is not compared.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from termcheck.errors import InputError, Position
from termcheck.model.spec import Spec
from termcheck.semantics.case import Outcome

Function = Callable[[dict[str, Any]], Mapping[str, object]]


@dataclass(frozen=True)
class Implementation:
    name: str  # how reports name it: the file and function
    function: Function

    def run(self, facts: Mapping[str, object]) -> tuple[dict[str, object] | None, str]:
        """Its answers for one case, or None and what went wrong (it raised, or answered
        something other than a table of quantities)."""
        try:
            answer = self.function(dict(facts))
        except Exception as exc:  # the implementation is not ours: any failure is a finding
            return None, f"{self.name} raised {type(exc).__name__}: {exc}"
        if not isinstance(answer, Mapping):
            return None, f"{self.name} answered {type(answer).__name__}, not a table of quantities"
        return dict(answer), ""


_LOADED: dict[tuple[str, str], Implementation] = {}


def of_model(spec: Spec) -> Implementation | None:
    """The implementation model.toml names, loaded once per process."""
    section = spec.document.implementation
    if section is None:
        return None
    relative, function = section.python.rsplit(":", 1)
    path = (spec.directory / relative).resolve()
    key = (str(path), function)
    if key not in _LOADED:
        where = spec.source.position(("implementation", "python"))
        _LOADED[key] = _load(path, function, f"{relative}:{function}", where)
    return _LOADED[key]


def _load(path: Path, function: str, name: str, where: Position) -> Implementation:
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:12]
    module_name = f"termcheck_implementation_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise InputError(f"cannot load {name}", where, "implementation.python")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[module_name]
        raise InputError(
            f"importing {name} raised {type(exc).__name__}: {exc}", where, "implementation.python"
        ) from None
    found = getattr(module, function, None)
    if not callable(found):
        raise InputError(f"{name}: no function {function!r}", where, "implementation.python")
    return Implementation(name, found)


def disagreements(
    spec: Spec,
    implementation: Implementation,
    outcome: Outcome,
    case: str = "",
    only: frozenset[str] | None = None,
) -> list[str]:
    """Where the implementation's answers for a case differ from the model's, quantity by
    quantity (those it does not answer, those resting on a reading it does not
    implement, and with `only` those not in it, are not compared)."""
    answers, failure = implementation.run(outcome.facts)
    return compare(spec, implementation.name, (answers, failure), outcome, case, only)


def compare(
    spec: Spec,
    name: str,
    ran: tuple[dict[str, object] | None, str],
    outcome: Outcome,
    case: str = "",
    only: frozenset[str] | None = None,
) -> list[str]:
    """:func:`disagreements` given what the implementation `name` answered (`ran`, as
    :meth:`Implementation.run` returns it), for a caller that asks it once per case."""
    answers, failure = ran
    where = f"{case}." if case else ""
    if answers is None:
        return [f"{where}{failure}"]
    entries = spec.vocabulary.entries
    found = []
    for quantity in sorted(answers):
        entry = entries.get(quantity)
        if entry is None or entry.kind == "fact" or not outcome.has(quantity):
            continue
        if only is not None and quantity not in only:
            continue
        if any(outcome.readings.get(q) != entries[q].adopted for q in entry.depends_on_readings):
            continue
        if answers[quantity] != outcome.value(quantity):
            found.append(
                f"{where}{quantity}: model {outcome.value(quantity)}, {name} {answers[quantity]}"
            )
    return found
