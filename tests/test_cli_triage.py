"""The terminal text of the commands: triage first in `verify` (the unmet lead and close
the output, accepted findings one line each, --quiet and --verbose), help that names
values instead of Python types and lists the model's choices, widths that follow
COLUMNS with ids never split, plain-text `diff`, and `mutate`'s progress and counts.

The machine formats and the files in reports/ are checked byte for byte elsewhere
(tests/test_reports_current.py); here only the text for people is.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from conftest import ROOT, SHIPPED_MODEL, SHIPPED_PROPERTIES
from termcheck.analyses import mutate
from termcheck.analyses.mutate import MutantResult, Mutation, Verdict
from termcheck.checks import REGISTRY
from termcheck.cli import _console, app
from termcheck.cli import diff as cli_diff
from termcheck.model.coverage import coverage, matrix_rows
from termcheck.model.spec import Spec, load_spec
from termcheck.verify.properties import load_properties

# A slip the properties notice and no review gate does (the phrase a value quotes is
# checked before proving, so the minimum term's "12" cannot simply become "11").
WITHIN_TERM = 'formula = "service_end <= minimum_term_end"'
TABLE_RULE = "━"  # the line under a table's header


def invoke(*args: str, columns: int | None = None) -> Any:
    env: dict[str, str | None] = {"COLUMNS": str(columns) if columns else None}
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped model with its minimum term ending a day early: properties unmet."""
    root = tmp_path_factory.mktemp("failing")
    folder = root / "model"
    shutil.copytree(SHIPPED_MODEL, folder)
    # A snapshot of the properties too: every run of a test then checks the same ones.
    shutil.copytree(SHIPPED_PROPERTIES, folder / "properties")
    toml = folder / "model.toml"
    text = toml.read_text(encoding="utf-8")
    assert text.count(WITHIN_TERM) == 1
    toml.write_text(text.replace(WITHIN_TERM, WITHIN_TERM.replace("<=", "<")), "utf-8")
    return folder


@pytest.fixture(scope="module")
def outcomes(failing: Path) -> dict[str, dict[str, Any]]:
    """verify --format json on the failing model: each property's status and whether met."""
    result = invoke(
        "verify",
        str(failing),
        "--format",
        "json",
        "--no-timings",
    )
    assert result.exit_code == 1, result.output
    return {entry["id"]: entry for entry in json.loads(result.stdout)["properties"]}


def verify_text(failing: Path, *flags: str, columns: int | None = None, lang: str = "en") -> Any:
    # Its own properties/: a snapshot. In English unless asked: the layout is the same in
    # both languages, and the English words are the ones these tests find lines by.
    args = ["verify", str(failing), "--lang", lang, *flags]
    return invoke(*args, columns=columns)


def unmet_ids(outcomes: dict[str, dict[str, Any]]) -> list[str]:
    return [prop_id for prop_id, entry in outcomes.items() if not entry["met"]]


def accepted_ids(outcomes: dict[str, dict[str, Any]]) -> list[str]:
    return [i for i, entry in outcomes.items() if entry["met"] and entry["expected"] == "finding"]


def told_in_full(output: str) -> set[str]:
    """The properties whose detail block (`ID  title`, bold id at the left) is shown."""
    return {
        line.split("  ", 1)[0]
        for line in output.splitlines()
        if re.match(r"^[a-z][\w.-]+  \S", line) and "┃" not in line and "│" not in line
    }


# --- verify: triage first ----------------------------------------------------------------------


def test_the_failing_copy_has_unmet_and_accepted_properties(
    outcomes: dict[str, dict[str, Any]],
) -> None:
    assert len(unmet_ids(outcomes)) >= 3
    assert len(accepted_ids(outcomes)) >= 3


def test_unmet_lead_the_table_and_close_the_output(
    failing: Path, outcomes: dict[str, dict[str, Any]]
) -> None:
    result = verify_text(failing, "--no-timings")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    unmet = unmet_ids(outcomes)
    # The table's rows start right after its header rule: the unmet first, in order.
    first_row = next(i for i, line in enumerate(lines) if TABLE_RULE in line) + 1
    table = lines[first_row : lines.index("", first_row)]
    rows = [line.split()[0] for line in table if not line.lstrip().startswith("│")]
    assert rows[: len(unmet)] == unmet
    assert sorted(rows) == sorted(outcomes)
    # The closing block: every unmet id, one line each with its reason, then the summary.
    closing = lines[lines.index("unmet:") + 1 : -1]
    assert [line.split(":", 1)[0].strip() for line in closing] == unmet
    assert all(line.startswith("  ") and len(line.split(": ", 1)[1]) > 3 for line in closing)
    assert lines[-1].startswith(f"{len(outcomes)} properties:")
    assert f" {len(unmet)} unmet," in lines[-1]


