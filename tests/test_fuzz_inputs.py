"""Bad input, systematically: broken models, property files, terms texts and command lines.

Every case runs the command line in-process (typer's CliRunner on termcheck.cli.app) and
holds it to the contract of the README:

- never a traceback: the exit code is 0, 1, 2 or 3 and no exception escapes;
- exit 2 comes with one line on stderr, and an error about a file names the file and a
  position in it (a line, or the field that is missing from it);
- a run refused for bad input writes nothing: output options point at a sentinel file
  that must stay as it was, and no file under the project root changes. (A run that
  reaches a verdict, 1 or 3 included, may write its report.)

The commands are discovered from the app, so a command added later is fuzzed too. The
shipped model and properties are never touched: the defaults of every command are
redirected to copies in a temporary project root, and every case runs against that.

Run with `-s` to see how many cases ran; `TERMCHECK_PROFILE=thorough` runs many more.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.core
import typer.main
import typer.testing
from hypothesis import currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from conftest import SHIPPED_MODEL
from termcheck import paths
from termcheck.cli import app
from termcheck.model.spec import load_spec

MODEL_TEXT = (SHIPPED_MODEL / "model.toml").read_text(encoding="utf-8")
TERMS_TEXT = (SHIPPED_MODEL / "terms.ja.md").read_text(encoding="utf-8")

# Two cheap properties (one customer, two customers) stand in for the shipped ones, so a
# command line that gets past its input checks proves in milliseconds, not seconds.
CHEAP_PROPERTIES = """
[[property]]
id = "fuzz.penalty-nonnegative"
articles = ["9-2"]
title_ja = "違約金は負にならない"
title_en = "The penalty is never negative"
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
expect = "holds"
"""
CALC = [
    "calc",
    "--service-start",
    "2026-03-15",
    "--monthly-fee",
    "100000",
    "--termination-month",
    "2026-10",
]
# A small resource limit keeps a fuzzed property that parses from proving for long.
SMALL_RLIMIT = "2000000"
DEEP = os.environ.get("TERMCHECK_PROFILE") == "thorough"
CASES: Counter[str] = Counter()


def _examples(ci: int) -> settings:
    return settings(max_examples=ci * 50 if DEEP else ci)


# --- The workspace: a temporary project root ----------------------------------------------


@dataclass(frozen=True)
class Workspace:
    root: Path  # stands in for the checkout: model/<shipped>/ and properties/

    @property
    def model(self) -> Path:
        return self.root / "model" / SHIPPED_MODEL.name

    @property
    def properties(self) -> Path:
        return self.root / "properties"

    @property
    def sentinel(self) -> Path:
        return self.root / "out" / "sentinel.txt"

    def reset(self) -> None:
        """The copies of the shipped model and properties, and the sentinel, afresh."""
        for folder in ("model", "properties", "out"):
            shutil.rmtree(self.root / folder, ignore_errors=True)
        (self.root / paths.CONFIG).unlink(missing_ok=True)
        shutil.copytree(SHIPPED_MODEL, self.model)
        (self.root / paths.CONFIG).write_text(
            f'[termcheck]\nmodel = "model/{SHIPPED_MODEL.name}"\nproperties = "properties"\n',
            encoding="utf-8",
        )
        self.properties.mkdir(parents=True)
        (self.properties / "cheap.toml").write_text(CHEAP_PROPERTIES, encoding="utf-8")
        self.sentinel.parent.mkdir(parents=True)
        self.sentinel.write_text("untouched\n", encoding="utf-8")

    def scratch(self, name: str) -> Path:
        """A fresh folder for one case's input files."""
        folder = self.root / "scratch" / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def digest(self) -> str:
        """Every file under the root and its content: what a failed run must not change."""
        hasher = hashlib.sha256()
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                hasher.update(str(path.relative_to(self.root)).encode())
                hasher.update(path.read_bytes())
        return hasher.hexdigest()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    space = Workspace(tmp_path_factory.mktemp("fuzz-root"))
    space.reset()
    with pytest.MonkeyPatch.context() as patch:
        # Every default (shipped model, properties, reports) now lives in the copy.
        patch.setattr(paths, "project_root", lambda: space.root)
        # typer rebuilds the command tree on every invoke (20 ms); build it once.
        patch.setattr(typer.testing, "_get_command", functools.cache(typer.testing._get_command))
        yield space
    total = sum(CASES.values())
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(CASES.items()))
    print(f"\nfuzz inputs: {total} cases run ({kinds})")


# --- The contract -------------------------------------------------------------------------

RUNNER = CliRunner()


