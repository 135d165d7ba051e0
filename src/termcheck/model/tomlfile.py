"""Reading TOML with positions, so every error can name file, line and field.

`tomllib` gives values without positions; :class:`TomlFile` finds the line of a key path
such as ``("readings", 1, "adopted")`` by following table headers and keys in the text.

Every input file is read within limits (docs/limits.md): at most :data:`MAX_TOML_BYTES`
bytes, nested at most :data:`MAX_TOML_NESTING` levels, no dotted key of more than
:data:`MAX_TOML_NESTING` parts. tomllib recurses once per level of nesting and is
quadratic in the parts of a dotted key, so the text is scanned for both before it is
parsed: a malformed file is an error at its line and column, never a RecursionError or
a parse that does not finish.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Final

from termcheck.errors import InputError, Position

# The shipped models are under 40 kB and nest 5 levels; these leave room for any
# hand-written file while bounding what one malformed file can cost.
MAX_TOML_BYTES: Final = 500_000
MAX_TOML_NESTING: Final = 20

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")
_TOML_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_ERROR_AT_END = "(at end of document)"

# What the nesting scan needs to see of TOML: strings and comments (skipped whole; an
# unterminated one runs to the end, so no input makes the scan backtrack), bare words,
# dots between key parts, brackets, and what ends a key.
_SCAN = re.compile(
    r"""
    (?P<skip>\#[^\n]*
      | \"\"\"(?:\\[\s\S]|[^\\"]|"(?!""))*(?:\"\"\"|\Z)
      | '''(?:[^']|'(?!''))*(?:'''|\Z)
      | "(?:\\.|[^"\\\n])*(?:"|$)
      | '[^'\n]*(?:'|$))
    | (?P<word>[A-Za-z0-9_+\-:]+)
    | (?P<dot>\.)
    | (?P<open>[\[{])
    | (?P<close>[\]}])
    | (?P<stop>[=,\n])
    """,
    re.VERBOSE | re.MULTILINE,
)


@dataclass
class TomlFile:
    path: Path
    text: str
    data: dict[str, Any]
    _lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def line_of(self, loc: tuple[str | int, ...]) -> int | None:
        """The line of the deepest known prefix of `loc` (a key, a table or an array entry)."""
        for end in range(len(loc), 0, -1):
            line = self._lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None

    def position(self, loc: tuple[str | int, ...]) -> Position:
        """The line of `loc` and the column of its key there (of the line's first
        character that is not a space, when the key is not written on it)."""
        line = self.line_of(loc)
        if line is None:
            return Position(self.path, 1, 1)
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        key = next((part for part in reversed(loc) if isinstance(part, str)), None)
        found = (
            re.search(rf"(?<![A-Za-z0-9_\-]){re.escape(key)}(?![A-Za-z0-9_\-])", text)
            if key
            else None
        )
        column = found.start() if found else len(text) - len(text.lstrip())
        return Position(self.path, line, column + 1)

    def error(self, loc: tuple[str | int, ...], message: str) -> InputError:
        field_name = ".".join(str(part) for part in loc) if loc else None
        return InputError(message, self.position(loc), field_name)


def load_toml(path: Path) -> TomlFile:
    """Read and parse `path`; a missing or unreadable file, a syntax error or a file
    beyond the limits is an InputError naming the file (and the line and column)."""
    text = read_text(path, MAX_TOML_BYTES)
    _check_nesting(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, text, str(exc)) from None
    except RecursionError:  # the scan bounds nesting; this is the last line of defence
        raise InputError(
            f"nested too deeply; at most {MAX_TOML_NESTING} levels of tables and arrays",
            Position(path, 1, 1),
        ) from None
    result = TomlFile(path, text, data)
    result._lines = _index_lines(text)
    return result


def read_text(path: Path, limit: int) -> str:
    """The text of a UTF-8 file of at most `limit` bytes, with its line endings as
    ``\\n``; any other file is an InputError that says what to do with it."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError("no such file", Position(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder: give the file in it", Position(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", Position(path)) from None
    if len(raw) > limit:
        raise InputError(
            f"larger than {limit:,} bytes, the most termcheck reads (docs/limits.md): "
            "split it, or check that this is the file you meant",
            Position(path),
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("is UTF-16: save it as UTF-8", Position(path, 1, 1))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        byte = raw[exc.start : exc.start + 1].hex()
        raise InputError(
            f"not UTF-8 (byte 0x{byte}): save the file as UTF-8", Position(path, line, column)
        ) from None
    # An editor's byte-order mark is not part of the text; CR LF and CR end lines as LF
    # does, as Python's text mode reads them, so that lines count as an editor counts.
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _syntax_error(path: Path, text: str, message: str) -> InputError:
    match = _TOML_ERROR_AT.search(message)
    if match is not None:
        position = Position(path, int(match.group(1)), int(match.group(2)))
        return InputError(f"TOML syntax: {_TOML_ERROR_AT.sub('', message).strip()}", position)
    detail = message.replace(_TOML_ERROR_AT_END, "").strip()
    if _TOML_ERROR_AT_END in message:
        # The end of the text, where an editor shows it: after the last line's last character.
        lines = text.splitlines() or [""]
        position = Position(path, len(lines), len(lines[-1]) + 1)
        return InputError(f"TOML syntax: {detail} at the end of the file", position)
    return InputError(f"TOML syntax: {detail}", Position(path, 1, 1))


def _check_nesting(path: Path, text: str) -> None:
    depth = parts = 0
    after_dot = False
    for match in _SCAN.finditer(text):
        kind = match.lastgroup
        if kind == "skip":
            if match.group().startswith("#"):
                continue
            kind = "word"  # a quoted key part counts as a part
        if kind == "word":
            parts = parts + 1 if after_dot else 1
            after_dot = False
            if parts > MAX_TOML_NESTING:
                raise _nesting_error(
                    path, text, match.start(), "a dotted key of more than", "parts"
                )
        elif kind == "dot":
            after_dot = True
        else:
            after_dot = False
            parts = 0
            if kind == "open":
                depth += 1
                if depth > MAX_TOML_NESTING:
                    raise _nesting_error(path, text, match.start(), "nested more than", "levels")
            elif kind == "close":
                depth = max(0, depth - 1)


def _nesting_error(path: Path, text: str, offset: int, what: str, unit: str) -> InputError:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return InputError(
        f"{what} {MAX_TOML_NESTING} {unit}, the most termcheck reads (docs/limits.md): flatten it",
        Position(path, line, column),
    )


def _index_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Map key paths to the line that defines them (a heuristic good for hand-written TOML)."""
    lines: dict[tuple[str | int, ...], int] = {}
    array_counts: dict[tuple[str | int, ...], int] = {}
    table: tuple[str | int, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header is not None:
            names = [part.strip().strip('"') for part in header.group(2).split(".")]
            table = _resolve_table(names, header.group(1) == "[[", array_counts, lines)
            lines.setdefault(table, number)
            continue
        key = _KEY.match(raw)
        if key is not None:
            lines.setdefault((*table, key.group(1).strip('"')), number)
    return lines


def _resolve_table(
    names: list[str],
    is_array: bool,
    array_counts: dict[tuple[str | int, ...], int],
    lines: dict[tuple[str | int, ...], int],
) -> tuple[str | int, ...]:
    # A dotted header such as [[readings.options]] names the newest entry of each
    # enclosing array of tables, which is how TOML itself resolves it.
    path: tuple[str | int, ...] = ()
    for position, name in enumerate(names):
        path = (*path, name)
        last = position == len(names) - 1
        if last and is_array:
            index = array_counts.get(path, 0)
            array_counts[path] = index + 1
            path = (*path, index)
        elif path in array_counts:
            path = (*path, array_counts[path] - 1)
    return path


_STRING_START = re.compile(r"=\s*(\"\"\"|'''|\"|')")


def value_origin(source: TomlFile, loc: tuple[str | int, ...], present: bool = True) -> Position:
    """Where the first character of the string at `loc` stands in the file, so that an
    error inside a formula can name its line and column. `present` False: the key was
    left out (a default), and the table that lacks it is named instead."""
    line = source.line_of(loc)
    if line is None or not present:
        return Position(source.path, source.line_of(loc[:-1]) or 1, 1)
    text = source.lines[line - 1] if line <= len(source.lines) else ""
    match = _STRING_START.search(text)
    if match is None:
        return Position(source.path, line, 1)
    if len(match.group(1)) == 3 and match.end() == len(text.rstrip()):
        # A multi-line string starting right after its opening quotes: TOML drops
        # that first newline, so the expression starts on the next line.
        return Position(source.path, line + 1, 1)
    return Position(source.path, line, match.end() + 1)
