"""`termcheck verify`: the CI gate."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from termcheck.check import DEFAULT_RLIMIT, Options, Result, Status, check_all, exit_code
from termcheck.cli._common import app, fail, load_model
from termcheck.errors import InputError
from termcheck.paths import default_properties_dir
from termcheck.properties import Property, load_properties
from termcheck.report import document, story, summary, to_json
from termcheck.spec import Spec

STATUS_STYLE = {
    Status.PROVED: "green",
    Status.VIOLATED: "yellow",
    Status.INCONCLUSIVE: "red",
    Status.VACUOUS: "red",
    Status.DIVERGENT: "bold red",
}


@app.command()
def verify(
    model_dir: Annotated[
        Path | None, typer.Argument(help="model folder (default: shipped)")
    ] = None,
    properties: Annotated[
        Path | None, typer.Option(help="properties folder (default: shipped)")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    only: Annotated[
        list[str] | None, typer.Option(help="check only this property id (repeatable)")
    ] = None,
    reading: Annotated[
        list[str] | None, typer.Option(help="check under this reading (repeatable)")
    ] = None,
    all_readings: Annotated[
        bool, typer.Option("--all-readings", help="also check every other reading")
    ] = False,
    rlimit: Annotated[int, typer.Option(help="Z3 resource limit per check")] = DEFAULT_RLIMIT,
    timings: Annotated[
        bool, typer.Option("--timings/--no-timings", help="report seconds per property")
    ] = True,
) -> None:
    """Prove or refute every property; exit 0 all met, 1 one unmet, 2 bad input, 3 undecided."""
    if output_format not in ("text", "json"):
        fail(f"--format: {output_format!r} is not one of: text, json")
    spec = load_model(model_dir, "MODEL_DIR")
    try:
        loaded = load_properties(properties or default_properties_dir(), spec)
    except InputError as exc:
        fail(str(exc))
    selected = _select(loaded, only or [])
    options = Options(
        rlimit=rlimit, readings=_reading_overrides(spec, reading or []), all_readings=all_readings
    )
    results = _run_checks(spec, selected, options, quiet=output_format == "json")
    if output_format == "json":
        typer.echo(to_json(document(spec, results, timings=timings)), nl=False)
    else:
        print_verify(spec, results, timings=timings)
    raise typer.Exit(exit_code(results))


def _select(loaded: list[Property], only: list[str]) -> list[Property]:
    if not only:
        return loaded
    known = {p.id for p in loaded}
    for wanted in only:
        if wanted not in known:
            close = difflib.get_close_matches(wanted, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            fail(f"--only: no property {wanted!r}{hint}")
    return [p for p in loaded if p.id in only]


def _reading_overrides(spec: Spec, values: list[str]) -> dict[str, str]:
    offered = {
        "notice_reading": [r.value for r in spec.notice_readings()],
        "liability_reading": [r.value for r in spec.liability_readings()],
    }
    chosen: dict[str, str] = {}
    for value in values:
        owner = [name for name, options in offered.items() if value in options]
        if not owner:
            listing = ", ".join(v for options in offered.values() for v in options)
            fail(f"--reading: {value!r} is not one of: {listing}")
        chosen[owner[0]] = value
    return chosen


def _run_checks(
    spec: Spec, selected: list[Property], options: Options, *, quiet: bool
) -> list[Result]:
    """Check every property, showing progress on stderr when it is a terminal."""
    err = Console(stderr=True, highlight=False)
    if quiet or not err.is_terminal:
        return list(check_all(spec, selected, options))
    results: list[Result] = []
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("verifying", total=len(selected))
        for result in check_all(spec, selected, options):
            results.append(result)
            progress.update(task, advance=1, description=result.prop.id)
    return results


def print_verify(spec: Spec, results: list[Result], *, timings: bool) -> None:
    # Off a terminal (CI logs, pipes) use a width that keeps property ids whole.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    table = Table(show_edge=False)
    table.add_column("property", no_wrap=True)
    table.add_column("articles", overflow="fold")
    for column in ("status", "expected", "met"):
        table.add_column(column, no_wrap=True)
    if timings:
        table.add_column("time", justify="right")
    headings = {a.id: a.heading for a in spec.articles}
    for result in results:
        prop = result.prop
        status = result.status.value
        if result.reading_dependent:
            status += " (reading-dependent)"
        row = [
            prop.id,
            "、".join(headings.get(a, a) for a in prop.articles),
            f"[{STATUS_STYLE[result.status]}]{status}[/]",
            prop.expect,
            "yes" if result.met else "[bold red]NO[/]",
        ]
        if timings:
            row.append(f"{result.seconds * 1000:.0f} ms")
        table.add_row(*row)
    console.print(table)
    for result in results:
        _print_result_detail(console, spec, result)
    counts = summary(results)
    console.print(
        f"{counts['properties']} properties: {counts['proved']} proved, "
        f"{counts['findings']} known findings, {counts['unmet']} unmet, "
        f"{counts['inconclusive']} inconclusive, {counts['vacuous']} vacuous, "
        f"{counts['divergent']} divergent"
    )


def _print_result_detail(console: Console, spec: Spec, result: Result) -> None:
    prop = result.prop
    if result.counterexample is None and not result.detail and not result.reading_dependent:
        return
    console.print()
    console.print(f"[bold]{prop.id}[/]  {prop.title_ja}")
    console.print(f"  {prop.title_en}")
    if result.detail:
        console.print(f"  [red]{result.detail}[/]")
    for line in story(spec, result, "ja"):
        console.print(f"  {line}")
    if prop.expect == "finding" and prop.reason:
        console.print("  reason: " + " ".join(prop.reason.split()))
    for other in result.other_readings:
        readings = ", ".join(f"{k}={v}" for k, v in sorted(other.readings.items()))
        console.print(f"  under {readings}: {other.status.value}")