def run(space: Workspace, kind: str, args: list[str], *, about_file: str | None = None) -> Result:
    """Invoke the CLI and check the contract; `about_file` names the file being fuzzed."""
    before = space.digest()
    result = RUNNER.invoke(app, args)
    CASES[kind] += 1
    if currently_in_test_context():
        event(f"{kind}: exit {result.exit_code}")
    shown = f"args={args!r}\nstdout={result.stdout!r}\nstderr={result.stderr!r}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}\n{shown}") from result.exception
    assert result.exit_code in (0, 1, 2, 3), shown
    if result.exit_code == 2:
        _check_one_line_error(result.stderr, args, about_file, shown)
        assert space.digest() == before, f"a failed run wrote files\n{shown}"
    elif space.digest() != before:
        # A run that got to a verdict may write (a report with --out, fingerprints
        # --update), whatever the verdict: start the next case afresh.
        space.reset()
    return result


def _check_one_line_error(stderr: str, args: list[str], about_file: str | None, shown: str) -> None:
    message = stderr.strip()
    assert message.startswith("termcheck: "), f"exit 2 without termcheck's message\n{shown}"
    assert len(message.splitlines()) == 1, f"not one line\n{shown}"
    if about_file is not None and about_file in message:
        assert _has_position(message), f"no position in the file\n{shown}"
    else:  # about the command line: the flag, argument, value or file at fault is named
        typed = any(len(arg.strip()) > 1 and arg in message for arg in args[1:])
        assert typed or NAMED.search(message) or _has_position(message), f"names nothing\n{shown}"


def _has_position(message: str) -> bool:
    """A file and a line in it (model.toml:12 or x.toml:12:5); or, for what a file lacks
    altogether, the end of the document or the missing field: no line to point at."""
    if FILE_POSITION.search(message):
        return True
    return any(words in message for words in MISSING)


# An option (--fee), an argument (MODEL_DIR), a quoted name ('nosuch') or a path.
NAMED = re.compile(r"--[a-z][\w-]*|\b[A-Z][A-Z_]{2,}\b|'[^']+'|/")
FILE_POSITION = re.compile(r"\.(toml|md):\d+(:\d+)?\b")
MISSING = (
    "end of document",
    "is missing",
    "Field required",
    "must appear",
    "is a folder",
    "no such file",
)


# --- model.toml ---------------------------------------------------------------------------

WRONG_VALUES = [
    "1",
    "-1",
    "0",
    "9999",
    "1.5",
    "true",
    '"x"',
    '""',
    "[]",
    "{}",
    '"2025-13-45"',
    '"customer"',
    '["customer", "customer"]',
    '"end-of-month"',
    "[1, 2]",
    '"9-9-9"',
]
JUNK = ["[", "]]", "=", '"', "'''", "\\", "[[readings]]", "[penalty]", "#", "\t", "ー"]


