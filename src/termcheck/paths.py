"""Where the shipped model and properties live."""

from __future__ import annotations

from pathlib import Path

SHIPPED_MODEL = "usen-gate02-iij-id"


def project_root() -> Path:
    """The checkout this package runs from (src layout), else the working directory.

    termcheck is installed editable from its checkout; the shipped model and properties
    are data beside the code, not inside the package.
    """
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "model" / SHIPPED_MODEL).is_dir():
        return checkout
    return Path.cwd()


def default_model_dir() -> Path:
    return project_root() / "model" / SHIPPED_MODEL


def default_properties_dir() -> Path:
    return project_root() / "properties"


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
