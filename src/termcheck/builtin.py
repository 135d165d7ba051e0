"""Built-in checks: properties of the model's structure rather than of one customer.

A property of kind other than "scenario" names one of these (`check = "acyclic"`). Each
is a function from (spec, property, rlimit) to a :class:`termcheck.check.Result`, with
the same statuses and the same fail-closed rules as the scenario properties.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from termcheck.check import Result
    from termcheck.properties import Property
    from termcheck.spec import Spec

Runner = Callable[["Spec", "Property", int], "Result"]

# The modules whose import registers their checks.
_PROVIDERS: tuple[str, ...] = (
    "termcheck.precedence",
    "termcheck.substitution",
    "termcheck.effective",
    "termcheck.lifecycle_check",
    "termcheck.pricelist",
)
_REGISTRY: dict[tuple[str, str], Runner] = {}


def register(kind: str, name: str) -> Callable[[Runner], Runner]:
    def decorate(runner: Runner) -> Runner:
        _REGISTRY[(kind, name)] = runner
        return runner

    return decorate


def _load() -> None:
    for module in _PROVIDERS:
        importlib.import_module(module)


def names(kind: str) -> list[str]:
    """The checks offered for a kind of property, sorted."""
    _load()
    return sorted(name for registered_kind, name in _REGISTRY if registered_kind == kind)


def runner(kind: str, name: str) -> Runner:
    _load()
    return _REGISTRY[(kind, name)]
