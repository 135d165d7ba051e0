"""`termcheck init`: start a model folder from a terms text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from termcheck.cli._common import app, fail
from termcheck.errors import InputError
from termcheck.model.scaffold import (
    PROPERTIES,
    STARTER_PROPERTIES,
    TERMS_FILE,
    article_count,
    init_model,
)
from termcheck.model.spec import MODEL_FILE
from termcheck.paths import display


@app.command()
def init(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="the model folder to create (new, or empty)", show_default=False
        ),
    ],
    terms: Annotated[
        Path,
        typer.Option(
            "--terms",
            metavar="TEXT",
            help="the terms text: Markdown with '## 第N条 (見出し)' headings, or plain text"
            " (PDF extraction) whose articles start at lines '第N条 (見出し)'",
            show_default=False,
        ),
    ],
    identifier: Annotated[
        str | None, typer.Option("--id", help="the model's id (default: the folder's name)")
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            help="the terms' title (default: a line ending in 規約 or 約款 before the"
            " first article, else the id)"
        ),
    ] = None,
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            help="the date of the wording, YYYY-MM-DD (default: the latest date written"
            " before the first article)",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="replace DIR and everything in it")
    ] = False,
) -> None:
    """Scaffold a model folder from a terms text: terms.ja.md, a starter model.toml with
    the text's fingerprints, and a starter properties/ folder that verifies."""
    try:
        made = init_model(
            directory, terms, identifier=identifier, title=title, version=version, force=force
        )
    except InputError as exc:
        fail(str(exc))
    where = display(directory)
    text = made.terms
    articles = article_count(text)
    how = "converted from plain text" if text.converted else "Markdown, as given"
    if made.replaced:
        typer.echo(f"replaced {where} (--force): its previous files were removed")
    typer.echo(
        f"wrote {where}/{TERMS_FILE}: {articles} article{'s' * (articles != 1)},"
        f" {len(text.articles)} provisions"
        f" ({how})"
    )
    typer.echo(
        f"wrote {where}/{MODEL_FILE}: id {made.identifier.value}, version"
        f" {made.version.value} ({made.version.said}), title {made.title.value}"
    )
    typer.echo(f"wrote {where}/{PROPERTIES}/{STARTER_PROPERTIES}: one starter property")
    numbers = [int(a.id) for a in text.articles if a.id.isdigit()]
    missing = sorted(set(range(numbers[0], numbers[-1] + 1)) - set(numbers))
    if missing:
        # A heading the converter did not see leaves its article inside the one before.
        listed = "、".join(f"第{n}条" for n in missing)
        typer.echo(
            f"note: the text has no {listed}: if it should, put its heading on a line of"
            f" its own ('第N条 (見出し)') in {display(terms)} and run init again"
        )
    for line in text.doubtful:
        typer.echo(
            f"note: {display(terms)}:{line} begins like an article heading but was kept as"
            " text, its number not following the article before: check it with"
            " `termcheck articles`"
        )
    typer.echo(
        f"next: `termcheck articles {where}/{TERMS_FILE}` to check the split, "
        f"`termcheck coverage {where}` for what is unreviewed, then model.toml"
        " (docs/tutorial.md)"
    )
