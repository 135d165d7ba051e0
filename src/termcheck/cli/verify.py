"""`termcheck verify`: the CI gate."""

from __future__ import annotations

import difflib
import io
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from termcheck.checks import REGISTRY
from termcheck.cli._common import (
    ModelDirArgument,
    PropertiesOption,
    app,
    fail,
    load_model,
    load_props,
    reading_overrides,
)
from termcheck.cli.fingerprints import drift_gate
from termcheck.errors import InputError
from termcheck.model.spec import Spec
from termcheck.paths import display
from termcheck.render import Report, plan, render, write_reports
from termcheck.report.document import document, summary
from termcheck.report.present import Lang
from termcheck.report.story import story
from termcheck.verify.properties import Property
from termcheck.verify.results import DEFAULT_RLIMIT, Options, Result, Status, exit_code
from termcheck.verify.scenario import check_all

STATUS_STYLE = {
    Status.PROVED: "green",
    Status.VIOLATED: "yellow",
    Status.INCONCLUSIVE: "red",
    Status.VACUOUS: "red",
    Status.DIVERGENT: "bold red",
}


@app.command()
def verify(
    model_dir: ModelDirArgument = None,
    properties: PropertiesOption = None,
    output_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            help="text (default), markdown, html, json, junit or sarif; repeatable or "
            "comma-separated (several need --out FOLDER)",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="write the report to this file, or several into this folder as report.ja.md, "
            "report.ja.html, report.json, report.junit.xml, report.sarif; nothing is written "
            "when verification cannot run (exit 2)",
        ),
    ] = None,
    lang: Annotated[
        list[str] | None,
        typer.Option(help="language of the reports for people: ja (default) or en; repeatable"),
    ] = None,
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
        bool | None,
        typer.Option(
            "--timings/--no-timings",
            help="report seconds per property. Default: on for the terminal, off for files "
            "written with --out (they must be byte-identical across runs) unless --timings "
            "is given",
        ),
    ] = None,
) -> None:
    """Prove or refute every property; exit 0 all met, 1 one unmet, 2 bad input, 3 undecided."""
    try:
        reports = plan(output_format or [], lang or [], out)
    except InputError as exc:
        fail(str(exc))
    if timings is None:
        timings = out is None
    spec = load_model(model_dir, "MODEL_DIR")
    loaded = load_props(properties, spec)
    to_stdout = reports[0] if reports[0].path is None else None
    as_json = to_stdout is not None and to_stdout.format == "json"
    drift_gate(spec, loaded, as_json=as_json, timings=timings)  # before proving
    selected = _select(loaded, only or [])
    options = Options(
        rlimit=rlimit, readings=reading_overrides(spec, reading or []), all_readings=all_readings
    )
    quiet = to_stdout is not None and to_stdout.format != "text"
    results = _run_checks(spec, selected, options, quiet=quiet)
    if to_stdout is not None and to_stdout.format == "text":
        print_verify(spec, results, timings=timings, lang=to_stdout.lang)
    elif to_stdout is not None:
        doc = document(spec, results, timings=timings, properties=loaded)
        typer.echo(render(doc, to_stdout.format, to_stdout.lang), nl=False)
    else:
        _write_reports(spec, results, loaded, reports, timings=timings)
    raise typer.Exit(exit_code(results))


def _write_reports(
    spec: Spec,
    results: list[Result],
    loaded: list[Property],
    reports: list[Report],
    *,
    timings: bool,
) -> None:
    """Write every report (atomically), then say what was written and the summary."""
    doc = document(spec, results, timings=timings, properties=loaded)

    def text(lang: Lang) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=160, color_system=None, highlight=False)
        print_verify(spec, results, timings=timings, lang=lang, console=console)
        return buffer.getvalue()

    try:
        written = write_reports(reports, doc, text)
    except InputError as exc:
        fail(str(exc))
    for path in written:
        typer.echo(f"wrote {display(path)}")
    typer.echo(_summary_line(results))


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


