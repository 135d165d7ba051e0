"""`termcheck mutate`: would the properties notice if model.toml were changed?"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from termcheck.analyses import mutate as mutation_testing
from termcheck.analyses.mutate import MutantResult, Verdict
from termcheck.checks import REGISTRY
from termcheck.cli._common import (
    ModelDirArgument,
    PropertiesOption,
    app,
    fail,
    load_model,
    load_props,
)
from termcheck.verify.results import DEFAULT_RLIMIT

VERDICT_STYLE = {
    Verdict.KILLED: "green",
    Verdict.REJECTED: "dim",
    Verdict.SURVIVED: "yellow",
    Verdict.UNDECIDED: "red",
    Verdict.CRASHED: "bold red",
}


@app.command()
def mutate(
    model_dir: ModelDirArgument = None,
    properties: PropertiesOption = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    rlimit: Annotated[int, typer.Option(help="Z3 resource limit per check")] = DEFAULT_RLIMIT,
    section: Annotated[
        list[str] | None,
        typer.Option(help="mutate only this section of model.toml (repeatable)"),
    ] = None,
) -> None:
    """Mutate the model and list the mutants every property lets through.

    Exit 0 when every surviving mutant is a change the catalogue explains, 1 otherwise.
    """
    if output_format not in ("text", "json"):
        fail(f"--format: {output_format!r} is not one of: text, json")
    if rlimit < 1:
        fail(f"--rlimit: {rlimit} is not a positive resource limit")
    spec = load_model(model_dir, "MODEL_DIR")
    loaded = load_props(properties, spec)
    sections = _sections(section or [])
    try:
        results = list(mutation_testing.run(spec, loaded, rlimit, REGISTRY, sections))
    except mutation_testing.BaselineUnmet as exc:
        typer.echo(f"termcheck: the unmutated model does not meet: {exc}; run verify", err=True)
        raise typer.Exit(1) from None
    stale = mutation_testing.stale_explanations(spec)
    if output_format == "json":
        document = mutation_testing.to_document(results, stale)
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print_mutants(results)
        for mutant in stale:
            typer.echo(
                f"[[equivalent_mutants]] {mutant!r} names no mutant: its formula was edited; "
                "review the argument and give the mutant's new id (termcheck mutate --format json)"
            )
    raise typer.Exit(1 if stale else mutation_testing.exit_code(results))


def _sections(names: list[str]) -> frozenset[str] | None:
    if not names:
        return None
    known = sorted(mutation_testing.mutable_sections())
    for name in names:
        if name not in known:
            fail(f"--section: {name!r} is not one of: {', '.join(known)}")
    return frozenset(names)


def print_mutants(results: list[MutantResult]) -> None:
    console = Console(highlight=False)
    table = Table(show_edge=False)
    for column in ("mutant", "verdict", "killed by"):
        table.add_column(column, overflow="fold")
    for result in results:
        verdict = result.verdict
        style = VERDICT_STYLE[verdict] if result.explained else "bold red"
        table.add_row(
            escape(result.mutation.id), f"[{style}]{verdict.value}[/]", escape(_killer(result))
        )
    console.print(table)
    for result in results:
        if result.verdict is Verdict.SURVIVED:
            console.print()
            console.print(f"[bold]{escape(result.mutation.id)}[/] survives every property")
            why = result.mutation.why
            console.print(
                f"  why: {escape(why)}"
                if why
                else "  [bold red]unexplained: add a property, or argue it equivalent in "
                + escape("[[equivalent_mutants]]")
                + "[/]"
            )
    counts = mutation_testing.summary(results)
    console.print()
    console.print(
        f"{counts['mutants']} mutants: {counts['killed']} killed, "
        f"{counts['survived']} survived ({counts['unexplained']} unexplained), "
        f"{counts['undecided']} undecided, {counts['crashed']} crashed, "
        f"{counts['rejected']} rejected by validation"
    )


def _killer(result: MutantResult) -> str:
    if result.verdict is Verdict.KILLED:
        return f"{result.killed_by}: {result.detail}"
    return result.detail
