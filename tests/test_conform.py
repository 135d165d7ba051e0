"""termcheck conform: an implementation checked against the model on solver-chosen cases.

The shipped implementation conforms; a fault seeded into it (by wrapping it) is found,
with the quantity, both values and a case; whatever the implementation does wrong on its
side (raising, hanging, answering nonsense, leaving a quantity out, crashing, speaking
another protocol) is a finding, never a traceback; a program in another language, over
the JSON-lines protocol, is checked the same way.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from termcheck.checks import REGISTRY
from termcheck.cli import app
from termcheck.conform.goals import goals
from termcheck.conform.reach import Reach, boundary_cases
from termcheck.conform.run import ConformResult, conform
from termcheck.conform.target import CommandTarget, PythonTarget, python_target
from termcheck.model.spec import Spec
from termcheck.semantics.case import evaluate
from termcheck.verify.properties import load_properties

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "model" / "usen-gate02-iij-id"
BILLING = SHIPPED / "implementation" / "billing.py"
AWK = ROOT / "examples" / "conform-awk" / "billing.sh"


def _shipped_charges() -> Any:
    return python_target(f"{BILLING}:charges", 10).function


def run(spec: Spec, target: Any, budget: int = 10) -> ConformResult:
    props = load_properties(ROOT / "properties", spec, REGISTRY)
    return conform(spec, target, props, budget=budget)


def test_the_shipped_implementation_conforms(spec: Spec) -> None:
    result = run(spec, python_target(f"{BILLING}:charges", 10))
    assert result.exit_code == 0, result.disagreements
    assert result.cases["boundary"] > 20 and result.cases["witness"] > 0
    assert {"penalty", "billed_fees", "notice_timely", "liability_cap"} <= set(result.compared)
    reached = result.boundaries.count(Reach.REACHED)
    assert reached > len(result.boundaries.reached) // 2


def test_a_boundary_case_meets_its_goal(spec: Spec) -> None:
    """The solver's case for "the notice arrives on the deadline day" does, concretely."""
    found = boundary_cases(spec, 10_000_000)
    goal_id = "notice_timely: notice_arrival <= notice_deadline: equal"
    (reached,) = [r for r in found.reached if r.goal.id == goal_id]
    assert reached.status is Reach.REACHED and reached.facts is not None
    outcome = evaluate(spec.vocabulary, reached.facts)
    assert outcome.value("notice_arrival") == outcome.value("notice_deadline")
    kinds = {g.kind for g in goals(spec.vocabulary)}
    assert {"branch", "boundary", "member", "value", "calendar", "decision"} <= kinds


def _wrapped(change: Any) -> PythonTarget:
    charges = _shipped_charges()

    def faulty(facts: dict[str, Any]) -> Any:
        return change(facts, dict(charges(facts)))

    return PythonTarget("faulty", faulty, 5)


