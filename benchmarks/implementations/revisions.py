"""Hand-written billing rules for two proposed revisions (model/revisions/), for the
conformance benchmark: the shipped rules (model/usen-gate02-iij-id/implementation/
billing.py) with a fee that changes mid-term (fee-change, 第7条第3項) and with tax
rounded down each month (consumption-tax, 第7条第1項). Written from the revised
wording, not from model.toml; benchmarks/conform.py seeds faults into them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location(
    "benchmark_billing", ROOT / "model" / "usen-gate02-iij-id" / "implementation" / "billing.py"
)
assert _SPEC is not None and _SPEC.loader is not None
billing: Any = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(billing)

TAX_PERCENT = 10  # 消費税等相当額: 10%


def with_tax(fee: int) -> int:
    """第7条第1項 (revised): the fee plus 10%, 1円未満切捨て."""
    return fee * (100 + TAX_PERCENT) // 100


def consumption_tax(facts: dict[str, Any]) -> dict[str, object]:
    figures = dict(billing.charges(facts))
    fee = with_tax(facts["monthly_fee"])
    figures["billed_fees"] = figures["billed_months"] * fee
    figures["total_charged"] = figures["billed_fees"] + figures["penalty"]
    if "liability_cap" in figures and facts["monthly_fee"]:
        figures["liability_cap"] = figures["liability_cap"] // facts["monthly_fee"] * fee
    return figures


def _months(first: int, last: int) -> range:
    return range(first, last + 1)


def fee_in_force(facts: dict[str, Any], index: int) -> int:
    """第7条第3項 (revised): the revised fee from its month on."""
    change = facts.get("fee_change_month")
    if change is None:
        return facts["monthly_fee"]
    new_fee = facts.get("new_monthly_fee", facts["monthly_fee"])
    return new_fee if index >= billing._index(change.year, change.month) else facts["monthly_fee"]


def fee_change(facts: dict[str, Any]) -> dict[str, object]:
    figures = dict(billing.charges(facts))
    start, end = figures["billing_start"], figures["service_end"]
    first, last = billing._index(start.year, start.month), billing._index(end.year, end.month)
    term_end = figures["minimum_term_end"]
    term_last = billing._index(term_end.year, term_end.month)
    reckoning = figures["reckoning_day"]
    term_first = billing._index(reckoning.year, reckoning.month)
    figures["billed_fees"] = sum(fee_in_force(facts, m) for m in _months(first, last))
    figures["remaining_term_fees"] = sum(
        fee_in_force(facts, m) for m in _months(last + 1, term_last)
    )
    figures["minimum_commitment"] = sum(
        fee_in_force(facts, m) for m in _months(term_first, term_last)
    )
    figures["penalty"] = figures["remaining_term_fees"] if figures["penalty_applies"] else 0
    figures["total_charged"] = figures["billed_fees"] + figures["penalty"]
    incident = facts.get("incident_date")
    if incident is not None:
        month = billing._index(incident.year, incident.month)
        window = _months(max(month - billing.LIABILITY_MONTHS + 1, first), min(month, last))
        figures["liability_cap"] = sum(fee_in_force(facts, m) for m in window)
    return figures
