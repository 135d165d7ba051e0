"""`termcheck calc`: every figure the terms decide for one customer."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from termcheck import calendar as cal
from termcheck.cli._common import E, T, _enum_parser, app, fail, load_model, parse_flag, parse_yen
from termcheck.errors import InputError
from termcheck.present import for_json, for_people, label, type_of
from termcheck.rules import Outcome, Scenario, evaluate
from termcheck.spec import Spec
from termcheck.vocabulary import BY_NAME, Ground, LiabilityReading, NoticeReading

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
