"""model.toml: the shipped model loads, and every defect is reported at its line and field."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from termcheck.errors import InputError
from termcheck.language.types import enum, set_of
from termcheck.model.spec import Spec, load_spec

SHIPPED = Path(__file__).resolve().parents[1] / "model" / "usen-gate02-iij-id"


# --- the shipped model -----------------------------------------------------------------


def test_shipped_model_loads(spec: Spec) -> None:
    v = spec.vocabulary
    assert spec.document.terms.id == "usen-gate02-iij-id"
    assert [e.id for e in v.facts] == [
        "service_start",
        "monthly_fee",
        "termination_month",
        "notice_arrival",
        "ground",
        "planned_start",
        "incident_date",
        "application_date",
    ]
    assert v.enums["ground"] == (
        "customer",
        "nonperformance",
        "immediate",
        "start-delay",
        "antisocial-status",
        "antisocial-conduct",
    )
    assert v.constants == {
        "minimum_term_months": 12,
        "notice_months": 2,
        "penalty_grounds": frozenset({"customer", "nonperformance", "antisocial-status"}),
        "liability_months": 12,
        "start_delay_months": 1,
        "consumption_tax_percent": 10,
    }
    assert v.entries["ground"].type == enum("ground")
    assert v.entries["penalty_grounds"].type == set_of("ground")
    assert {e.id: e.adopted for e in v.with_readings} == {
        "penalty_applies": "before-the-term-ends",
        "notice_deadline": "end-of-month",
        "liability_cap": "paid-last-year",
    }
    assert set(v.entries["notice_deadline"].formulas) == {
        "end-of-month",
        "first-of-month",
        "clear-months",
    }
    # Each quantity comes after the quantities it names.
    order = list(v.order)
    for name in order:
        for used in v.entries[name].uses:
            if v.entries[used].kind != "fact":
                assert order.index(used) < order.index(name), (used, name)
    # What depends on what: the penalty on four facts and on the reading of
    # 「最低利用期間内に」, not on the notice reading.
    assert v.entries["penalty"].facts == {
        "service_start",
        "monthly_fee",
        "termination_month",
        "ground",
    }
    assert v.entries["penalty"].depends_on_readings == {"penalty_applies"}
    assert v.entries["notice_timely"].depends_on_readings == {"notice_deadline"}
    assert v.entries["remaining_months"].bounds is not None
    assert (
        v.entries["remaining_months"].bounds.low,
        v.entries["remaining_months"].bounds.high,
    ) == (
        0,
        12,
    )


def test_shipped_model_cites_existing_articles(spec: Spec) -> None:
    for article_id in ("7-1", "9-1", "9-2", "10-1", "11-4", "13-1", "16-2"):
        assert spec.article(article_id).id == article_id


# --- defects, each on a copy of the model ---------------------------------------------


def copy_model(tmp_path: Path) -> Path:
    """A copy of the shipped model folder (model.toml and terms.ja.md) to break."""
    target = tmp_path / "model"
    shutil.copytree(SHIPPED, target)
    return target


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which `needle` occurs exactly once in `text`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} occurs on lines {hits}"
    return hits[0]


def break_model(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    """Replace the one occurrence of `old` in model.toml by `new`; return folder and text."""
    folder = copy_model(tmp_path)
    model = folder / "model.toml"
    text = model.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    broken = text.replace(old, new)
    model.write_text(broken, encoding="utf-8")
    return folder, broken


def load_error(folder: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_spec(folder)
    assert "Traceback" not in str(caught.value)
    return caught.value


Case = tuple[str, str, Callable[[str], str], str, str]

# (name, old text, new text from old, line marker in the broken file, field)
DEFECTS: list[Case] = [
    (
        "unknown key",
        'en = "penalty"\ntopic = "penalty"',
        lambda old: old + "\ncolour = 1",
        "colour = 1",
        "quantities.penalty.colour",
    ),
    (
        "wrong type",
        "min = 0\nmax = 1_000_000_000",
        lambda old: old.replace("min = 0", 'min = "0"'),
        'min = "0"',
        "facts.1.min",
    ),
    (
        "unknown type",
        'type = "yen"\narticle = "9-2"\nja = "違約金"',
        lambda old: old.replace('"yen"', '"money"'),
        'type = "money"',
        "quantities.penalty.type",
    ),
    (
        "missing article",
        'article = "9-2"\nja = "違約金"',
        lambda old: old.replace("9-2", "9-9"),
        'article = "9-9"',
        "quantities.penalty.article",
    ),
    (
        "unknown ground",
        'formula = \'{"customer", "nonperformance", "antisocial-status"}\'',
        lambda old: 'formula = \'{"customer", "nonpayment"}\'',
        'formula = \'{"customer", "nonpayment"}\'',
        "quantities.penalty_grounds.formula",
    ),
    (
        "a formula of the wrong type",
        'formula = "if penalty_applies then remaining_term_fees else 0"',
        lambda old: 'formula = "if penalty_applies then remaining_months else 0"',
        'formula = "if penalty_applies then remaining_months else 0"',
        "quantities.penalty.formula",
    ),
    (
        "an unknown name in a formula",
        'formula = "billed_fees + penalty"',
        lambda old: 'formula = "billed_fees + penalti"',
        'formula = "billed_fees + penalti"',
        "quantities.total_charged.formula",
    ),
    (
        "a cycle of quantities",
        'formula = "billed_months * monthly_fee"',
        lambda old: 'formula = "total_charged - penalty"',
        'formula = "total_charged - penalty"',
        "quantities.billed_fees.formula",
    ),
    (
        "adopted reading not a reading",
        'adopted = "end-of-month"',
        lambda old: 'adopted = "end-of-quarter"',
        'adopted = "end-of-quarter"',
        "quantities.notice_deadline.adopted",
    ),
    (
        "a relation that is not a condition",
        'formula = "termination_month >= month_of(application_date)"',
        lambda old: 'formula = "month_of(service_start)"',
        'formula = "month_of(service_start)"',
        "relations.1.formula",
    ),
    (
        "a preference of the wrong type",
        'prefer = "100_000"',
        lambda old: 'prefer = "planned_start"',
        'prefer = "planned_start"',
        "facts.1.prefer",
    ),
    (
        "a lifecycle guard that does not type-check",
        'formula = "contract.demanded and event.on > contract.demand_on"',
        lambda old: 'formula = "contract.demanded and event.on > contract.demand_month"',
        'formula = "contract.demanded and event.on > contract.demand_month"',
        "lifecycle.guards.5.formula",
    ),
    (
        "missing terms file",
        'text = "terms.ja.md"',
        lambda old: 'text = "terms.en.md"',
        'text = "terms.en.md"',
        "terms.text",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "marker", "field"), [d[1:] for d in DEFECTS], ids=[d[0] for d in DEFECTS]
)
def test_defect_is_reported_at_its_line_and_field(
    tmp_path: Path, old: str, new: Callable[[str], str], marker: str, field: str
) -> None:
    folder, broken = break_model(tmp_path, old, new(old))
    error = load_error(folder)
    line = line_of(broken, marker)
    message = str(error)
    assert f"model.toml:{line}:" in message, message
    assert field in message, message
    assert error.field is not None and error.field.startswith(field)
    assert error.position is not None and error.position.line == line


def test_unknown_ground_names_the_bad_value(tmp_path: Path) -> None:
    folder, _ = break_model(
        tmp_path,
        'formula = \'{"customer", "nonperformance", "antisocial-status"}\'',
        'formula = \'{"customer", "nonpayment"}\'',
    )
    message = str(load_error(folder))
    assert '"nonpayment" is not a ground' in message
    assert '"nonperformance"' in message  # the values it could have been


def test_a_formula_error_names_its_column(tmp_path: Path) -> None:
    folder, broken = break_model(
        tmp_path,
        'formula = "billed_fees + penalty"',
        'formula = "billed_fees + billed_months"',
    )
    message = str(load_error(folder))
    line = line_of(broken, 'formula = "billed_fees + billed_months"')
    # The `+` is the 13th character of the formula, which starts in column 12.
    assert (
        f"model.toml:{line}:24: quantities.total_charged.formula: cannot add yen and int" in message
    )


def test_a_cycle_names_every_quantity_in_it(tmp_path: Path) -> None:
    folder, _ = break_model(
        tmp_path,
        'formula = "billed_months * monthly_fee"',
        'formula = "total_charged - penalty"',
    )
    message = str(load_error(folder))
    assert "cycle" in message
    assert "billed_fees → total_charged → billed_fees" in message


def test_a_property_naming_what_the_model_lacks_is_refused(tmp_path: Path, spec: Spec) -> None:
    from termcheck.checks import REGISTRY
    from termcheck.verify.properties import load_property_file

    path = tmp_path / "p.toml"
    path.write_text(
        """
