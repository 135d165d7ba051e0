"""Shared pieces of the command line: the app, one-line errors, flag parsing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from termcheck.cli._help import readable_metavars
from termcheck.errors import InputError
from termcheck.limits import whole_number
from termcheck.model.spec import Spec, load_spec
from termcheck.paths import default_properties_dir, resolve_model, shipped_models
from termcheck.verify.properties import Property, load_properties

EXIT_INPUT = 2

# The parameters every checking command shares, declared once.
ModelDirArgument = Annotated[
    Path | None,
    typer.Argument(
        help="model folder, or a shipped model's name (default: the one termcheck.toml"
        " names, else the shipped one)",
        show_default=False,
    ),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        metavar="N",
        help="work in N processes at once (default: one per core this process may use); "
        "the results are the same for every N",
    ),
]
CacheDirOption = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        metavar="FOLDER",
        help="keep verdicts here and reuse those whose inputs are unchanged (default: "
        "$TERMCHECK_CACHE_DIR, else the user's cache folder)",
        show_default=False,
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option("--no-cache", help="solve every property again; read and write no cache"),
]
PropertiesOption = Annotated[
    Path | None,
    typer.Option(
        help="properties folder (default: the model's own properties/, else the project's)",
        show_default=False,
    ),
]


class _OneLineErrors(TyperGroup):
    """Usage errors (an unknown option, a missing value) as one line on stderr, exit 2,
    like every other input error, instead of the multi-line usage panel."""

    def main(  # type: ignore[override]
        self, args: Any = None, prog_name: Any = None, *, standalone_mode: bool = True, **extra: Any
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, standalone_mode=False, **extra)
        try:
            outcome = super().main(args, prog_name, standalone_mode=False, **extra)
        except Exception as exc:
            if type(exc).__name__ == "Abort":
                typer.echo("termcheck: aborted", err=True)
                sys.exit(1)
            if isinstance(exc, OSError) and exc.filename is not None:
                # A path the system refuses (a name too long, no permission): the input's
                # fault, not a bug; name it and what the system said.
                typer.echo(f"termcheck: {exc.filename}: {exc.strerror or exc}", err=True)
                sys.exit(EXIT_INPUT)
            if not _is_usage_error(exc):
                raise
            message = " ".join(str(exc.format_message()).split())  # type: ignore[attr-defined]
            if message:  # empty when the help was shown for a bare `termcheck`
                context = getattr(exc, "ctx", None)
                command = context.command_path if context is not None else "termcheck"
                typer.echo(f"termcheck: {message} (see `{command} --help`)", err=True)
            sys.exit(int(exc.exit_code))  # type: ignore[attr-defined]
        # Outside standalone mode click returns a command's exit code instead of exiting.
        sys.exit(outcome if isinstance(outcome, int) else 0)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            readable_metavars(command, ctx)  # before any help is drawn
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        readable_metavars(self, ctx)
        super().format_help(ctx, formatter)


def _is_usage_error(exc: Exception) -> bool:
    # Click's usage errors, whether click is installed or bundled inside typer: the
    # documented ClickException interface, not a class from either package.
    return hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int)


app = typer.Typer(
    cls=_OneLineErrors,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Formal verification of service agreements (約款) with Z3.",
)


def _show_version(wanted: bool) -> None:
    if wanted:
        from termcheck import __version__

        typer.echo(f"termcheck {__version__}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="print the version and exit", callback=_show_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Formal verification of service agreements (約款) with Z3."""


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
    return whole_number(text, "yen")


def model_dir(directory: Path | None, flag: str = "--model") -> Path:
    """The model folder `directory` (given as `flag`) names, or the project's default; a
    shipped model stands in for one not found here (termcheck.paths.resolve_model), and
    says so on stderr."""
    path, shipped = resolve_model(directory)
    if shipped is not None:
        if directory is None:
            why = f"no termcheck.toml or model/ here; pass {flag} to check another"
            typer.echo(f"termcheck: using the shipped model {shipped} ({why})", err=True)
        else:
            why = f"no folder {directory} here"
            typer.echo(f"termcheck: {flag}: using the shipped model {shipped} ({why})", err=True)
    return path


def load_model(directory: Path | None, flag: str = "--model") -> Spec:
    """The model :func:`model_dir` finds for `directory`, loaded."""
    path = model_dir(directory, flag)
    try:
        return load_spec(path)
    except InputError as exc:
        if not path.exists() and not path.is_absolute() and (names := shipped_models()):
            exc = InputError(f"{exc.detail}, or a shipped model: {', '.join(names)}", exc.position)
        fail(f"{flag}: {exc}" if directory is not None else str(exc))


def load_props(directory: Path | None, spec: Spec) -> list[Property]:
    """The properties in `directory`, or the model's default folder, loaded against it."""
    from termcheck.checks import REGISTRY  # the checks register on import

    try:
        return load_properties(directory or default_properties_dir(spec.directory), spec, REGISTRY)
    except InputError as exc:
        # An error about the folder itself (no line in a file) names the flag that gave it.
        folder = directory is not None and exc.position is not None and exc.position.line is None
        fail(f"--properties: {exc}" if folder else str(exc))


def reading_overrides(spec: Spec, values: list[str]) -> dict[str, str]:
    """`--reading QUANTITY=READING` (or a reading's id alone, when one quantity has it)."""
    with_readings = {e.id: list(e.formulas) for e in spec.vocabulary.with_readings}
    listing = "; ".join(f"{q}={'|'.join(options)}" for q, options in with_readings.items())
    chosen: dict[str, str] = {}
    for value in values:
        name, sep, option = value.partition("=")
        if not sep:
            owners = [q for q, options in with_readings.items() if value in options]
            if len(owners) != 1:
                fail(f"--reading: write QUANTITY=READING, one of: {listing or 'none'}")
            name, option = owners[0], value
        if name not in with_readings:
            offered = listing or "none"
            fail(f"--reading: {name!r} has no readings; the quantities with readings: {offered}")
        if option not in with_readings[name]:
            options = "|".join(with_readings[name])
            fail(f"--reading: {option!r} is not a reading of {name}: {options}")
        chosen[name] = option
    return chosen


def jobs_count(jobs: int | None) -> int:
    """--jobs as given, or one process per core."""
    from termcheck.verify.pool import MAX_JOBS, cores

    if jobs is None:
        return cores()
    if not 1 <= jobs <= MAX_JOBS:
        fail(f"--jobs: give 1 to {MAX_JOBS} worker processes, not {jobs}")
    return jobs


def cache_folder(folder: Path | None, disabled: bool) -> Path | None:
    """The folder of the result cache --cache-dir and --no-cache ask for (None: none)."""
    if disabled:
        if folder is not None:
            fail("--cache-dir and --no-cache: give one of them")
        return None
    from termcheck.verify.cache import default_folder

    if folder is not None and folder.exists() and not folder.is_dir():
        fail(f"--cache-dir: {folder} is not a folder")
    return folder or default_folder()


def result_cache(
    spec: Spec, options: Any, loaded: list[Property], folder: Path | None, disabled: bool
) -> Any:
    """The cache of verdicts for this run, or None with --no-cache."""
    found = cache_folder(folder, disabled)
    if found is None:
        return None
    from termcheck.verify.cache import ResultCache

    return ResultCache(found, spec, options, loaded)


def warn_cache(problem: str | None) -> None:
    """One line on stderr when the cache could not be written (the run is not affected)."""
    if problem:
        typer.echo(
            f"termcheck: warning: results not cached ({problem}); "
            "pass --cache-dir FOLDER or --no-cache",
            err=True,
        )