def _deadline_day_late(facts: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    if facts.get("notice_arrival") == out["notice_deadline"]:
        out["notice_timely"] = False
    return out


def _december_penalty(facts: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    if facts["termination_month"].month == 12 and out["penalty"]:
        out["penalty"] += facts["monthly_fee"]
    return out


def _leap_day_start(facts: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    if facts["service_start"].month == 2 and facts["service_start"].day == 29:
        out["billing_start"] = date(facts["service_start"].year, 3, 2)
    return out


@pytest.mark.parametrize(
    ("change", "quantity"),
    [
        (_deadline_day_late, "notice_timely"),
        (_december_penalty, "penalty"),
        (_leap_day_start, "billing_start"),
    ],
    ids=["deadline-day-late", "december-penalty", "leap-day-start"],
)
def test_a_seeded_fault_is_found_on_a_boundary_case(spec: Spec, change: Any, quantity: str) -> None:
    result = run(spec, _wrapped(change), budget=0)
    assert result.exit_code == 1
    found = [d for d in result.disagreements if d.quantity == quantity]
    assert found and found[0].kind == "differs"
    d = found[0]
    assert d.case.source in ("boundary", "witness")
    assert d.model == evaluate(spec.vocabulary, d.case.facts).value(quantity)
    assert d.implementation != d.model


def test_a_fault_only_hypothesis_sees_is_shrunk(spec: Spec) -> None:
    """A fault at a fee no goal names (a monthly fee of 7,777円 and more) is found by the
    generated cases and shrunk to the smallest such fee."""

    def fault(facts: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
        if facts["monthly_fee"] >= 7_777:
            out["minimum_commitment"] = out["minimum_commitment"] + 1
        return out

    result = run(spec, _wrapped(fault), budget=300)
    (d,) = [d for d in result.disagreements if d.quantity == "minimum_commitment"]
    if d.case.source == "shrunk":
        assert d.case.facts["monthly_fee"] == 7_777
    assert d.case.source in ("boundary", "witness", "shrunk")


def _raises(facts: dict[str, Any]) -> Any:
    raise RuntimeError("no such tariff")


def _nonsense(facts: dict[str, Any]) -> Any:
    return [1, 2, 3]


def _leaves_out_penalty_in_march(facts: dict[str, Any]) -> Any:
    out = dict(_shipped_charges()(facts))
    if facts["termination_month"].month == 3:
        del out["penalty"]
    return out


@pytest.mark.parametrize(
    ("function", "kind", "words"),
    [
        (_raises, "failed", "raised RuntimeError: no such tariff"),
        (_nonsense, "failed", "answered list, not a table of quantities"),
        (_leaves_out_penalty_in_march, "missing", ""),
    ],
)
def test_the_implementation_failing_is_a_finding(
    spec: Spec, function: Any, kind: str, words: str
) -> None:
    result = run(spec, PythonTarget("impl", function, 5), budget=0)
    assert result.exit_code == 1
    assert any(d.kind == kind and words in d.detail for d in result.disagreements)


def test_a_hanging_function_is_a_finding_not_a_hang(spec: Spec) -> None:
    import threading

    never = threading.Event()

    def hangs(facts: dict[str, Any]) -> Any:
        never.wait(30)
        return {}

    result = run(spec, PythonTarget("slow", hangs, 0.2), budget=0)
    never.set()
    (d,) = result.disagreements
    assert d.kind == "failed" and "did not answer within 0.2 s" in d.detail


def _script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "impl.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return f"{sys.executable} {path}"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("import sys\nsys.exit(4)\n", "exited with code 4"),
        (
            'import sys, json\nprint(json.dumps({"protocol": "termcheck-conform/9"}), flush=True)\n'
            "sys.stdin.read()\n",
            'speaks "termcheck-conform/9"',
        ),
        (
            'import sys, json\nprint(json.dumps({"protocol": "termcheck-conform/1"}), flush=True)\n'
            'for line in sys.stdin:\n    print("not json", flush=True)\n',
            "a line that is not JSON",
        ),
        (
            'import sys, json\nprint(json.dumps({"protocol": "termcheck-conform/1"}), flush=True)\n'
            "for line in sys.stdin:\n    case = json.loads(line)\n"
            '    if "id" not in case:\n        continue\n'
            '    print(json.dumps({"id": case["id"], "quantities": {"penalty": "much"}}), '
            "flush=True)\n",
            'penalty = "much": yen are an integer',
        ),
    ],
    ids=["crash", "other-protocol", "not-json", "wrong-type"],
)
def test_a_program_misbehaving_is_a_finding(
    spec: Spec, tmp_path: Path, body: str, words: str
) -> None:
    target = CommandTarget(_script(tmp_path, body), spec, 5)
    try:
        result = run(spec, target, budget=0)
    finally:
        target.close()
    assert result.exit_code == 1
    assert any(words in d.detail for d in result.disagreements), result.disagreements


@pytest.mark.skipif(shutil.which("awk") is None, reason="no awk on this machine")
def test_the_awk_example_conforms_over_the_protocol(tmp_path: Path) -> None:
    out = tmp_path / "conform.json"
    runner = CliRunner()
    outcome = runner.invoke(
        app,
        [
            *("conform", str(SHIPPED), "--impl-cmd", f"sh {AWK}", "--budget", "30"),
            *("--format", "json", "--out", str(out)),
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["verdict"] == "conforms"
    assert "penalty" in doc["compared"] and "liability_cap" not in doc["compared"]


def test_the_cli_formats_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    faulty = tmp_path / "faulty.py"
    faulty.write_text(
        textwrap.dedent(
            f"""
            import importlib.util
            spec = importlib.util.spec_from_file_location("billing", {str(BILLING)!r})
            billing = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(billing)

            def charges(facts):
                out = billing.charges(facts)
                out["total_charged"] += 1
                return out
            """
        ),
        encoding="utf-8",
    )
    base = ["conform", str(SHIPPED), "--impl", f"{faulty}:charges", "--budget", "0"]
    texts = {}
    for fmt in ("text", "markdown", "json", "junit", "sarif"):
        outcome = runner.invoke(app, [*base, "--format", fmt])
        assert outcome.exit_code == 1, outcome.output
        texts[fmt] = outcome.output
    doc = json.loads(texts["json"])
    (d,) = doc["disagreements"]
    assert d["quantity"] == "total_charged" and d["implementation"] == d["model"] + 1
    assert d["articles"] and d["formula"] == "billed_fees + penalty"
    assert "合計請求額" in texts["text"] or d["ja"] in texts["text"]
    assert ET.fromstring(texts["junit"]).attrib["failures"] == "1"
    assert json.loads(texts["sarif"])["runs"][0]["results"][0]["ruleId"] == "conform.differs"
    # The same input, the same bytes.
    assert runner.invoke(app, [*base, "--format", "json"]).output == texts["json"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([], "give one of --impl"),
        (["--impl", "x:y", "--impl-cmd", "z"], "give one of --impl"),
        (["--impl", "no_such_module_anywhere:f"], "importing it raised ModuleNotFoundError"),
        (["--impl", "nocolon"], "write package.module:function"),
        (["--impl-cmd", "/no/such/program"], "cannot run '/no/such/program'"),
        (["--impl", "json:dumps", "--budget", "-1"], "--budget"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args: list[str], words: str) -> None:
    outcome = CliRunner().invoke(app, ["conform", str(SHIPPED), *args])
    assert outcome.exit_code == 2, outcome.output
    assert words in outcome.output


def test_verify_fails_on_a_fault_only_in_the_implementation(tmp_path: Path) -> None:
    """A proof is about the model; verify replays each proved property's boundary cases
    through the model's implementation, so a fault there alone fails the gate."""
    from termcheck.model.spec import load_spec
    from termcheck.verify.results import Options, Status, exit_code
    from termcheck.verify.scenario import check_all

    folder = tmp_path / "model"
    shutil.copytree(SHIPPED, folder)
    billing = folder / "implementation" / "billing.py"
    text = billing.read_text(encoding="utf-8")
    right = "penalty = remaining * fee if applies else 0"
    wrong = "penalty = (remaining + (month.month == 12)) * fee if applies else 0"
    assert right in text
    billing.write_text(text.replace(right, wrong), encoding="utf-8")
    spec = load_spec(folder)
    props = load_properties(ROOT / "properties", spec, REGISTRY)
    results = list(check_all(spec, props, Options(), REGISTRY))
    divergent = [r for r in results if r.status is Status.DIVERGENT]
    assert divergent, "the fault went unnoticed"
    assert exit_code(results) == 1
    assert all("boundary case" in r.detail or "disagree" in r.detail for r in divergent)
    assert any("penalty: model" in r.detail for r in divergent)