def test_the_japanese_text_closes_with_the_unmet_in_japanese(
    failing: Path, outcomes: dict[str, dict[str, Any]]
) -> None:
    result = verify_text(failing, "--no-timings", lang="ja")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    unmet = unmet_ids(outcomes)
    header = lines[next(i for i, line in enumerate(lines) if TABLE_RULE in line) - 1]
    assert header.split() == ["性質", "┃", "根拠条項", "┃", "結果", "┃", "期待", "┃", "判定"]
    closing = lines[lines.index("期待に反する性質:") + 1 : -1]
    assert [line.split(":", 1)[0].strip() for line in closing] == unmet
    assert all(": 規則と不一致: " in line for line in closing)
    assert lines[-1].startswith(f"性質{len(outcomes)}件: ")
    assert f"、期待に反する{len(unmet)}、" in lines[-1]
    assert "既知の指摘（" in result.stdout and "accepted findings" not in result.stdout


def test_accepted_findings_are_one_line_each_unless_verbose(
    failing: Path, outcomes: dict[str, dict[str, Any]]
) -> None:
    accepted = accepted_ids(outcomes)
    normal = verify_text(failing, "--no-timings")
    told = told_in_full(normal.stdout)
    assert set(unmet_ids(outcomes)) <= told
    assert not told & set(accepted)
    block = normal.stdout.split("accepted findings (", 1)[1].split("\n\n", 1)[0]
    listed = [line.split(":", 1)[0].strip() for line in block.splitlines()[1:]]
    assert listed == accepted
    verbose = verify_text(failing, "--no-timings", "--verbose")
    assert verbose.exit_code == 1
    assert set(accepted) <= told_in_full(verbose.stdout)
    assert "accepted findings (" not in verbose.stdout
    assert verbose.stdout.rstrip().endswith(normal.stdout.rstrip().splitlines()[-1])


def test_reading_dependent_verdicts_are_one_line_each_with_the_other_readings() -> None:
    sample = ROOT / "model" / "samples" / "sample-storage"
    result = invoke("verify", str(sample), "--all-readings", "--no-timings", "--lang", "en")
    assert result.exit_code == 0, result.output
    marked = [
        line.split()[0] for line in result.stdout.splitlines() if "(reading-dependent)" in line
    ]
    block = result.stdout.split("reading-dependent (met under the adopted readings):\n", 1)[1]
    listed = block.split("\n\n", 1)[0].splitlines()
    assert marked and [line.split(":", 1)[0].strip() for line in listed] == marked
    assert all(": under " in line for line in listed)


def test_quiet_prints_only_the_unmet_and_the_summary(
    failing: Path, outcomes: dict[str, dict[str, Any]]
) -> None:
    result = verify_text(failing, "--quiet")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    unmet = unmet_ids(outcomes)
    assert lines[0] == "unmet:"
    assert [line.split(":", 1)[0].strip() for line in lines[1:-1]] == unmet
    assert lines[-1].startswith(f"{len(outcomes)} properties:")
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "en",
            "1 properties: 1 proved, 0 known findings, 0 unmet, 0 inconclusive, 0 vacuous, "
            "0 divergent",
        ),
        (
            "ja",
            "性質1件: 証明済み1、既知の指摘0、期待に反する0、判定不能0、前提が成り立たない0、"
            "モデルと規則の不一致0",
        ),
    ],
)
def test_quiet_on_a_passing_run_is_the_summary_alone(lang: str, line: str) -> None:
    result = invoke("verify", "--quiet", "--only", "penalty.nonnegative", "--lang", lang)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [line]


def test_quiet_and_verbose_together_are_refused() -> None:
    result = invoke("verify", "--quiet", "--verbose")
    assert result.exit_code == 2
    assert result.stderr.strip() == "termcheck: --quiet and --verbose: give one of them"


def test_quiet_and_verbose_leave_the_machine_formats_alone() -> None:
    args = ["verify", "--format", "json", "--no-timings", "--only", "penalty.nonnegative"]
    plain = invoke(*args)
    assert plain.exit_code == 0
    assert invoke(*args, "--quiet").stdout == plain.stdout
    assert invoke(*args, "--verbose").stdout == plain.stdout


