"""Malformed input, generated: no traceback and no hang, whatever a command is given.

Every case runs a command line in-process (typer's CliRunner on termcheck.cli.app) on
inputs made from the shipped ones by corrupting them: cut short, odd bytes, other
encodings and line endings, nesting or size beyond the limits (docs/limits.md), edits of
every section of model.toml, of property files and of quotes, broken formulas, and odd
values for every flag of every command. Each case holds the command to the contract of
the README:

- no exception escapes: the exit code is 0, 1, 2 or 3;
- exit 2 prints one line, `termcheck: ...`, naming a file with its line and column, or
  the flag or argument at fault, or a file as a whole (missing, a folder, too large);
- it ends within `CASE_SECONDS`.

Most cases fail at load, so the suite stays fast; the few that get past their input
checks run Z3 with a resource limit of 1 (every answer is "unknown" at once), and `diff`,
whose analysis starts worker processes, stops once both models and the properties have
loaded (the analysis itself is tested in tests/test_diff.py).

Profiles (tests/conftest.py): `ci` runs about 2,800 cases in about 40 seconds;
`TERMCHECK_PROFILE=thorough` runs 50 times as many (over 10^5). Run with `-s` to see
how many cases ran and what they exited with.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.core
import typer.main
import typer.testing
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from conftest import ROOT, SHIPPED_MODEL, SHIPPED_PROPERTIES
from termcheck import paths
from termcheck.cli import app
from termcheck.errors import TermcheckError

THOROUGH = os.environ.get("TERMCHECK_PROFILE") == "thorough"
CASE_SECONDS = 20.0
CASES: Counter[str] = Counter()

MODEL_TEXT = (SHIPPED_MODEL / "model.toml").read_text(encoding="utf-8")
TERMS_TEXT = (SHIPPED_MODEL / "terms.ja.md").read_text(encoding="utf-8")
QUOTE_PATH = next((SHIPPED_MODEL / "quotes").glob("*.toml"))
QUOTE_TEXT = QUOTE_PATH.read_text(encoding="utf-8")
RECORDS_DIR = ROOT / "examples" / "records"
RECORDS_TEXT = (RECORDS_DIR / "records.csv").read_text(encoding="utf-8")
MAP_TEXT = (RECORDS_DIR / "columns.toml").read_text(encoding="utf-8")
IMPLEMENTATION = next((SHIPPED_MODEL / "implementation").glob("*.py"))

# Properties of every kind (one customer, two, pinned and every reading, all cases, a
# built-in check), cheap to prove: a case whose edit left them valid ends quickly.
PROPERTIES_TEXT = """\
[[property]]
id = "fuzz.penalty-nonnegative"
articles = ["9-2"]
title_ja = "違約金は負にならない"
title_en = "The penalty is never negative"
assume = "true"
assert = "penalty >= 0"
expect = "holds"

[[property]]
id = "fuzz.later-month-later-deadline"
articles = ["10-1"]
title_ja = "解約月が遅ければ通知期限が早まることはない"
title_en = "A later termination month never has an earlier notice deadline"
scenarios = ["a", "b"]
assume = "a.termination_month < b.termination_month"
assert = "a.notice_deadline < b.notice_deadline"
readings = { a = { notice_deadline = "end-of-month" }, b = { notice_deadline = "end-of-month" } }
expect = "holds"

[[property]]
id = "fuzz.every-reading"
articles = ["10-1"]
title_ja = "通知期限は解約月より前"
title_en = "The notice deadline is before the termination month"
every_reading = true
cases = "any"
assert = "month_of(notice_deadline) < termination_month"
expect = "holds"

[[property]]
id = "fuzz.irreflexive"
kind = "precedence"
check = "irreflexive"
articles = ["4-1"]
title_ja = "優先順位は自分自身に優先しない"
title_en = "No document prevails over itself"
expect = "holds"
"""

CALC = ["--service-start", "2026-03-15", "--monthly-fee", "100000", "--termination-month"]


def _examples(ci: int) -> settings:
    return settings(
        max_examples=ci * 50 if THOROUGH else ci,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- The workspace ------------------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    root: Path  # stands in for the checkout

    @property
    def model(self) -> Path:  # a copy of the shipped model, edited by the cases
        return self.root / "model" / SHIPPED_MODEL.name

    @property
    def pristine(self) -> Path:  # an unedited copy, the other side of a diff
        return self.root / "pristine" / SHIPPED_MODEL.name

    @property
    def properties(self) -> Path:
        return self.root / "properties"

    @property
    def records(self) -> Path:
        return self.root / "records"

    def reset(self) -> None:
        for folder in ("model", "pristine", "properties", "records", "out"):
            shutil.rmtree(self.root / folder, ignore_errors=True)
        shutil.copytree(SHIPPED_MODEL, self.model)
        shutil.copytree(SHIPPED_MODEL, self.pristine)
        (self.root / paths.CONFIG).write_text(config_text(), encoding="utf-8")
        self.properties.mkdir()
        (self.properties / "fuzz.toml").write_text(PROPERTIES_TEXT, encoding="utf-8")
        self.records.mkdir()
        (self.records / "records.csv").write_text(RECORDS_TEXT, encoding="utf-8")
        (self.records / "columns.toml").write_text(MAP_TEXT, encoding="utf-8")
        (self.root / "out").mkdir()

    def restore(self, name: str) -> None:
        """Put back one input file a case replaced."""
        originals = {
            "model.toml": (self.model / "model.toml", MODEL_TEXT),
            "terms.ja.md": (self.model / "terms.ja.md", TERMS_TEXT),
            "quote": (self.model / "quotes" / QUOTE_PATH.name, QUOTE_TEXT),
            "properties": (self.properties / "fuzz.toml", PROPERTIES_TEXT),
            "records": (self.records / "records.csv", RECORDS_TEXT),
            "map": (self.records / "columns.toml", MAP_TEXT),
            paths.CONFIG: (self.root / paths.CONFIG, config_text()),
        }
        path, text = originals[name]
        path.write_text(text, encoding="utf-8")


class AnalysisReached(Exception):
    """Raised by the stand-in for diff's analysis: every input was accepted."""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    space = Workspace(tmp_path_factory.mktemp("malformed-root"))
    space.reset()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paths, "project_root", lambda: space.root)
        # Relative paths among the generated values (`init x`) land in the workspace.
        patch.chdir(space.root)
        # typer rebuilds the command tree on every invoke (20 ms); build it once.
        patch.setattr(typer.testing, "_get_command", functools.cache(typer.testing._get_command))

        def reached(*_: object, **__: object) -> None:
            raise AnalysisReached

        patch.setattr("termcheck.cli.diff.diff", reached)
        yield space
    total = sum(CASES.values())
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(CASES.items()))
    print(f"\nmalformed inputs: {total} cases ({kinds})")


