"""A finding says what it is (defect, ambiguity, …), and reports list defects first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from termcheck.cli import app
from termcheck.render.words import FINDING_GROUPS, GROUPS, group_label, kind_label
from termcheck.report.present import Lang
from termcheck.verify.properties import CATEGORIES

ROOT = Path(__file__).resolve().parents[1]

FINDING = """
[[property]]
id = "t.finding"
articles = ["9-2"]
title_ja = "試験"
title_en = "test"
assert = "penalty == 0"
expect = "{expect}"
{category}
reason = "test"
"""


def _verify(tmp_path: Path, text: str) -> tuple[int, str]:
    folder = tmp_path / "properties"
    folder.mkdir()
    (folder / "t.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", "--properties", str(folder)])
    return result.exit_code, result.output


def test_the_categories_are_the_finding_groups_in_order() -> None:
    assert tuple(g for g in GROUPS if g in FINDING_GROUPS) == CATEGORIES


def test_a_finding_without_a_category_is_refused_at_load(tmp_path: Path) -> None:
    code, out = _verify(tmp_path, FINDING.format(expect="finding", category=""))
    assert code == 2
    line = out.strip()
    assert "\n" not in line
    assert re.search(r"t\.toml:\d+", line) and "category = defect | ambiguity" in line


def test_a_property_expected_to_hold_has_no_category(tmp_path: Path) -> None:
    code, out = _verify(tmp_path, FINDING.format(expect="holds", category='category = "defect"'))
    assert code == 2
    assert "only a finding has a category" in out and "t.toml:" in out


def test_an_unknown_category_is_refused_with_the_choices(tmp_path: Path) -> None:
    code, out = _verify(tmp_path, FINDING.format(expect="finding", category='category = "bug"'))
    assert code == 2
    assert "t.toml:" in out and "category" in out


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_stored_report_lists_defects_first(lang: Lang) -> None:
    """The groups of reports/report.<lang>.md come in the order of GROUPS, and the
    contents table lists the properties in the same order."""
    text = (ROOT / "reports" / f"report.{lang}.md").read_text(encoding="utf-8")
    shown = [g for g in GROUPS if f"## {group_label(g, lang)}（" in text]
    positions = [text.index(f"## {group_label(g, lang)}（") for g in shown]
    assert positions == sorted(positions)
    assert shown[:2] == ["defect", "ambiguity"] and shown[-1] == "proved"
    contents = text[text.index("|---|---|---|---|---|") :]
    kinds = [row.split(" | ")[2] for row in contents.splitlines()[1:] if row.startswith("| `")]
    order = [kind_label(g, lang) for g in GROUPS]
    ranks = [order.index(k) for k in kinds]
    assert ranks == sorted(ranks) and len(kinds) > 0
