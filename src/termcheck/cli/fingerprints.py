"""`termcheck fingerprints`: article drift, listed, or recorded again after a review.

Also the drift gate of `termcheck verify` (:func:`drift_gate`), so that the gate and
this command tell drift in the same words.
"""

from __future__ import annotations

from typing import Annotated

import typer

from termcheck.cli._common import (
    ModelDirArgument,
    PropertiesOption,
    app,
    fail,
    load_model,
    load_props,
)
from termcheck.errors import InputError
from termcheck.model.drift import Drift, current_fingerprints, find_drift, update
from termcheck.model.spec import Spec
from termcheck.paths import display
from termcheck.report.document import document, to_json
from termcheck.verify.properties import Property

EXIT_DRIFT = 1


@app.command()
def fingerprints(
    model_dir: ModelDirArgument = None,
    properties: PropertiesOption = None,
    do_update: Annotated[
        bool,
        typer.Option("--update", help="record the text as it is now (after a review)"),
    ] = False,
) -> None:
    """List article drift (exit 1 if any); with --update, record the current wording."""
    spec = load_model(model_dir, "MODEL_DIR")
    loaded = load_props(properties, spec)
    drift = find_drift(spec, loaded)
    if not do_update:
        if drift:
            print_drift(spec, drift)
            raise typer.Exit(EXIT_DRIFT)
        cited = len(current_fingerprints(spec, loaded).cited)
        typer.echo(f"no drift: the {cited} provisions rested on read as when reviewed")
        return
    try:
        changed = update(spec, loaded)
    except InputError as exc:
        fail(str(exc))
    target = display(spec.directory / "model.toml")
    if not changed:
        typer.echo(f"{target}: [fingerprints] already current")
        return
    for entry in drift:
        typer.echo(f"recorded {entry.heading} ({entry.article}): was {entry.kind.value}")
    typer.echo(f"{target}: [fingerprints] rewritten")


def print_drift(spec: Spec, drift: list[Drift]) -> None:
    where = display(spec.directory)
    typer.echo(f"{where}: the terms text has drifted from the model ({len(drift)} provisions)")
    for entry in drift:
        typer.echo(f"  {entry.sentence()}")
        if entry.elements:
            typer.echo(f"    model: {', '.join(entry.elements)}")
        if entry.properties:
            typer.echo(f"    properties: {', '.join(entry.properties)}")
    typer.echo(
        "Review the model against the new wording, then run "
        f"`termcheck fingerprints {where} --update`."
    )


def drift_gate(spec: Spec, loaded: list[Property], *, as_json: bool, timings: bool) -> None:
    """`termcheck verify` before it proves: exit 1 naming what rests on drifted text."""
    drift = find_drift(spec, loaded)
    if not drift:
        return
    if as_json:
        typer.echo(to_json(document(spec, [], timings=timings, properties=loaded)), nl=False)
    else:
        print_drift(spec, drift)
        typer.echo("Nothing was proved: the model may no longer say what the terms say.")
    raise typer.Exit(EXIT_DRIFT)
