"""`termcheck coverage`: which provisions the model and the properties rest on."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from termcheck.cli import _console
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
    output_format: Annotated[
        str, typer.Option("--format", metavar="text|json|markdown", help="text, json or markdown")
    ] = "text",
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
    """The matrix as a table when it fits the width with every id whole, else one block
    per provision with its ids wrapped between ids; then what nothing rests on."""
    console = _console.console()
    rows = matrix_rows(result)
    table = Table(show_edge=False, title=escape(f"{display(spec.directory)}: coverage"))
    table.add_column("provision", no_wrap=True)
    table.add_column("title", overflow="fold", min_width=12)
    table.add_column("status", no_wrap=True)
    table.add_column("model elements", no_wrap=True)
    table.add_column("properties", no_wrap=True)
    for row in rows:
        table.add_row(
            escape(row.article.heading),
            escape(row.article.title),
            f"[{STATUS_STYLE[row.status]}]{row.status.value}[/]",
            escape("\n".join(row.elements)),
            escape("\n".join(row.properties)),
        )
    ids = [name for row in rows for name in (*row.elements, *row.properties)]
    if _console.shows_whole(table, console, ids):
        console.print(table)
    else:
        _print_blocks(console, spec, rows)
    console.print()
    console.print("Nothing rests on:")
    for row in result.uncovered:
        text = f"{row.article.heading} ({row.article.title}): {_why(row)}"
        console.print(Padding(Text(text), (0, 0, 0, 2), expand=False))
    for article_id in result.contradicted:
        listed = f"  {article_id} is listed in [[not_modelled]] but is cited"
        console.print(Text(listed, style="yellow"))
    counts = result.counts()
    console.print(escape(_summary(counts)))


def _print_blocks(console: Console, spec: Spec, rows: list[Row]) -> None:
    console.print(escape(f"{display(spec.directory)}: coverage"))
    for row in rows:
        head = Text(f"{row.article.heading}  {row.article.title}  ")
        head.append(row.status.value, style=STATUS_STYLE[row.status])
        console.print(head)
        for label, names in (("model elements:", row.elements), ("properties:", row.properties)):
            if names:
                for line in _console.wrap_items(f"  {label}", list(names), console.width):
                    _console.print_line(console, line)


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
