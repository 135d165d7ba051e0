"""reports/ holds the reports of the shipped models as the code renders them today.

Each report is regenerated as a user regenerates it: the command, in a process of its
own. The same command gives the same bytes on every run; a process that has built other
Z3 terms first (this test process) may find other, equally valid, readable witnesses,
because Z3's search follows the ids of the terms it has seen.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"
# The commands in reports/README.md, run from the repository root: the shipped terms,
# and the sample agreement (its reports for people and the JSON).
SHIPPED = ["verify", "--format", "markdown,html,json,junit,sarif", "--lang", "ja,en", "--out"]
SAMPLE = [
    "verify",
    "model/samples/sample-storage",
    "--format",
    "markdown,json",
    "--lang",
    "ja,en",
    "--out",
]
RUNS = {
    "shipped": (SHIPPED, REPORTS, "report.*"),
    "sample": (SAMPLE, REPORTS / "samples" / "sample-storage", "report.*"),
}


def _command(args: list[str], folder: Path) -> str:
    return "termcheck " + shlex.join([*args, folder.relative_to(ROOT).as_posix()])


@pytest.mark.parametrize("run", sorted(RUNS))
def test_the_readme_gives_the_command(run: str) -> None:
    args, folder, _ = RUNS[run]
    assert f"`{_command(args, folder)}`" in (REPORTS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("run", sorted(RUNS))
def test_reports_are_current(run: str, tmp_path: Path) -> None:
    args, folder, pattern = RUNS[run]
    done = subprocess.run(
        [sys.executable, "-m", "termcheck", *args, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    fresh = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    kept = {path.name: path.read_bytes() for path in folder.glob(pattern)}
    stale = sorted(name for name in fresh.keys() | kept.keys() if fresh.get(name) != kept.get(name))
    if stale:
        pytest.fail(
            f"{folder.relative_to(ROOT)} is not current ({', '.join(stale)}); regenerate it "
            f"from the repository root with: {_command(args, folder)}",
            pytrace=False,
        )
