"""`termcheck verify`: the gate's statuses, exit codes, counterexamples and formats."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import termcheck.verify.scenario
from termcheck import check_all, load_properties
from termcheck.cli import app
from termcheck.model.spec import Spec, load_spec
from termcheck.semantics.case import Outcome
from termcheck.verify.results import Options, Status

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_MODEL = ROOT / "model" / "usen-gate02-iij-id"
SHIPPED_PROPERTIES = ROOT / "properties"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["verify", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def verify_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run("--format", "json", "--no-timings", *args)
    return code, json.loads(out)


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    code, doc = verify_json()
    assert code == 0, [p for p in doc["properties"] if not p["met"]]
    return doc


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in doc["properties"]}


def broken_model(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the shipped model with one formula of model.toml changed, as a reviewer
    proposing new terms would: without the [implementation] of the terms in force, which
    would (rightly) disagree with every changed figure."""
    target = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL, target)
    toml = target / "model.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text
    text = text.replace('python = "implementation/billing.py:charges"', "")
    text = text.replace("[implementation]", "")
    toml.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def properties_dir(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "properties"
    folder.mkdir()
    (folder / "extra.toml").write_text(text, encoding="utf-8")
    return folder


# --- The shipped gate ------------------------------------------------------------------


def test_every_shipped_property_meets_its_expectation(shipped: dict[str, Any]) -> None:
    assert shipped["exit_code"] == 0
    assert shipped["summary"]["unmet"] == 0
    assert shipped["summary"]["properties"] == len(shipped["properties"]) >= 40


def test_json_entries_carry_the_contract_keys(shipped: dict[str, Any]) -> None:
    required = {"id", "articles", "status", "expected", "counterexample", "replayed", "seconds"}
    for entry in shipped["properties"]:
        assert required <= entry.keys()


def test_every_counterexample_replays(shipped: dict[str, Any]) -> None:
    violated = [e for e in shipped["properties"] if e["status"] == "violated"]
    assert violated, "the shipped terms have known findings"
    for entry in violated:
        assert entry["replayed"] is True, entry["id"]
        assert entry["counterexample"], entry["id"]


def test_counterexamples_are_readable(shipped: dict[str, Any]) -> None:
    # Near the terms' date, round fees: what a reviewer can picture.
    for entry in shipped["properties"]:
        if not isinstance(entry["counterexample"], list):
            continue  # evidence of a built-in check, not customers
        for customer in entry["counterexample"]:
            inputs = customer["inputs"]
            assert "2025-12-25" <= inputs["service_start"] <= "2028-12-31", entry["id"]
            assert inputs["monthly_fee"] in (0, 100_000), entry["id"]


def test_known_findings_of_the_2025_12_25_terms(shipped: dict[str, Any]) -> None:
    entries = by_id(shipped)
    immediate = entries["penalty.every-company-rescission"]["counterexample"][0]
    assert immediate["derived"]["penalty"] == 0
    assert immediate["inputs"]["ground"] in {"immediate", "start-delay", "antisocial-conduct"}
    grace = entries["start-delay.grace-at-least-thirty-days"]["counterexample"][0]
    planned = grace["inputs"]["planned_start"]
    deadline = grace["derived"]["start_delay_deadline"]
    assert planned[5:7] == "01" and deadline.endswith("-02-28")


def test_same_input_same_bytes() -> None:
    # Two commands, as a user runs them: Z3's choice among valid witnesses depends on the
    # process's history of terms (docs/encoding.md), so the promise is per command, and
    # a second run inside one process may tell another valid counterexample.
    command = [sys.executable, "-m", "termcheck", "verify", "--format", "json", "--no-timings"]
    first = subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
    second = subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
    assert first.returncode == second.returncode == 0, first.stderr[-2000:]
    assert first.stdout == second.stdout


def test_text_output_tells_the_story() -> None:
    code, out, _ = run("--only", "penalty.every-company-rescission")
    assert code == 0
    assert "第9条第2項" in out and "違約金: 0円" in out and "は成り立たない" in out


# --- Broken models make the gate fail with a readable counterexample -----------------------


def test_penalty_of_thirteen_months_is_refuted(tmp_path: Path) -> None:
    model = broken_model(
        tmp_path,
        'formula = "if penalty_applies then remaining_term_fees else 0"',
        'formula = "if penalty_applies then 13 * monthly_fee else 0"',
    )
    code, doc = verify_json(str(model), "--only", "penalty.within-remaining-term-fees")
    assert code == 1
    entry = by_id(doc)["penalty.within-remaining-term-fees"]
    assert entry["status"] == "violated" and entry["met"] is False and entry["replayed"]
    derived = entry["counterexample"][0]["derived"]
    assert derived["penalty"] == 13 * entry["counterexample"][0]["inputs"]["monthly_fee"]
    assert derived["penalty"] > derived["remaining_term_fees"]


def test_billing_from_the_service_start_is_refuted(tmp_path: Path) -> None:
    model = broken_model(
        tmp_path,
        'phrase = "提供開始日の翌月1日から"\n'
        'formula = "first_day(add_months(month_of(service_start), 1))"',
        'phrase = "提供開始日の翌月1日から"\nformula = "service_start"',
    )
    only = ["billing.starts-first-of-next-month", "billing.minimum-term-spans-stated-months"]
    only.append("billing.start-month-is-free")
    code, doc = verify_json(str(model), *(arg for name in only for arg in ("--only", name)))
    assert code == 1
    entries = by_id(doc)
    assert not entries["billing.starts-first-of-next-month"]["met"]
    assert not entries["billing.minimum-term-spans-stated-months"]["met"]
    # The known finding "fees accrue from the service start" no longer shows: unmet too.
    assert entries["billing.start-month-is-free"]["status"] == "proved"
    assert not entries["billing.start-month-is-free"]["met"]


def test_wrong_trigger_set_is_refuted(tmp_path: Path) -> None:
    model = broken_model(
        tmp_path,
        'formula = \'{"customer", "nonperformance", "antisocial-status"}\'',
        'formula = \'{"customer", "nonperformance", "antisocial-conduct"}\'',
    )
    code, doc = verify_json(str(model), "--only", "penalty.grounds-as-written")
    assert code == 1
    assert not by_id(doc)["penalty.grounds-as-written"]["met"]


# --- Statuses that are never a pass ------------------------------------------------------------

PROPERTY = """
[[property]]
id = "{id}"
articles = ["9-2"]
title_ja = "試験"
title_en = "test"
assume = "{assume}"
assert = "{assertion}"
expect = "{expect}"
reason = "test"
"""


def test_vacuous_assumption_exits_3(tmp_path: Path) -> None:
    folder = properties_dir(
        tmp_path,
        PROPERTY.format(
            id="t.vacuous", assume="penalty < 0", assertion="penalty == 1", expect="holds"
        ),
    )
    code, doc = verify_json("--properties", str(folder))
    assert code == 3
    assert doc["properties"][0]["status"] == "vacuous"


def test_resource_limit_is_inconclusive(tmp_path: Path) -> None:
    code, doc = verify_json("--only", "notice.timely-for-every-later-month", "--rlimit", "1")
    assert code == 3
    entry = doc["properties"][0]
    assert entry["status"] == "inconclusive" and entry["detail"]


def test_a_finding_that_no_longer_shows_is_unmet(tmp_path: Path) -> None:
    folder = properties_dir(
        tmp_path,
        PROPERTY.format(
            id="t.gone", assume="true", assertion="penalty >= 0", expect="finding"
        ).replace('expect = "finding"', 'expect = "finding"\ncategory = "defect"'),
    )
    code, doc = verify_json("--properties", str(folder))
    assert code == 1
    assert doc["properties"][0]["status"] == "proved" and not doc["properties"][0]["met"]


def test_a_counterexample_the_concrete_meaning_does_not_reproduce_is_divergent(
    spec: Spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = termcheck.verify.scenario.evaluate

    def drifted(*args: Any, **kwargs: Any) -> Outcome:
        outcome = real(*args, **kwargs)
        values = {**outcome.values, "penalty": outcome.values["penalty"] + 1}
        return Outcome(outcome.facts, outcome.readings, values)

    monkeypatch.setattr(termcheck.verify.scenario, "evaluate", drifted)
    props = [
        p
        for p in load_properties(SHIPPED_PROPERTIES, spec)
        if p.id == "penalty.every-company-rescission"
    ]
    (result,) = check_all(spec, props, Options())
    assert result.status is Status.DIVERGENT
    assert result.replayed is False and not result.met
    assert "penalty" in result.detail


def test_a_counterexample_the_implementation_does_not_reproduce_is_divergent(
    tmp_path: Path,
) -> None:
    # A fault in the hand-written billing rules only: it forgets 第16条第2項 among the
    # grounds that carry the penalty. The formulas are right, so a property whose
    # counterexample is about that ground replays in Z3 and concretely but not in the
    # implementation, and the gate fails.
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL, model)
    billing = model / "implementation" / "billing.py"
    code = billing.read_text(encoding="utf-8")
    faulty = code.replace(
        'PENALTY_GROUNDS = frozenset({"customer", "nonperformance", "antisocial-status"})',
        'PENALTY_GROUNDS = frozenset({"customer", "nonperformance"})',
    )
    assert faulty != code
    billing.write_text(faulty, encoding="utf-8")
    code_, doc = verify_json(str(model), "--only", "penalty.conduct-as-status")
    assert code_ == 1
    entry = doc["properties"][0]
    assert entry["status"] == "divergent" and entry["replayed"] is False
    assert "implementation/billing.py:charges" in entry["detail"]


# --- Readings ----------------------------------------------------------------------------------


def test_all_readings_shows_where_the_verdict_depends_on_the_reading() -> None:
    code, doc = verify_json(
        "--all-readings",
        "--only",
        "notice.customer-can-end-within-two-months",
        "--only",
        "liability.cap-positive-while-provided",
        "--only",
        "notice.deadline-before-termination-month",
    )
    assert code == 0  # the exit code follows the adopted readings
    entries = by_id(doc)
    two_months = entries["notice.customer-can-end-within-two-months"]
    assert two_months["reading_dependent"] is True
    statuses = {r["readings"]["notice_deadline"]: r["status"] for r in two_months["by_reading"]}
    assert statuses == {"first-of-month": "violated", "clear-months": "violated"}
    cap = entries["liability.cap-positive-while-provided"]
    assert cap["reading_dependent"] is True
    assert entries["notice.deadline-before-termination-month"]["reading_dependent"] is False


def test_a_named_reading_is_used() -> None:
    code, doc = verify_json(
        "--reading",
        "notice_deadline=first-of-month",
        "--only",
        "notice.customer-can-end-within-two-months",
    )
    assert code == 1
    entry = doc["properties"][0]
    assert entry["readings"] == {"notice_deadline": "first-of-month"}
    assert entry["status"] == "violated" and entry["replayed"] is True


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--only", "penalty.nonnegativ"], "did you mean 'penalty.nonnegative'"),
        (["--reading", "sometime"], "--reading"),
        (["--reading", "notice_deadline=sometime"], "is not a reading of notice_deadline"),
        (["--reading", "penalty=end-of-month"], "'penalty' has no readings"),
        (["--format", "pdf"], "--format"),
        (["/nonexistent/model"], "MODEL_DIR"),
    ],
)
def test_bad_command_lines_exit_2(args: list[str], needle: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1 and out == ""


def test_a_type_error_in_a_property_names_file_line_and_column(tmp_path: Path) -> None:
    folder = properties_dir(
        tmp_path,
        PROPERTY.format(
            id="t.bad", assume="true", assertion="penalty < service_start", expect="holds"
        ),
    )
    code, _, err = run("--properties", str(folder))
    assert code == 2
    assert "extra.toml:8:" in err and "t.bad.assert" in err and "date" in err


def test_a_property_citing_a_missing_article_is_refused(tmp_path: Path) -> None:
    text = PROPERTY.format(id="t.cite", assume="true", assertion="true", expect="holds")
    folder = properties_dir(tmp_path, text.replace('["9-2"]', '["9-3"]'))
    code, _, err = run("--properties", str(folder))
    assert code == 2
    assert "extra.toml:" in err and "9-3" in err


def test_the_checker_is_deterministic(spec: Spec) -> None:
    props = load_properties(SHIPPED_PROPERTIES, spec)
    violated = [p for p in props if p.expect == "finding"][:3]
    first = [r.counterexample for r in check_all(spec, violated, Options())]
    again = [r.counterexample for r in check_all(load_spec(SHIPPED_MODEL), violated, Options())]
    assert first == again


# Its witness once depended on what the process had checked before it: 2025-11 after the
# whole suite, 2025-12 when checked alone.
HISTORY_SENSITIVE = "penalty.readings.before-the-term-ends-vs-within-the-term"


def test_a_result_does_not_depend_on_what_was_checked_before(spec: Spec) -> None:
    """Each property from a fresh Z3 context: a selection in reverse order tells the same
    witnesses as the properties in their own order, in one process."""
    props = load_properties(SHIPPED_PROPERTIES, spec)
    findings = [p for p in props if p.expect == "finding"]
    chosen = [p for p in findings if p.id != HISTORY_SENSITIVE][:6]
    chosen.append(next(p for p in findings if p.id == HISTORY_SENSITIVE))
    chosen.append(next(p for p in props if p.kind == "lifecycle" and p.expect == "finding"))
    forward = {r.prop.id: r for r in check_all(spec, chosen, Options())}
    backward = {r.prop.id: r for r in check_all(spec, chosen[::-1], Options())}
    alone = next(iter(check_all(spec, chosen[-2:-1], Options())))
    for prop_id, result in forward.items():
        other = backward[prop_id]
        assert (result.status, result.counterexample, result.evidence) == (
            other.status,
            other.counterexample,
            other.evidence,
        ), prop_id
    assert alone.counterexample == forward[HISTORY_SENSITIVE].counterexample


VERIFY = [sys.executable, "-m", "termcheck", "verify"]


def test_the_report_is_the_same_for_every_number_of_jobs(tmp_path: Path) -> None:
    sample = SHIPPED_MODEL.parent / "samples" / "sample-storage"
    reports = {}
    for jobs in ("1", "3"):
        done = subprocess.run(
            [*VERIFY, str(sample), "--jobs", jobs, "--format", "json", "--no-timings"],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        reports[jobs] = done.stdout
    assert reports["1"] == reports["3"]


@pytest.mark.parametrize("jobs", ["0", "257", "-1"])
def test_a_number_of_jobs_out_of_range_is_refused(jobs: str) -> None:
    code, _, err = run("--jobs", jobs)
    assert code == 2
    assert "--jobs" in err


def test_the_text_output_closes_with_the_unmet_properties(tmp_path: Path) -> None:
    """A failing run ends with every unmet id, one line each, before the summary."""
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL, folder)
    toml = folder / "model.toml"
    text = toml.read_text(encoding="utf-8")
    # A slip no review gate catches before proving (a value is held to the phrase it
    # quotes, so the minimum term's "12" cannot simply become "11").
    term = 'formula = "service_end <= minimum_term_end"'
    assert text.count(term) == 1
    toml.write_text(text.replace(term, term.replace("<=", "<")), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["verify", str(folder), "--properties", str(SHIPPED_PROPERTIES)]
    )
    assert result.exit_code == 1
    tail = result.output.rstrip().splitlines()
    # Japanese by default, as the reports are.
    closing = tail[tail.index("期待に反する性質:") + 1 : -1]
    assert closing and all(line.startswith("  ") and ": " in line for line in closing)
    count = re.search(r"、期待に反する(\d+)、", tail[-1])
    assert count is not None, tail[-1]
    assert len(closing) == int(count.group(1))
