"""The errors termcheck reports to its users.

Every error carries where it happened (file, line, column, field) so that the command
line can print one line a reviewer can act on, and exit with code 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Position:
    """A place in an input file; line and column count from 1."""

    path: Path | str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        from termcheck.paths import display  # messages carry no machine-specific paths

        text = display(Path(self.path))
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class TermcheckError(Exception):
    """Base of every error termcheck reports instead of a traceback.

    The message is one line; fix the input it names and run the command again.
    """


class InputError(TermcheckError):
    """Bad input: a file, a field or a command-line value that cannot be used.

    The message names the file and position (or the flag) and the field; correct that
    value and run again. The command line exits with code 2.
    """

    def __init__(self, message: str, position: Position | None = None, field: str | None = None):
        self.position = position
        self.field = field
        self.detail = message
        parts = []
        if position is not None:
            parts.append(str(position))
        if field is not None:
            parts.append(field)
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class ScenarioError(InputError):
    """A scenario the terms do not cover (for example a termination month before the
    service-start month). Choose inputs inside the terms' domain and run again."""
