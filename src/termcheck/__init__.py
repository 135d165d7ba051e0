"""termcheck: formal verification of service agreements (約款) with Z3.

The public API, for scripts and notebooks; the command line (`termcheck`) is built on it::

    from pathlib import Path
    from datetime import date
    import termcheck

    spec = termcheck.load_spec(Path("model/usen-gate02-iij-id"))
    outcome = termcheck.evaluate(spec, {"service_start": date(2026, 3, 15),
                                        "monthly_fee": 100_000,
                                        "termination_month": termcheck.Month(2026, 10)})
    print(outcome.value("penalty"))
    for result in termcheck.check_all(spec, termcheck.load_properties(Path("properties"), spec)):
        print(result.prop.id, result.status.value, result.met)

Names are imported when first used, so `import termcheck` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

    from termcheck.errors import InputError, Position, ScenarioError, TermcheckError
    from termcheck.model.spec import Spec, load_spec
    from termcheck.semantics.calendar import Month, MonthEnd, add_months, period_end
    from termcheck.semantics.case import Outcome
    from termcheck.verify.properties import Property
    from termcheck.verify.results import (
        Counterexample,
        Evidence,
        Options,
        Result,
        Status,
        exit_code,
    )

_LAZY = {
    "Counterexample": "termcheck.verify.results",
    "Evidence": "termcheck.verify.results",
    "InputError": "termcheck.errors",
    "Month": "termcheck.semantics.calendar",
    "MonthEnd": "termcheck.semantics.calendar",
    "Options": "termcheck.verify.results",
    "Outcome": "termcheck.semantics.case",
    "Position": "termcheck.errors",
    "Property": "termcheck.verify.properties",
    "Result": "termcheck.verify.results",
    "ScenarioError": "termcheck.errors",
    "Spec": "termcheck.model.spec",
    "Status": "termcheck.verify.results",
    "TermcheckError": "termcheck.errors",
    "add_months": "termcheck.semantics.calendar",
    "exit_code": "termcheck.verify.results",
    "load_spec": "termcheck.model.spec",
    "period_end": "termcheck.semantics.calendar",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'termcheck' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def load_properties(directory: Path, spec: Spec) -> list[Property]:
    """Every property of every *.toml file in `directory`, type-checked against `spec`."""
    from termcheck.checks import REGISTRY
    from termcheck.verify.properties import load_properties as load

    return load(directory, spec, REGISTRY)


def check_all(
    spec: Spec, properties: list[Property], options: Options | None = None, jobs: int = 1
) -> Iterator[Result]:
    """Prove or refute each property, one result at a time, as `termcheck verify` does;
    `jobs` > 1 checks that many at once in forked processes, with the same results."""
    from termcheck.checks import REGISTRY
    from termcheck.verify.results import Options as Defaults
    from termcheck.verify.scenario import check_all as check

    return check(spec, properties, options or Defaults(), REGISTRY, jobs=jobs)


def evaluate(
    spec: Spec, facts: Mapping[str, object], readings: Mapping[str, str] | None = None
) -> Outcome:
    """Every figure the terms decide for one case, as `termcheck calc` computes it."""
    from termcheck.semantics.case import evaluate as concrete

    return concrete(spec.vocabulary, facts, readings)


__all__ = [
    "Counterexample",
    "Evidence",
    "InputError",
    "Month",
    "MonthEnd",
    "Options",
    "Outcome",
    "Position",
    "Property",
    "Result",
    "ScenarioError",
    "Spec",
    "Status",
    "TermcheckError",
    "__version__",
    "add_months",
    "check_all",
    "evaluate",
    "exit_code",
    "load_properties",
    "load_spec",
    "period_end",
]
