"""`termcheck verify`: the CI gate."""

from __future__ import annotations

import difflib
import io
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from termcheck.checks import REGISTRY
from termcheck.cli import _console
from termcheck.cli._common import (
    CacheDirOption,
    JobsOption,
    ModelDirArgument,
    NoCacheOption,
    PropertiesOption,
    app,
    fail,
    jobs_count,
    load_model,
    load_props,
    reading_overrides,
    result_cache,
    warn_cache,
)
from termcheck.cli._help import model_help
from termcheck.cli.fingerprints import drift_gate
from termcheck.errors import InputError
from termcheck.limits import rlimit_problem
from termcheck.model.spec import Spec
from termcheck.paths import display
from termcheck.render import Report, plan, render, write_reports
from termcheck.render.words import (
    accepted_heading,
    reading_dependent_heading,
    status_line,
    summary_line,
    terminal_expect,
    terminal_status,
    terminal_word,
    under_readings,
)
from termcheck.report.document import document, summary
from termcheck.report.present import Lang
from termcheck.report.story import story
from termcheck.verify.cache import ResultCache
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

# How much of a run the terminal text tells: "quiet" the unmet and the summary only,
# "normal" every property in the table and the unmet in full, "verbose" everything.
Detail = Literal["quiet", "normal", "verbose"]


@app.command(cls=model_help())
def verify(
    model_dir: ModelDirArgument = None,
    properties: PropertiesOption = None,
    output_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
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
        typer.Option(
            metavar="LANG",
            help="language of the reports for people: ja (default) or en; repeatable",
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(metavar="ID", help="check only this property id (repeatable)"),
    ] = None,
    reading: Annotated[
        list[str] | None,
        typer.Option(metavar="QUANTITY=READING", help="check under this reading (repeatable)"),
    ] = None,
    all_readings: Annotated[
        bool, typer.Option("--all-readings", help="also check every other reading")
    ] = False,
    rlimit: Annotated[int, typer.Option(help="Z3 resource limit per check")] = DEFAULT_RLIMIT,
    jobs: JobsOption = None,
    cache_dir: CacheDirOption = None,
    no_cache: NoCacheOption = False,
    timings: Annotated[
        bool | None,
        typer.Option(
            "--timings/--no-timings",
            help="report seconds per property. Default: on for the terminal, off for files "
            "written with --out (they must be byte-identical across runs) unless --timings "
            "is given",
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="text: print only the unmet properties, one line each, and the summary",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="text: also tell every accepted finding's counterexample and every "
            "proved property's notes (by default a finding is one line; --only tells "
            "the properties it selects in full)",
        ),
    ] = False,
) -> None:
    """Prove or refute every property; exit 0 all met, 1 one unmet, 2 bad input, 3 undecided."""
    if quiet and verbose:
        fail("--quiet and --verbose: give one of them")
    if problem := rlimit_problem(rlimit):
        fail(f"--rlimit: {problem}")
    processes = jobs_count(jobs)
    # Properties asked for by id are told in full: `--only ID` is how one reads the
    # counterexample of a finding that the default output lists on one line.
    detail: Detail = "quiet" if quiet else "verbose" if verbose or only else "normal"
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
    silent = quiet or (to_stdout is not None and to_stdout.format != "text")
    cache = result_cache(spec, options, loaded, cache_dir, no_cache)
    results = _run_checks(spec, selected, options, quiet=silent, jobs=processes, cache=cache)
    warn_cache(cache.problem if cache is not None else None)
    if to_stdout is not None and to_stdout.format == "text":
        print_verify(spec, results, timings=timings, lang=to_stdout.lang, detail=detail)
    elif to_stdout is not None:
        doc = document(spec, results, timings=timings, properties=loaded)
        typer.echo(render(doc, to_stdout.format, to_stdout.lang), nl=False)
    else:
        _write_reports(spec, results, loaded, reports, timings=timings, detail=detail)
    raise typer.Exit(exit_code(results))


