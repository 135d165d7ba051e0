"""The reports of `termcheck verify`, every one rendered from the same document
(:func:`termcheck.report.document`): Markdown and HTML for people, JSON, JUnit XML and
SARIF for machines, and the terminal text.

:func:`plan` turns the command line's `--format`, `--lang` and `--out` into the list of
reports to produce, before anything is verified, so that a bad option fails at once and
writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from termcheck.errors import InputError
from termcheck.files import write_atomic
from termcheck.render import html, junit, markdown, sarif
from termcheck.report.document import to_json
from termcheck.report.present import Lang
from termcheck.report.schema import ReportDocument

__all__ = [
    "FORMATS",
    "HUMAN_FORMATS",
    "LANGS",
    "Report",
    "file_name",
    "plan",
    "render",
    "write_reports",
]

FORMATS = ("markdown", "html", "json", "junit", "sarif", "text")
HUMAN_FORMATS = frozenset({"markdown", "html", "text"})  # in one language each
LANGS: tuple[Lang, ...] = ("ja", "en")
_SUFFIX = {
    "markdown": "md",
    "html": "html",
    "text": "txt",
    "json": "json",
    "junit": "junit.xml",
    "sarif": "sarif",
}


@dataclass(frozen=True)
class Report:
    """One report to produce: its format, its language, and where it goes (None: stdout)."""

    format: str
    lang: Lang
    path: Path | None


def file_name(output_format: str, lang: Lang) -> str:
    """report.ja.md, report.en.html, report.json, report.junit.xml, report.sarif."""
    suffix = _SUFFIX[output_format]
    if output_format in HUMAN_FORMATS:
        return f"report.{lang}.{suffix}"
    return f"report.{suffix}"


def choices(flag: str, values: list[str], allowed: tuple[str, ...]) -> list[str]:
    """The values of a repeatable, comma-separated option, checked, in the order given."""
    chosen: list[str] = []
    for value in values:
        for item in (part.strip() for part in value.split(",")):
            if item not in allowed:
                raise InputError(f"{item!r} is not one of: {', '.join(allowed)}", field=flag)
            if item not in chosen:
                chosen.append(item)
    return chosen


def plan(formats: list[str], langs: list[str], out: Path | None) -> list[Report]:
    """The reports a run produces. One report goes to `out` as a file (or into `out` if it
    is a folder) or to stdout; several need `out`, a folder, and get their standard names.
    """
    kinds = choices("--format", formats, FORMATS) or ["text"]
    readers = cast(list[Lang], choices("--lang", langs, LANGS) or ["ja"])
    wanted = [
        (kind, lang)
        for kind in kinds
        for lang in (readers if kind in HUMAN_FORMATS else readers[:1])
    ]
    if out is None:
        if len(wanted) > 1:
            names = ", ".join(file_name(kind, lang) for kind, lang in wanted)
            raise InputError(
                f"{len(wanted)} reports ({names}) need a folder: add --out FOLDER",
                field="--out",
            )
        return [Report(wanted[0][0], wanted[0][1], None)]
    if len(wanted) > 1 or out.is_dir():
        if out.exists() and not out.is_dir():
            raise InputError(f"{out} is a file; several reports need a folder", field="--out")
        return [Report(kind, lang, out / file_name(kind, lang)) for kind, lang in wanted]
    return [Report(wanted[0][0], wanted[0][1], out)]


def render(doc: ReportDocument, output_format: str, lang: Lang) -> str:
    """The report document in one format ("text" is drawn by the command line itself)."""
    if output_format == "markdown":
        return markdown.render(doc, lang)
    if output_format == "html":
        return html.render(doc, lang)
    if output_format == "json":
        return to_json(doc)
    if output_format == "junit":
        return junit.render(doc)
    if output_format == "sarif":
        return sarif.render(doc)
    raise ValueError(f"no renderer for {output_format!r}")


def write_reports(
    reports: list[Report], doc: ReportDocument, text: Callable[[Lang], str]
) -> list[Path]:
    """Render every report first, then write each atomically: a renderer that fails
    leaves every file as it was. `text` draws the terminal text in a language."""
    rendered = [
        (
            report.path,
            text(report.lang)
            if report.format == "text"
            else render(doc, report.format, report.lang),
        )
        for report in reports
        if report.path is not None
    ]
    for path, content in rendered:
        write_atomic(path, content)
    return [path for path, _ in rendered]
