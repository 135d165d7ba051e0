"""`termcheck articles`: the provisions of a terms text, with ids and fingerprints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from termcheck.cli._common import app, fail, model_dir
from termcheck.errors import InputError
from termcheck.model.articles import load_articles
from termcheck.paths import display


@app.command()
def articles(
    path: Annotated[
        Path | None, typer.Argument(help="terms.ja.md (default: the default model's)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON list")] = False,
) -> None:
    """List the provisions of a terms text with their ids and fingerprints."""
    target = path or model_dir(None, "PATH") / "terms.ja.md"
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
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
    table = Table(show_edge=False, title=escape(display(target)))
    table.add_column("id", no_wrap=True)
    table.add_column("heading", no_wrap=True)
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("fingerprint", no_wrap=True)
    table.add_column("text", no_wrap=True, overflow="ellipsis", max_width=60)
    for a in provisions:
        # An article's row shows its title; its paragraphs and items show their words.
        excerpt = f"({a.title})" if a.kind == "article" else (a.text.splitlines() or [""])[0]
        table.add_row(
            *(escape(cell) for cell in (a.id, a.heading, str(a.line), a.fingerprint, excerpt))
        )
    console.print(table)
