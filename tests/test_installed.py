"""Installed, termcheck works anywhere: the wheel carries the shipped project.

A snapshot of the repository is built into an sdist and the sdist into a wheel (offline,
without build isolation: the test extra brings setuptools), the wheel is installed into a
fresh virtual environment, and the commands run from an empty folder. The new environment
borrows this one's dependencies through a .pth file, which puts the folder on sys.path
without reading the .pth files in it, so this checkout's editable install stays out: the
termcheck that runs is the wheel's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE")
SHIPPED = ("termcheck.toml", "model", "properties")
IGNORED = shutil.ignore_patterns("__pycache__", "*.py[co]", "*.egg-info", ".*")
DEFAULT_MODEL = Path(
    tomllib.loads((ROOT / "termcheck.toml").read_text(encoding="utf-8"))["termcheck"]["model"]
)
MODEL = DEFAULT_MODEL.name
REVISION = f"{MODEL}-rev2026"  # the worked revision of docs/review.md
REPORTS = ["--format", "markdown,html,json,junit,sarif", "--lang", "ja,en", "--out", "reports"]
TIMEOUT = 300


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    termcheck: Path
    snapshot: Path  # the sources the wheel was built from
    wheel: Path


def _run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _offline() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_INDEX_URL")}
    # setuptools would otherwise fetch the list of classifiers to check ours against.
    return env | {"PIP_NO_INDEX": "1", "VALIDATE_PYPROJECT_NO_NETWORK": "1"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    major = int(version("setuptools").split(".")[0])
    assert major >= 77, "the test extra brings setuptools>=77: pip install -e '.[test]'"
    work = tmp_path_factory.mktemp("installed")
    # A snapshot, so that the build writes nothing into the shared checkout.
    snapshot = work / "source"
    snapshot.mkdir()
    for name in SNAPSHOT + SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, snapshot / name, ignore=IGNORED)
        else:
            shutil.copy2(source, snapshot / name)
    shutil.copytree(ROOT / "src", snapshot / "src", ignore=IGNORED)

    env = _offline()
    backend = "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])"
    _run([sys.executable, "-c", backend, work / "sdist"], snapshot, env)
    (sdist,) = (work / "sdist").glob("termcheck-*.tar.gz")
    with tarfile.open(sdist) as archive:
        # Python before 3.11.4 has no extraction filters; the archive is our own.
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(work / "unpacked", **safe)
    (unpacked,) = (work / "unpacked").iterdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir"]
    _run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", work / "wheel", unpacked],
        work,
        env,
    )
    (wheel,) = (work / "wheel").glob("termcheck-*.whl")

    target = work / "venv"
    venv.create(target, with_pip=False)
    scripts = "Scripts" if os.name == "nt" else "bin"
    python = target / scripts / Path(sys.executable).name
    _run([*pip, "--python", python, "install", "--no-deps", "--no-index", wheel], work, env)
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = _run([python, "-c", code], work, env)
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib.strip(), "_termcheck_test_deps.pth").write_text(
        "".join(f"{folder}\n" for folder in sorted(borrowed)), encoding="utf-8"
    )
    yield Installed(target, python, target / scripts / "termcheck", snapshot, wheel)


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def _user_env(where: Installed) -> dict[str, str]:
    """A shell whose PATH starts at the new environment, and nothing pointing back here."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return env | {"PATH": os.pathsep.join([str(where.termcheck.parent), env.get("PATH", "")])}