# --- The contract -------------------------------------------------------------------------

RUNNER = CliRunner()
# A file and a line and column in it: model.toml:12:5.
FILE_POSITION = re.compile(r"\.(toml|md|csv|parquet|py)(:\d+:\d+)(?=:|\s|$)")
# A flag (--monthly-fee), an argument (MODEL_DIR) or a value the user typed ('x').
NAMED = re.compile(r"--[a-z][\w-]*|\b[A-Z][A-Z_]{2,}\b|'[^']*'")
WHOLE_FILE = (
    "no such file",
    "is a folder",
    "larger than",
    "not found",
    "cannot read",
    "empty file",
)


def run(args: list[str], kind: str, about: str | None = None) -> Result:
    """Invoke the CLI and hold it to the contract; `about`: the file name being fuzzed."""
    started = time.perf_counter()
    result = RUNNER.invoke(app, args)
    elapsed = time.perf_counter() - started
    CASES[kind] += 1
    if currently_in_test_context():
        event(f"{kind}: exit {result.exit_code}")
    stderr = result.stderr
    if isinstance(result.exception, TermcheckError):
        # What termcheck.cli.main, the console entry point, makes of it.
        stderr += f"termcheck: {result.exception}\n"
        result = Result(
            runner=result.runner,
            stdout_bytes=result.stdout_bytes,
            stderr_bytes=stderr.encode(),
            output_bytes=result.output_bytes,
            return_value=None,
            exit_code=2,
            exception=None,
        )
    shown = f"args={args!r}\nstdout={result.stdout[-2000:]!r}\nstderr={stderr!r}"
    if isinstance(result.exception, AnalysisReached):
        return result
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}\n{shown}") from result.exception
    assert result.exit_code in (0, 1, 2, 3), shown
    assert elapsed < CASE_SECONDS, f"took {elapsed:.1f} s\n{shown}"
    if result.exit_code == 2:
        check_one_line(stderr, args, about, shown)
    return result


def check_one_line(stderr: str, args: list[str], about: str | None, shown: str) -> None:
    lines = [line for line in stderr.splitlines() if not line.startswith("termcheck: using")]
    assert len(lines) == 1, f"exit 2 without exactly one line\n{shown}"
    message = lines[0]
    assert message.startswith("termcheck: "), f"exit 2 without termcheck's message\n{shown}"
    if FILE_POSITION.search(message) or any(words in message for words in WHOLE_FILE):
        return  # a file and a place in it, or a file as a whole
    assert about is None or about not in message, f"no line:column\n{shown}"
    # Paths are shown relative to the working directory: their last part is named.
    typed = any(
        message.startswith((f"termcheck: {arg}:", f"termcheck: {Path(arg)}:"))
        or (len(arg.strip()) > 1 and arg in message)
        or (os.sep in arg and Path(arg).name in message)
        for arg in args[1:]
    )
    assert typed or NAMED.search(message), f"names no file, position or flag\n{shown}"


# --- Corrupting a text --------------------------------------------------------------------

ODD_BYTES = [b"\xff", b"\xfe", b"\x00", b"\xc3", b"\x80", b"\xe3\x81", b"\x1b[31m", b"\x7f"]
ODD_TEXT = ["\u3000", "\u200b", "\ufeff", "ー", "１", "\t", "\x0c", "\\", "\U0001f600", "é"]
JUNK = ["[", "]]", "=", '"', "'''", '"""', "{", "}", ",", "#", "[[x]]", "[x]", ".", "\\u"]
WRONG_VALUES = [
    "1",
    "-1",
    "0",
    "9999999999999999999999999",
    "-9223372036854775809",
    "1.5",
    "nan",
    "inf",
    "true",
    '"x"',
    '""',
    "[]",
    "{}",
    "[[]]",
    '"0000-01-01"',
    '"9999-12-31"',
    '"2026-02-30"',
    '"2026-13"',
    "1979-05-27T07:32:00Z",
    "1979-05-27",
    '"customer"',
    '["customer", "customer"]',
    '"9-9-9"',
    '"' + "x" * 300 + '"',
]


