"""Mutation adequacy (`termcheck mutate`): the catalogue, applying a mutant, the verdicts.

The full run over the shipped properties is the CI step `termcheck mutate`; these tests
check the machinery on a few properties so that they stay fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SHIPPED_MODEL, SHIPPED_PROPERTIES
from termcheck.analyses import mutate
from termcheck.analyses.mutate import Mutation, Verdict
from termcheck.checks import REGISTRY
from termcheck.cli import app
from termcheck.model.spec import Spec
from termcheck.verify.properties import Property, load_properties
from termcheck.verify.results import DEFAULT_RLIMIT

GROUNDS_PROPERTY = """
[[property]]
id = "penalty.grounds-as-written"
articles = ["9-2"]
title_ja = "違約金は第9条第2項が挙げる事由でのみ発生する"
title_en = "The penalty arises exactly on the grounds 第9条第2項 lists"
assume = "remaining_months > 0"
assert = 'penalty_applies == (ground in {"customer", "nonperformance", "antisocial-status"})'
expect = "holds"
"""

NOTICE_THREE = "quantities.notice_months: 2 → 3 at 1:1"
WITH_IMMEDIATE = 'quantities.penalty_grounds: with "immediate" at 1:1'
EQUIVALENT = "quantities.remaining_months: 1 → 2 at 2:69"
ADOPT_ANNUAL_FEE = "quantities.liability_cap: adopt annual-fee"


@pytest.fixture(scope="module")
def shipped_properties(spec: Spec) -> list[Property]:
    return load_properties(SHIPPED_PROPERTIES, spec, REGISTRY)


def _only(properties: list[Property], *ids: str) -> list[Property]:
    by_id = {p.id: p for p in properties}
    return [by_id[i] for i in ids]


def _mutation(spec: Spec, mutation_id: str) -> Mutation:
    return next(m for m in mutate.catalogue(spec) if m.id == mutation_id)


def _judge(spec: Spec, props: list[Property], mutation: Mutation, rlimit: int = DEFAULT_RLIMIT):
    return mutate.judge(spec, props, mutation, rlimit, REGISTRY)


def test_catalogue_covers_every_kind_of_change(spec: Spec) -> None:
    ids = [m.id for m in mutate.catalogue(spec)]
    for expected in (
        "quantities.minimum_term_months: 12 → 11 at 1:1",  # a number one down
        NOTICE_THREE,  # a number one up
        'quantities.penalty_grounds: without "customer" at 1:1',  # a set loses a value
        WITH_IMMEDIATE,  # a set gains a value of its enumeration
        "quantities.within_minimum_term: `<=` → `<` at 1:13",  # a comparison made strict
        "quantities.penalty: `if` branches swapped at 1:1",
        "quantities.total_charged: `+ …` dropped at 1:13",  # a term dropped
        "quantities.remaining_months: `min` → `max` at 1:1",
        "quantities.notice_deadline[clear-months]: `-` → `+` at 1:55",  # inside a reading
        "quantities.notice_deadline: adopt clear-months",  # another reading adopted
        ADOPT_ANNUAL_FEE,
        "relations[terminated-after-formation]: `>=` → `>` at 1:19",
        "lifecycle.guards[on-or-after-formation]: `>=` → `>` at 1:10",
        "documents[terms].modelled=false",  # the structure, from its pydantic types
        "price_list.items[basic].minimum_ids=101",
    ):
        assert expected in ids, expected
    assert len(ids) == len(set(ids))
    assert ids == [m.id for m in mutate.catalogue(spec)]  # deterministic order


def test_every_formula_mutant_names_its_quantity(spec: Spec) -> None:
    for mutation in mutate.catalogue(spec):
        if mutation.section == "quantities":
            assert mutation.quantity == mutation.path[1]
            assert mutation.quantity in spec.vocabulary.entries
        else:
            assert mutation.quantity is None


def test_a_mutant_changes_only_its_formula(spec: Spec) -> None:
    mutant = mutate.apply(spec, _mutation(spec, NOTICE_THREE))
    before = spec.document.model_dump()
    after = mutant.document.model_dump()
    assert after["quantities"]["notice_months"]["formula"] == "3"
    after["quantities"]["notice_months"]["formula"] = before["quantities"]["notice_months"][
        "formula"
    ]
    assert after == before
    assert spec.vocabulary.constants["notice_months"] == 2  # the original is untouched
    assert mutant.vocabulary.constants["notice_months"] == 3


def test_a_property_kills_the_mutants_it_pins(
    spec: Spec, shipped_properties: list[Property]
) -> None:
    chosen = _only(shipped_properties, "penalty.grounds-as-written")
    result = _judge(spec, chosen, _mutation(spec, WITH_IMMEDIATE))
    assert result.verdict is Verdict.KILLED
    assert result.killed_by == "penalty.grounds-as-written"
    assert result.explained


def test_a_survivor_without_why_fails_the_run(
    spec: Spec, shipped_properties: list[Property]
) -> None:
    chosen = _only(shipped_properties, "penalty.nonnegative")
    survivor = _judge(spec, chosen, _mutation(spec, NOTICE_THREE))
    assert survivor.verdict is Verdict.SURVIVED
    assert not survivor.explained
    assert mutate.exit_code([survivor]) == 1


def test_a_survivor_with_why_is_explained(spec: Spec, shipped_properties: list[Property]) -> None:
    chosen = _only(shipped_properties, "penalty.within-remaining-term-fees")
    survivor = _judge(spec, chosen, _mutation(spec, EQUIVALENT))
    assert survivor.verdict is Verdict.SURVIVED
    assert survivor.explained and survivor.mutation.why
    assert mutate.exit_code([survivor]) == 0


def test_the_argued_equivalence_really_survives_every_property(
    spec: Spec, shipped_properties: list[Property]
) -> None:
    # The explanation in model.toml is a claim; the whole property set must agree with it.
    survivor = _judge(spec, shipped_properties, _mutation(spec, EQUIVALENT))
    assert survivor.verdict is Verdict.SURVIVED, survivor.detail


def test_a_finding_that_disappears_kills_the_mutant(
    spec: Spec, shipped_properties: list[Property]
) -> None:
    chosen = _only(shipped_properties, "liability.cap-positive-while-provided")
    result = _judge(spec, chosen, _mutation(spec, ADOPT_ANNUAL_FEE))
    assert result.verdict is Verdict.KILLED
    assert "expected finding" in result.detail


def test_an_ill_typed_mutant_is_rejected_not_run(spec: Spec) -> None:
    path = ("quantities", "notice_months", "formula")
    for text in ('"two"', "2 +"):
        result = _judge(spec, [], Mutation("bad", path, text, "bad"))
        assert result.verdict is Verdict.REJECTED
        assert "notice_months" in result.detail
        assert result.explained


def test_an_undecided_mutant_fails_the_run(spec: Spec, shipped_properties: list[Property]) -> None:
    chosen = _only(shipped_properties, "penalty.no-month-charged-twice-or-never")
    result = _judge(spec, chosen, _mutation(spec, EQUIVALENT), rlimit=1)
    assert result.verdict is Verdict.UNDECIDED
    assert mutate.exit_code([result]) == 1


def test_only_the_properties_that_reach_a_quantity_observe_its_mutants(
    spec: Spec, shipped_properties: list[Property]
) -> None:
    penalty, notice = _only(
        shipped_properties, "penalty.nonnegative", "notice.deadline-two-months-ahead"
    )
    assert "penalty" in mutate.reached(spec, penalty)
    assert "remaining_months" in mutate.reached(spec, penalty)  # through the formula
    assert "notice_months" in mutate.reached(spec, notice)
    chosen = [penalty, notice]
    assert mutate.observers(spec, chosen, _mutation(spec, NOTICE_THREE)) == [notice]
    # No scenario property looks at the price list; a relation is seen by every case.
    basic = _mutation(spec, "price_list.items[basic].minimum_ids=101")
    assert mutate.observers(spec, chosen, basic) == []
    relation = _mutation(spec, "relations[terminated-after-formation]: `>=` → `>` at 1:19")
    assert mutate.observers(spec, chosen, relation) == chosen


def test_a_crash_while_checking_a_mutant_fails_the_run(
    spec: Spec, shipped_properties: list[Property], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crashing(*_: object) -> object:
        raise KeyError("a bug in a check")
        yield  # a generator, as check_all is

    monkeypatch.setattr(mutate, "check_all", crashing)
    chosen = _only(shipped_properties, "penalty.nonnegative")
    result = _judge(spec, chosen, _mutation(spec, EQUIVALENT))
    assert result.verdict is Verdict.CRASHED
    assert "KeyError" in result.detail
    assert mutate.exit_code([result]) == 1


def test_every_mutation_names_a_field_of_the_model(spec: Spec) -> None:
    data = spec.document.model_dump(mode="json", by_alias=True)
    for mutation in mutate.catalogue(spec):
        target = data
        for part in mutation.path[:-1]:
            target = target[part]
        assert mutation.path[-1] in target or isinstance(target, list), mutation.id
        assert mutation.path[0] in mutate.mutable_sections()


def test_the_shipped_explanations_name_mutants_of_the_catalogue(spec: Spec) -> None:
    assert mutate.stale_explanations(spec) == []


def _copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    target.mkdir()
    for source in SHIPPED_MODEL.rglob("*"):
        if source.is_file():
            destination = target / source.relative_to(SHIPPED_MODEL)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(source.read_bytes())
    return target


def test_an_explanation_left_behind_by_an_edit_fails_the_run(tmp_path: Path) -> None:
    model = _copy_model(tmp_path)
    toml = model / "model.toml"
    # Reformatting the formula moves its literals: the argued mutant's id no longer exists.
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        text.replace('mutant = "quantities.remaining_months: 1 → 2 at 2:69"', 'mutant = "gone"'),
        encoding="utf-8",
    )
    props = tmp_path / "props"
    props.mkdir()
    (props / "grounds.toml").write_text(GROUNDS_PROPERTY, encoding="utf-8")
    args = ["mutate", str(model), "--properties", str(props), "--section", "relations"]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["stale_explanations"] == ["gone"]


def test_cli_lists_unexplained_survivors_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "grounds.toml").write_text(GROUNDS_PROPERTY, encoding="utf-8")
    args = ["mutate", "--properties", str(tmp_path), "--section", "quantities"]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    verdicts = {m["id"]: m for m in document["mutants"]}
    assert verdicts[WITH_IMMEDIATE]["verdict"] == "killed"
    assert verdicts[NOTICE_THREE]["verdict"] == "survived"
    assert verdicts[NOTICE_THREE]["explained"] is False
    assert all(m["field"].startswith("quantities.") for m in document["mutants"])
    assert document["summary"]["unexplained"] > 0
    assert document["exit_code"] == 1


def test_the_verdicts_are_the_same_for_every_number_of_jobs(tmp_path: Path) -> None:
    (tmp_path / "grounds.toml").write_text(GROUNDS_PROPERTY, encoding="utf-8")
    args = ["mutate", "--properties", str(tmp_path), "--section", "quantities"]
    runs = [CliRunner().invoke(app, [*args, "--format", "json", "--jobs", jobs]) for jobs in "13"]
    assert runs[0].exit_code == runs[1].exit_code == 1
    assert runs[0].stdout == runs[1].stdout


def test_cli_refuses_an_unknown_format() -> None:
    result = CliRunner().invoke(app, ["mutate", "--format", "yaml"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "termcheck: --format: 'yaml' is not one of: text, json"


def test_cli_refuses_an_unknown_section() -> None:
    result = CliRunner().invoke(app, ["mutate", "--section", "nonsense"])
    assert result.exit_code == 2
    assert result.stderr.startswith("termcheck: --section: 'nonsense' is not one of: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_mutant_is_judged_without_making_its_counterexample_readable(
    spec: Spec, shipped_properties: list[Property], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: on this mutant the readable-witness search ran a minute per solver call
    # (non-linear terms, which Z3's rlimit hardly counts), and CI's mutate ran past 15
    # minutes. Only the verdict counts for a mutant: Z3's own model is replayed instead.
    from termcheck.verify import scenario

    def refused(*_: object, **__: object) -> None:
        raise AssertionError("a mutant's counterexample was made readable")

    monkeypatch.setattr(scenario, "readable", refused)
    mutation = _mutation(spec, "quantities.remaining_months: `min` → `max` at 1:1")
    result = _judge(spec, shipped_properties, mutation)
    assert result.verdict is Verdict.KILLED, result.detail
