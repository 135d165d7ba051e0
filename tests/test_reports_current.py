"""reports/ holds the reports of the shipped model as the code renders them today."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from termcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"
# The command in reports/README.md, run from the repository root.
ARGS = ["verify", "--format", "markdown,html,json,junit,sarif", "--lang", "ja,en", "--out"]
COMMAND = "termcheck " + shlex.join([*ARGS, "reports"])


def test_the_readme_gives_the_command() -> None:
    assert f"`{COMMAND}`" in (REPORTS / "README.md").read_text(encoding="utf-8")


def test_reports_are_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, [*ARGS, str(tmp_path)])
    assert result.exit_code == 0, result.output
    fresh = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    kept = {path.name: path.read_bytes() for path in REPORTS.glob("report.*")}
    stale = sorted(name for name in fresh.keys() | kept.keys() if fresh.get(name) != kept.get(name))
    if stale:
        pytest.fail(
            f"reports/ is not current ({', '.join(stale)}); regenerate it from the "
            f"repository root with: {COMMAND}",
            pytrace=False,
        )
