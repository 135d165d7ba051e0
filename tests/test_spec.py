"""model.toml: the shipped model loads, and every defect is reported at its line and field."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from termcheck.errors import InputError
from termcheck.spec import BillingStart, PenaltyBasis, Spec, load_spec
from termcheck.vocabulary import Ground, LiabilityReading, NoticeReading

SHIPPED = Path(__file__).resolve().parents[1] / "model" / "usen-gate02-iij-id"


# --- the shipped model -----------------------------------------------------------------


def test_shipped_model_loads(spec: Spec) -> None:
    document = spec.document
    assert document.terms.id == "usen-gate02-iij-id"
    assert document.billing.start is BillingStart.FIRST_OF_NEXT_MONTH
    assert spec.minimum_term_months == 12
    assert document.penalty.basis is PenaltyBasis.REMAINING_TERM_FEES
    assert spec.penalty_grounds == {
        Ground.CUSTOMER,
        Ground.NONPERFORMANCE,
        Ground.ANTISOCIAL_STATUS,
    }
    assert spec.notice_months == 2
    assert document.liability.months == 12
    assert document.start_delay.months_after_planned_month == 1
    assert spec.adopted_notice_reading is NoticeReading.END_OF_MONTH
    assert spec.adopted_liability_reading is LiabilityReading.PAID_LAST_YEAR
    assert set(spec.notice_readings()) == set(NoticeReading)
    assert set(spec.liability_readings()) == set(LiabilityReading)
    assert {g.id for g in document.grounds} == set(Ground)


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
        'overridable_by = "quote"',
        lambda old: old + "\ncolour = 1",
        "colour = 1",
        "penalty.colour",
    ),
    (
        "wrong type",
        "months = 12\n# 起算日",
        lambda old: old.replace("12", '"12"'),
        'months = "12"',
        "minimum_term.months",
    ),
    (
        "impossible value",
        "months = 12\n# 起算日",
        lambda old: old.replace("12", "0"),
        "months = 0",
        "minimum_term.months",
    ),
    (
        "missing article",
        'article = "9-2"',
        lambda old: 'article = "9-9"',
        'article = "9-9"',
        "penalty.article",
    ),
    (
        "unknown ground",
        'grounds = ["customer", "nonperformance", "antisocial-status"]',
        lambda old: 'grounds = ["customer", "nonpayment"]',
        'grounds = ["customer", "nonpayment"]',
        "penalty.grounds",
    ),
    (
        "adopted reading not an option",
        'adopted = "end-of-month"',
        lambda old: 'adopted = "end-of-quarter"',
        'adopted = "end-of-quarter"',
        "readings.0.adopted",
    ),
    (
        "unknown liability reading adopted",
        'adopted = "paid-last-year"',
        lambda old: 'adopted = "gross"',
        'adopted = "gross"',
        "readings.1.adopted",
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
        'grounds = ["customer", "nonperformance", "antisocial-status"]',
        'grounds = ["customer", "nonpayment"]',
    )
    assert "nonpayment" in str(load_error(folder))


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    folder, broken = break_model(tmp_path, "months = 2\n", "months = = 2\n")
    error = load_error(folder)
    line = line_of(broken, "months = = 2")
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
