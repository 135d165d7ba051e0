"""The command line: one module per command, all registered on one Typer app.

Every user error ends in one line on stderr and exit code 2, never a traceback.

`termcheck verify` should not pay for importing `calc`, `mutate` and the rest: the
console entry point imports only the module of the command it is asked for (every one
when it cannot tell, as for `termcheck --help`). `termcheck.cli.app`, as a library
caller or a test takes it, has every command registered.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

from termcheck.errors import TermcheckError

__all__ = ["app", "main"]
# Each module registers the command of its name (@app.command).
COMMANDS = (
    "articles",
    "audit",
    "calc",
    "conform",
    "coverage",
    "diff",
    "fingerprints",
    "init",
    "mutate",
    "verify",
)


def _register(names: tuple[str, ...] = COMMANDS) -> typer.Typer:
    for name in names:
        importlib.import_module(f"termcheck.cli.{name}")
    from termcheck.cli._common import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return _register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _asked_for(args: list[str]) -> tuple[str, ...]:
    """The command the arguments name, alone, when the first of them is one; else all."""
    if args and args[0] in COMMANDS:
        return (args[0],)
    return COMMANDS


def main() -> None:
    """Console entry point: termcheck errors become one line and exit 2."""
    from termcheck.cli._common import EXIT_INPUT

    try:
        _register(_asked_for(sys.argv[1:]))()
    except TermcheckError as exc:
        typer.echo(f"termcheck: {exc}", err=True)
        sys.exit(EXIT_INPUT)
