"""Reading TOML with positions, so every error can name file, line and field.

`tomllib` gives values without positions; :class:`TomlFile` finds the line of a key path
such as ``("readings", 1, "adopted")`` by following table headers and keys in the text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from termcheck.errors import InputError, Position

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")
_TOML_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass
class TomlFile:
    path: Path
    text: str
    data: dict[str, Any]
    _lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def line_of(self, loc: tuple[str | int, ...]) -> int | None:
        """The line of the deepest known prefix of `loc` (a key, a table or an array entry)."""
        for end in range(len(loc), 0, -1):
            line = self._lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None

    def position(self, loc: tuple[str | int, ...]) -> Position:
        return Position(self.path, self.line_of(loc))

    def error(self, loc: tuple[str | int, ...], message: str) -> InputError:
        field_name = ".".join(str(part) for part in loc) if loc else None
        return InputError(message, self.position(loc), field_name)


def load_toml(path: Path) -> TomlFile:
    """Read and parse `path`; a missing file or a syntax error is an InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", Position(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", Position(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_ERROR_AT.search(str(exc))
        message = _TOML_ERROR_AT.sub("", str(exc)).strip()
        if match is None:
            raise InputError(f"TOML syntax: {message}", Position(path)) from None
        position = Position(path, int(match.group(1)), int(match.group(2)))
        raise InputError(f"TOML syntax: {message}", position) from None
    result = TomlFile(path, text, data)
    result._lines = _index_lines(text)
    return result


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
    text = source.text.splitlines()[line - 1]
    match = _STRING_START.search(text)
    if match is None:
        return Position(source.path, line, 1)
    if len(match.group(1)) == 3 and match.end() == len(text.rstrip()):
        # A multi-line string starting right after its opening quotes: TOML drops
        # that first newline, so the expression starts on the next line.
        return Position(source.path, line + 1, 1)
    return Position(source.path, line, match.end() + 1)
