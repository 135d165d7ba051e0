"""Shared pieces of the command line: the app, one-line errors, flag parsing."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import NoReturn, TypeVar

import typer

from termcheck.errors import InputError
from termcheck.paths import default_model_dir
from termcheck.spec import Spec, load_spec

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Formal verification of service agreements (約款) with Z3.",
)

EXIT_INPUT = 2
T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Print one line for the user and exit 2."""
    typer.echo(f"termcheck: {message}", err=True)
    raise typer.Exit(EXIT_INPUT)


def parse_flag(flag: str, text: str, parser: Callable[[str], T]) -> T:
    try:
        return parser(text)
    except ValueError as exc:
        fail(f"{flag}: {exc}")


E = TypeVar("E", bound=Enum)


def _enum_parser(enum_type: type[E]) -> Callable[[str], E]:
    def parse(text: str) -> E:
        try:
            return enum_type(text)
        except ValueError:
            choices = ", ".join(str(member.value) for member in enum_type)
            raise ValueError(f"{text!r} is not one of: {choices}") from None

    return parse


def parse_yen(text: str) -> int:
    cleaned = text.replace(",", "").replace("_", "")
    if not cleaned.isdigit():
        raise ValueError(f"{text!r} is not a whole, non-negative number of yen")
    return int(cleaned)


def load_model(directory: Path | None, flag: str = "--model") -> Spec:
    """The model in `directory` (given as `flag`), or the shipped one."""
    try:
        return load_spec(directory or default_model_dir())
    except InputError as exc:
        fail(f"{flag}: {exc}" if directory is not None else str(exc))
