"""`termcheck articles`: the provisions of a terms text, with ids and fingerprints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from termcheck.articles import load_articles
from termcheck.cli._common import app, fail
from termcheck.errors import InputError
from termcheck.paths import default_model_dir, display


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