def _deep(kind: str, depth: int) -> str:
    if kind == "array":
        return "x_deep = " + "[" * depth + "]" * depth
    if kind == "table":
        return "x_deep = " + "{ a = " * depth + "1" + " }" * depth
    if kind == "dotted":
        return "x" + ".x" * depth + " = 1"
    return "[" + ".".join(["x"] * depth) + "]"


EXPRESSIONS = [
    "penalty >= 0",
    "penalty",
    "monthly_fee * 12",
    "if penalty_applies then 3 * monthly_fee else 0",
    'ground in {"customer", "immediate"}',
    "month_of(service_start) <= termination_month",
    'date("2026-03-15") <= service_start',
    "add_months(termination_month, -2)",
]
TOKENS = [
    "penalty",
    "monthly_fee",
    "service_start",
    "termination_month",
    "notice_deadline",
    "a.penalty",
    "no_such_name",
    "0",
    "-1",
    "1_000",
    "01",
    "1__0",
    "1.5",
    "99999999999999999999999",
    '"customer"',
    '"no-such"',
    "true",
    "+",
    "-",
    "*",
    "//",
    "%",
    "/",
    "==",
    "<",
    "<=",
    "=",
    "=>",
    "&&",
    "and",
    "or",
    "not",
    "implies",
    "in",
    "(",
    ")",
    "{",
    "}",
    ",",
    "if",
    "then",
    "else",
    "month_of(",
    "add_months(",
    "add_days(",
    "date(",
    "month(",
    'date("0000-01-01")',
    'date("9999-12-31")',
    'month("0000-00")',
    'date("2026-02-30")',
    "add_days(service_start, 99999999)",
    "add_business_days(service_start, 100000)",
    "sum_fees(",
    "scale(",
    "period_end(",
    "max(",
    "$",
    "　",
    "＋",
    "'",
]


@st.composite
def expressions(draw: st.DrawFn) -> str:
    """A formula: mistyped, cut, deep, long or odd; now and then a valid one."""
    shape = draw(st.sampled_from(["tokens", "tokens", "deep", "long", "number", "valid"]))
    event(f"formula: {shape}")
    if shape == "tokens":
        return " ".join(draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12)))
    base = draw(st.sampled_from(EXPRESSIONS))
    if shape == "deep":
        depth = draw(st.sampled_from([59, 60, 61, 62, 200, 5000]))
        opener = draw(st.sampled_from(["(", "-(", "not (", "max(1, ", "if true then ("]))
        closer = {"if true then (": ") else 0"}.get(opener, ")")
        return opener * depth + base + closer * depth
    if shape == "long":
        count = draw(st.sampled_from([59, 60, 61, 300, 5000]))
        joiner = draw(st.sampled_from([" + ", " and ", " implies ", " < ", " * "]))
        return joiner.join([base] * count)
    if shape == "number":
        return draw(st.sampled_from(["1" * 18, "1" * 19, "9" * 4301, "1_" * 10 + "1"]))
    return base


FORMULA_LINE = re.compile(
    r"^(\s*)(formula|when|shown_if|guard|on|month|assume|assert|count|amount|note)"
    r"\s*=\s*(['\"]).*$"
)


@dataclass(frozen=True)
class Edited:
    """A corrupted file: its bytes, shown in a failing case as the edits that made them."""

    data: bytes
    edits: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Edited({len(self.data):,} bytes; {', '.join(self.edits)})"