def test_reports_written_with_out_are_followed_by_the_unmet(failing: Path, tmp_path: Path) -> None:
    result = verify_text(failing, "--format", "json", "--out", str(tmp_path / "r.json"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("wrote ") and "unmet:" in lines
    assert "properties:" in lines[-1]


# --- Widths and ids ------------------------------------------------------------------------------


def assert_fits(output: str, columns: int, ids: list[str]) -> None:
    """No line is wider than `columns`, but for one that holds a single id too wide to
    fit (it runs past the edge rather than lose its end); every id is whole."""
    known = set(ids)
    too_wide = [
        line
        for line in output.splitlines()
        if cell_len(line.rstrip()) > columns and line.strip().rstrip(",") not in known
    ]
    assert not too_wide, too_wide[:3]
    for item in ids:
        assert item in output, f"{item} split or cut"


@pytest.mark.parametrize(("columns", "lang"), [(72, "en"), (100, "en"), (250, "en"), (72, "ja")])
def test_verify_follows_columns_and_keeps_ids_whole(
    failing: Path, outcomes: dict[str, dict[str, Any]], columns: int, lang: str
) -> None:
    result = verify_text(failing, columns=columns, lang=lang)
    assert result.exit_code == 1
    assert_fits(result.stdout, columns, list(outcomes))
    lines = result.stdout.splitlines()
    # Every property's own line or row starts with its id.
    starts = {line.split()[0] for line in lines if line.strip()}
    assert set(outcomes) <= starts


@pytest.mark.parametrize("columns", [60, 80, 120, 250])
def test_coverage_follows_columns_and_keeps_ids_whole(spec: Spec, columns: int) -> None:
    result = invoke("coverage", columns=columns)
    assert result.exit_code == 0, result.output
    props = load_properties(SHIPPED_PROPERTIES, spec, REGISTRY)
    rows = matrix_rows(coverage(spec, props))
    ids = sorted({name for row in rows for name in (*row.elements, *row.properties)})
    assert_fits(result.stdout, columns, ids)
    # Each id stands alone between separators, never glued to a fragment of another.
    words = set(re.split(r"[\s,│]+", result.stdout))
    assert set(ids) <= words


def test_off_a_terminal_without_columns_the_width_is_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert _console.width() == _console.OFF_TERMINAL_WIDTH
    monkeypatch.setenv("COLUMNS", "90")
    assert _console.width() == 90


def test_wrapping_breaks_between_ids_only() -> None:
    ids = ["precedence.one-governing-provision", "precedence.acyclic", "a.b"] * 3
    lines = _console.wrap_items("  properties:", ids, 52)
    assert len(lines) > 3 and all(cell_len(line) <= 52 for line in lines)
    assert lines[0].startswith("  properties: ")
    assert all(line.startswith("    ") for line in lines[1:])
    text = " ".join(lines).replace("properties:", "")
    assert [item.strip() for item in text.split(",")] == ids


# --- Help ----------------------------------------------------------------------------------------

COMMANDS = [
    "verify",
    "calc",
    "diff",
    "mutate",
    "coverage",
    "conform",
    "audit",
    "articles",
    "fingerprints",
]


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_names_values_not_python_types(command: list[str]) -> None:
    result = invoke(*command, "--help", columns=200)
    assert result.exit_code == 0, result.output
    for python_type in ("<bool>", "<list[str]>", "<list["):
        assert python_type not in result.stdout, python_type


def test_calc_help_lists_the_grounds_and_readings_from_the_model(spec: Spec) -> None:
    result = invoke("calc", "--help", columns=250)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "from the model model/usen-gate02-iij-id" in text
    ground = next(e for e in spec.vocabulary.facts if e.type.kind == "enum")
    values = "|".join(spec.vocabulary.enums[ground.type.enum or ""])
    assert f"--{ground.id.replace('_', '-')} {values}" in text
    for entry in spec.vocabulary.facts:
        assert f"--{entry.id.replace('_', '-')} " in text
    for entry in spec.vocabulary.with_readings:
        assert f"{entry.id}={'|'.join(entry.formulas)}" in text
    assert "QUANTITY=READING" in text


def test_verify_help_lists_the_readings(spec: Spec) -> None:
    text = " ".join(invoke("verify", "--help", columns=250).stdout.split())
    for entry in spec.vocabulary.with_readings:
        assert f"{entry.id}={'|'.join(entry.formulas)}" in text


def test_help_says_where_the_values_come_from_when_the_default_model_does_not_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from termcheck.cli import _help

    monkeypatch.setattr(_help, "default_model_dir", lambda: tmp_path / "nowhere")
    result = invoke("calc", "--help", columns=200)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "(from the model)" in text and "Facts, from the model" in text


def test_help_twice_lists_the_values_once() -> None:
    first = invoke("calc", "--help", columns=200).stdout
    assert invoke("calc", "--help", columns=200).stdout == first


# --- diff: plain text ----------------------------------------------------------------------------

DIFF_REPORT = ROOT / "reports" / "diff-usen-gate02-iij-id-rev2026"
MARKDOWN_LINE = re.compile(r"^\s*(#+ |[-*+] |\||```|={3,}\s*$|-{3,}\s*$)")


def test_diff_text_has_no_markdown() -> None:
    doc = json.loads(DIFF_REPORT.with_suffix(".json").read_text(encoding="utf-8"))
    text = cli_diff.render(doc, "text")
    marked = [line for line in text.splitlines() if MARKDOWN_LINE.match(line)]
    assert not marked, marked[:3]
    assert "**" not in text and "`" not in text
    # The same content: every changed element and every quantity that differs is named.
    for element in doc["elements"]:
        assert element["path"] in text
    for quantity in doc["quantities"]:
        assert quantity["name"] in text


# --- mutate: counts and progress -----------------------------------------------------------


@pytest.fixture(scope="module")
def relations_run() -> Any:
    result = invoke("mutate", "--section", "relations", "--format", "json", "--progress")
    assert result.exit_code == 0, result.output
    return result


def assert_counts_add_up(counts: dict[str, int]) -> None:
    verdicts = sum(counts[v.value] for v in Verdict)
    assert verdicts == counts["mutants"]
    assert counts["explained"] + counts["unexplained"] == counts["survived"]
    assert counts["failing"] == counts["unexplained"] + counts["undecided"] + counts["crashed"]


def test_mutate_counts_add_up_and_ids_are_unique(relations_run: Any) -> None:
    document = json.loads(relations_run.stdout)
    counts = document["summary"]
    assert_counts_add_up(counts)
    ids = [m["id"] for m in document["mutants"]]
    assert len(ids) == len(set(ids)) == counts["mutants"] > 0
    assert all(m["field"].startswith("relations.") for m in document["mutants"])


def test_mutate_progress_is_a_line_per_section_on_request(relations_run: Any) -> None:
    lines = relations_run.stderr.splitlines()
    assert lines[0].startswith("mutate: ") and "checking the unmutated model first" in lines[0]
    assert lines[1:] == [
        f"mutate: [1/1] relations: done, 0 failing ({n}/{n} mutants)"
        for n in [json.loads(relations_run.stdout)["summary"]["mutants"]]
    ]


def test_mutate_text_shows_no_progress_off_a_terminal_and_a_summary_that_adds_up() -> None:
    result = invoke("mutate", "--section", "relations", columns=70)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    summary = " ".join(result.stdout.split("\n\n")[-1].split())
    numbers = [
        int(n)
        for n in re.findall(
            r"(\d+) (?:mutants|killed|survived|undecided|crashed|"
            r"rejected)",
            summary,
        )
    ]
    mutants, killed, survived, undecided, crashed, rejected = numbers
    assert killed + survived + undecided + crashed + rejected == mutants
    ids = [m.id for m in mutate.planned(load_spec(SHIPPED_MODEL), frozenset({"relations"}))]
    assert_fits(result.stdout, 70, ids)


def _result(verdict: Verdict, why: str | None = None, name: str = "m") -> MutantResult:
    return MutantResult(Mutation(name, ("quantities", name), 1, "d", why=why), verdict)


def test_summary_counts_each_mutant_once() -> None:
    results = [
        _result(Verdict.KILLED),
        _result(Verdict.SURVIVED, why="equivalent"),
        _result(Verdict.SURVIVED),
        _result(Verdict.UNDECIDED),
        _result(Verdict.CRASHED),
        _result(Verdict.REJECTED),
    ]
    counts = mutate.summary(results)
    assert_counts_add_up(counts)
    assert (counts["survived"], counts["explained"], counts["unexplained"]) == (2, 1, 1)
    assert counts["failing"] == 3 and mutate.exit_code(results) == 1


def test_mutants_that_read_alike_get_distinct_ids() -> None:
    alike = [Mutation("x: 1 → 2", ("quantities", "x", "formula"), "2", "1 → 2")] * 2
    other = Mutation("y: 1 → 2", ("quantities", "y", "formula"), "2", "1 → 2")
    unique = mutate._unique_ids([alike[0], other, alike[1]])
    assert [m.id for m in unique] == ["x: 1 → 2 (#1)", "y: 1 → 2", "x: 1 → 2 (#2)"]


@pytest.mark.parametrize(
    "model",
    sorted(p.parent for p in (ROOT / "model").rglob("model.toml")),
    ids=lambda path: path.relative_to(ROOT).as_posix(),
)
def test_every_shipped_catalogue_has_unique_ids(model: Path) -> None:
    ids = [m.id for m in mutate.catalogue(load_spec(model))]
    assert len(ids) == len(set(ids))


def test_a_text_report_written_with_out_is_the_same_at_any_width(tmp_path: Path) -> None:
    args = ["verify", "--format", "text", "--only", "penalty.nonnegative", "--out"]
    narrow, wide = tmp_path / "narrow.txt", tmp_path / "wide.txt"
    assert invoke(*args, str(narrow), columns=50).exit_code == 0
    assert invoke(*args, str(wide), columns=250).exit_code == 0
    assert narrow.read_bytes() == wide.read_bytes()