def _write_reports(
    spec: Spec,
    results: list[Result],
    loaded: list[Property],
    reports: list[Report],
    *,
    timings: bool,
    detail: Detail,
) -> None:
    """Write every report (atomically), then say what was written, the unmet and the
    summary: a CI log shows what failed without opening a report."""
    doc = document(spec, results, timings=timings, properties=loaded)

    def text(lang: Lang) -> str:
        # A file's width is fixed: the same run gives the same bytes in any terminal.
        buffer = io.StringIO()
        width = _console.OFF_TERMINAL_WIDTH
        console = Console(file=buffer, width=width, color_system=None, highlight=False)
        print_verify(spec, results, timings=timings, lang=lang, console=console, detail=detail)
        return buffer.getvalue()

    try:
        written = write_reports(reports, doc, text)
    except InputError as exc:
        fail(str(exc))
    console = _console.console()
    lang = reports[0].lang
    if detail != "quiet":
        for path in written:
            console.print(escape(terminal_word("wrote", lang) + display(path)), soft_wrap=True)
    unmet = [r for r in results if not r.met]
    _print_unmet(console, unmet, lang, gap=detail != "quiet")
    console.print(escape(summary_line(summary(results), lang)))


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
    spec: Spec,
    selected: list[Property],
    options: Options,
    *,
    quiet: bool,
    jobs: int,
    cache: ResultCache | None = None,
) -> list[Result]:
    """Check every property, showing progress on stderr when it is a terminal."""
    err = Console(stderr=True, highlight=False)
    checked = check_all(spec, selected, options, REGISTRY, jobs=jobs, cache=cache)
    if quiet or not err.is_terminal:
        return list(checked)
    results: list[Result] = []
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("verifying", total=len(selected))
        for result in checked:
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
    detail: Detail = "normal",
) -> None:
    """Triage first, as pytest and ruff report: the unmet properties lead the table and
    are told in full; an accepted finding (a refutation the properties expect) is one
    line unless `detail` is "verbose"; the unmet close the output, one line each, above
    the summary, so that nothing needs scrolling back for."""
    console = console or _console.console()
    unmet = [r for r in results if not r.met]
    met = [r for r in results if r.met]
    if detail != "quiet":
        _print_table(console, spec, [*unmet, *met], timings=timings, lang=lang)
        for result in unmet:
            _print_result_detail(console, spec, result, lang)
        if detail == "verbose":
            for result in met:
                _print_result_detail(console, spec, result, lang)
        else:
            _print_accepted(console, [r for r in met if r.prop.expect == "finding"], lang)
            _print_reading_dependent(console, [r for r in met if r.reading_dependent], lang)
    _print_unmet(console, unmet, lang, told=detail != "quiet", gap=detail != "quiet")
    if not unmet and detail != "quiet":
        console.print()
    console.print(escape(summary_line(summary(results), lang)))


def _print_table(
    console: Console, spec: Spec, results: list[Result], *, timings: bool, lang: Lang
) -> None:
    """One row per property, or, when the terminal is too narrow for the table to show
    every id whole, one line per property."""
    table = Table(show_edge=False)
    table.add_column(terminal_word("col_property", lang), no_wrap=True)
    table.add_column(terminal_word("col_articles", lang), overflow="fold", min_width=12)
    for column in ("col_status", "col_expected", "col_met"):
        table.add_column(terminal_word(column, lang), no_wrap=True)
    if timings:
        table.add_column(terminal_word("col_time", lang), justify="right", no_wrap=True)
    lines: list[tuple[list[str], list[str]]] = []
    for result in results:
        prop = result.prop
        status = terminal_status(result.status.value, lang)
        if result.reading_dependent:
            status += terminal_word("reading_dependent", lang)
        headings = [spec.heading(a) for a in prop.articles]
        articles = "、".join(headings)
        seconds = f"{result.seconds * 1000:.0f} ms"
        expect = terminal_expect(prop.expect, lang)
        row = [
            escape(prop.id),
            escape(articles),
            f"[{STATUS_STYLE[result.status]}]{escape(status)}[/]",
            escape(expect),
            terminal_word("met_yes", lang)
            if result.met
            else f"[bold red]{terminal_word('met_no', lang)}[/]",
        ]
        if timings:
            row.append(seconds)
        table.add_row(*row)
        pieces = [prop.id, status_line(status, expect, met=result.met, lang=lang)]
        lines.append(([*pieces, *([seconds] if timings else [])], headings))
    drawn = _console.drawn_whole(table, console, [r.prop.id for r in results])
    if drawn is not None:
        console.file.write(drawn)
        return
    for pieces, cited in lines:
        for line in _console.wrap_pieces(pieces, console.width, sep="  "):
            _console.print_line(console, line)
        # The articles under it, wrapped between headings, never inside one.
        joined = [f"{heading}、" for heading in cited[:-1]] + cited[-1:]
        if joined:
            joined[0] = "    " + joined[0]
            for line in _console.wrap_pieces(joined, console.width, sep=""):
                _console.print_line(console, line)