@st.composite
def edited_toml(draw: st.DrawFn, text: str) -> str:
    """`text` with one to three edits: lines deleted, duplicated, swapped or cut, values
    of the wrong type or out of range, unknown keys, stray characters."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        edits = ["delete", "duplicate", "swap", "value", "key", "junk", "cut", "formula"]
        edit = draw(st.sampled_from(edits))
        event(f"toml edit: {edit}")
        if edit == "delete":
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, lines[at])
        elif edit == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif edit == "value" and "=" in lines[at]:
            key = lines[at].split("=", 1)[0]
            lines[at] = f"{key}= {draw(st.sampled_from(WRONG_VALUES))}"
        elif edit == "key":
            lines.insert(at, f"{draw(st.sampled_from(['bogus', 'Months', 'id', 'months']))} = 1")
        elif edit == "junk":
            column = draw(st.integers(0, len(lines[at])))
            junk = draw(st.sampled_from(JUNK))
            lines[at] = lines[at][:column] + junk + lines[at][column:]
        elif edit == "cut":
            lines = lines[:at]
        elif edit == "formula":
            # A formula, a guard or a relation: one line of the language, mistyped.
            formulas = [i for i, line in enumerate(lines) if FORMULA_LINE.match(line)]
            if formulas:
                at = draw(st.sampled_from(formulas))
                key = lines[at].split("=", 1)[0]
                lines[at] = f"{key}= '{draw(broken_expressions())}'".replace("\n", " ")
    return "\n".join(lines) + "\n"


FORMULA_LINE = re.compile(r"^(formula|when|shown_if|guard|on|month|assume|assert) = ['\"][^'\"]")


@_examples(40)
@given(text=edited_toml(MODEL_TEXT))
def test_broken_model_toml(workspace: Workspace, text: str) -> None:
    folder = workspace.scratch("model")
    shutil.copy(SHIPPED_MODEL / "terms.ja.md", folder / "terms.ja.md")
    (folder / "model.toml").write_text(text, encoding="utf-8")
    calc = run(workspace, "model.toml", [*CALC, "--model", str(folder)], about_file="model.toml")
    if calc.exit_code != 2:
        return  # the edit left a valid model: the other commands would do real work
    for name in commands_taking("model_dir"):
        args = [name, str(folder)]
        if "properties" in parameters(name):
            args += ["--properties", str(workspace.properties)]
        result = run(workspace, "model.toml", args, about_file="model.toml")
        assert result.exit_code == 2, f"{name} accepted a model that calc refused"


# --- properties/*.toml --------------------------------------------------------------------

NAMES = [
    "penalty",
    "monthly_fee",
    "service_start",
    "termination_month",
    "notice_deadline",
    "a.penalty",
    "b.termination_month",
    "penalty_grounds",
    "ground",
    "minimum_term_months",
    "no_such_name",
    "c.penalty",
    "Penalty",
]
TOKENS = [
    *NAMES,
    "0",
    "12",
    "-1",
    "99999999999999999999999",
    '"customer"',
    '"no-such-ground"',
    '"2026-03"',
    "true",
    "false",
    "+",
    "-",
    "*",
    "//",
    "%",
    "/",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
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
    "month_of(",
    "add_months(",
    "days_between(",
    "first_day(",
    "no_such_function(",
    "date(",
    "if",
    "then",
    "else",
    "max(",
    "min(",
    "scale(",
    "sum_fees(",
    "is_business_day(",
    "add_business_days(",
    "period_end(",
    "=",
    "$",
    "　",
]


@st.composite
def broken_expressions(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=10)))


@st.composite
def broken_property_files(draw: st.DrawFn) -> str:
    """The cheap properties with an expression replaced, or the TOML itself edited."""
    if draw(st.booleans()):
        return draw(edited_toml(CHEAP_PROPERTIES))
    field = draw(st.sampled_from(['assert = "penalty >= 0"', 'assume = "a.termination_month']))
    expression = draw(broken_expressions()).replace('"', "'")
    if field.startswith("assert"):
        return CHEAP_PROPERTIES.replace(field, f'assert = "{expression}"')
    return CHEAP_PROPERTIES.replace(
        'assume = "a.termination_month < b.termination_month"', f'assume = "{expression}"'
    )


@_examples(40)
@given(text=broken_property_files())
def test_broken_property_files(workspace: Workspace, text: str) -> None:
    folder = workspace.scratch("properties")
    (folder / "fuzzed.toml").write_text(text, encoding="utf-8")
    args = ["verify", "--properties", str(folder), "--rlimit", SMALL_RLIMIT]
    run(workspace, "properties", args, about_file="fuzzed.toml")


# --- terms.ja.md --------------------------------------------------------------------------


@st.composite
def edited_terms(draw: st.DrawFn) -> str:
    """The terms with headings shuffled, duplicated, removed or renumbered."""
    lines = TERMS_TEXT.splitlines()
    headings = [i for i, line in enumerate(lines) if line.startswith("## ")]
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.sampled_from(headings))
        edit = draw(st.sampled_from(["swap", "duplicate", "delete", "renumber", "blank"]))
        event(f"terms edit: {edit}")
        if edit == "swap":
            other = draw(st.sampled_from(headings))
            lines[at], lines[other] = lines[other], lines[at]
        elif edit == "duplicate":
            lines[at + 1 : at + 1] = ["", lines[at]]
        elif edit == "delete":
            lines[at] = ""
        elif edit == "renumber":
            number = draw(st.sampled_from(["0", "99", "1", "一", "9の2", ""]))
            lines[at] = re.sub(r"第\d+条", f"第{number}条", lines[at])
        else:
            lines[at] = "## "
    return "\n".join(lines) + "\n"


@_examples(30)
@given(text=edited_terms())
def test_broken_terms_text(workspace: Workspace, text: str) -> None:
    folder = workspace.scratch("terms")
    (folder / "terms.ja.md").write_text(text, encoding="utf-8")
    shutil.copy(SHIPPED_MODEL / "model.toml", folder / "model.toml")
    run(workspace, "terms", ["articles", str(folder / "terms.ja.md")], about_file="terms.ja.md")
    run(workspace, "terms", [*CALC, "--model", str(folder)], about_file="terms.ja.md")


# --- Command lines ------------------------------------------------------------------------


@functools.cache
def command_table() -> dict[str, Any]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return dict(sorted(group.commands.items()))


def parameters(command: str) -> dict[str, Any]:
    return {p.name: p for p in command_table()[command].params if p.name}


def commands_taking(name: str) -> list[str]:
    return [command for command in command_table() if name in parameters(command)]


DATES = ["2026-03-15", "2027-02-29", "2024-02-29", "1899-12-31", "2400-01-01", "2026-3-5"]
MONTHS = ["2026-10", "2026-13", "2026-00", "2025-01", "10-2026", "2400-01"]
NUMBERS = ["0", "1", "100000", "1,000", "-5", "1e3", "99999999999999999999", "0x10", "１２"]
WORDS = [
    "",
    " ",
    "x",
    "json",
    "text",
    "html",
    "markdown",
    "customer",
    "immediate",
    "end-of-month",
    "annual-fee",
    "penalty.nonnegative",
    "fuzz.penalty-nonnegative",
    "--json",
    "-",
    "ü",
    "第9条",
]
OUTPUT_NAMES = re.compile(r"out|output|dest|write|save")


def _fact_flags() -> dict[str, list[str]]:
    """calc's flags, one per fact of the shipped model, with values of every kind."""
    flags: dict[str, list[str]] = {}
    for fact in load_spec(SHIPPED_MODEL).document.facts:
        flags["--" + fact.id.replace("_", "-")] = DATES + MONTHS + NUMBERS + WORDS
    return flags


