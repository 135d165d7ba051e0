"""`termcheck diff`: proofs of agreement, replayed customers who differ, the largest change,
property verdicts that change, and the worked example's report kept current."""

from __future__ import annotations

import hashlib
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import z3
from hypothesis import given
from typer.testing import CliRunner

from termcheck import load_properties
from termcheck.analyses import diff as diff_module
from termcheck.analyses.diff import (
    SIZED,
    Change,
    DiffResult,
    Direction,
    QuantityDiff,
    Verdict,
    concrete_size,
    diff,
    element_changes,
    wording_changes,
)
from termcheck.cli import app
from termcheck.cli import diff as cli_diff
from termcheck.cli.diff import document, render
from termcheck.model.spec import Spec, load_spec
from termcheck.semantics.case import evaluate

from strategies import cases

READABLE_FEE = 100_000  # the shipped model's preferred monthly fee

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "model" / "usen-gate02-iij-id"
REVISION = ROOT / "model" / "usen-gate02-iij-id-rev2026"
REPORT = ROOT / "reports" / "diff-usen-gate02-iij-id-rev2026"
ARGS = ["diff", "model/usen-gate02-iij-id", "model/usen-gate02-iij-id-rev2026"]
EXTENSIONS = ("md", "json")
COMMANDS = [
    "termcheck "
    + shlex.join(
        [*ARGS, *(a for e in EXTENSIONS for a in ("--out", f"{REPORT.relative_to(ROOT)}.{e}"))]
    )
]

# One property, so that a diff through the command line stays fast.
ONE_PROPERTY = """
[[property]]
id = "penalty.nonnegative"
articles = ["9-2"]
title_ja = "違約金は負にならない"
title_en = "The penalty is never negative"
assert = "penalty >= 0"
expect = "holds"
"""


@pytest.fixture(scope="module")
def revision() -> Spec:
    return load_spec(REVISION)


@pytest.fixture(scope="module")
def worked(spec: Spec, revision: Spec) -> DiffResult:
    """The worked example, diffed once for the whole module (the slow part)."""
    properties = (
        load_properties(ROOT / "properties", spec),
        load_properties(ROOT / "properties", revision),
    )
    return diff(spec, revision, properties, jobs=2)


def quantity(result: DiffResult, name: str) -> QuantityDiff:
    return next(q for q in result.quantities if q.quantity.id == name)


def change(result: DiffResult, name: str, direction: Direction, fee: int | None) -> Change:
    found = quantity(result, name).changes
    held = {} if fee is None else {"monthly_fee": fee}
    return next(c for c in found if c.direction is direction and c.held == held)


def variant(spec: Spec, **formulas: str) -> Spec:
    """The model with some quantities given other formulas (a one-line revision)."""
    quantities = dict(spec.document.quantities)
    for name, formula in formulas.items():
        quantities[name] = quantities[name].model_copy(update={"formula": formula})
    return spec.with_document(spec.document.model_copy(update={"quantities": quantities}))


# --- The worked example -------------------------------------------------------------------