@st.composite
def edited(draw: st.DrawFn, text: str) -> Edited:
    """`text` with one to three corruptions, as the bytes of a file."""
    lines = text.split("\n")
    data: bytes | None = None
    done: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(
            st.sampled_from(
                [
                    "delete",
                    "duplicate",
                    "swap",
                    "value",
                    "section",
                    "key",
                    "junk",
                    "odd-text",
                    "cut",
                    "formula",
                    "formula",
                    "deep",
                    "bytes",
                    "encoding",
                    "line-endings",
                    "huge",
                ]
            )
        )
        event(f"edit: {edit}")
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        done.append(f"{edit} at line {at + 1}")
        if edit == "delete" and lines:
            del lines[at]
        elif edit == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif edit == "swap" and lines:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif edit in ("value", "section"):
            if edit == "section":
                # Any line of one section, so that every kind of table gets edited.
                headers = sorted({line for line in lines if line.startswith("[")})
                if headers:
                    header = draw(st.sampled_from(headers))
                    starts = [i for i, line in enumerate(lines) if line == header]
                    at = draw(st.sampled_from(starts)) + draw(st.integers(0, 6))
            keyed = [i for i in range(at, min(at + 8, len(lines))) if "=" in lines[i]]
            if keyed:
                at = keyed[0]
                key = lines[at].split("=", 1)[0]
                value = draw(st.sampled_from(WRONG_VALUES))
                lines[at] = f"{key}= {value}"
                done.append(f"line {at + 1}: {lines[at][:80]!r}")
        elif edit == "key":
            key = draw(st.sampled_from(["bogus", "id", "type", "formula", "min", "max", "ja"]))
            lines.insert(at, f"{key} = {draw(st.sampled_from(WRONG_VALUES))}")
        elif edit in ("junk", "odd-text") and lines:
            column = draw(st.integers(0, len(lines[at])))
            junk = draw(st.sampled_from(JUNK if edit == "junk" else ODD_TEXT))
            lines[at] = lines[at][:column] + junk + lines[at][column:]
        elif edit == "cut":
            cut = "\n".join(lines)
            lines = cut[: draw(st.integers(0, len(cut)))].split("\n")
        elif edit == "formula":
            formulas = [i for i, line in enumerate(lines) if FORMULA_LINE.match(line)]
            if formulas:
                at = draw(st.sampled_from(formulas))
                match = FORMULA_LINE.match(lines[at])
                assert match is not None
                expression = draw(expressions()).replace("'", '"')
                lines[at] = f"{match.group(1)}{match.group(2)} = '{expression}'"
                done.append(f"formula at line {at + 1}: {expression[:80]!r}")
        elif edit == "deep":
            kind = draw(st.sampled_from(["array", "table", "dotted", "header"]))
            depth = draw(st.sampled_from([5, 19, 20, 21, 200, 3000]))
            lines.insert(at, _deep(kind, depth))
        elif edit == "huge":
            size = draw(st.sampled_from([100_000, 500_001]))
            lines.insert(at, "# " + "x" * size)
        elif edit in ("bytes", "encoding", "line-endings"):
            data = _encode(draw, "\n".join(lines), edit)
            break
    final = data if data is not None else "\n".join(lines).encode("utf-8")
    return Edited(final, tuple(done))


def _encode(draw: st.DrawFn, text: str, edit: str) -> bytes:
    raw = text.encode("utf-8")
    if edit == "bytes":
        at = draw(st.integers(0, len(raw)))
        odd = draw(st.sampled_from(ODD_BYTES))
        return raw[:at] + odd + raw[at:] if draw(st.booleans()) else raw[:at]
    if edit == "encoding":
        encoding = draw(st.sampled_from(["utf-16", "utf-8-sig", "shift_jis", "euc_jp", "latin-1"]))
        return text.encode(encoding, errors="replace")
    ending = draw(st.sampled_from([b"\r\n", b"\r", b"\n\r", b"\r\r\n"]))
    return raw.replace(b"\n", ending)


# --- Commands on a broken model -----------------------------------------------------------


def model_commands(space: Workspace, flags: list[str]) -> dict[str, list[str]]:
    """Every command that reads a model, on the workspace's (edited) model."""
    model, props = str(space.model), str(space.properties)
    cheap = ["--properties", props, "--rlimit", "1"]
    records = str(space.records / "records.csv")
    return {
        "calc": ["calc", "--model", model, *CALC, "2026-10", *flags],
        "calc --facts": ["calc", "--model", model, "--facts"],
        "calc --json": ["calc", "--model", model, *CALC, "2026-10", "--json", *flags],
        "verify": ["verify", model, *cheap],
        "verify --only effective": [
            "verify",
            model,
            "--properties",
            str(SHIPPED_PROPERTIES),
            "--only",
            "precedence.effective-terms-properties",
            "--rlimit",
            "1",
        ],
        "coverage": ["coverage", model, "--properties", props],
        "fingerprints": ["fingerprints", model, "--properties", props],
        "mutate": ["mutate", model, *cheap, "--section", "relations"],
        "conform": [
            "conform",
            model,
            "--impl",
            _implementations(space)[0],
            "--budget",
            "0",
            *cheap,
        ],
        "audit": [
            "audit",
            model,
            records,
            "--map",
            str(space.records / "columns.toml"),
            "--jobs",
            "1",
        ],
        "diff old": ["diff", model, str(space.pristine), "--properties", props],
        "diff new": ["diff", str(space.pristine), model, "--properties", props],
    }


MODEL_COMMANDS = [
    "calc",
    "calc --facts",
    "calc --json",
    "verify",
    "verify --only effective",
    "coverage",
    "fingerprints",
    "mutate",
    "conform",
    "audit",
    "diff old",
    "diff new",
]
# The cases that load cleanly run Z3 for these: weight the cheap commands.
CHEAP_FIRST = st.sampled_from(MODEL_COMMANDS[:3] * 4 + MODEL_COMMANDS)


@_examples(600)
@given(data=edited(MODEL_TEXT), command=CHEAP_FIRST)
def test_broken_model_toml(workspace: Workspace, data: Edited, command: str) -> None:
    (workspace.model / "model.toml").write_bytes(data.data)
    try:
        run(model_commands(workspace, [])[command], "model.toml", about="model.toml")
    finally:
        workspace.restore("model.toml")


@_examples(100)
@given(data=edited(TERMS_TEXT), command=st.sampled_from(["articles", "calc", "fingerprints"]))
def test_broken_terms_text(workspace: Workspace, data: Edited, command: str) -> None:
    terms = workspace.model / "terms.ja.md"
    terms.write_bytes(data.data)
    try:
        if command == "articles":
            args = ["articles", str(terms), *(["--json"] if len(data.data) % 2 else [])]
        else:
            args = model_commands(workspace, [])[command]
        run(args, "terms.ja.md", about="terms.ja.md")
    finally:
        workspace.restore("terms.ja.md")


