"""The engine is general: nothing under src/ knows a particular agreement.

A new wording of the terms must be a change to model/ alone. So no string in the package
names an element of a shipped model (a fact, a quantity, a value of an enumeration, a
document), and no text in it, comments included, cites an article of an agreement; the
civil code (民法第140条・第143条) is the calendar's, not an agreement's.
"""

from __future__ import annotations

import ast
import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from termcheck.checks import REGISTRY, effective
from termcheck.model import lifecycle_formulas, schema
from termcheck.model.spec import load_spec
from termcheck.render import words as report_words

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "termcheck"
MODELS = sorted(path.parent for path in (ROOT / "model").rglob("model.toml"))
SOURCES = sorted(PACKAGE.rglob("*.py"))
ARTICLE = re.compile(r"(?<!民法)(?<!民法第\d{3}条・)第[0-9０-９]+条")


def _engine_words() -> frozenset[str]:
    """The engine's own vocabulary, which a model may also use as names: the fields of
    model.toml (a price list's `monthly_fee`, a transition's `ground`), a lifecycle's
    records (`contract.termination_month`), the built-in checks and their parameters."""
    words: set[str] = set()
    for module in (schema, effective):  # model.toml and a quote's file
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                for name, info in value.model_fields.items():
                    words |= {name, info.alias or name, *_literals(info.annotation)}
    # The words of a report (契約者 / customer, the marks of a month).
    for table in vars(report_words).values():
        if isinstance(table, dict):
            words |= {key for key in table if isinstance(key, str)}
    for names in (lifecycle_formulas.DATES, lifecycle_formulas.MONTHS, lifecycle_formulas.FLAGS):
        words |= set(names)
    for kind in REGISTRY.kinds():
        words.add(kind)
        for name in REGISTRY.names(kind):
            words |= {name, *REGISTRY.params(kind, name)}
    return frozenset(words)


def _literals(annotation: object) -> set[str]:
    """The values a field's type allows by name: Literal["customer", "company"]."""
    if typing.get_origin(annotation) is typing.Literal:
        return {arg for arg in typing.get_args(annotation) if isinstance(arg, str)}
    found: set[str] = set()
    for arg in typing.get_args(annotation):
        found |= _literals(arg)
    return found


ENGINE_WORDS = _engine_words()


def _model_names(directory: Path) -> set[str]:
    spec = load_spec(directory)
    doc = spec.document
    names = {fact.id for fact in doc.facts} | set(doc.quantities)
    names |= {value.id for enum in doc.enums for value in enum.values}
    names |= {document.id for document in doc.documents}
    return names - ENGINE_WORDS


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    exported = {  # the names in `__all__` are the package's own
        id(element)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        for element in ast.walk(node.value)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings | exported
    ]


@pytest.mark.parametrize("model", MODELS, ids=lambda p: str(p.relative_to(ROOT / "model")))
def test_no_string_in_the_package_names_an_element_of_a_model(model: Path) -> None:
    names = _model_names(model)
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in SOURCES
        for line, text in _strings(path)
        if text in names
    ]
    assert not found, "the engine names a model's element:\n" + "\n".join(found)


def test_no_text_in_the_package_cites_an_article_of_an_agreement() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ARTICLE.search(line)
    ]
    assert not found, "cite the model's articles from model.toml:\n" + "\n".join(found)


def test_the_checks_catch_what_they_look_for(tmp_path: Path) -> None:
    # The scans above must be able to fail: a source naming a ground, a comment citing
    # an article, while the civil code stays allowed.
    source = tmp_path / "bad.py"
    source.write_text('GROUND = "nonperformance"  # 第11条第1項\n# 民法第143条\n', "utf-8")
    assert (1, "nonperformance") in _strings(source)
    assert "nonperformance" in _model_names(ROOT / "model" / "usen-gate02-iij-id")
    lines = source.read_text(encoding="utf-8").splitlines()
    assert [bool(ARTICLE.search(line)) for line in lines] == [True, False]
