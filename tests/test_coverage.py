"""Coverage: articles × model elements × properties, and what nothing rests on."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from termcheck import load_properties
from termcheck.cli import app
from termcheck.model.coverage import Status, coverage, model_citations, parent_id
from termcheck.model.schema import NotModelled
from termcheck.model.spec import Spec
from termcheck.model.tomlfile import TomlFile
from termcheck.verify.properties import Property

from strategies import with_document

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def properties(spec: Spec) -> list[Property]:
    return load_properties(ROOT / "properties", spec)


def row(spec: Spec, properties: list[Property], article_id: str) -> Any:
    return next(r for r in coverage(spec, properties).rows if r.article.id == article_id)


def test_every_provision_has_a_row(spec: Spec, properties: list[Property]) -> None:
    result = coverage(spec, properties)
    assert [r.article.id for r in result.rows] == [a.id for a in spec.articles]


def test_a_cited_provision_lists_its_elements_and_properties(
    spec: Spec, properties: list[Property]
) -> None:
    penalty = row(spec, properties, "9-2")
    assert penalty.status is Status.MODELLED
    assert "quantities.penalty" in penalty.elements
    assert "penalty.nonnegative" in penalty.properties
    assert row(spec, properties, "9").status is Status.PARTIAL  # its paragraphs are cited
    # An item inside a cited paragraph rests on what the paragraph rests on.
    assert row(spec, properties, "11-2-3").status is Status.MODELLED


def test_unmodelled_articles_carry_their_reason_or_unreviewed(
    spec: Spec, properties: list[Property]
) -> None:
    uncovered = {r.article.id: r for r in coverage(spec, properties).uncovered}
    for article_id in ("1", "2", "14", "15", "17", "18"):
        assert uncovered[article_id].status is Status.NOT_MODELLED
        assert uncovered[article_id].reason
    assert "governing law" in (uncovered["17"].reason or "")
    # Nothing is listed twice: a provision inside an uncovered one is not repeated.
    assert all(parent_id(a) not in uncovered for a in uncovered)
    for entry in uncovered.values():
        assert entry.status is Status.NOT_MODELLED or entry.reason is None


def test_a_provision_nobody_reviewed_is_unreviewed(spec: Spec, properties: list[Property]) -> None:
    kept = [e for e in spec.document.not_modelled if e.article != "17"]
    result = coverage(with_document(spec, not_modelled=kept), properties)
    seventeen = next(r for r in result.uncovered if r.article.id == "17")
    assert seventeen.status is Status.UNREVIEWED and seventeen.reason is None


def test_any_section_that_cites_an_article_is_picked_up(
    spec: Spec, properties: list[Property]
) -> None:
    # A section this module has never heard of, as another part of the model might add.
    data = dict(spec.source.data)
    data["future"] = {"rules": [{"id": "quiet", "articles": ["18-1"]}, {"article": "15"}]}
    source = TomlFile(spec.source.path, spec.source.text, data)
    widened = replace(spec, source=source)
    cited = {(c.article, c.element) for c in model_citations(widened)}
    assert ("18-1", "future.rules[quiet]") in cited and ("15", "future.rules[1]") in cited
    assert row(widened, properties, "18-1").elements == ("future.rules[quiet]",)
    result = coverage(widened, properties)
    assert {"15", "18"} <= set(result.contradicted)  # listed as not modelled, yet cited


def test_the_review_tables_are_not_citations(spec: Spec) -> None:
    elements = {c.element for c in model_citations(spec)}
    assert not any(e.startswith(("fingerprints", "not_modelled")) for e in elements)


def test_not_modelled_of_a_cited_article_is_contradicted(
    spec: Spec, properties: list[Property]
) -> None:
    extra = [*spec.document.not_modelled, NotModelled(article="9-2", reason="a mistake")]
    result = coverage(with_document(spec, not_modelled=extra), properties)
    assert result.contradicted == ("9-2",)


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_the_command(output_format: str) -> None:
    result = CliRunner().invoke(app, ["coverage", "--format", output_format])
    assert result.exit_code == 0, result.output
    assert "17" in result.output or "第17条" in result.output
    if output_format == "json":
        doc = json.loads(result.output)
        assert {"provisions", "uncovered", "summary", "contradicted"} <= set(doc)
    if output_format == "markdown":
        assert "| provision | title | status | model elements | properties |" in result.output


def test_the_command_refuses_a_bad_format() -> None:
    result = CliRunner().invoke(app, ["coverage", "--format", "pdf"])
    assert result.exit_code == 2 and "--format" in result.output
