"""The command line: one module per command, all registered on one Typer app.

Every user error ends in one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys

import typer

from termcheck.cli import (
    articles,
    audit,
    calc,
    conform,
    coverage,
    diff,
    fingerprints,
    init,
    mutate,
    verify,
)
from termcheck.cli._common import EXIT_INPUT, app
from termcheck.errors import TermcheckError

__all__ = ["app", "main"]
# Imported for their @app.command registrations.
_COMMANDS = (articles, audit, calc, conform, coverage, diff, fingerprints, init, mutate, verify)


def main() -> None:
    """Console entry point: termcheck errors become one line and exit 2."""
    try:
        app()
    except TermcheckError as exc:
        typer.echo(f"termcheck: {exc}", err=True)
        sys.exit(EXIT_INPUT)
