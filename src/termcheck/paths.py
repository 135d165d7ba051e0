"""Where a command finds its model and properties when none is named.

A project says so in `termcheck.toml` at its top (found from the working directory up,
as ruff and pytest find their configuration)::

    [termcheck]
    model = "model/my-terms"
    properties = "properties"

A model folder with a `properties/` folder of its own uses that one. Without a
`termcheck.toml`, the checkout this package runs from is asked, then the working
directory.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

CONFIG = "termcheck.toml"


@cache
def project_root() -> Path:
    """The folder of the nearest termcheck.toml (from the working directory up, then the
    checkout this package runs from), else the working directory."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / CONFIG).is_file():
        return checkout
    return here


def _config() -> dict[str, str]:
    path = project_root() / CONFIG
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    section = data.get("termcheck", {})
    return (
        {k: v for k, v in section.items() if isinstance(v, str)}
        if isinstance(section, dict)
        else {}
    )


def default_model_dir() -> Path:
    return project_root() / _config().get("model", "model")


def default_properties_dir(model: Path | None = None) -> Path:
    """The model's own `properties/` folder if it has one, else the project's."""
    if model is not None and (model / "properties").is_dir():
        return model / "properties"
    return project_root() / _config().get("properties", "properties")


def display(path: Path) -> str:
    """`path` relative to the working directory when it is inside it: reports and
    messages must not carry machine-specific absolute paths."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        try:
            return str(path.resolve().relative_to(project_root()))
        except ValueError:
            return str(path)
