"""The command line: `termcheck calc`, `articles` and `verify`.

Every user error ends in one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from termcheck import calendar as cal
from termcheck.articles import load_articles
from termcheck.check import DEFAULT_RLIMIT, Options, Result, Status, check_all, exit_code
from termcheck.errors import InputError, TermcheckError
from termcheck.paths import default_model_dir, default_properties_dir, display
from termcheck.present import for_json, for_people, label, type_of
from termcheck.properties import Property, load_properties
from termcheck.report import document, story, summary, to_json
from termcheck.rules import Outcome, Scenario, evaluate
from termcheck.spec import Spec, load_spec
from termcheck.vocabulary import BY_NAME, Ground, LiabilityReading, NoticeReading

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


def load_model(directory: Path | None) -> Spec:
    try:
        return load_spec(directory or default_model_dir())
    except InputError as exc:
        fail(f"--model: {exc}" if directory is not None else str(exc))


# --- termcheck calc ---------------------------------------------------------------------

CALC_FIGURES = (
    "reckoning_day",
    "billing_start",
    "service_end",
    "billed_months",
    "billed_fees",
    "minimum_term_end",
    "within_minimum_term",
    "remaining_months",
    "remaining_term_fees",
    "penalty_applies",
    "penalty",
    "total_charged",
    "notice_deadline",
    "notice_timely",
    "start_delay_deadline",
    "liability_cap",
)


@app.command()
def calc(
    service_start: Annotated[str, typer.Option(help="提供開始日, YYYY-MM-DD")],
    monthly_fee: Annotated[str, typer.Option(help="月額料金 in whole yen")],
    termination_month: Annotated[str, typer.Option(help="解約月, YYYY-MM")],
    model: Annotated[Path | None, typer.Option(help="model folder (default: shipped)")] = None,
    notice_arrival: Annotated[str | None, typer.Option(help="到達日, YYYY-MM-DD")] = None,
    ground: Annotated[str, typer.Option(help="termination ground")] = "customer",
    reading: Annotated[str | None, typer.Option(help="reading of 第10条's notice")] = None,
    liability_reading: Annotated[str | None, typer.Option(help="reading of 第13条")] = None,
    planned_start: Annotated[str | None, typer.Option(help="利用開始予定日")] = None,
    incident_date: Annotated[str | None, typer.Option(help="損害発生日 for 第13条")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
) -> None:
    """Compute every figure the terms decide for one customer."""
    spec = load_model(model)
    scenario = Scenario(
        service_start=parse_flag("--service-start", service_start, cal.parse_date),
        monthly_fee=parse_flag("--monthly-fee", monthly_fee, parse_yen),
        termination_month=parse_flag("--termination-month", termination_month, cal.parse_month),
        ground=parse_flag("--ground", ground, _enum_parser(Ground)),
        notice_arrival=_optional("--notice-arrival", notice_arrival, cal.parse_date),
        notice_reading=_optional_enum("--reading", reading, NoticeReading),
        planned_start=_optional("--planned-start", planned_start, cal.parse_date),
        incident_date=_optional("--incident-date", incident_date, cal.parse_date),
        liability_reading=_optional_enum(
            "--liability-reading", liability_reading, LiabilityReading
        ),
    )
    _check_reading_offered(spec, scenario)
    try:
        outcome = evaluate(spec, scenario)
    except InputError as exc:
        flag = f"--{exc.field.replace('_', '-')}" if exc.field else "input"
        fail(f"{flag}: {exc.detail}")
    if as_json:
        typer.echo(json.dumps(calc_json(outcome), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print_calc(spec, outcome)


def _optional(flag: str, text: str | None, parser: Callable[[str], T]) -> T | None:
    return None if text is None else parse_flag(flag, text, parser)


def _optional_enum(flag: str, text: str | None, enum_type: type[E]) -> E | None:
    return None if text is None else parse_flag(flag, text, _enum_parser(enum_type))


def _check_reading_offered(spec: Spec, scenario: Scenario) -> None:
    if scenario.notice_reading and scenario.notice_reading not in spec.notice_readings():
        fail(f"--reading: {scenario.notice_reading.value!r} is not a reading this model lists")
    offered = spec.liability_readings()
    if scenario.liability_reading and scenario.liability_reading not in offered:
        fail(f"--liability-reading: {scenario.liability_reading.value!r} is not listed")


def calc_json(outcome: Outcome) -> dict[str, object]:
    values = {name: for_json(value) for name, value in outcome.as_dict().items()}
    values["inputs"] = {
        name: for_json(getattr(outcome.scenario, name))
        for name in ("service_start", "monthly_fee", "termination_month", "ground")
    } | {
        "notice_arrival": for_json(outcome.scenario.notice_arrival),
        "notice_reading": for_json(outcome.notice_reading),
        "planned_start": for_json(outcome.planned_start),
        "incident_date": for_json(outcome.scenario.incident_date),
        "liability_reading": for_json(outcome.liability_reading),
    }
    return values


def print_calc(spec: Spec, outcome: Outcome) -> None:
    console = Console(highlight=False)
    scenario = outcome.scenario
    console.print(
        f"{spec.document.terms.title}（{spec.document.terms.version}版）: "
        f"提供開始日 {for_people(scenario.service_start, type_of('service_start'))}, "
        f"月額料金 {for_people(scenario.monthly_fee, type_of('monthly_fee'))}, "
        f"解約月 {for_people(scenario.termination_month, type_of('termination_month'))}, "
        f"事由 {scenario.ground.value}, 読み方 {outcome.notice_reading.value}"
    )
    table = Table(show_edge=False)
    for column in ("項目 / figure", "値 / value", "条項 / article"):
        table.add_column(column)
    articles = {article.id: article.heading for article in spec.articles}
    for name in CALC_FIGURES:
        value = outcome.value(name)
        article_id = BY_NAME[name].article
        table.add_row(
            f"{label(name, 'ja')} / {label(name, 'en')}",
            for_people(value, type_of(name)),
            articles.get(article_id, article_id),
        )
    console.print(table)


# --- termcheck articles -----------------------------------------------------------------


@app.command()
def articles(
    path: Annotated[Path | None, typer.Argument(help="terms.ja.md (default: shipped)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON list")] = False,
) -> None:
    """List the provisions of a terms text with their ids and fingerprints."""
    target = path or default_model_dir() / "terms.ja.md"
    try:
        provisions = load_articles(target)
    except InputError as exc:
        fail(str(exc))
    if as_json:
        listing = [
            {
                "id": a.id,
                "kind": a.kind,
                "heading": a.heading,
                "title": a.title,
                "line": a.line,
                "fingerprint": a.fingerprint,
                "text": a.text,
            }
            for a in provisions
        ]
        typer.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    table = Table(show_edge=False, title=display(target))
    for column in ("id", "heading", "title", "line", "fingerprint", "text"):
        table.add_column(column, overflow="ellipsis", no_wrap=column != "text")
    for a in provisions:
        excerpt = a.text.splitlines()[0] if a.text else ""
        table.add_row(a.id, a.heading, a.title, str(a.line), a.fingerprint, excerpt[:40])
    console.print(table)


# --- termcheck verify -------------------------------------------------------------------

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
    spec = load_model(model_dir)
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
    console = Console(highlight=False)
    table = Table(show_edge=False)
    for column in ("property", "articles", "status", "expected", "met"):
        table.add_column(column)
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
            " ".join(headings.get(a, a) for a in prop.articles),
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


def main() -> None:
    """Console entry point: termcheck errors become one line and exit 2."""
    try:
        app()
    except TermcheckError as exc:
        typer.echo(f"termcheck: {exc}", err=True)
        sys.exit(EXIT_INPUT)
