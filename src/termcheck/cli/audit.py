"""`termcheck audit`: check real billing records against the terms.

Every record whose charges differ from what the terms decide is reported with the
charge, what was charged and what is due, the difference and the article; records that
are no possible case of the model, and rows that cannot be read, are reported as such.
Exit 0 every record conforms, 1 some record has a finding, 2 bad input (one line naming
the file, the position and the field; nothing written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from termcheck.cli._common import app, fail, jobs_count, load_model, reading_overrides
from termcheck.errors import InputError


@app.command(name="audit")
def audit_command(
    model_dir: Annotated[
        list[Path],
        typer.Argument(
            metavar="[MODEL_DIR] RECORDS",
            help="the model folder (default: the one termcheck.toml names), then the "
            "records (.csv or .parquet)",
            show_default=False,
        ),
    ],
    column_map: Annotated[
        Path | None,
        typer.Option(
            "--map", help="COLUMNS.toml: which column is which fact or charge", show_default=False
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="write the report here instead")] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format", help="csv, json or markdown (default: by --out's suffix, else markdown)"
        ),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask", metavar="SCHEDULER_ADDRESS", help="run the checks on a Dask cluster"
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(help="worker processes on this machine (default: one per core)"),
    ] = None,
    reading: Annotated[
        list[str] | None,
        typer.Option(help="QUANTITY=READING: audit under another reading (repeatable)"),
    ] = None,
) -> None:
    """Check billing records against the terms; exit 0 all conform, 1 findings, 2 bad input."""
    from termcheck.audit import audit_file
    from termcheck.audit.report import FORMATS, SUFFIXES, document, render
    from termcheck.audit.run import check_address
    from termcheck.files import write_atomic

    if not 1 <= len(model_dir) <= 2:
        fail("give [MODEL_DIR] RECORDS: the records file, after the model folder if any")
    records = model_dir[-1]
    directory = model_dir[0] if len(model_dir) == 2 else None
    chosen_format = output_format
    if chosen_format is None:
        chosen_format = SUFFIXES.get(out.suffix.lower(), "markdown") if out else "markdown"
    if chosen_format not in FORMATS:
        fail(f"--format: {chosen_format!r} is not one of: {', '.join(FORMATS)}")
    if out is not None and (out.is_dir() or not out.parent.is_dir()):
        fail(f"--out: cannot write {str(out)!r}: give a file in an existing folder")
    processes = jobs_count(jobs)
    if dask is not None:
        try:
            check_address(dask)
        except InputError as exc:
            fail(str(exc))
    spec = load_model(directory, "MODEL_DIR")
    readings = reading_overrides(spec, reading or [])
    try:
        audit = audit_file(
            spec,
            records,
            map_path=column_map,
            readings=readings,
            jobs=processes,
            dask=dask,
        )
        text = render(document(audit), chosen_format)
        if out is None:
            typer.echo(text, nl=False)
        else:
            write_atomic(out, text)
    except InputError as exc:
        where = f"{exc}" if exc.position is not None or exc.field else f"RECORDS: {exc}"
        fail(where)
    summary = audit.result.summary
    if out is not None:
        typer.echo(
            f"termcheck audit: {summary.records:,} records, {summary.conforming:,} conform, "
            f"{summary.rows_with_findings:,} with findings: {out}",
            err=True,
        )
    raise typer.Exit(summary.exit_code)
