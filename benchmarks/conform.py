"""Seeded implementation faults: `termcheck conform` beside Hypothesis alone, same budget.

Each fault is a change to the hand-written billing rules only (the model is right), the
kind a person makes: the eight kinds the gate used to miss (a minimum term ending on the
1st, reckoning from the service start itself, billing from the service start, a billed
month too many, a notice deadline day counted late, a notice one month short, a penalty
on a ground the terms do not name, a thirteen-month liability window), plus a start-delay
deadline a month early, a leap rule of every fourth year, and, in the rules of two
proposed revisions (benchmarks/implementations/revisions.py), a revised fee applied a
month late, a revised fee applied to the remaining months only, tax rounded half up and
tax rounded up. A control (no fault) must be found by neither.

For each fault, in one process and one after the other:

- **conform**: boundary cases, property witnesses and `--budget` generated cases, as
  `termcheck conform` runs them;
- **Hypothesis alone**: the same number of generated cases and shrinking, no solver.

    python benchmarks/conform.py                 # every fault, budget 100
    python benchmarks/conform.py --budget 300 --only impl.notice-deadline-day-late

Prints a table (found by each, seconds of each, their ratio) and writes
benchmarks/results/conform.json (keys sorted). Timings are measurements, not tests.
"""

from __future__ import annotations

import argparse
import calendar as stdcalendar
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from implementations import revisions  # noqa: E402
from termcheck.checks import REGISTRY  # noqa: E402
from termcheck.conform.run import conform  # noqa: E402
from termcheck.conform.target import PythonTarget  # noqa: E402
from termcheck.model.spec import Spec, load_spec  # noqa: E402
from termcheck.verify.properties import load_properties  # noqa: E402

SHIPPED = ROOT / "model" / "usen-gate02-iij-id"
billing = revisions.billing
Charges = Callable[[dict[str, Any]], dict[str, object]]


@dataclass(frozen=True)
class Fault:
    id: str
    model: Path
    what: str
    patch: Callable[[], Charges]  # installs the fault, returns the function to check


def _patched(name: str, replacement: Any, charges: Charges = billing.charges) -> Charges:
    """billing.<name> replaced while the returned function runs."""
    original = getattr(billing, name)

    def run(facts: dict[str, Any]) -> dict[str, object]:
        setattr(billing, name, replacement)
        try:
            return charges(facts)
        finally:
            setattr(billing, name, original)

    return run


_original_term_end = billing.minimum_term_end
_orig_billed = billing.billed_months


def _term_end_first_day(start: date) -> date:
    return _original_term_end(start).replace(day=1)


_original_leap = stdcalendar.monthrange


def _every_fourth_year(year: int, month: int) -> tuple[int, int]:
    weekday, days = _original_leap(year, month)
    if month == 2:
        days = 29 if year % 4 == 0 else 28
    return weekday, days


class _Calendar:
    """billing's `calendar` module with a leap rule of every fourth year."""

    def __getattr__(self, name: str) -> Any:
        return _every_fourth_year if name == "monthrange" else getattr(stdcalendar, name)


def _shipped(change: Callable[[dict[str, Any], dict[str, object]], None]) -> Charges:
    def run(facts: dict[str, Any]) -> dict[str, object]:
        out = dict(billing.charges(facts))
        change(facts, out)
        return out

    return run


def _deadline_day_late(facts: dict[str, Any], out: dict[str, object]) -> None:
    if (
        facts.get("notice_arrival") is not None
        and facts["notice_arrival"] == out["notice_deadline"]
    ):
        out["notice_timely"] = False


def _penalty_on(ground: str) -> Callable[[dict[str, Any], dict[str, object]], None]:
    def change(facts: dict[str, Any], out: dict[str, object]) -> None:
        if facts.get("ground") == ground and out["remaining_months"]:
            out["penalty_applies"] = True
            out["penalty"] = out["remaining_term_fees"]
            out["total_charged"] = int(out["billed_fees"]) + int(out["penalty"])  # type: ignore[call-overload]

    return change


def _fee_change_late(facts: dict[str, Any]) -> dict[str, object]:
    later = dict(facts)
    change = facts.get("fee_change_month")
    if change is not None:
        later["fee_change_month"] = type(change)(
            *billing._month(billing._index(change.year, change.month) + 1)
        )
    out = revisions.fee_change(later)
    return out


def _fee_change_remaining_only(facts: dict[str, Any]) -> dict[str, object]:
    out = revisions.fee_change(facts)
    plain = dict(billing.charges(facts))
    out["billed_fees"] = plain["billed_fees"]
    out["total_charged"] = int(out["billed_fees"]) + int(out["penalty"])  # type: ignore[call-overload]
    return out


def _tax(rounding: Callable[[int], int]) -> Charges:
    def run(facts: dict[str, Any]) -> dict[str, object]:
        original = revisions.with_tax
        revisions.with_tax = rounding
        try:
            return revisions.consumption_tax(facts)
        finally:
            revisions.with_tax = original

    return run


FEE_CHANGE = ROOT / "model" / "revisions" / "fee-change"
TAX = ROOT / "model" / "revisions" / "consumption-tax"

