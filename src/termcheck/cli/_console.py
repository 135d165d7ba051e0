"""The terminal text of the commands: how wide it is drawn, and how lists of ids wrap.

Ids (of properties, mutants, model elements) are what a reader copies into `--only`, a
property file or a search: they are never split across lines. A table that cannot show
every id whole at the width given falls back to lines, which wrap between ids only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

# Off a terminal, with no COLUMNS (CI logs, pipes), a width that keeps the longest ids
# and their table columns on one line.
OFF_TERMINAL_WIDTH = 160


def width(stream: TextIO | None = None) -> int | None:
    """COLUMNS when set, else None (the terminal's own) on a terminal, else 160."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = stream or sys.stdout
    try:
        return None if stream.isatty() else OFF_TERMINAL_WIDTH
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return OFF_TERMINAL_WIDTH


def console(*, stderr: bool = False) -> Console:
    """A console for stdout (or stderr) at :func:`width`, with no highlighting: the
    text comes from the model and the properties, not from Python reprs."""
    return Console(
        stderr=stderr, highlight=False, width=width(sys.stderr if stderr else sys.stdout)
    )


def shows_whole(table: Table, target: Console, ids: Iterable[str]) -> bool:
    """Does `table`, drawn at `target`'s width, show every one of `ids` on one line?"""
    return drawn_whole(table, target, ids) is not None


def drawn_whole(table: Table, target: Console, ids: Iterable[str]) -> str | None:
    """`table` as `target` draws it, if that shows every one of `ids` on one line; else
    None. Drawn once: a table of a hundred rows takes as long to draw as to check."""
    wanted: dict[str, int] = {}
    for item in ids:
        wanted[item] = wanted.get(item, 0) + 1
    with target.capture() as captured:
        target.print(table, soft_wrap=False)
    drawn = captured.get()
    whole = all(drawn.count(item) >= count for item, count in wanted.items())
    return drawn if whole else None


def print_line(target: Console, line: str) -> None:
    """A line from :func:`wrap_pieces`, as it is: one that holds an id wider than the
    console runs past its edge rather than lose the id's end."""
    target.print(Text(line), no_wrap=True, overflow="ignore", crop=False)


def wrap_items(head: str, items: list[str], width: int, *, indent: int = 4) -> list[str]:
    """`head` then the items, comma-separated, wrapped at `width` between items only;
    continuation lines are indented by `indent`."""
    pieces = [item + ("," if index < len(items) - 1 else "") for index, item in enumerate(items)]
    return wrap_pieces([head.rstrip(), *pieces] if head.strip() else pieces, width, indent=indent)


def wrap_pieces(pieces: list[str], width: int, *, sep: str = " ", indent: int = 4) -> list[str]:
    """The pieces joined by `sep`, wrapped at `width` between pieces only; continuation
    lines are indented by `indent`. A piece wider than a line stays whole on its own."""
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if not line:
            line = piece
        elif cell_len(line + sep + piece) > width:
            lines.append(line)
            line = " " * indent + piece
        else:
            line = line + sep + piece
    if line:
        lines.append(line)
    return lines
