"""`termcheck calc` end to end through the command line (typer's CliRunner).

The installed typer keeps stdout and stderr apart in its Result (no `mix_stderr`):
`result.stdout` holds the figures, `result.stderr` the one-line error, and
`result.output` both, as a user would see them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from termcheck.cli import app

SHIPPED = Path(__file__).resolve().parents[1] / "model" / "usen-gate02-iij-id"

# The worked example (REFERENCES, 第7条・第9条・第10条): start 2026-03-15, 100,000円 a
# month, terminating with October 2026.
WORKED = [
    "calc",
    "--service-start",
    "2026-03-15",
    "--monthly-fee",
    "100000",
    "--termination-month",
    "2026-10",
]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_worked_example_as_text(runner: CliRunner) -> None:
    result = runner.invoke(app, [*WORKED, "--notice-arrival", "2026-08-31"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "2027年3月31日" in out  # 最低利用期間の満了日 (第9条第1項)
    assert "2026年4月1日" in out  # 課金開始日 (第7条第1項)
    assert "500,000円" in out  # 違約金 (第9条第2項)
    assert "1,200,000円" in out  # 請求総額
    assert "2026年8月31日" in out  # 解約通知の期限 (第10条)
    assert "第9条第2項" in out
    assert result.stderr == ""


def test_worked_example_as_json(runner: CliRunner) -> None:
    result = runner.invoke(app, [*WORKED, "--json"])
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout)
    expected = {
        "billing_start": "2026-04-01",
        "service_end": "2026-10-31",
        "billed_months": 7,
        "minimum_term_end": "2027-03-31",
        "remaining_months": 5,
        "remaining_term_fees": 500_000,
        "penalty": 500_000,
        "total_charged": 1_200_000,
        "notice_deadline": "2026-08-31",
    }
    assert {key: values[key] for key in expected} == expected
    # No --notice-arrival: whether a notice is timely is not computed at all.
    assert "notice_timely" not in values
    assert values["readings"] == {
        "liability_cap": "paid-last-year",
        "notice_deadline": "end-of-month",
        "penalty_applies": "before-the-term-ends",
    }
    for key in ("billed_months", "remaining_months", "remaining_term_fees", "penalty"):
        assert type(values[key]) is int, key
    assert type(values["total_charged"]) is int


@pytest.mark.parametrize(("arrival", "timely"), [("2026-08-31", True), ("2026-09-01", False)])
def test_json_notice_timely_with_arrival(runner: CliRunner, arrival: str, timely: bool) -> None:
    result = runner.invoke(app, [*WORKED, "--json", "--notice-arrival", arrival])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["notice_timely"] is timely


def test_json_with_reading_and_explicit_model(runner: CliRunner) -> None:
    # Terminating with December 2026: two clear months (October, November) before it
    # → by 2026-09-30 (第10条, clear-months); January..March 2027 remain → 3 fees of
    # 1,000円 (第9条第2項). The fee may be written with a thousands separator.
    result = runner.invoke(
        app,
        [
            *("calc", "--service-start", "2026-03-15", "--monthly-fee", "1,000"),
            *("--termination-month", "2026-12", "--reading", "notice_deadline=clear-months"),
            *("--model", str(SHIPPED), "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout)
    assert values["readings"]["notice_deadline"] == "clear-months"
    assert values["notice_deadline"] == "2026-09-30"
    assert values["remaining_months"] == 3
    assert values["penalty"] == 3_000
    assert values["inputs"]["monthly_fee"] == 1_000


def _replace(args: list[str], flag: str, value: str) -> list[str]:
    changed = list(args)
    changed[changed.index(flag) + 1] = value
    return changed


BAD_INPUTS = [
    ("impossible date", _replace(WORKED, "--service-start", "2026-02-30"), "--service-start"),
    ("month 13", _replace(WORKED, "--termination-month", "2026-13"), "--termination-month"),
    ("negative fee", _replace(WORKED, "--monthly-fee", "-5"), "--monthly-fee"),
    ("fractional fee", _replace(WORKED, "--monthly-fee", "1000.5"), "--monthly-fee"),
    ("unknown ground", [*WORKED, "--ground", "bankruptcy"], "--ground"),
    ("unknown reading", [*WORKED, "--reading", "mid-month"], "--reading"),
    ("unknown reading of a quantity", [*WORKED, "--reading", "liability_cap=x"], "--reading"),
    ("a fact the model lacks", [*WORKED, "--fee-change-month", "2026-07"], "--fee-change-month"),
    ("a flag without a value", [*WORKED, "--ground"], "--ground"),
    ("bad arrival", [*WORKED, "--notice-arrival", "2026-9-1"], "--notice-arrival"),
    (
        "termination before start",
        _replace(WORKED, "--termination-month", "2026-02"),
        "--termination-month",
    ),
    ("missing model folder", [*WORKED, "--model", "no/such/model"], "--model"),
]


@pytest.mark.parametrize(
    ("args", "flag"), [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_exits_2_naming_the_flag(runner: CliRunner, args: list[str], flag: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert flag in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_facts_lists_the_flags_of_the_model(runner: CliRunner) -> None:
    result = runner.invoke(app, ["calc", "--facts"])
    assert result.exit_code == 0, result.output
    for flag in ("--service-start", "--monthly-fee", "--termination-month", "--ground"):
        assert flag in result.stdout
    assert "YYYY-MM-DD" in result.stdout and "第7条第1項" in result.stdout


def test_an_enumeration_is_shown_by_its_name(runner: CliRunner) -> None:
    args = ["calc", "--service-start", "2026-03-15", "--monthly-fee", "100000"]
    result = runner.invoke(app, [*args, "--termination-month", "2026-10", "--ground", "immediate"])
    assert result.exit_code == 0, result.output
    assert "無催告解除" in result.stdout


def test_calc_names_the_findings_and_the_readings_a_figure_depends_on() -> None:
    """Damage in the service-start month: the adopted cap is 0円, a finding (a defect),
    and another reading of 「支払った1年間の総額」 gives twelve fees."""
    result = CliRunner().invoke(
        app,
        [
            "calc",
            "--service-start",
            "2025-12-25",
            "--monthly-fee",
            "100000",
            "--termination-month",
            "2026-06",
            "--incident-date",
            "2025-12-28",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    values = json.loads(result.output)
    assert values["liability_cap"] == 0
    assert values["other_readings"]["liability_cap"]["liability_cap=annual-fee"] == 1_200_000
    found = {f["id"]: f["category"] for f in values["findings"]}
    assert found["liability.cap-positive-while-provided"] == "defect"
    text = CliRunner().invoke(app, ["calc", *result_args(values)]).output
    assert "liability.cap-positive-while-provided（約款の" not in text  # the short label
    assert "liability.cap-positive-while-provided（欠陥）" in text
    assert "liability_cap=annual-fee:" in text and "1,200,000円" in text


def test_calc_on_a_late_notice_names_the_earliest_month_and_the_finding() -> None:
    """A notice a day late: calc says so, shows the earliest month it is timely for under
    each reading, and names the finding that the terms leave the consequence open."""
    result = CliRunner().invoke(app, [*WORKED, "--notice-arrival", "2026-09-01", "--json"])
    assert result.exit_code == 0, result.output
    values = json.loads(result.output)
    assert values["notice_timely"] is False
    assert values["earliest_termination_month"] == "2026-11"
    others = values["other_readings"]["earliest_termination_month"]
    assert others == {"notice_deadline=clear-months": "2026-12"}
    found = {f["id"]: f["category"] for f in values["findings"]}
    assert found["notice.late-notice-ends-the-month-it-names"] == "undefined"


def result_args(values: dict[str, object]) -> list[str]:
    inputs = values["inputs"]
    assert isinstance(inputs, dict)
    return [
        "--service-start",
        str(inputs["service_start"]),
        "--monthly-fee",
        str(inputs["monthly_fee"]),
        "--termination-month",
        str(inputs["termination_month"]),
        "--incident-date",
        str(inputs["incident_date"]),
    ]