[[property]]
id = "x.fee-changes"
articles = ["7-3"]
title_ja = "料金変更"
title_en = "Fee changes"
assert = "new_monthly_fee >= 0"
expect = "holds"
""",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_property_file(path, spec, REGISTRY)
    assert "unknown name `new_monthly_fee`" in str(caught.value)
    assert "p.toml:7:11:" in str(caught.value)


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    folder, broken = break_model(tmp_path, 'formula = "2"\n', 'formula = = "2"\n')
    error = load_error(folder)
    line = line_of(broken, 'formula = = "2"')
    match = re.search(r"model\.toml:(\d+):(\d+)", str(error))
    assert match is not None, str(error)
    assert int(match.group(1)) == line
    assert int(match.group(2)) >= 1
    assert "TOML" in str(error)


def test_deleted_terms_file_is_reported_at_terms_text(tmp_path: Path) -> None:
    folder = copy_model(tmp_path)
    (folder / "terms.ja.md").unlink()
    text = (folder / "model.toml").read_text(encoding="utf-8")
    error = load_error(folder)
    assert f"model.toml:{line_of(text, 'text = ')}:" in str(error)
    assert "terms.text" in str(error)
    assert "terms.ja.md" in str(error)


def test_missing_model_toml(tmp_path: Path) -> None:
    folder = copy_model(tmp_path)
    (folder / "model.toml").unlink()
    error = load_error(folder)
    assert "model.toml" in str(error)


def test_missing_model_folder(tmp_path: Path) -> None:
    error = load_error(tmp_path / "nowhere")
    assert "nowhere" in str(error)


@pytest.mark.parametrize(
    ("whole", "message"),
    [
        # A contract terminated before billing starts bills 0 months: no dividing by it.
        ("billed_months", "scale: its whole can be 0"),
        # Never 0, but thousands of values over the horizon: no case split that large.
        ("max(billed_months, 1)", "scale: its whole takes 5,999 values"),
    ],
)
def test_a_scale_the_solver_cannot_divide_is_refused_at_its_call(
    tmp_path: Path, whole: str, message: str
) -> None:
    formula = f'formula = "scale(billed_months * monthly_fee, 1, {whole}, \\"floor\\")"'
    folder, broken = break_model(tmp_path, 'formula = "billed_months * monthly_fee"', formula)
    error = load_error(folder)
    assert message in str(error), str(error)
    assert error.position is not None and error.position.line == line_of(broken, formula)
    assert error.position.column == len('formula = "') + 1  # the call, inside the quotes
    assert error.field == "quantities.billed_fees.formula"


def test_a_date_bound_inside_its_month_holds_to_the_day(tmp_path: Path) -> None:
    """A min of 2026-03-15 is the 15th, not the month: calc refuses the 1st, and no
    witness the solver finds can take it."""
    import z3

    from termcheck.errors import ScenarioError
    from termcheck.semantics.case import check_value
    from termcheck.smt.encoding import declare

    folder, _ = break_model(
        tmp_path, 'id = "service_start"\n', 'id = "service_start"\nmin = "2026-03-15"\n'
    )
    spec = load_spec(folder)
    entry = spec.vocabulary.entries["service_start"]
    assert entry.days is not None and entry.days[0] == date(2026, 3, 15)
    check_value(entry, date(2026, 3, 15), spec.vocabulary)
    with pytest.raises(ScenarioError, match=r"2026-03-14 is outside 2026-03-15\.\."):
        check_value(entry, date(2026, 3, 14), spec.vocabulary)
    day, constraints = declare(entry, "s", spec.vocabulary)
    solver = z3.Solver()
    solver.add(*constraints, day.year == 2026, day.month == 3, day.day < 15)
    assert solver.check() == z3.unsat