@_examples(100)
@given(
    data=edited(QUOTE_TEXT),
    command=st.sampled_from(["verify --only effective", "audit", "audit", "calc"]),
)
def test_broken_quote(workspace: Workspace, data: Edited, command: str) -> None:
    (workspace.model / "quotes" / QUOTE_PATH.name).write_bytes(data.data)
    try:
        run(model_commands(workspace, [])[command], "quote", about=QUOTE_PATH.name)
    finally:
        workspace.restore("quote")


def config_text() -> str:
    return f'[termcheck]\nmodel = "model/{SHIPPED_MODEL.name}"\nproperties = "properties"\n'


@_examples(100)
@given(
    data=edited(config_text()),
    command=st.sampled_from(["calc", "coverage", "fingerprints", "verify", "articles"]),
)
def test_broken_project_config(workspace: Workspace, data: Edited, command: str) -> None:
    # termcheck.toml names the default model and properties: commands run without them.
    (workspace.root / paths.CONFIG).write_bytes(data.data)
    args = {
        "calc": ["calc", *CALC, "2026-10"],
        "coverage": ["coverage"],
        "fingerprints": ["fingerprints"],
        "verify": ["verify", "--rlimit", "1"],
        "articles": ["articles"],
    }[command]
    try:
        run(args, paths.CONFIG, about=paths.CONFIG)
    finally:
        workspace.restore(paths.CONFIG)


# --- Broken property files ----------------------------------------------------------------


@_examples(250)
@given(
    data=edited(PROPERTIES_TEXT),
    command=st.sampled_from(["verify", "verify", "coverage", "fingerprints", "mutate", "diff new"]),
)
def test_broken_property_file(workspace: Workspace, data: Edited, command: str) -> None:
    (workspace.properties / "fuzz.toml").write_bytes(data.data)
    try:
        run(model_commands(workspace, [])[command], "properties", about="fuzz.toml")
    finally:
        workspace.restore("properties")


# --- Broken records and column maps -------------------------------------------------------


@_examples(100)
@given(
    which=st.sampled_from(["records", "map"]),
    data=st.data(),
)
def test_broken_audit_inputs(workspace: Workspace, which: str, data: st.DataObject) -> None:
    text = RECORDS_TEXT if which == "records" else MAP_TEXT
    name = "records.csv" if which == "records" else "columns.toml"
    (workspace.records / name).write_bytes(data.draw(edited(text)).data)
    try:
        run(model_commands(workspace, [])["audit"], which, about=name)
    finally:
        workspace.restore(which)


# --- Command lines: every command, every flag, odd values ---------------------------------


@functools.cache
def command_table() -> dict[str, Any]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return dict(sorted(group.commands.items()))


def parameters(command: str) -> dict[str, Any]:
    return {p.name: p for p in command_table()[command].params if p.name}


DATES = ["2026-03-15", "2024-02-29", "2027-02-29", "0000-01-01", "0001-01-01", "1899-12-31"]
DATES += ["2400-01-01", "9999-12-31", "2026-3-5", "2026-03-15T00:00", "10000-01-01", ""]
MONTHS = ["2026-10", "0000-01", "0000-00", "0001-01", "2026-13", "2026-00", "9999-12"]
MONTHS += ["10-2026", "2026-1", "+2026-10", "１２"]
COUNTS = ["0", "1", "2", "-1", "-0", "100000", "1,000", "1_000", "1e3", "0x10", "nan", "inf"]
COUNTS += ["4294967296", "9223372036854775808", "9" * 40, "9" * 5000, "1.5", " 1", "１２"]
WORDS = ["", " ", "x", "json", "text", "markdown", "html", "junit", "sarif", "csv", "ja", "en"]
WORDS += ["customer", "immediate", "end-of-month", "notice_deadline=end-of-month", "=", "a=b"]
WORDS += ["fuzz.penalty-nonnegative", "quantities", "witness", "-", "--", "ü", "第9条", "\x00"]
WORDS += ["tcp://", "tcp://127.0.0.1:1", "x:y", "no.such.module:f", "nonexistent.py:f"]


def _fact_flags() -> list[str]:
    from termcheck.model.spec import load_spec

    return ["--" + f.id.replace("_", "-") for f in load_spec(SHIPPED_MODEL).document.facts]


FACT_FLAGS = _fact_flags()


def _paths(space: Workspace) -> list[str]:
    return [
        str(space.model),
        str(space.properties),
        str(space.model / "model.toml"),
        str(space.model / "terms.ja.md"),
        str(space.records / "records.csv"),
        str(space.records / "columns.toml"),
        str(space.root / "no-such"),
        str(space.root / "out"),
        str(space.root / "out" / "report.json"),
        str(space.root / "no-such" / "report.json"),
        "",
    ]


def _implementations(space: Workspace) -> list[str]:
    # A copy in the workspace: a value drawn for another flag (init's DIR, --out) must
    # never name a path in the checkout.
    copied = space.model / "implementation" / IMPLEMENTATION.name
    return [f"{copied}:charges", f"{copied}:nosuch", "x:y", "no.such.module:f", "echo", "true"]


