"""Every witness in the stored reports is a possible case of its model.

A lawyer who meets one impossible customer (a notice before the service starts, an
incident before it) stops trusting the rest. Each counterexample's customer is read back
from report.json and evaluated by the model's concrete meaning, relations included: none
may be refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from termcheck.errors import ScenarioError
from termcheck.model.spec import load_spec
from termcheck.report.present import from_json
from termcheck.semantics.case import evaluate

ROOT = Path(__file__).resolve().parents[1]
REPORTS = {
    "shipped": (ROOT / "model" / "usen-gate02-iij-id", ROOT / "reports" / "report.json"),
    "sample": (
        ROOT / "model" / "samples" / "sample-storage",
        ROOT / "reports" / "samples" / "sample-storage" / "report.json",
    ),
}


def _customers(report: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    found = []
    for prop in report["properties"]:
        cases = prop.get("counterexample")
        if not isinstance(cases, list):
            continue  # a lifecycle trace or a document check: no customer
        for case in cases:
            if isinstance(case, dict) and "inputs" in case:
                found.append((prop["id"], case["inputs"], case.get("readings") or {}))
    return found


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_witness_is_a_possible_case(name: str) -> None:
    folder, path = REPORTS[name]
    spec = load_spec(folder)
    report = json.loads(path.read_text(encoding="utf-8"))
    customers = _customers(report)
    assert len(customers) >= 5  # the walk reaches the witnesses
    entries = spec.vocabulary.entries
    for prop_id, inputs, readings in customers:
        facts = {k: from_json(v, entries[k].type.kind) for k, v in inputs.items()}
        # Raises ScenarioError, naming the relation, for an impossible customer.
        try:
            evaluate(spec.vocabulary, facts, readings)
        except ScenarioError as exc:
            pytest.fail(f"{prop_id}: its witness is no possible case: {exc}")
