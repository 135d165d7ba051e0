"""The app's own options: --version, and -h beside --help on every command."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from termcheck import __version__
from termcheck.cli import app


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"termcheck {__version__}\n"


@pytest.mark.parametrize("command", [[], ["verify"], ["calc"], ["conform"], ["diff"]])
def test_h_is_help(command: list[str]) -> None:
    short = CliRunner().invoke(app, [*command, "-h"])
    long = CliRunner().invoke(app, [*command, "--help"])
    assert short.exit_code == long.exit_code == 0
    assert short.output == long.output and "Usage:" in short.output
