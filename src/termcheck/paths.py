"""Where a command finds its model and properties when none is named.

A project says so in `termcheck.toml` at its top (found from the working directory up,
as ruff and pytest find their configuration)::

    [termcheck]
    model = "model/my-terms"
    properties = "properties"

A model folder with a `properties/` folder of its own uses that one. Without a
`termcheck.toml`, the checkout this package runs from is asked, then the working
directory.

An installed termcheck carries the project it was built from (its termcheck.toml, model/
and properties/, which setup.py copies in). With no model named, no termcheck.toml and no
model/ here, a command checks the model the shipped termcheck.toml names; a relative model
folder that does not exist here is looked up in the shipped project, as `NAME` or
`model/NAME`, so the repository's own commands work from any folder.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

CONFIG = "termcheck.toml"
SHIPPED = "shipped"  # the package's folder holding the shipped project
MODEL_FILE = "model.toml"

# Set once a command uses a shipped model where no termcheck.toml governs: the shipped
# project is the project then, so reports name its files as they do in the checkout.
_shipped_in_use: Path | None = None


@cache
def _configured_root() -> Path | None:
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / CONFIG).is_file():
        return checkout
    return None


def project_root() -> Path:
    """The folder of the nearest termcheck.toml (from the working directory up, then the
    checkout this package runs from), else the shipped project once a command uses it,
    else the working directory."""
    return _configured_root() or _shipped_in_use or Path.cwd().resolve()


def _governed() -> bool:
    return (project_root() / CONFIG).is_file()


def shipped_root() -> Path | None:
    """The project shipped inside the installed package; run from a checkout (an editable
    install), the checkout, whose files are what a wheel ships. None when neither is a
    folder (a package imported from a zip file)."""
    data = resources.files("termcheck").joinpath(SHIPPED)
    if isinstance(data, Path) and (data / CONFIG).is_file():
        return data
    checkout = Path(__file__).resolve().parents[2]
    return checkout if (checkout / CONFIG).is_file() else None


def shipped_models() -> list[str]:
    """The names of the shipped models: their folders under the shipped model/."""
    root = shipped_root()
    if root is None:
        return []
    models = root / "model"
    return sorted(path.parent.relative_to(models).as_posix() for path in models.rglob(MODEL_FILE))


def shipped_name(model: Path) -> str | None:
    """`model`'s name if it is a shipped model."""
    root = shipped_root()
    if root is None or not (model / MODEL_FILE).is_file():
        return None
    try:
        return model.resolve().relative_to((root / "model").resolve()).as_posix()
    except ValueError:
        return None


def resolve_model(named: Path | None) -> tuple[Path, str | None]:
    """The model folder a command checks for `named` (None: the default), and its name
    when it is a shipped model standing in for one not found here."""
    wanted = named if named is not None else default_model_dir()
    root = shipped_root()
    if wanted.exists() or root is None:
        return wanted, None
    if named is None:
        if _governed():  # a project that names a missing model is told so
            return wanted, None
        candidates = [root / _config(root).get("model", "model")]
    elif named.is_absolute():
        return wanted, None
    else:
        candidates = [root / named, root / "model" / named]
    found = next((c for c in candidates if (c / MODEL_FILE).is_file()), None)
    name = None if found is None else shipped_name(found)
    if found is None or name is None:
        return wanted, None
    global _shipped_in_use
    if not _governed():
        _shipped_in_use = root
    return found, name


def _config(root: Path | None = None) -> dict[str, str]:
    from termcheck.model.tomlfile import load_toml  # bounded: no deep or huge file hangs

    path = (root or project_root()) / CONFIG
    if not path.is_file():
        return {}
    # A termcheck.toml that cannot be read is reported (file, line, column), not taken for
    # none: the defaults it would silently fall back to are not what its author meant.
    source = load_toml(path)
    section = source.data.get("termcheck", {})
    values = (
        {k: v for k, v in section.items() if isinstance(v, str)}
        if isinstance(section, dict)
        else {}
    )
    for key, value in values.items():
        try:
            (path.parent / value).exists()
        except OSError as exc:  # a name the system refuses (too long, say): at its line
            raise source.error(("termcheck", key), f"{exc.strerror}: name a folder") from None
    return values


def default_model_dir() -> Path:
    """The model termcheck.toml names (`model/` without one)."""
    return project_root() / _config().get("model", "model")


def default_properties_dir(model: Path | None = None) -> Path:
    """The model's own `properties/` folder if it has one, else the project's (the
    shipped project's for a shipped model)."""
    if model is not None and (model / "properties").is_dir():
        return model / "properties"
    root = project_root()
    if model is not None and shipped_name(model) is not None:
        root = shipped_root() or root
    return root / _config(root).get("properties", "properties")


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


def locate(shown: str) -> Path:
    """The file a path given by :func:`display` names, whatever the working directory."""
    path = Path(shown)
    if path.is_absolute() or path.exists():
        return path
    return project_root() / path
