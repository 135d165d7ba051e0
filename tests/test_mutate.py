"""Mutation adequacy (`termcheck mutate`): the catalogue, applying a mutant, the verdicts.

The full run over the shipped properties is the CI step `termcheck mutate`; these tests
check the machinery on a few properties so that they stay fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from termcheck import mutate
from termcheck.check import DEFAULT_RLIMIT
from termcheck.cli import app
from termcheck.mutate import Mutation, Verdict
from termcheck.properties import Property, load_properties
from termcheck.spec import Spec

ROOT = Path(__file__).resolve().parents[1]

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


@pytest.fixture(scope="module")
def shipped_properties(spec: Spec) -> list[Property]:
    return load_properties(ROOT / "properties", spec)


def _only(properties: list[Property], *ids: str) -> list[Property]:
    chosen = [p for p in properties if p.id in ids]
    assert len(chosen) == len(ids)
    return chosen


def _mutation(spec: Spec, mutation_id: str) -> Mutation:
    return next(m for m in mutate.catalogue(spec) if m.id == mutation_id)


def test_catalogue_covers_every_kind_of_change(spec: Spec) -> None:
    ids = [m.id for m in mutate.catalogue(spec)]
    for expected in (
        "minimum_term.months=11",
        "minimum_term.months=13",
        "notice.months=1",
        "notice.months=3",
        "liability.months=13",
        "start_delay.months_after_planned_month=0",
        "billing.start=service-start",
        "penalty.basis=fixed-months",
        "penalty.grounds-customer",
        "penalty.grounds+immediate",
        "readings.notice_reading.adopted=clear-months",
        "readings.liability_reading.adopted=annual-fee",
    ):
        assert expected in ids
    assert len(ids) == len(set(ids))
    assert ids == [m.id for m in mutate.catalogue(spec)]  # deterministic order


def test_catalogue_follows_the_model_structure(spec: Spec) -> None:
    # Six grounds: each is either removed from or added to the trigger set, once.
    grounds = [m for m in mutate.catalogue(spec) if m.field == "penalty.grounds"]
    assert len(grounds) == 6
    assert sum(m.id.startswith("penalty.grounds-") for m in grounds) == len(spec.penalty_grounds)


def test_a_mutant_changes_only_its_field(spec: Spec) -> None:
    mutant = mutate.apply(spec, _mutation(spec, "notice.months=3"))
    before = spec.document.model_dump()
    after = mutant.document.model_dump()
    assert after["notice"]["months"] == 3
    after["notice"]["months"] = before["notice"]["months"]
    assert after == before
    assert spec.notice_months == 2  # the original is untouched


def test_a_fixed_penalty_takes_the_minimum_term_as_its_months(spec: Spec) -> None:
    mutant = mutate.apply(spec, _mutation(spec, "penalty.basis=fixed-months"))
    assert mutant.document.penalty.months == spec.minimum_term_months


def test_a_property_kills_the_mutants_it_pins(
    spec: Spec, shipped_properties: list[Property]
) -> None:
    chosen = _only(shipped_properties, "penalty.grounds-as-written")
    result = mutate.judge(
        spec, chosen, _mutation(spec, "penalty.grounds+immediate"), DEFAULT_RLIMIT
    )
    assert result.verdict is Verdict.KILLED
    assert result.killed_by == "penalty.grounds-as-written"
    assert result.explained


def test_a_survivor_without_why_fails_the_run(
    spec: Spec, shipped_properties: list[Property]
) -> None:
    chosen = _only(shipped_properties, "penalty.nonnegative")
    survivor = mutate.judge(spec, chosen, _mutation(spec, "notice.months=3"), DEFAULT_RLIMIT)
    assert survivor.verdict is Verdict.SURVIVED
    assert not survivor.explained
    assert mutate.exit_code([survivor]) == 1


def test_a_survivor_with_why_is_explained(spec: Spec, shipped_properties: list[Property]) -> None:
    chosen = _only(shipped_properties, "penalty.nonnegative")
    survivor = mutate.judge(spec, chosen, _mutation(spec, "notice.form=any"), DEFAULT_RLIMIT)
    assert survivor.verdict is Verdict.SURVIVED
    assert survivor.explained and survivor.mutation.why
    assert mutate.exit_code([survivor]) == 0


def test_a_finding_that_disappears_kills_the_mutant(
    spec: Spec, shipped_properties: list[Property]
) -> None:
    chosen = _only(shipped_properties, "liability.cap-positive-while-provided")
    mutation = _mutation(spec, "readings.liability_reading.adopted=annual-fee")
    result = mutate.judge(spec, chosen, mutation, DEFAULT_RLIMIT)
    assert result.verdict is Verdict.KILLED
    assert "expected finding" in result.detail


def test_an_invalid_mutant_is_rejected_not_run(spec: Spec) -> None:
    out_of_range = Mutation("minimum_term.months=0", ("minimum_term", "months"), 0, "zero")
    result = mutate.judge(spec, [], out_of_range, DEFAULT_RLIMIT)
    assert result.verdict is Verdict.REJECTED
    assert "minimum_term.months" in result.detail
    assert result.explained


def test_an_undecided_mutant_fails_the_run(spec: Spec, shipped_properties: list[Property]) -> None:
    chosen = _only(shipped_properties, "penalty.no-month-charged-twice-or-never")
    result = mutate.judge(spec, chosen, _mutation(spec, "notice.form=any"), 1)
    assert result.verdict is Verdict.UNDECIDED
    assert mutate.exit_code([result]) == 1


def test_cli_lists_unexplained_survivors_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "grounds.toml").write_text(GROUNDS_PROPERTY, encoding="utf-8")
    result = CliRunner().invoke(app, ["mutate", "--properties", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    verdicts = {m["id"]: m for m in document["mutants"]}
    assert verdicts["penalty.grounds+immediate"]["verdict"] == "killed"
    assert verdicts["notice.months=3"]["verdict"] == "survived"
    assert verdicts["notice.months=3"]["explained"] is False
    assert document["summary"]["unexplained"] > 0
    assert document["exit_code"] == 1


def test_cli_refuses_an_unknown_format() -> None:
    result = CliRunner().invoke(app, ["mutate", "--format", "yaml"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "termcheck: --format: 'yaml' is not one of: text, json"


def test_every_mutation_names_a_field_of_the_model(spec: Spec) -> None:
    data = spec.document.model_dump(mode="json", by_alias=True)
    for mutation in mutate.catalogue(spec):
        target = data
        for part in mutation.path[:-1]:
            target = target[part]
        assert mutation.path[-1] in target, mutation.id
        assert mutation.path[0] in mutate.mutable_sections()


def test_the_baseline_records_what_each_property_reads(
    spec: Spec, shipped_properties: list[Property]
) -> None:
    chosen = _only(shipped_properties, "penalty.nonnegative", "notice.deadline-two-months-ahead")
    known = mutate.baseline(spec, chosen, DEFAULT_RLIMIT)
    assert known.unmet == ()
    assert "penalty" in known.reads["penalty.nonnegative"]
    assert "notice" in known.reads["notice.deadline-two-months-ahead"]
    # No scenario property looks at the price list: its mutants need not run them.
    price_list = Mutation("price_list.x", ("price_list", "items"), [], "x")
    assert known.observers(chosen, price_list) == []
    assert known.observers(chosen, _mutation(spec, "notice.months=3")) == chosen


def test_reading_the_whole_document_counts_as_reading_every_section(spec: Spec) -> None:
    seen: set[str] = set()
    recording = mutate._recording(spec.document, seen)
    assert recording.notice.months == spec.notice_months
    assert seen == {"notice"}
    recording.model_dump()
    assert mutate.EVERY_SECTION in seen


def test_a_crash_while_checking_a_mutant_fails_the_run(
    spec: Spec, shipped_properties: list[Property], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crashing(*_: object) -> object:
        raise KeyError("a bug in a check")
        yield  # a generator, as check_all is

    monkeypatch.setattr(mutate, "check_all", crashing)
    chosen = _only(shipped_properties, "penalty.nonnegative")
    result = mutate.judge(spec, chosen, _mutation(spec, "notice.months=3"), DEFAULT_RLIMIT)
    assert result.verdict is Verdict.CRASHED
    assert "KeyError" in result.detail
    assert mutate.exit_code([result]) == 1


def test_cli_mutates_only_the_sections_asked_for(tmp_path: Path) -> None:
    (tmp_path / "grounds.toml").write_text(GROUNDS_PROPERTY, encoding="utf-8")
    args = ["mutate", "--properties", str(tmp_path), "--section", "penalty", "--format", "json"]
    result = CliRunner().invoke(app, args)
    # The grounds property alone lets a fixed penalty through: an unexplained survivor.
    assert result.exit_code == 1, result.output
    mutants = json.loads(result.stdout)["mutants"]
    assert mutants and all(m["field"].startswith("penalty.") for m in mutants)
    assert {m["id"] for m in mutants if not m["explained"]} == {"penalty.basis=fixed-months"}


def test_cli_refuses_an_unknown_section() -> None:
    result = CliRunner().invoke(app, ["mutate", "--section", "nonsense"])
    assert result.exit_code == 2
    assert result.stderr.startswith("termcheck: --section: 'nonsense' is not one of: ")
    assert len(result.stderr.strip().splitlines()) == 1
