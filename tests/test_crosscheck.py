"""The shipped terms three ways: the model's formulas concretely, the same formulas in Z3,
and the hand-written billing implementation, on generated cases.

The formulas are the terms' reading; the implementation is written from the terms text by
hand (never generated from the formulas), as a billing system would be. Hypothesis looks
for a case on which any two disagree, quantity by quantity. `TERMCHECK_PROFILE=thorough`
runs 100,000 cases per test.
"""

from __future__ import annotations

from hypothesis import given

from termcheck.model.spec import Spec
from termcheck.semantics.case import evaluate
from termcheck.smt.encoding import evaluate_at
from termcheck.verify.implementation import disagreements, of_model

from strategies import cases, readings


@given(cases())
def test_implementation_agrees_with_the_model(spec: Spec, case: dict[str, object]) -> None:
    implementation = of_model(spec)
    assert implementation is not None
    outcome = evaluate(spec.vocabulary, case)
    assert disagreements(spec, implementation, outcome) == []
    answers, _ = implementation.run(outcome.facts)
    assert answers is not None
    # Every quantity that depends on the case is computed by the implementation.
    assert {e.id for e in spec.vocabulary.derived} <= set(answers)


@given(cases(), readings())
def test_z3_agrees_with_the_concrete_meaning(
    spec: Spec, case: dict[str, object], chosen: dict[str, str]
) -> None:
    outcome = evaluate(spec.vocabulary, case, chosen)
    symbolic = evaluate_at(spec.vocabulary, outcome.facts, chosen)
    for entry in spec.vocabulary.quantities:
        assert symbolic[entry.id] == outcome.value(entry.id), entry.id