FAULTS = [
    Fault("control", SHIPPED, "no fault", lambda: billing.charges),
    Fault(
        "impl.term-ends-on-the-first",
        SHIPPED,
        "the minimum term ends on the 1st of its last month",
        lambda: _patched("minimum_term_end", _term_end_first_day),
    ),
    Fault(
        "impl.reckoning-from-service-start",
        SHIPPED,
        "the minimum term reckoned from the service start itself",
        lambda: _patched("reckoning_day", lambda start: start),
    ),
    Fault(
        "impl.billing-from-service-start",
        SHIPPED,
        "billing from the service start",
        lambda: _patched("billing_start", lambda start: start),
    ),
    Fault(
        "impl.month-billed-twice",
        SHIPPED,
        "one month too many billed",
        lambda: _patched("billed_months", lambda first, end: _orig_billed(first, end) + 1),
    ),
    Fault(
        "impl.notice-deadline-day-late",
        SHIPPED,
        "a notice on the deadline day counted late",
        lambda: _shipped(_deadline_day_late),
    ),
    Fault(
        "impl.notice-one-month-short",
        SHIPPED,
        "notice one month short",
        lambda: _patched("NOTICE_MONTHS", 1),
    ),
    Fault(
        "impl.penalty-on-rescission",
        SHIPPED,
        "a penalty on a ground the terms do not name (第11条第2項)",
        lambda: _shipped(_penalty_on("immediate")),
    ),
    Fault(
        "impl.liability-13-months",
        SHIPPED,
        "a liability window of 13 months",
        lambda: _patched("LIABILITY_MONTHS", 13),
    ),
    Fault(
        "impl.start-delay-a-month-early",
        SHIPPED,
        "the start-delay deadline at the end of the planned month",
        lambda: _patched(
            "start_delay_deadline",
            lambda planned: billing._last_day(billing._index(planned.year, planned.month)),
        ),
    ),
    Fault(
        "impl.leap-every-fourth-year",
        SHIPPED,
        "every fourth year a leap year (2100-02-29)",
        lambda: _patched("calendar", _Calendar()),
    ),
    Fault(
        "revision.fee-change-a-month-late",
        FEE_CHANGE,
        "the revised fee applied from the month after its month",
        lambda: _fee_change_late,
    ),
    Fault(
        "revision.fee-change-remaining-only",
        FEE_CHANGE,
        "the revised fee applied to the remaining months only, not to the months billed",
        lambda: _fee_change_remaining_only,
    ),
    Fault(
        "revision.tax-half-up",
        TAX,
        "tax rounded half up instead of down",
        lambda: _tax(lambda fee: (fee * 110 + 50) // 100),
    ),
    Fault(
        "revision.tax-ceiling",
        TAX,
        "tax rounded up instead of down",
        lambda: _tax(lambda fee: -(-fee * 110 // 100)),
    ),
]


def judge(fault: Fault, spec: Spec, budget: int) -> dict[str, Any]:
    props = load_properties(ROOT / "properties", spec, REGISTRY)
    function = fault.patch()
    figures: dict[str, Any] = {"what": fault.what, "model": str(fault.model.relative_to(ROOT))}
    for label, solver in (("conform", True), ("hypothesis", False)):
        target = PythonTarget(fault.id, function, 10)
        started = time.process_time()
        result = conform(spec, target, props, budget=budget, solver_cases=solver)
        figures[label] = {
            "found": bool(result.disagreements),
            "cpu_seconds": round(time.process_time() - started, 3),
            "cases": dict(sorted(result.cases.items())),
            "quantities": sorted({d.quantity for d in result.disagreements}),
        }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=100, help="generated cases (both sides)")
    parser.add_argument("--only", nargs="*", help="these fault ids")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "conform.json"
    )
    args = parser.parse_args()
    chosen = [f for f in FAULTS if not args.only or f.id in args.only]
    specs: dict[Path, Spec] = {}
    results: dict[str, Any] = {}
    print(f"{'fault':40} {'conform':>8} {'s':>7} {'Hypothesis':>11} {'s':>7} {'ratio':>6}")
    for fault in chosen:
        if fault.model not in specs:
            specs[fault.model] = load_spec(fault.model)
        figures = judge(fault, specs[fault.model], args.budget)
        results[fault.id] = figures
        c, h = figures["conform"], figures["hypothesis"]
        ratio = c["cpu_seconds"] / h["cpu_seconds"] if h["cpu_seconds"] else float("nan")
        print(
            f"{fault.id:40} {'found' if c['found'] else '-':>8} {c['cpu_seconds']:7.2f} "
            f"{'found' if h['found'] else '-':>11} {h['cpu_seconds']:7.2f} {ratio:6.2f}"
        )
    faults = [f for f in chosen if f.id != "control"]
    summary = {
        "budget": args.budget,
        "faults": len(faults),
        "conform_found": sum(results[f.id]["conform"]["found"] for f in faults),
        "hypothesis_found": sum(results[f.id]["hypothesis"]["found"] for f in faults),
        "control_found": any(
            results["control"][side]["found"] for side in ("conform", "hypothesis")
        )
        if "control" in results
        else None,
    }
    print(json.dumps(summary, sort_keys=True))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=args.out.parent, delete=False, encoding="utf-8") as f:
        json.dump({"summary": summary, "faults": results}, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(f.name, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