def _values(name: str, space: Workspace) -> st.SearchStrategy[str]:
    everything = DATES + MONTHS + COUNTS + WORDS + _paths(space)
    if "impl" in name:
        return st.sampled_from(_implementations(space))
    if re.search(r"start|arrival|date", name):
        likely = DATES
    elif "month" in name:
        likely = MONTHS
    elif re.search(r"fee|rlimit|budget|timeout|jobs|count", name):
        likely = COUNTS
    elif re.search(r"model|propert|path|dir|map|out|records|terms", name):
        likely = _paths(space)
    else:
        likely = WORDS
    return st.one_of(st.sampled_from(likely), st.sampled_from(everything))


@st.composite
def command_lines(draw: st.DrawFn, command: str, space: Workspace) -> list[str]:
    """`command` with a random choice of its flags and arguments, odd values among them."""
    args = [command]
    options = parameters(command)
    for name, param in options.items():
        if not draw(st.integers(0, 2)):  # a third left out, required ones included
            continue
        if isinstance(param, typer.core.TyperOption):
            args.append(draw(st.sampled_from([*param.opts, *param.secondary_opts])))
            if not param.is_flag and draw(st.integers(0, 9)):  # now and then no value
                args.append(draw(_values(name, space)))
        else:
            args.append(draw(_values(name, space)))
    if command == "calc":  # the model's facts are flags of their own
        for flag in FACT_FLAGS:
            if draw(st.integers(0, 3)):
                style = draw(st.integers(0, 5))
                value = draw(_values(flag, space))
                args += [f"{flag}={value}"] if style == 0 else [flag, value]
    # A run that gets past its flags checks cheap properties with a tiny resource limit.
    if "properties" in options and "--properties" not in args:
        args += ["--properties", str(space.properties)]
    if "rlimit" in options and "--rlimit" not in args:
        args += ["--rlimit", "1"]
    if "budget" in options and "--budget" not in args:
        args += ["--budget", "0"]
    if "jobs" in options and "--jobs" not in args:
        args += ["--jobs", "1"]
    if draw(st.integers(0, 4)) == 0:
        args.insert(
            draw(st.integers(1, len(args))),
            draw(st.sampled_from(["--bogus", "-x", "extra", "--json=1", "--", "-h"])),
        )
    return args


@pytest.mark.parametrize("command", sorted(command_table()))
@_examples(150)
@given(data=st.data())
def test_command_lines(workspace: Workspace, command: str, data: st.DataObject) -> None:
    args = data.draw(command_lines(command, workspace))
    result = run(args, f"{command} flags")
    if result.exit_code != 2:
        workspace.reset()  # a run that got to work may have written (fingerprints --update)


def test_every_command_and_flag_is_generated() -> None:
    # The strategies read the app's own table: a new command or flag joins without an edit.
    expected = {"articles", "audit", "calc", "conform", "coverage", "diff", "fingerprints"}
    assert expected | {"mutate", "verify"} <= set(command_table())


# --- Regressions: each traceback and hang the generator found -----------------------------

DEEP_EXPRESSION = "(" * 5000 + "1" + ")" * 5000


def _with_formula(expression: str) -> bytes:
    marker = 'formula = "billed_months * monthly_fee"'
    assert marker in MODEL_TEXT
    return MODEL_TEXT.replace(marker, f"formula = '{expression}'").encode()