def _run_checks(
    spec: Spec, selected: list[Property], options: Options, *, quiet: bool
) -> list[Result]:
    """Check every property, showing progress on stderr when it is a terminal."""
    err = Console(stderr=True, highlight=False)
    if quiet or not err.is_terminal:
        return list(check_all(spec, selected, options, REGISTRY))
    results: list[Result] = []
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("verifying", total=len(selected))
        for result in check_all(spec, selected, options, REGISTRY):
            results.append(result)
            progress.update(task, advance=1, description=result.prop.id)
    return results


def print_verify(
    spec: Spec,
    results: list[Result],
    *,
    timings: bool,
    lang: Lang = "ja",
    console: Console | None = None,
) -> None:
    # Off a terminal (CI logs, pipes) use a width that keeps property ids whole.
    console = console or Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    table = Table(show_edge=False)
    table.add_column("property", no_wrap=True)
    table.add_column("articles", overflow="fold")
    for column in ("status", "expected", "met"):
        table.add_column(column, no_wrap=True)
    if timings:
        table.add_column("time", justify="right")
    for result in results:
        prop = result.prop
        status = result.status.value
        if result.reading_dependent:
            status += " (reading-dependent)"
        row = [
            escape(prop.id),
            escape("、".join(spec.heading(a) for a in prop.articles)),
            f"[{STATUS_STYLE[result.status]}]{status}[/]",
            escape(prop.expect),
            "yes" if result.met else "[bold red]NO[/]",
        ]
        if timings:
            row.append(f"{result.seconds * 1000:.0f} ms")
        table.add_row(*row)
    console.print(table)
    for result in results:
        _print_result_detail(console, spec, result, lang)
    # Last, what needs attention, one line each (as pytest and ruff close): nothing to
    # scroll back for.
    unmet = [r for r in results if not r.met]
    if unmet:
        console.print()
        console.print("[bold red]unmet[/]:")
        for result in unmet:
            console.print(escape(f"  {result.prop.id}: {_why_unmet(result)}"), soft_wrap=True)
    console.print(_summary_line(results))


def _why_unmet(result: Result) -> str:
    """One line: the status, and the first sentence of what was found."""
    status = result.status.value
    if result.status is Status.PROVED:
        return "proved, but a finding was expected (it no longer shows)"
    if result.status is Status.VIOLATED and result.prop.expect == "holds":
        return "violated (expected to hold): see its counterexample above"
    detail = " ".join(result.detail.split())
    if len(detail) > 110:
        detail = detail[:109] + "…"
    return f"{status}: {detail}" if detail else status


def _summary_line(results: list[Result]) -> str:
    counts = summary(results)
    return (
        f"{counts['properties']} properties: {counts['proved']} proved, "
        f"{counts['findings']} known findings, {counts['unmet']} unmet, "
        f"{counts['inconclusive']} inconclusive, {counts['vacuous']} vacuous, "
        f"{counts['divergent']} divergent"
    )


def _print_result_detail(console: Console, spec: Spec, result: Result, lang: Lang) -> None:
    prop = result.prop
    has_story = result.counterexample is not None or result.evidence is not None
    if not has_story and not result.detail and not result.reading_dependent:
        return
    # Everything below comes from the model, the terms or the properties: escape it, or
    # a "[penalty]" in a reason would be taken for console markup.
    console.print()
    console.print(f"[bold]{escape(prop.id)}[/]  {escape(prop.title_ja)}")
    console.print(f"  {escape(prop.title_en)}")
    if result.detail:
        style = "dim" if result.status is Status.PROVED else "red"
        console.print(f"  [{style}]{escape(result.detail)}[/]")
    for line in story(spec, result, lang):
        console.print(f"  {escape(line)}")
    reason = (prop.reason_ja if lang == "ja" else None) or prop.reason
    if prop.expect == "finding" and reason:
        console.print("  reason: " + escape(" ".join(reason.split())))
    for other in result.other_readings:
        readings = ", ".join(f"{k}={v}" for k, v in sorted(other.readings.items()))
        console.print(escape(f"  under {readings}: {other.status.value}"))
