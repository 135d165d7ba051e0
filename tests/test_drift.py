"""Article drift: the terms text changing under a model that was reviewed against it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from termcheck import load_properties
from termcheck.cli import app
from termcheck.errors import InputError
from termcheck.model.drift import Kind, find_drift, with_table
from termcheck.model.schema import Fingerprints
from termcheck.model.spec import Spec, load_spec
from termcheck.verify.properties import Property

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "model" / "usen-gate02-iij-id"
PROPERTIES = ROOT / "properties"

NOTICE_BEFORE = "その 2 ヶ月前までに当社所定の書面により"
NOTICE_AFTER = "その3ヶ月前までに当社所定の書面により"
# A rewording no value of the model quotes: recorded by --update without contradiction
# (a changed notice period is refused, tests/test_phrases.py).
FORM_BEFORE = "当社所定の書面により当社に通知する"
FORM_AFTER = "当社所定の書面または電磁的方法により当社に通知する"


@pytest.fixture(scope="module")
def properties(spec: Spec) -> list[Property]:
    return load_properties(PROPERTIES, spec)


def copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(SHIPPED, target)
    return target


def edit(path: Path, before: str, after: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(before) == 1, before
    path.write_text(text.replace(before, after), encoding="utf-8")


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_the_shipped_fingerprints_are_current(spec: Spec, properties: list[Property]) -> None:
    drift = find_drift(spec, properties)
    assert not drift, (
        "model.toml's [fingerprints] do not match terms.ja.md: review the model, then run "
        "`termcheck fingerprints --update`: " + "; ".join(d.sentence() for d in drift)
    )


def test_a_changed_article_names_the_elements_and_properties_resting_on_it(
    tmp_path: Path, properties: list[Property]
) -> None:
    model = copy_model(tmp_path)
    edit(model / "terms.ja.md", NOTICE_BEFORE, NOTICE_AFTER)
    drift = find_drift(load_spec(model), properties)
    assert [(d.kind, d.article) for d in drift] == [(Kind.CHANGED, "10-1")]
    assert {
        "quantities.notice_months",
        "quantities.notice_deadline",
        "enums[ground].values[customer]",
        "lifecycle.guards[notice-timely]",
    } <= set(drift[0].elements)
    assert "notice.deadline-before-termination-month" in drift[0].properties
    assert drift[0].recorded != drift[0].current


def test_adding_or_removing_a_provision_is_drift(tmp_path: Path) -> None:
    model = copy_model(tmp_path)
    terms = model / "terms.ja.md"
    text = terms.read_text(encoding="utf-8")
    start, end = text.index("2 当社規程に定めるほか、"), text.index("## 第15条")
    terms.write_text(text[:start] + text[end:], encoding="utf-8")  # 第14条第2項 goes
    edit(  # 第7条第4項 comes
        terms,
        "## 第8条",
        "4 当社は、料金の支払いを遅延した契約者に遅延損害金を請求することがあります。\n\n## 第8条",
    )
    drift = {(d.kind, d.article) for d in find_drift(load_spec(model), [])}
    assert (Kind.ADDED, "7-4") in drift
    assert (Kind.REMOVED, "14-2") in drift
    assert (Kind.CHANGED, "14") in drift  # its [[not_modelled]] reason rests on it


def test_verify_fails_with_exit_1_before_proving(tmp_path: Path) -> None:
    model = copy_model(tmp_path)
    edit(model / "terms.ja.md", NOTICE_BEFORE, NOTICE_AFTER)
    text = run("verify", str(model))
    assert text.exit_code == 1
    assert "第10条 (10-1)" in text.output and "fingerprints" in text.output
    assert "notice.deadline-before-termination-month" in text.output
    assert "Nothing was proved" in text.output
    as_json = run("verify", str(model), "--format", "json")
    assert as_json.exit_code == 1
    doc = json.loads(as_json.output)
    assert doc["exit_code"] == 1 and doc["properties"] == []
    assert [d["article"] for d in doc["drift"]] == ["10-1"]
    assert "coverage" in doc


def test_the_json_document_carries_an_empty_drift_list_when_current() -> None:
    result = run("verify", "--format", "json", "--only", "penalty.nonnegative")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["drift"] == []
    assert doc["coverage"]["summary"]["unreviewed"] >= 0


def test_fingerprints_lists_drift_then_update_records_only_the_table(tmp_path: Path) -> None:
    model = copy_model(tmp_path)
    edit(model / "terms.ja.md", FORM_BEFORE, FORM_AFTER)
    before = (model / "model.toml").read_text(encoding="utf-8")
    listed = run("fingerprints", str(model))
    assert listed.exit_code == 1 and "10-1" in listed.output
    assert (model / "model.toml").read_text(encoding="utf-8") == before
    updated = run("fingerprints", str(model), "--update")
    assert updated.exit_code == 0, updated.output
    after = (model / "model.toml").read_text(encoding="utf-8")
    head = before[: before.index("[fingerprints]")]
    assert after.startswith(head)
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(changed) == 1 and changed[0].startswith('"10-1" = ')
    assert run("fingerprints", str(model)).exit_code == 0
    assert run("fingerprints", str(model), "--update").output.endswith("already current\n")
    assert [p.name for p in model.iterdir() if p.name.startswith(".")] == []


def test_update_appends_a_missing_table(tmp_path: Path, properties: list[Property]) -> None:
    model = copy_model(tmp_path)
    text = (model / "model.toml").read_text(encoding="utf-8")
    bare = text[: text.index("[fingerprints]")]
    (model / "model.toml").write_text(bare, encoding="utf-8")
    drift = find_drift(load_spec(model), properties)
    assert drift and {d.kind for d in drift} == {Kind.UNRECORDED}
    assert run("fingerprints", str(model), "--update").exit_code == 0
    assert (model / "model.toml").read_text(encoding="utf-8").startswith(bare)
    assert find_drift(load_spec(model), properties) == []


def test_with_table_keeps_what_follows_the_table_byte_for_byte() -> None:
    table = Fingerprints(provisions=["1", "1-1"], cited={"1": "0123456789abcdef"})
    text = (
        '[a]\nx = 1\n\n[fingerprints]\nprovisions = ["9"]\n\n[fingerprints.cited]\n'
        '"9" = "ffffffffffffffff"\n\n# The next table, and its comment.\n[b]\ny = "z"\n'
    )
    result = with_table(text, table)
    assert result.startswith("[a]\nx = 1\n\n[fingerprints]\n")
    assert result.endswith(
        '"1" = "0123456789abcdef"\n\n# The next table, and its comment.\n[b]\ny = "z"\n'
    )


def test_a_table_split_across_the_file_is_refused_untouched(tmp_path: Path) -> None:
    model = copy_model(tmp_path)
    edit(model / "terms.ja.md", FORM_BEFORE, FORM_AFTER)
    path = model / "model.toml"
    text = path.read_text(encoding="utf-8")
    cited = text[text.index("[fingerprints.cited]") :]
    split = cited + "\n" + text[: text.index("[fingerprints.cited]")]
    path.write_text(split, encoding="utf-8")
    result = run("fingerprints", str(model), "--update")
    assert result.exit_code == 2 and "cannot rewrite [fingerprints]" in result.output
    assert path.read_text(encoding="utf-8") == split


@pytest.mark.parametrize(
    ("before", "after", "field"),
    [
        ('"9-2" = "', '"9-2" = "X', "fingerprints.cited.9-2"),
        ('article = "17"', 'article = "99"', "not_modelled.7.article"),
        ('reason = "governing law: nothing to compute"', 'reason = " "', "not_modelled.7.reason"),
    ],
)
def test_the_review_tables_are_validated_at_their_line(
    tmp_path: Path, before: str, after: str, field: str
) -> None:
    model = copy_model(tmp_path)
    edit(model / "model.toml", before, after)
    line = next(
        n
        for n, text in enumerate((model / "model.toml").read_text().splitlines(), start=1)
        if after in text
    )
    with pytest.raises(InputError) as error:
        load_spec(model)
    assert error.value.field == field
    assert error.value.position is not None and error.value.position.line == line
