"""`termcheck coverage`: which provisions the model and the properties rest on."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from termcheck.cli._common import (
    ModelDirArgument,
    PropertiesOption,
    app,
    fail,
    load_model,
    load_props,
)
from termcheck.model.coverage import Coverage, Row, Status, as_json, coverage, matrix_rows
from termcheck.model.spec import Spec
from termcheck.paths import display

FORMATS = ("text", "json", "markdown")
STATUS_STYLE = {
    Status.MODELLED: "green",
    Status.PARTIAL: "cyan",
    Status.NOT_MODELLED: "yellow",
    Status.UNREVIEWED: "bold red",
}


@app.command(name="coverage")
def coverage_command(
    model_dir: ModelDirArgument = None,
    properties: PropertiesOption = None,
    output_format: Annotated[str, typer.Option("--format", help="text, json or markdown")] = "text",
) -> None:
    """Articles × model elements × properties, and every provision nothing rests on."""
    if output_format not in FORMATS:
        fail(f"--format: {output_format!r} is not one of: {', '.join(FORMATS)}")
    spec = load_model(model_dir, "MODEL_DIR")
    loaded = load_props(properties, spec)
    result = coverage(spec, loaded)
    if output_format == "json":
        document = {"model": display(spec.directory), **as_json(result)}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True))
    elif output_format == "markdown":
        typer.echo(markdown(spec, result), nl=False)
    else:
        print_coverage(spec, result)


def print_coverage(spec: Spec, result: Coverage) -> None:
    console = Console(highlight=False)
    table = Table(show_edge=False, title=escape(f"{display(spec.directory)}: coverage"))
    for column in ("provision", "title", "status", "model elements", "properties"):
        table.add_column(column, overflow="fold")
    for row in matrix_rows(result):
        table.add_row(
            escape(row.article.heading),
            escape(row.article.title),
            f"[{STATUS_STYLE[row.status]}]{row.status.value}[/]",
            escape("\n".join(row.elements)),
            escape("\n".join(row.properties)),
        )
    console.print(table)
    console.print()
    console.print("Nothing rests on:")
    for row in result.uncovered:
        console.print(escape(f"  {row.article.heading} ({row.article.title}): {_why(row)}"))
    for article_id in result.contradicted:
        listed = escape(f"{article_id} is listed in [[not_modelled]] but is cited")
        console.print(f"  [yellow]{listed}[/]")
    counts = result.counts()
    console.print(escape(_summary(counts)))


def markdown(spec: Spec, result: Coverage) -> str:
    lines = [
        f"# Coverage: {spec.document.terms.title} ({spec.document.terms.version})",
        "",
        _summary(result.counts()),
        "",
        "| provision | title | status | model elements | properties |",
        "|---|---|---|---|---|",
    ]
    for row in matrix_rows(result):
        cells = (
            row.article.heading,
            row.article.title,
            row.status.value,
            "<br>".join(row.elements),
            "<br>".join(row.properties),
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "## Nothing rests on", ""]
    for row in result.uncovered:
        lines.append(f"- {row.article.heading}（{row.article.title}）: {_why(row)}")
    lines += [f"- {a}: listed in `[[not_modelled]]` but cited" for a in result.contradicted]
    return "\n".join(lines) + "\n"


def _why(row: Row) -> str:
    return row.reason.strip() if row.reason else "unreviewed"


def _summary(counts: dict[str, int]) -> str:
    return (
        f"{counts['articles']} articles: {counts['modelled']} modelled, "
        f"{counts['partial']} partly modelled, {counts['not-modelled']} not modelled "
        f"(with a reason), {counts['unreviewed']} unreviewed; {counts['uncovered']} "
        f"provisions nothing rests on, {counts['uncovered_unreviewed']} of them unreviewed"
    )


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
