"""The registry of built-in checks: properties of a model's structure, not of one case.

A property of a kind other than "scenario" names one of these (`check = "acyclic"`). Each
is a function from (spec, property, rlimit) to a result, with the same statuses and the
same fail-closed rules as the scenario properties. The checks register themselves in
:data:`termcheck.checks.REGISTRY`; this module knows none of them, so nothing below the
top of the package imports a check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from termcheck.model.spec import Spec
    from termcheck.verify.properties import Property
    from termcheck.verify.results import Result

Runner = Callable[["Spec", "Property", int], "Result"]


class Registry:
    """Built-in checks by (kind, name), each with the parameters its property may give."""

    def __init__(self) -> None:
        self._runners: dict[tuple[str, str], Runner] = {}
        self._params: dict[tuple[str, str], tuple[str, ...]] = {}
        self._optional: dict[tuple[str, str], tuple[str, ...]] = {}

    def register(
        self, kind: str, name: str, params: tuple[str, ...] = (), optional: tuple[str, ...] = ()
    ) -> Callable[[Runner], Runner]:
        """Register `runner` for (kind, name); it takes `params`, of which a property may
        leave out those in `optional`."""

        def decorate(runner: Runner) -> Runner:
            self._runners[(kind, name)] = runner
            self._params[(kind, name)] = params
            self._optional[(kind, name)] = optional
            return runner

        return decorate

    def required(self, kind: str, name: str) -> tuple[str, ...]:
        """The parameters a property of the check must give."""
        optional = self._optional.get((kind, name), ())
        return tuple(p for p in self.params(kind, name) if p not in optional)

    def kinds(self) -> list[str]:
        return sorted({kind for kind, _ in self._runners})

    def names(self, kind: str) -> list[str]:
        """The checks offered for a kind of property, sorted."""
        return sorted(name for registered, name in self._runners if registered == kind)

    def params(self, kind: str, name: str) -> tuple[str, ...]:
        return self._params.get((kind, name), ())

    def runner(self, kind: str, name: str) -> Runner:
        return self._runners[(kind, name)]


EMPTY = Registry()
