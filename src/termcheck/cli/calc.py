"""`termcheck calc`: every figure the terms decide for one customer.

The facts are the model's: each is a flag named after it (`service_start` is
`--service-start`), so a model with other facts takes other flags. `termcheck calc
--facts` lists those of the model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from termcheck.cli import _console
from termcheck.cli._common import app, fail, load_model, parse_yen, reading_overrides
from termcheck.cli._help import model_help
from termcheck.errors import InputError
from termcheck.limits import whole_number
from termcheck.model.spec import Spec
from termcheck.model.vocabulary import Entry
from termcheck.render.words import kind_label
from termcheck.report.present import for_json
from termcheck.report.story import written
from termcheck.semantics import calendar as cal
from termcheck.semantics.case import Outcome, evaluate
from termcheck.semantics.explain import OtherReading, findings_shown, other_readings
from termcheck.verify.properties import Property


def flag_of(fact: str) -> str:
    return fact.replace("_", "-")


def _value_help(spec: Spec, entry: Entry) -> str:
    kind = entry.type.kind
    if kind == "enum":
        return "|".join(spec.vocabulary.enums[entry.type.enum or ""])
    notes = {"date": "YYYY-MM-DD", "month": "YYYY-MM", "yen": "YEN", "int": "N", "bool": "yes|no"}
    optional = " (optional)" if entry.optional or entry.id in spec.vocabulary.defaults else ""
    return notes.get(kind, kind.upper()) + optional


def _fact_flags(spec: Spec) -> list[tuple[str, str]]:
    return [(f"--{flag_of(e.id)}", _value_help(spec, e)) for e in spec.vocabulary.facts]


@app.command(
    cls=model_help(_fact_flags),
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def calc(
    ctx: typer.Context,
    model: Annotated[
        Path | None, typer.Option(help="model folder (default: the one termcheck.toml names)")
    ] = None,
    reading: Annotated[
        list[str] | None,
        typer.Option(metavar="QUANTITY=READING", help="compute under another reading (repeatable)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    list_facts: Annotated[
        bool, typer.Option("--facts", help="list the model's facts (the flags calc takes)")
    ] = False,
) -> None:
    """Compute every figure the terms decide for one customer: one --FACT VALUE per fact of the model (--service-start 2026-03-15 --monthly-fee 100000 …); --facts lists them."""  # noqa: E501 (typer shows the docstring's first paragraph as one line)
    spec = load_model(model)
    if list_facts:
        print_facts(spec)
        return
    facts = parse_facts(spec, list(ctx.args))
    readings = reading_overrides(spec, reading or [])
    try:
        outcome = evaluate(spec.vocabulary, facts, readings)
    except InputError as exc:
        flag = f"--{flag_of(exc.field)}" if exc.field else "input"
        fail(f"{flag}: {exc.detail}")
    others = other_readings(spec, facts, outcome)
    shown = findings_shown(spec, facts, outcome, _properties(spec))
    if as_json:
        values = calc_json(spec, outcome)
        values["other_readings"] = {
            name: {f"{o.quantity}={o.reading}": for_json(o.value) for o in found}
            for name, found in others.items()
        }
        values["findings"] = [
            {"id": p.id, "category": p.category, "title_ja": p.title_ja, "title_en": p.title_en}
            for p in shown
        ]
        typer.echo(json.dumps(values, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print_calc(spec, outcome, others, shown)


def _properties(spec: Spec) -> list[Property]:
    """The model's properties, for the findings a case shows; a folder that does not
    load costs calc that part only, with a word on stderr."""
    from termcheck.checks import REGISTRY  # the checks register on import
    from termcheck.paths import default_properties_dir
    from termcheck.verify.properties import load_properties

    try:
        return load_properties(default_properties_dir(spec.directory), spec, REGISTRY)
    except InputError as exc:
        typer.echo(f"termcheck: findings not looked up: {exc}", err=True)
        return []


def print_facts(spec: Spec) -> None:
    table = Table(show_edge=False)
    for column in ("flag", "value", "fact", "article"):
        table.add_column(column, overflow="fold")
    for entry in spec.vocabulary.facts:
        table.add_row(
            escape(f"--{flag_of(entry.id)}"),
            escape(_value_help(spec, entry)),
            escape(f"{entry.ja} / {entry.en}"),
            escape(", ".join(spec.heading(a) for a in entry.articles)),
        )
    Console(highlight=False).print(table)


def parse_facts(spec: Spec, args: list[str]) -> dict[str, object]:
    """`--fact VALUE` pairs, each parsed by the fact's type; anything else is an error
    that names the flag and says what the model takes."""
    by_flag = {f"--{flag_of(e.id)}": e for e in spec.vocabulary.facts}
    facts: dict[str, object] = {}
    index = 0
    while index < len(args):
        flag, value = args[index], None
        if "=" in flag and flag.startswith("--"):
            flag, value = flag.split("=", 1)
        entry = by_flag.get(flag)
        if entry is None:
            offered = ", ".join(by_flag) or "none"
            fail(f"{flag}: not a fact of this model; its facts are {offered}")
        if value is None:
            if index + 1 >= len(args):
                fail(f"{flag}: give a value ({_value_help(spec, entry)})")
            value = args[index + 1]
            index += 1
        facts[entry.id] = _parse(spec, entry, flag, value)
        index += 1
    return facts


def _parse(spec: Spec, entry: Entry, flag: str, text: str) -> object:
    kind = entry.type.kind
    try:
        if kind == "date":
            return cal.parse_date(text)
        if kind == "month":
            return cal.parse_month(text)
        if kind == "yen":
            return parse_yen(text)
        if kind == "int":
            return whole_number(text, "units", signed=True)
        if kind == "bool":
            if text not in ("yes", "no", "true", "false"):
                raise ValueError(f"{text!r} is not yes or no")
            return text in ("yes", "true")
        values = spec.vocabulary.enums[entry.type.enum or ""]
        if text not in values:
            raise ValueError(f"{text!r} is not one of: {', '.join(values)}")
        return text
    except ValueError as exc:
        fail(f"{flag}: {exc}")


def calc_json(spec: Spec, outcome: Outcome) -> dict[str, object]:
    facts = {
        e.id: for_json(outcome.value(e.id)) for e in spec.vocabulary.facts if outcome.has(e.id)
    }
    values: dict[str, object] = {
        e.id: for_json(outcome.value(e.id)) for e in spec.vocabulary.quantities if outcome.has(e.id)
    }
    values["inputs"] = facts
    values["readings"] = dict(sorted(outcome.readings.items()))
    return values


def print_calc(
    spec: Spec,
    outcome: Outcome,
    others: dict[str, list[OtherReading]] | None = None,
    shown: list[Property] | None = None,
) -> None:
    console = _console.console()  # the terminal's width, COLUMNS, or 160 off one
    v = spec.vocabulary
    given = ", ".join(f"{e.ja} {_shown(spec, e, outcome)}" for e in v.facts if outcome.has(e.id))
    chosen = ", ".join(f"{name} {option}" for name, option in sorted(outcome.readings.items()))
    terms = spec.document.terms
    console.print(escape(f"{terms.title}（{terms.version}版）: {given}"))
    if chosen:
        console.print(escape(f"読み方 / readings: {chosen}"))
    others = others or {}
    table = Table(show_edge=False)
    columns = ["項目 / figure", "値 / value", "条項 / article"]
    if others:
        columns.append("他の読み方では / under another reading")
    for column in columns:
        table.add_column(column)
    for entry in v.derived:
        if not outcome.has(entry.id) or entry.type.is_set:
            continue
        row = [
            escape(f"{entry.ja} / {entry.en}"),
            escape(_shown(spec, entry, outcome)),
            escape(spec.heading(entry.article)),
        ]
        if others:
            row.append(escape("; ".join(_other(spec, entry, o) for o in others.get(entry.id, []))))
        table.add_row(*row)
    console.print(table)
    for prop in shown or []:
        # The case is one of the accepted findings: the terms do not guarantee here what
        # the property expects.
        kind = kind_label(prop.category or "observation", "ja")
        told = f"指摘 / finding {prop.id}（{kind}）: 「{prop.title_ja}」"
        console.print(escape(told + "はこの事例で成り立たない"))


def _other(spec: Spec, entry: Entry, other: OtherReading) -> str:
    shown = written(spec, entry.id, Outcome({}, {}, {entry.id: other.value}), "ja")
    return f"{other.quantity}={other.reading}: {shown}"


def _shown(spec: Spec, entry: Entry, outcome: Outcome) -> str:
    """The value as a reader of the terms writes it (契約者による解約, not `customer`)."""
    return written(spec, entry.id, outcome, "ja")