REGRESSIONS: dict[str, tuple[str, bytes, str]] = {
    # name: (file replaced, its bytes, command of model_commands)
    "toml-deep-array": ("model.toml", (MODEL_TEXT + _deep("array", 5000)).encode(), "calc"),
    "toml-deep-table": ("model.toml", (MODEL_TEXT + _deep("table", 3000)).encode(), "calc"),
    "toml-long-dotted-key": ("model.toml", (MODEL_TEXT + _deep("dotted", 50_000)).encode(), "calc"),
    "toml-long-header": ("model.toml", (MODEL_TEXT + _deep("header", 50_000)).encode(), "calc"),
    "toml-end-of-document": ("model.toml", (MODEL_TEXT + 'x = "open').encode(), "calc"),
    "toml-not-utf8": ("model.toml", MODEL_TEXT.encode()[:999] + b"\xff", "calc"),
    "toml-utf16": ("model.toml", MODEL_TEXT.encode("utf-16"), "calc"),
    # The file the model names, a name longer than the system takes: an OSError.
    "terms-text-name-too-long": (
        "model.toml",
        MODEL_TEXT.replace('text = "terms.ja.md"', f'text = "{"x" * 300}"').encode(),
        "calc",
    ),
    # A version, anchor or quote date of the right shape but no day of the horizon loaded,
    # then crashed conform (ValueError: year 10002 is out of range).
    **{
        f"version-{day}": (
            "model.toml",
            MODEL_TEXT.replace('version = "2025-12-25"', f'version = "{day}"', 1).encode(),
            "conform",
        )
        for day in ("0000-01-01", "9999-12-31", "2026-02-30")
    },
    "quote-date-9999": (
        "quote",
        re.sub(r'(?m)^date = ".*"$', 'date = "9999-12-31"', QUOTE_TEXT, count=1).encode(),
        "audit",
    ),
    "toml-huge": ("model.toml", (MODEL_TEXT + "#" * 500_000).encode(), "calc"),
    "formula-deep": ("model.toml", _with_formula(DEEP_EXPRESSION), "calc"),
    "formula-long-sum": ("model.toml", _with_formula(" + ".join(["monthly_fee"] * 5000)), "calc"),
    "formula-5000-digits": ("model.toml", _with_formula("9" * 5000), "calc"),
    "property-deep": (
        "properties",
        PROPERTIES_TEXT.replace('"penalty >= 0"', f'"{DEEP_EXPRESSION}"').encode(),
        "verify",
    ),
    "property-deep-array": (
        "properties",
        (PROPERTIES_TEXT + _deep("array", 5000)).encode(),
        "verify",
    ),
    "map-deep-table": ("map", (MAP_TEXT + _deep("table", 3000)).encode(), "audit"),
    "quote-long-dotted-key": ("quote", (QUOTE_TEXT + _deep("dotted", 50_000)).encode(), "audit"),
}
# termcheck.toml: a RecursionError, and 46 s for a 40,000-part key, before it was bounded.
CONFIG_REGRESSIONS = {
    "config-deep-array": config_text() + _deep("array", 5000),
    "config-long-dotted-key": config_text() + _deep("dotted", 40_000),
    # A model folder name the system refuses was an OSError naming no line (thorough profile).
    "config-name-too-long": config_text().replace(f"model/{SHIPPED_MODEL.name}", "x" * 300),
}
FILES = {
    "model.toml": lambda space: space.model / "model.toml",
    "properties": lambda space: space.properties / "fuzz.toml",
    "map": lambda space: space.records / "columns.toml",
    "quote": lambda space: space.model / "quotes" / QUOTE_PATH.name,
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_regression_file(workspace: Workspace, name: str) -> None:
    which, data, command = REGRESSIONS[name]
    FILES[which](workspace).write_bytes(data)
    try:
        result = run(model_commands(workspace, [])[command], f"regression {which}")
    finally:
        workspace.restore(which)
    assert result.exit_code == 2
    assert FILE_POSITION.search(result.stderr) or "larger than" in result.stderr, result.stderr


FLAG_REGRESSIONS = {
    # The year 0 is no date Python can make.
    "termination-month-0000": ["calc", *CALC, "0000-01"],
    "notice-arrival-0000": ["calc", *CALC, "2026-10", "--notice-arrival", "0000-01-01"],
    "planned-start-0000": ["calc", *CALC, "2026-10", "--planned-start", "0000-02-30"],
    "monthly-fee-5000-digits": ["calc", *CALC[:3], "9" * 5000, "--termination-month", "2026-10"],
    # Z3 reads an rlimit of 0 as no limit at all: a hard property would never end.
    "verify-rlimit-0": ["verify", "--rlimit", "0"],
    "verify-rlimit-negative": ["verify", "--rlimit", "-1"],
    "verify-rlimit-huge": ["verify", "--rlimit", "9" * 30],
    "diff-rlimit-0": ["diff", "model/a", "model/b", "--rlimit", "0"],
    "mutate-rlimit-huge": ["mutate", "--rlimit", "99999999999999"],
    # Hypothesis would generate cases for days.
    "conform-budget-huge": ["conform", "--impl", "x:f", "--budget", "99999999999"],
    "audit-jobs-huge": ["audit", "records.csv", "--jobs", "9" * 30],
}


@pytest.mark.parametrize("name", sorted(FLAG_REGRESSIONS))
def test_regression_flag(workspace: Workspace, name: str) -> None:
    args = FLAG_REGRESSIONS[name]
    if args[0] in ("verify", "mutate"):
        args = [*args, "--properties", str(workspace.properties)]
    result = run(args, "regression flag")
    assert result.exit_code == 2, result.stderr
    assert NAMED.search(result.stderr), result.stderr
    assert "sys." not in result.stderr, "the fix is the input, not Python's settings"


@pytest.mark.parametrize("name", sorted(CONFIG_REGRESSIONS))
def test_regression_config(workspace: Workspace, name: str) -> None:
    (workspace.root / paths.CONFIG).write_text(CONFIG_REGRESSIONS[name], encoding="utf-8")
    try:
        result = run(["calc", *CALC, "2026-10"], "regression config")
    finally:
        workspace.restore(paths.CONFIG)
    assert result.exit_code == 2
    assert re.search(r"termcheck\.toml:\d+:\d+: ", result.stderr), result.stderr


def test_regression_terms_cut_after_an_item_number(workspace: Workspace) -> None:
    # An item with no text yet ("(4) " at the end) had no first line to show: IndexError.
    terms = workspace.model / "terms.ja.md"
    cut = TERMS_TEXT.index("(4) ") + len("(4) ")
    terms.write_text(TERMS_TEXT[:cut], encoding="utf-8")
    try:
        result = run(["articles", str(terms)], "regression terms")
    finally:
        workspace.restore("terms.ja.md")
    assert result.exit_code in (0, 2), result.stderr


def test_regression_records_first_line_blank(workspace: Workspace) -> None:
    # A blank first line was reported as "empty file", naming no line.
    (workspace.records / "records.csv").write_text("\n" + RECORDS_TEXT, encoding="utf-8")
    try:
        result = run(model_commands(workspace, [])["audit"], "regression records")
    finally:
        workspace.restore("records")
    assert result.exit_code == 2
    assert "records.csv:1:1: header: no header row" in result.stderr, result.stderr


def test_regression_csv_header_field_too_large(workspace: Workspace) -> None:
    # The csv module refuses a field over 131,072 characters: it was a traceback.
    records = workspace.records / "records.csv"
    records.write_text("x" * 200_000 + "\n" + RECORDS_TEXT, encoding="utf-8")
    try:
        result = run(model_commands(workspace, [])["audit"], "regression records")
    finally:
        workspace.restore("records")
    assert result.exit_code == 2
    assert "records.csv:1:1: header" in result.stderr, result.stderr


@pytest.mark.parametrize("command", ["fingerprints", "coverage", "articles", "verify"])
def test_regression_file_name_too_long(workspace: Workspace, command: str) -> None:
    # The system refuses a name over 255 bytes (OSError), from Path.exists() on.
    result = run([command, "9" * 5000], "regression path")
    assert result.exit_code == 2


def test_regression_diff_property_error_is_one_line(workspace: Workspace) -> None:
    # diff added a second line naming the model the properties were loaded against.
    (workspace.properties / "fuzz.toml").write_text(
        PROPERTIES_TEXT.replace('assert = "penalty >= 0"', 'assert = "penalty >="'),
        encoding="utf-8",
    )
    try:
        result = run(model_commands(workspace, [])["diff new"], "regression diff")
    finally:
        workspace.restore("properties")
    assert result.exit_code == 2
    assert "fuzz.toml:" in result.stderr and "OLD_MODEL_DIR" in result.stderr, result.stderr


def test_regression_parser_stack(workspace: Workspace) -> None:
    # The parser took ten frames per level of parentheses: 60 levels under a caller
    # already 400 frames deep was a RecursionError. Now a few frames per level, and
    # deeper than the stack allows is an error at the place.
    from termcheck.errors import InputError, Position
    from termcheck.language.parse import MAX_DEPTH, parse

    def nested(depth: int, text: str) -> object:
        return parse(text, Position("p.toml", 1, 1), "f") if depth == 0 else nested(depth - 1, text)

    deepest = "(" * (MAX_DEPTH - 1) + "1" + ")" * (MAX_DEPTH - 1)
    nested(500, deepest)
    with pytest.raises(InputError, match=r"p\.toml:1:\d+: f: nested"):
        nested(sys.getrecursionlimit() - 150, deepest)


def test_regression_largest_model_loads_quickly(tmp_path: Path) -> None:
    # value_origin split the whole file once per formula, and the quantities' ordering
    # built a set per quantity: a model at the size limit took over 20 s to load.
    from termcheck.model.spec import load_spec
    from termcheck.model.tomlfile import MAX_TOML_BYTES

    folder = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL, folder)
    chain = [MODEL_TEXT]
    size, index = len(MODEL_TEXT.encode()), 0
    while True:
        before = "billed_months" if index == 0 else f"q{index - 1}"
        block = (
            f'\n[quantities.q{index}]\ntype = "count"\narticle = "7-1"\nja = "x"\nen = "x"\n'
            f'formula = "{before} + 1"\n'
        )
        if size + len(block) > MAX_TOML_BYTES:
            break
        chain.append(block)
        size, index = size + len(block), index + 1
    (folder / "model.toml").write_text("".join(chain), encoding="utf-8")
    started = time.perf_counter()
    load_spec(folder)
    assert time.perf_counter() - started < 5, f"{index} quantities"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # UTF-8 errors were reported at a byte offset, with no line.
        (b'a = 1\r\nb = "x\xffy"\r\n', "t.toml:2:7: not UTF-8 (byte 0xff)"),
        (b'a = 1\rb = 2\rc = "\xe3\x81\xa0\xff"', "t.toml:3:7: not UTF-8 (byte 0xff)"),
        ('a = "é"'.encode("utf-16"), "t.toml:1:1: is UTF-16"),
        # TOML's "at end of document" named no line either.
        (b'a = 1\nb = "open\n', "t.toml:2:10: TOML syntax: Illegal character"),
        (b'a = 1\nb = "open', "t.toml:2:10: TOML syntax: Unterminated string at the end"),
        (b"a = 1\n[b", "t.toml:2:3: TOML syntax: Expected ']'"),
        (b"x = " + b"[" * 21, "t.toml:1:25: nested more than 20 levels"),
        (b"x" + b".x" * 20 + b" = 1", "t.toml:1:41: a dotted key of more than 20 parts"),
    ],
)
def test_reader_positions(tmp_path: Path, raw: bytes, expected: str) -> None:
    from termcheck.errors import InputError
    from termcheck.model.tomlfile import load_toml

    (tmp_path / "t.toml").write_bytes(raw)
    with pytest.raises(InputError) as caught:
        load_toml(tmp_path / "t.toml")
    assert expected in str(caught.value)


def test_reader_takes_what_editors_write(tmp_path: Path) -> None:
    from termcheck.model.tomlfile import load_toml

    path = tmp_path / "t.toml"
    path.write_bytes(b'\xef\xbb\xbfa = 1\r\nb = "x"\rc = [[1], [2]]\n')  # BOM, CR LF, CR
    loaded = load_toml(path)
    assert loaded.data == {"a": 1, "b": "x", "c": [[1], [2]]}
    assert loaded.position(("c",)).line == 3