def _print_accepted(console: Console, findings: list[Result], lang: Lang) -> None:
    """The accepted findings, one line each: the id and the title."""
    if not findings:
        return
    console.print()
    console.print(escape(accepted_heading(len(findings), lang)))
    for result in findings:
        title = result.prop.title_ja if lang == "ja" else result.prop.title_en
        _one_line(console, f"  {result.prop.id}", f": {title}")


def _print_reading_dependent(console: Console, results: list[Result], lang: Lang) -> None:
    """Met under the adopted readings, not under another: one line each, with the
    verdict under each other reading (--all-readings)."""
    if not results:
        return
    console.print()
    console.print(escape(reading_dependent_heading(lang)))
    for result in results:
        others = terminal_word("separator", lang).join(
            under_readings(other.readings, other.status.value, lang)
            for other in result.other_readings
            if other.status is not result.status
        )
        _one_line(console, f"  {result.prop.id}", f": {others}")


def _print_unmet(
    console: Console,
    unmet: list[Result],
    lang: Lang,
    *,
    told: bool = False,
    gap: bool = True,
) -> None:
    # Last, what needs attention, one line each: nothing to scroll back for.
    if not unmet:
        return
    if gap:
        console.print()
    console.print(f"[bold red]{terminal_word('unmet', lang)}[/]:")
    for result in unmet:
        _one_line(console, f"  {result.prop.id}", f": {_why_unmet(result, told=told, lang=lang)}")


def _one_line(console: Console, head: str, rest: str) -> None:
    """`head` (an id) and `rest` on one line of the console, `rest` cut with an
    ellipsis where it is too long; an id too wide for the console is shown whole."""
    if cell_len(head) + 2 > console.width:
        _console.print_line(console, head)
        return
    console.print(Text(head + rest), no_wrap=True, overflow="ellipsis", crop=True)


def _why_unmet(result: Result, *, told: bool, lang: Lang) -> str:
    """One line: the status, and what was found (`told`: its story is above)."""
    status = terminal_status(result.status.value, lang)
    if result.status is Status.PROVED:
        return terminal_word("proved_unexpectedly", lang)
    if result.status is Status.VIOLATED and result.prop.expect == "holds":
        see = terminal_word("see_above", lang) if told else ""
        return terminal_word("violated_unexpectedly", lang) + see
    detail = " ".join(result.detail_in(lang).split())
    return f"{status}: {detail}" if detail else status


def _print_result_detail(console: Console, spec: Spec, result: Result, lang: Lang) -> None:
    prop = result.prop
    has_story = result.counterexample is not None or result.evidence is not None
    if not has_story and not result.detail and not result.reading_dependent:
        return
    # Everything below comes from the model, the terms or the properties: Text, never
    # markup, or a "[penalty]" in a reason would be taken for console markup. Lines
    # that wrap keep the block's indent, so the ids at the left stay easy to find.
    console.print()
    title = prop.title_ja if lang == "ja" else prop.title_en
    console.print(f"[bold]{escape(prop.id)}[/]  {escape(title)}")
    if result.detail:
        style = "dim" if result.status is Status.PROVED else "red"
        _indented(console, result.detail_in(lang), style)
    for line in story(spec, result, lang):
        _indented(console, line)
    reason = (prop.reason_ja if lang == "ja" else None) or prop.reason
    if prop.expect == "finding" and reason:
        _indented(console, terminal_word("reason", lang) + " ".join(reason.split()))
    for other in result.other_readings:
        _indented(console, under_readings(other.readings, other.status.value, lang))


def _indented(console: Console, text: str, style: str = "") -> None:
    console.print(Padding(Text(text, style=style), (0, 0, 0, 2), expand=False))
