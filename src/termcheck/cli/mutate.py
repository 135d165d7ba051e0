"""`termcheck mutate`: would the properties notice if model.toml were changed?"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.padding import Padding
from rich.progress import Progress, TaskID
from rich.table import Table
from rich.text import Text

from termcheck.analyses import mutate as mutation_testing
from termcheck.analyses.mutate import MutantResult, Mutation, Verdict
from termcheck.checks import REGISTRY
from termcheck.cli import _console
from termcheck.cli._common import (
    JobsOption,
    ModelDirArgument,
    PropertiesOption,
    app,
    fail,
    jobs_count,
    load_model,
    load_props,
)
from termcheck.limits import rlimit_problem
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
    output_format: Annotated[
        str, typer.Option("--format", metavar="text|json", help="text or json")
    ] = "text",
    rlimit: Annotated[int, typer.Option(help="Z3 resource limit per check")] = DEFAULT_RLIMIT,
    section: Annotated[
        list[str] | None,
        typer.Option(
            metavar="SECTION",
            help="mutate only this section of model.toml (repeatable): "
            + ", ".join(mutation_testing.mutable_sections()),
        ),
    ] = None,
    jobs: JobsOption = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="progress on stderr. Default: a live counter when stderr is a terminal, "
            "nothing otherwise; --progress off a terminal prints a line per section "
            "(for CI logs)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Mutate the model and list the mutants every property lets through.

    Exit 0 when every surviving mutant is a change the catalogue explains, 1 otherwise.
    """
    if output_format not in ("text", "json"):
        fail(f"--format: {output_format!r} is not one of: text, json")
    if problem := rlimit_problem(rlimit):
        fail(f"--rlimit: {problem}")
    processes = jobs_count(jobs)
    spec = load_model(model_dir, "MODEL_DIR")
    loaded = load_props(properties, spec)
    sections = _sections(section or [])
    planned = mutation_testing.planned(spec, sections)
    try:
        with _Progress(planned, wanted=progress) as shown:
            results = [
                shown.step(result)
                for result in mutation_testing.run(
                    spec, loaded, rlimit, REGISTRY, sections, jobs=processes
                )
            ]
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


class _Progress:
    """Progress on stderr: a live counter on a terminal; off one, a line per section
    when asked (--progress), so that a CI log shows the run moving without a line per
    mutant; nothing otherwise."""

    def __init__(self, planned: list[Mutation], *, wanted: bool | None) -> None:
        self.err = _console.console(stderr=True)
        self.total = len(planned)
        self.live = wanted is not False and self.err.is_terminal
        self.lines = wanted is True and not self.live
        # How many mutants each section has, to say when one is done.
        self.left: dict[str, int] = {}
        for mutation in planned:
            self.left[mutation.section] = self.left.get(mutation.section, 0) + 1
        self.sections = len(self.left)
        self.done = 0
        self.failing: dict[str, int] = {}
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> _Progress:
        if self.live:
            self.bar = Progress(console=self.err, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("the unmutated model", total=self.total)
        elif self.lines:
            self._line(
                f"{self.total} mutants in {self.sections} "
                + ("section" if self.sections == 1 else "sections")
                + "; checking the unmutated model first"
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def step(self, result: MutantResult) -> MutantResult:
        self.done += 1
        section = result.mutation.section
        self.left[section] -= 1
        if not result.explained:
            self.failing[section] = self.failing.get(section, 0) + 1
        if self.bar is not None and self.task is not None:
            self.bar.update(
                self.task, advance=1, description=f"{section} ({self.done}/{self.total})"
            )
        elif self.lines and self.left[section] == 0:
            # Counted as they finish: a section's mutants need not be consecutive (the
            # lifecycle's guards are formulas, its states structure).
            number = sum(1 for left in self.left.values() if left == 0)
            self._line(
                f"[{number}/{self.sections}] {section}: done, "
                f"{self.failing.get(section, 0)} failing ({self.done}/{self.total} mutants)"
            )
        return result

    def _line(self, text: str) -> None:
        typer.echo(f"mutate: {text}", err=True)


def print_mutants(results: list[MutantResult]) -> None:
    """Every mutant with its verdict and what killed it; the survivors, each with the
    argument that explains it or a call for one; the counts, which add up."""
    console = _console.console()
    table = Table(show_edge=False)
    table.add_column("mutant", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("killed by", no_wrap=True)
    table.add_column("detail", overflow="fold", min_width=24)  # else folded a letter a line
    rows: list[list[str]] = []
    for result in results:
        verdict = result.verdict
        style = VERDICT_STYLE[verdict] if result.explained else "bold red"
        killer = result.killed_by or ""
        table.add_row(
            escape(result.mutation.id),
            f"[{style}]{verdict.value}[/]",
            escape(killer),
            escape(result.detail),
        )
        rows.append([p for p in (result.mutation.id, verdict.value, killer, result.detail) if p])
    ids = [r.mutation.id for r in results] + [r.killed_by for r in results if r.killed_by]
    if _console.shows_whole(table, console, ids):
        console.print(table)
    else:
        for pieces in rows:
            for line in _console.wrap_pieces(pieces, console.width, sep="  "):
                _console.print_line(console, line)
    for result in results:
        if result.verdict is Verdict.SURVIVED:
            console.print()
            console.print(Text(f"{result.mutation.id} survives every property", style="bold"))
            why = result.mutation.why
            if why:
                console.print(Padding(Text(f"why: {why}"), (0, 0, 0, 2), expand=False))
            else:
                console.print(
                    Padding(
                        Text(
                            "unexplained: add a property, or argue it equivalent in "
                            "[[equivalent_mutants]]",
                            style="bold red",
                        ),
                        (0, 0, 0, 2),
                        expand=False,
                    )
                )
    console.print()
    console.print(summary_line(mutation_testing.summary(results)))


def summary_line(counts: dict[str, int]) -> str:
    """ "243 mutants: 124 killed, 55 survived (1 explained, 54 unexplained), …": the
    verdicts add up to the mutants, and each mutant is counted once."""
    return (
        f"{counts['mutants']} mutants: {counts['killed']} killed, "
        f"{counts['survived']} survived ({counts['explained']} explained, "
        f"{counts['unexplained']} unexplained), {counts['undecided']} undecided, "
        f"{counts['crashed']} crashed, {counts['rejected']} rejected by validation; "
        f"{counts['failing']} fail the run"
    )