def test_the_report_of_the_worked_example_is_current(tmp_path: Path) -> None:
    # Regenerated as a user does, by the command in a process of its own: a process that
    # built other Z3 terms first may find other (equally valid) witnesses.
    outs = [a for ext in EXTENSIONS for a in ("--out", str(tmp_path / f"report.{ext}"))]
    done = subprocess.run(
        [sys.executable, "-m", "termcheck", *ARGS, *outs],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # the versions differ
    stale = []
    for ext in EXTENSIONS:
        kept = Path(f"{REPORT}.{ext}")
        if not kept.is_file() or kept.read_bytes() != (tmp_path / f"report.{ext}").read_bytes():
            stale.append(ext)
    if stale:
        pytest.fail(
            f"reports/diff-usen-gate02-iij-id-rev2026.{{{','.join(stale)}}} is not current; "
            "regenerate it from the repository root with:\n  " + "\n  ".join(COMMANDS),
            pytrace=False,
        )


def test_the_revision_differs_from_the_shipped_model_only_where_it_says(
    spec: Spec, revision: Spec
) -> None:
    # The worked example is a copy of the shipped model with three revised sentences;
    # a section added to the shipped model must be copied into it too.
    changed = {e.path for e in element_changes(spec, revision)}
    expected = {
        "terms.version",
        "implementation.python",
        "quantities.minimum_term_months.formula",
        "quantities.minimum_term_months.phrase",
        "quantities.penalty_grounds.formula",
        "quantities.penalty_grounds.phrase",
        "quantities.notice_months.formula",
        "quantities.notice_months.phrase",
        "quantities.notice_deadline.phrase",
    }
    unexpected = {
        path
        for path in changed
        if path not in expected and not path.startswith("quantities.notice_deadline.readings.")
    }
    assert not unexpected, (
        f"copy these elements of {SHIPPED.name}/model.toml into {REVISION.name}/model.toml "
        f"(then `termcheck fingerprints model/{REVISION.name} --update` and regenerate "
        f"the diff report): {sorted(unexpected)}"
    )
    assert {w.id for w in wording_changes(spec, revision)} == {"9-1", "9-2", "10-1"}


def test_the_worked_example_differs_and_exits_1(worked: DiffResult) -> None:
    assert worked.exit_code == 1
    verdicts = {q.quantity.id: q.verdict for q in worked.quantities}
    assert set(verdicts) == {e.id for e in worked.new.vocabulary.derived}
    assert {name for name, v in verdicts.items() if v is Verdict.DIFFER} == {
        "minimum_term_end",
        "within_minimum_term",
        "remaining_months",
        "remaining_term_fees",
        "minimum_commitment",
        "penalty_applies",
        "penalty",
        "total_charged",
        "notice_deadline",
        "notice_timely",
        "earliest_termination_month",
    }
    assert all(v in (Verdict.AGREE, Verdict.DIFFER) for v in verdicts.values())


def test_the_most_extra_penalty_is_24_monthly_fees_for_an_immediate_rescission(
    worked: DiffResult, spec: Spec, revision: Spec
) -> None:
    largest = change(worked, "penalty", Direction.UP, READABLE_FEE)
    assert largest.size == 24 * READABLE_FEE
    customer = largest.witness.facts
    assert customer["ground"] == "immediate" and customer["monthly_fee"] == READABLE_FEE
    assert evaluate(spec.vocabulary, customer).value("penalty") == 0
    assert evaluate(revision.vocabulary, customer).value("penalty") == 24 * READABLE_FEE
    # Over every fee the largest is the fee bound times the same 24 months.
    anywhere = change(worked, "penalty", Direction.UP, None)
    assert anywhere.size == 24 * anywhere.witness.facts["monthly_fee"]
    assert quantity(worked, "penalty").never == [Direction.DOWN]


def test_the_notice_deadline_moves_up_to_31_days_earlier(worked: DiffResult) -> None:
    earlier = change(worked, "notice_deadline", Direction.DOWN, None)
    assert earlier.size == 31
    assert quantity(worked, "notice_deadline").never == [Direction.UP]
    # A month's more notice: the earliest month a notice can end moves one month later.
    assert change(worked, "earliest_termination_month", Direction.UP, None).size == 1
    assert quantity(worked, "earliest_termination_month").never == [Direction.DOWN]
    assert {e.path for e in quantity(worked, "notice_deadline").elements} >= {
        "quantities.notice_months.formula"
    }


def test_each_difference_names_the_elements_and_articles_it_rests_on(worked: DiffResult) -> None:
    penalty = quantity(worked, "penalty")
    assert [e.path for e in penalty.elements if e.path.endswith(".formula")] == [
        "quantities.minimum_term_months.formula",
        "quantities.penalty_grounds.formula",
    ]
    entry = next(q for q in document(worked)["quantities"] if q["name"] == "penalty")
    assert entry["articles"] == ["9-1", "9-2"]
    assert quantity(worked, "billed_fees").elements == []  # agrees: nothing to blame


def test_every_customer_reported_replays(worked: DiffResult, spec: Spec, revision: Spec) -> None:
    for diffed in worked.quantities:
        for found in diffed.changes:
            name = diffed.quantity.id
            old = evaluate(spec.vocabulary, found.witness.facts).value(name)
            new = evaluate(revision.vocabulary, found.witness.facts).value(name)
            assert old != new, name
            if found.size is not None:
                sign = 1 if found.direction is Direction.UP else -1
                assert sign * concrete_size(diffed.quantity, old, new) == found.size, name


@given(cases())
def test_no_customer_differs_beyond_what_the_diff_reports(
    worked: DiffResult, spec: Spec, revision: Spec, case: dict[str, object]
) -> None:
    old, new = evaluate(spec.vocabulary, case), evaluate(revision.vocabulary, case)
    for diffed in worked.quantities:
        name = diffed.quantity.id
        before, after = old.value(name), new.value(name)
        if diffed.verdict is Verdict.AGREE or before == after:
            assert before == after, name
            continue
        if diffed.quantity.type.kind in SIZED:
            moved = concrete_size(diffed.quantity, before, after)
            direction = Direction.UP if moved > 0 else Direction.DOWN
            bound = max(c.size or 0 for c in diffed.changes if c.direction is direction)
            assert abs(moved) <= bound, name
        else:
            direction = Direction.UP if after is True else Direction.DOWN
        assert direction not in diffed.never, name


def test_property_verdicts_that_change(worked: DiffResult) -> None:
    changed = {c.prop.id: (c.old.met, c.new.met) for c in worked.verdicts}
    # At least these (properties added to properties/ later may change too).
    assert (
        changed.items()
        >= {
            "billing.minimum-term-is-one-year": (True, False),
            "billing.month-end-start": (True, False),
            "billing.year-end-start": (True, False),
            "billing.leap-day-start": (True, False),
            "notice.customer-can-end-within-two-months": (True, False),
            "penalty.grounds-as-written": (True, False),
            "penalty.immediate-not-cheaper-than-demand": (True, False),
        }.items()
    )
    assert worked.undecided_properties == []


def test_the_markdown_report_names_customers_and_the_largest_change(worked: DiffResult) -> None:
    text = render(document(worked), "markdown")
    assert "by at most 2,400,000円 at monthly fee ¥100,000" in text
    assert "違約金 0円 → 2,400,000円" in text
    assert "「…合、解約月を指定し、その**2**ヶ月前までに当社所定の書…」" in text
    assert "`penalty.grounds-as-written`" in text


# --- Small diffs on model variants (no properties: fast) ------------------------------------


def test_a_model_agrees_with_itself(spec: Spec) -> None:
    result = diff(spec, spec)
    assert result.exit_code == 0
    assert all(q.verdict is Verdict.AGREE for q in result.quantities)
    assert result.elements == [] and result.wording == []


def longer_start_delay(spec: Spec) -> Spec:
    """The company may rescind only after the end of the second month after the planned
    start (第11条第4項 "翌々月末"): a change that touches two quantities, so it is quick."""
    return variant(spec, start_delay_months="2")


def test_a_later_start_delay_deadline_by_at_most_31_days(spec: Spec) -> None:
    result = diff(spec, longer_start_delay(spec))
    deadline = quantity(result, "start_delay_deadline")
    assert deadline.verdict is Verdict.DIFFER and deadline.never == [Direction.DOWN]
    latest = deadline.changes[0]
    assert latest.size == 31  # the month added has 31 days
    assert [e.path for e in deadline.elements] == ["quantities.start_delay_months.formula"]
    rescindable = quantity(result, "start_delay_rescindable")
    assert rescindable.never == [Direction.UP]  # rescission only ever becomes impossible
    assert {q.quantity.id for q in result.quantities if q.verdict is Verdict.DIFFER} == {
        "start_delay_deadline",
        "start_delay_rescindable",
    }


def test_billing_from_the_service_start_is_reported_with_its_element(spec: Spec) -> None:
    changed = element_changes(spec, variant(spec, billing_start="service_start"))
    assert [(e.path, e.article, e.old, e.new) for e in changed] == [
        (
            "quantities.billing_start.formula",
            "7-1",
            "first_day(add_months(month_of(service_start), 1))",
            "service_start",
        )
    ]


def test_a_change_of_adopted_reading_is_a_change(spec: Spec) -> None:
    quantities = dict(spec.document.quantities)
    quantities["notice_deadline"] = quantities["notice_deadline"].model_copy(
        update={"adopted": "clear-months"}
    )
    changed = spec.with_document(spec.document.model_copy(update={"quantities": quantities}))
    result = diff(spec, changed)
    deadline = quantity(result, "notice_deadline")
    assert deadline.verdict is Verdict.DIFFER
    assert [e.path for e in deadline.elements] == ["quantities.notice_deadline.adopted"]
    assert quantity(result, "penalty").verdict is Verdict.AGREE


def test_a_revision_with_a_new_fact_compares_the_quantities_both_declare(spec: Spec) -> None:
    # A fee change during the term (第7条第3項): the revision adds two facts; the
    # quantities both versions declare are compared over the facts they share.
    document = spec.document
    facts = [
        *document.facts,
        document.facts[2].model_copy(
            update={"id": "fee_change_month", "ja": "料金改定月", "en": "fee change month"}
        ),
        document.facts[1].model_copy(
            update={"id": "new_monthly_fee", "ja": "改定後の月額料金", "en": "new monthly fee"}
        ),
    ]
    quantities = dict(document.quantities)
    # Linear on purpose: sum_fees makes the largest change a nonlinear optimisation
    # (benchmarks/ measures that); this test is about which facts are compared.
    quantities["remaining_term_fees"] = quantities["remaining_term_fees"].model_copy(
        update={
            "formula": (
                "remaining_months * monthly_fee + (if fee_change_month <= "
                "month_of(minimum_term_end) then new_monthly_fee - monthly_fee else 0)"
            )
        }
    )
    revised = spec.with_document(
        document.model_copy(update={"facts": facts, "quantities": quantities})
    )
    result = diff(spec, revised)
    fees = quantity(result, "remaining_term_fees")
    assert fees.verdict is Verdict.DIFFER
    assert "new_monthly_fee" in fees.inputs and "fee_change_month" in fees.inputs
    assert quantity(result, "billed_fees").verdict is Verdict.AGREE


# --- Failing closed -------------------------------------------------------------------------


def test_unknown_is_never_agreement(spec: Spec, revision: Spec, worked: DiffResult) -> None:
    # With almost no resources Z3 can still prove what simplification alone shows (a
    # quantity both versions compute alike); everything else must be inconclusive.
    result = diff(spec, revision, rlimit=1)
    assert result.exit_code == 3
    differing = {q.quantity.id for q in worked.quantities if q.verdict is Verdict.DIFFER}
    for diffed in result.quantities:
        assert diffed.verdict in (Verdict.AGREE, Verdict.INCONCLUSIVE)
        if diffed.quantity.id in differing:
            assert diffed.verdict is Verdict.INCONCLUSIVE and "unknown" in diffed.detail


def test_optimize_unknown_is_inconclusive(spec: Spec, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(z3.Optimize, "check", lambda self, *a: z3.unknown)
    result = diff(spec, longer_start_delay(spec))
    deadline = quantity(result, "start_delay_deadline")
    assert deadline.verdict is Verdict.INCONCLUSIVE and deadline.changes == []
    assert "Optimize answered unknown" in deadline.detail
    assert quantity(result, "penalty").verdict is Verdict.AGREE
    assert result.exit_code == 3


def test_a_customer_the_concrete_meaning_does_not_reproduce_is_an_error(
    spec: Spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A concrete meaning that ignores the change: Z3's customers no longer replay.
    monkeypatch.setattr(
        diff_module, "evaluate", lambda _vocabulary, facts: evaluate(spec.vocabulary, facts)
    )
    result = diff(spec, longer_start_delay(spec))
    deadline = quantity(result, "start_delay_deadline")
    assert deadline.verdict is Verdict.DIVERGENT and deadline.changes == []
    assert "Z3 and the concrete meaning disagree" in deadline.detail
    assert result.exit_code == 3
    assert document(result)["verdict"] == "undecided"


# --- The command line -----------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_cli_agrees_with_itself_exit_0(tmp_path: Path) -> None:
    (tmp_path / "one.toml").write_text(ONE_PROPERTY, encoding="utf-8")
    out = tmp_path / "diff.json"
    result = run(
        "diff",
        str(SHIPPED),
        str(SHIPPED),
        "--properties",
        str(tmp_path),
        "--format",
        "json",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["verdict"] == "agree"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    # One run, several files: each in the format its suffix names.
    both = [tmp_path / "both.json", tmp_path / "both.md", tmp_path / "both.txt"]
    outs = [arg for path in both for arg in ("--out", str(path))]
    again = run("diff", str(SHIPPED), str(SHIPPED), "--properties", str(tmp_path), *outs)
    assert again.exit_code == 0, again.output
    doc = json.loads(both[0].read_text(encoding="utf-8"))
    assert both[0].read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    assert both[1].read_text(encoding="utf-8") == render(doc, "markdown")
    assert both[2].read_text(encoding="utf-8") == render(doc, "text")


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = run("diff", str(tmp_path / "nowhere"), str(SHIPPED))
    assert missing.exit_code == 2 and "OLD_MODEL_DIR" in missing.output
    assert "Traceback" not in missing.output
    bad_format = run("diff", str(SHIPPED), str(SHIPPED), "--format", "pdf")
    assert bad_format.exit_code == 2 and "--format" in bad_format.output
    no_folder = run("diff", str(SHIPPED), str(SHIPPED), "--out", str(tmp_path / "a" / "b.md"))
    assert no_folder.exit_code == 2 and not (tmp_path / "a").exists()
    for outs in (
        ["--out", str(tmp_path / "r.json"), "--out", str(tmp_path / "r.pdf")],
        ["--out", str(tmp_path / "r.json"), "--out", str(tmp_path / "r.json")],
        ["--format", "json", "--out", str(tmp_path / "r.json"), "--out", str(tmp_path / "r.md")],
        ["--out", str(tmp_path)],
    ):
        refused = run("diff", str(SHIPPED), str(SHIPPED), *outs)
        assert refused.exit_code == 2 and (
            "--out" in refused.output or "--format" in refused.output
        )
        assert len(refused.output.strip().splitlines()) == 1, refused.output
    assert list(tmp_path.iterdir()) == []


def test_same_input_same_document(spec: Spec) -> None:
    # Every input of a customer is fixed to its preferred or least value, so a second
    # run (with other Z3 term ids, in the same process) tells the same customers.
    changed = longer_start_delay(spec)
    assert document(diff(spec, changed)) == document(diff(spec, changed))


def test_progress_shows_only_on_a_terminal_after_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([0.0, 0.5, 2.0, 2.5])
    monkeypatch.setattr(cli_diff.time, "monotonic", lambda: next(clock))
    with cli_diff._DelayedProgress(total=3) as progress:
        monkeypatch.setattr(type(progress.console), "is_terminal", property(lambda _: True))
        progress.step("first")  # 0.5 s: not yet
        assert progress.progress is None
        progress.step("second")  # 2.0 s: shown
        assert progress.progress is not None
    with cli_diff._DelayedProgress(total=3) as quiet:
        monkeypatch.setattr(type(quiet.console), "is_terminal", property(lambda _: False))
        quiet.step("first")
        assert quiet.progress is None


def test_the_diff_is_the_same_for_every_number_of_jobs_and_whatever_ran_before(
    spec: Spec,
) -> None:
    # Each quantity is compared from a fresh Z3 context: before, what one diff had
    # compared changed the witnesses of the next (three runs, three reports).
    capped = load_spec(ROOT / "model" / "revisions" / "penalty-cap-three-months")
    alone = render(document(diff(spec, capped, None, jobs=1)), "json")
    diff(spec, load_spec(ROOT / "model" / "revisions" / "flat-cancellation-fee"), None, jobs=1)
    after_another = render(document(diff(spec, capped, None, jobs=1)), "json")
    in_three = render(document(diff(spec, capped, None, jobs=3)), "json")
    assert alone == after_another == in_three


def test_a_cached_diff_is_the_diff_and_a_forged_customer_is_divergent(
    spec: Spec, tmp_path: Path
) -> None:
    changed = longer_start_delay(spec)
    fresh = document(diff(spec, changed))
    assert document(diff(spec, changed, cache=tmp_path)) == fresh
    assert document(diff(spec, changed, cache=tmp_path)) == fresh  # every quantity a hit
    assert document(diff(spec, spec, cache=tmp_path)) != fresh  # a variant is not its folder
    forged = 0
    for path in tmp_path.rglob("*.json"):
        entry = json.loads(path.read_text(encoding="utf-8"))
        for change in entry["body"].get("changes", []) if isinstance(entry["body"], dict) else []:
            if isinstance(change["size"], int):
                change["size"] += 1  # the stored change no longer what the customer shows
                forged += 1
        body = json.dumps(entry["body"], sort_keys=True).encode()
        entry["sha256"] = hashlib.sha256(body).hexdigest()
        path.write_text(json.dumps(entry), encoding="utf-8")
    assert forged
    replayed = diff(spec, changed, cache=tmp_path)
    assert quantity(replayed, "start_delay_deadline").verdict is Verdict.DIVERGENT
    assert replayed.exit_code == 3


def test_an_unwritable_cache_only_warns_in_diff(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("", encoding="utf-8")  # a file where the cache's folder must go
    (tmp_path / "one.toml").write_text(ONE_PROPERTY, encoding="utf-8")
    args = ["diff", str(SHIPPED), str(SHIPPED), "--properties", str(tmp_path)]
    result = run(*args, "--cache-dir", str(blocked / "sub"))
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if "not cached" in line]