def termcheck(where: Installed, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = _user_env(where)
    return subprocess.run(
        [str(where.termcheck), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_the_wheel_carries_the_shipped_project(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    source = installed.snapshot
    expected = {
        f"termcheck/shipped/{path.relative_to(source).as_posix()}"
        for name in SHIPPED
        for path in ([source / name] if (source / name).is_file() else (source / name).rglob("*"))
        if path.is_file()
    }
    assert expected <= names, sorted(expected - names)


def test_the_termcheck_that_runs_is_the_wheels(installed: Installed, empty: Path) -> None:
    code = "import termcheck; print(termcheck.__file__)"
    shown = _run([installed.python, "-c", code], empty, _user_env(installed))
    assert Path(shown.strip()).resolve().is_relative_to(installed.venv.resolve()), shown
    assert not Path(shown.strip()).resolve().is_relative_to(ROOT), shown


def test_verify_from_an_empty_folder_uses_the_shipped_model(
    installed: Installed, empty: Path
) -> None:
    done = termcheck(installed, empty, "verify", *REPORTS)
    assert done.returncode == 0, done.stdout + done.stderr
    notes = done.stderr.strip().splitlines()
    assert len(notes) == 1 and notes[0].startswith("termcheck: ")
    assert f"the shipped model {MODEL} " in notes[0]
    assert "件: 証明済み" in done.stdout  # the summary, in the first --lang (ja)
    # The same bytes as the checkout gives: reports name the shipped files as the
    # checkout's, with no path of the machine that installed it.
    checkout = installed.snapshot
    env = os.environ | {"PYTHONPATH": str(checkout / "src")}
    out = empty.parent / "checkout-reports"
    subprocess.run(
        [sys.executable, "-m", "termcheck", "verify", *REPORTS[:-1], str(out)],
        cwd=checkout,
        env=env,
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    written = sorted(p.name for p in (empty / "reports").iterdir())
    assert written == sorted(p.name for p in out.iterdir())
    for name in written:
        assert (empty / "reports" / name).read_bytes() == (out / name).read_bytes(), name
    assert str(installed.venv) not in (empty / "reports" / "report.sarif").read_text("utf-8")


def test_calc_from_an_empty_folder(installed: Installed, empty: Path) -> None:
    case = ["--service-start", "2026-03-15", "--monthly-fee", "100000"]
    case += ["--termination-month", "2026-10", "--notice-arrival", "2026-08-31", "--json"]
    done = termcheck(installed, empty, "calc", *case)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"the shipped model {MODEL} " in done.stderr
    assert "termination_month" in json.loads(done.stdout)["inputs"]
    named = termcheck(installed, empty, "calc", "--model", REVISION, *case)
    assert named.returncode == 0, named.stdout + named.stderr
    assert f"--model: using the shipped model {REVISION} " in named.stderr


def test_diff_names_shipped_models(installed: Installed, empty: Path) -> None:
    # By name, and by the path the repository's docs give (docs/review.md).
    done = termcheck(installed, empty, "diff", MODEL, f"model/{REVISION}", "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr  # the revision changes charges
    assert f"OLD_MODEL_DIR: using the shipped model {MODEL} " in done.stderr
    assert f"NEW_MODEL_DIR: using the shipped model {REVISION} " in done.stderr
    models = {json.loads(done.stdout)[side]["model"] for side in ("old", "new")}
    assert models == {f"model/{MODEL}", f"model/{REVISION}"}
    assert str(installed.venv) not in done.stdout


def test_an_unknown_model_is_one_line(installed: Installed, empty: Path) -> None:
    done = termcheck(installed, empty, "verify", "no-such-terms")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "no-such-terms" in line and MODEL in line and REVISION in line


def test_a_local_model_folder_still_wins(installed: Installed, empty: Path) -> None:
    """A folder here is the one checked, even of a shipped model's name: no note."""
    shutil.copytree(installed.snapshot / DEFAULT_MODEL, empty / "model" / MODEL, ignore=IGNORED)
    done = termcheck(installed, empty, "calc", "--model", f"model/{MODEL}", "--facts")
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    # With a model/ folder here, the default is that folder (no model.toml in it).
    default = termcheck(installed, empty, "verify")
    assert default.returncode == 2, default.stdout + default.stderr
    assert "shipped" not in default.stderr and "Traceback" not in default.stderr
