"""Which provisions of the terms the model and the properties rest on, and which none does.

A provision rests on nothing when no `article`/`articles` value of model.toml and no
property cites it, its ancestors or its descendants. Every such provision is listed with
the reason model.toml records for leaving it out (`[[not_modelled]]`), or as
"unreviewed". The citations are found by scanning every `article`/`articles` value of
model.toml rather than a fixed list of sections, so that a section added to the model
appears here without a change to this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from termcheck.model.articles import Article
from termcheck.model.spec import Spec
from termcheck.verify.properties import Property

# Tables of model.toml that record the review rather than read the terms: their
# `article` values are not something the model rests on.
REVIEW_TABLES = ("fingerprints", "not_modelled", "equivalent_mutants")
CITING_KEYS = ("article", "articles")


@dataclass(frozen=True)
class Citation:
    """One element that rests on a provision: a model element or a property."""

    article: str
    element: str  # "penalty", "grounds[immediate]", or a property id
    by_property: bool


def model_citations(spec: Spec) -> list[Citation]:
    """Every `article`/`articles` value of model.toml, named by the element holding it."""
    return [
        Citation(article, element, by_property=False)
        for element, article in _scan(spec.source.data, ())
    ]


def property_citations(properties: list[Property]) -> list[Citation]:
    return [
        Citation(article, prop.id, by_property=True)
        for prop in properties
        for article in prop.articles
    ]


def not_modelled_citations(spec: Spec) -> list[Citation]:
    """The [[not_modelled]] entries: their reasons rest on the wording too (drift)."""
    return [
        Citation(entry.article, f"not_modelled[{entry.article}]", by_property=False)
        for entry in spec.document.not_modelled
    ]


def _scan(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if not path and key in REVIEW_TABLES:
                continue
            if key in CITING_KEYS:
                yield from ((_element(path), article) for article in _cited(value))
            else:
                yield from _scan(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            name = item.get("id") if isinstance(item, dict) else None
            label = f"{path[-1]}[{name if isinstance(name, str) else index}]"
            yield from _scan(item, (*path[:-1], label))


def _cited(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _element(path: tuple[str, ...]) -> str:
    return ".".join(path) if path else "(top level)"


def parent_id(article_id: str) -> str | None:
    """The provision that contains `article_id` ("N-M" for "N-M-K"), None for an article."""
    return article_id.rsplit("-", 1)[0] if "-" in article_id else None


def lineage(article_id: str) -> list[str]:
    """`article_id` and every provision containing it, innermost first."""
    chain = [article_id]
    while (parent := parent_id(chain[-1])) is not None:
        chain.append(parent)
    return chain


# --- The matrix ------------------------------------------------------------------------


class Status(StrEnum):
    MODELLED = "modelled"  # cited itself, or inside a cited provision
    PARTIAL = "partial"  # not cited, but some provision inside it is
    NOT_MODELLED = "not-modelled"  # left out, with a reason recorded in model.toml
    UNREVIEWED = "unreviewed"  # left out, and nobody has said why


UNCOVERED = (Status.NOT_MODELLED, Status.UNREVIEWED)


@dataclass(frozen=True)
class Row:
    article: Article
    status: Status
    elements: tuple[str, ...]  # model elements citing this very provision
    properties: tuple[str, ...]  # properties citing this very provision
    reason: str | None  # from [[not_modelled]] (on it or on a provision containing it)


@dataclass(frozen=True)
class Coverage:
    rows: tuple[Row, ...]  # every provision, in document order
    uncovered: tuple[Row, ...]  # the outermost provisions nothing rests on
    # [[not_modelled]] entries that the model or a property cites after all.
    contradicted: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        articles = [row for row in self.rows if parent_id(row.article.id) is None]
        counts = {status.value: 0 for status in Status}
        for row in articles:
            counts[row.status.value] += 1
        counts["articles"] = len(articles)
        counts["provisions"] = len(self.rows)
        # Paragraphs nothing rests on inside partly modelled articles count here too.
        counts["uncovered"] = len(self.uncovered)
        counts["uncovered_unreviewed"] = sum(
            1 for row in self.uncovered if row.status is Status.UNREVIEWED
        )
        return counts


def coverage(spec: Spec, properties: list[Property]) -> Coverage:
    citations = model_citations(spec) + property_citations(properties)
    cited = {c.article for c in citations}
    reasons = {entry.article: entry.reason for entry in spec.document.not_modelled}
    inside_cited = {a for c in cited for a in lineage(c)[1:]}
    rows = tuple(
        _row(article, citations, cited, inside_cited, reasons) for article in spec.articles
    )
    status_of = {row.article.id: row.status for row in rows}
    uncovered = tuple(
        row
        for row in rows
        if row.status in UNCOVERED
        and status_of.get(parent_id(row.article.id) or "", Status.PARTIAL) not in UNCOVERED
    )
    contradicted = tuple(sorted(a for a in reasons if a in cited or a in inside_cited))
    return Coverage(rows, uncovered, contradicted)


def _row(
    article: Article,
    citations: list[Citation],
    cited: set[str],
    inside_cited: set[str],
    reasons: dict[str, str],
) -> Row:
    own = [c for c in citations if c.article == article.id]
    elements = tuple(sorted({c.element for c in own if not c.by_property}))
    properties = tuple(sorted({c.element for c in own if c.by_property}))
    reason = next((reasons[a] for a in lineage(article.id) if a in reasons), None)
    if any(a in cited for a in lineage(article.id)):
        status = Status.MODELLED
    elif article.id in inside_cited:
        status = Status.PARTIAL
    else:
        status = Status.NOT_MODELLED if reason is not None else Status.UNREVIEWED
    return Row(article, status, elements, properties, reason)


# --- As JSON and as lines ----------------------------------------------------------------


def as_json(result: Coverage) -> dict[str, Any]:
    return {
        "summary": result.counts(),
        "provisions": [_row_json(row) for row in result.rows],
        "uncovered": [_row_json(row) for row in result.uncovered],
        "contradicted": list(result.contradicted),
    }


def _row_json(row: Row) -> dict[str, Any]:
    return {
        "id": row.article.id,
        "heading": row.article.heading,
        "title": row.article.title,
        "status": row.status.value,
        "elements": list(row.elements),
        "properties": list(row.properties),
        "reason": row.reason,
    }


def matrix_rows(result: Coverage) -> list[Row]:
    """The rows worth a line in a table: every article, and every provision that is
    cited itself or is among the uncovered ones. Items of a cited paragraph inherit its
    status and would only repeat it."""
    uncovered = {row.article.id for row in result.uncovered}
    return [
        row
        for row in result.rows
        if parent_id(row.article.id) is None
        or row.elements
        or row.properties
        or row.article.id in uncovered
        or row.status is Status.PARTIAL
    ]