FACT_FLAGS = _fact_flags()


def _path_values(space: Workspace) -> list[str]:
    return [
        str(space.model),
        str(space.properties),
        str(space.model / "model.toml"),
        str(space.model / "terms.ja.md"),
        str(space.root / "no-such-folder"),
        str(space.root / "out"),
        "",
    ]


def _values_for(name: str, space: Workspace) -> st.SearchStrategy[str]:
    """Values biased by the parameter's name, with any other kind mixed in."""
    if OUTPUT_NAMES.search(name):
        return st.just(str(space.sentinel))
    everything = DATES + MONTHS + NUMBERS + WORDS + _path_values(space)
    if re.search(r"start|arrival|date", name):
        likely = DATES
    elif "month" in name:
        likely = MONTHS
    elif re.search(r"fee|rlimit|limit|seed|count|jobs", name):
        likely = NUMBERS
    elif re.search(r"model|propert|path|dir|file|folder", name):
        likely = _path_values(space)
    else:
        likely = WORDS
    return st.one_of(st.sampled_from(likely), st.sampled_from(everything))


@st.composite
def command_lines(draw: st.DrawFn, command: str, space: Workspace) -> list[str]:
    """`command` with a random selection of its options, arguments and strays."""
    args = [command]
    options = parameters(command)
    for name, param in options.items():
        if not draw(st.integers(0, 2)):  # leave out a third, required ones included
            continue
        if isinstance(param, typer.core.TyperOption):
            flag = draw(st.sampled_from([*param.opts, *param.secondary_opts]))
            args.append(flag)
            if not param.is_flag and draw(st.integers(0, 9)):  # now and then, no value
                args.append(draw(_values_for(name, space)))
        else:
            args.append(draw(_values_for(name, space)))
    if command == "calc":  # the facts of the model are options of their own
        for flag, values in FACT_FLAGS.items():
            if draw(st.integers(0, 2)):
                args += [flag, draw(st.sampled_from(values))]
    if "properties" in options and "--properties" not in args:
        args += ["--properties", str(space.properties)]
    if "rlimit" in options and "--rlimit" not in args:
        args += ["--rlimit", SMALL_RLIMIT]
    if draw(st.integers(0, 4)) == 0:
        args.append(draw(st.sampled_from(["--bogus", "-x", "extra", "--json=1", "--"])))
    return args


@pytest.mark.parametrize("command", sorted(command_table()))
@_examples(15)
@given(data=st.data())
def test_random_command_lines(workspace: Workspace, command: str, data: st.DataObject) -> None:
    args = data.draw(command_lines(command, workspace))
    result = run(workspace, "command line", args)
    if result.exit_code == 2:
        assert workspace.sentinel.read_text(encoding="utf-8") == "untouched\n"


def test_every_command_is_fuzzed() -> None:
    # The strategy draws from the app's own table: a new command joins without an edit.
    assert {"articles", "calc", "mutate", "verify"} <= set(command_table())


def test_the_contract_catches_a_traceback(workspace: Workspace) -> None:
    # The checker itself can fail: a crash inside a command is reported, not passed.
    def crash(*_: object) -> None:
        raise RuntimeError("a bug in the rules")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("termcheck.cli.calc.evaluate", crash)
        with pytest.raises(AssertionError, match="traceback"):
            run(workspace, "self-test", CALC)


def test_usage_errors_are_one_line() -> None:
    result = RUNNER.invoke(app, ["calc", "--bogus", "1"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
