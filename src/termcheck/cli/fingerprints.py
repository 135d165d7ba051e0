"""`termcheck fingerprints`: article drift, listed, or recorded again after a review.

Also the drift gate of `termcheck verify` (:func:`drift_gate`), so that the gate and
this command tell drift in the same words. Both also hold every quoted phrase to the
text and to its value (termcheck.model.phrases): a model that contradicts the words it
quotes is drift too, and `--update` does not record a text over such a model unless
told to.
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
from termcheck.model.drift import Drift, Kind, current_fingerprints, find_drift, update
from termcheck.model.history import reviewed_wording
from termcheck.model.phrases import PhraseProblem, phrase_problems, side_by_side
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
    contradicted: Annotated[
        bool,
        typer.Option(
            "--accept-contradiction",
            help="with --update: record the text although a value contradicts its phrase",
        ),
    ] = False,
) -> None:
    """List article drift and phrases the model contradicts (exit 1 if any); with
    --update, record the current wording."""
    spec = load_model(model_dir, "MODEL_DIR")
    loaded = load_props(properties, spec)
    drift = find_drift(spec, loaded)
    problems = phrase_problems(spec)
    if not do_update:
        if drift or problems:
            print_drift(spec, drift, problems)
            raise typer.Exit(EXIT_DRIFT)
        cited = len(current_fingerprints(spec, loaded).cited)
        typer.echo(f"no drift: the {cited} provisions rested on read as when reviewed")
        return
    if problems and not contradicted:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        fail(
            f"{display(spec.directory / 'model.toml')}: {first.sentence()}{more}; "
            "nothing recorded — fix model.toml, or pass --accept-contradiction to record "
            "the text anyway"
        )
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


def print_drift(spec: Spec, drift: list[Drift], problems: list[PhraseProblem]) -> None:
    where = display(spec.directory)
    if drift:
        typer.echo(f"{where}: the terms text has drifted from the model ({len(drift)} provisions)")
    for entry in drift:
        typer.echo(f"  {entry.sentence()}")
        for before, after in _wording_change(spec, entry):
            typer.echo(f"    was: 「{before}」")
            typer.echo(f"    now: 「{after}」")
        if entry.elements:
            typer.echo(f"    model: {', '.join(entry.elements)}")
        if entry.properties:
            typer.echo(f"    properties: {', '.join(entry.properties)}")
    if problems:
        count = len(problems)
        typer.echo(f"{where}: {count} value(s) of the model contradict the words they quote")
    for problem in problems:
        typer.echo(f"  {problem.sentence()}")
    if drift:
        typer.echo(
            "Review the model against the new wording, then run "
            f"`termcheck fingerprints {where} --update`."
        )


def _wording_change(spec: Spec, entry: Drift) -> list[tuple[str, str]]:
    """The changed spans of a provision's wording, old beside new, where the old
    wording can be recovered (termcheck.model.history)."""
    if entry.kind is not Kind.CHANGED or entry.recorded is None:
        return []
    current = next((a.text for a in spec.articles if a.id == entry.article), None)
    text_path = spec.directory / spec.document.terms.text
    before = reviewed_wording(text_path, entry.article, entry.recorded)
    if current is None or before is None:
        return []
    return side_by_side(before, current)


def drift_gate(spec: Spec, loaded: list[Property], *, as_json: bool, timings: bool) -> None:
    """`termcheck verify` before it proves: exit 1 naming what rests on drifted text."""
    drift = find_drift(spec, loaded)
    problems = phrase_problems(spec)
    if not drift and not problems:
        return
    if as_json:
        typer.echo(to_json(document(spec, [], timings=timings, properties=loaded)), nl=False)
    else:
        print_drift(spec, drift, problems)
        typer.echo("Nothing was proved: the model may no longer say what the terms say.")
    raise typer.Exit(EXIT_DRIFT)
