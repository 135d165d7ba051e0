"""A persistent cache of verdicts, content-addressed by everything a verdict depends on.

A reviewer reruns the gate after every edit; most properties' inputs did not change.
An entry's key is a SHA-256 of:

- the environment: termcheck's own files (its source and data, so an edited checkout
  counts as another termcheck), the version of Z3 and of Python, the solver seed;
- the model: every file of the model folder, the terms text and the implementation's
  folder, wherever they are, and the folder's path as given (reports quote it);
- the options of the run (rlimit, readings, every reading, replay, readable witnesses);
- the property's own definition, and, for a built-in check (which may read the other
  properties, as the effective-terms check does), the definitions of all loaded ones.

Nothing else is asked of an entry: no file times, no clock. An entry that cannot be read,
whose checksum fails or whose key is not the one asked for is a miss, never an error.

A hit is not taken on trust where it can be checked: each counterexample is evaluated
again through the model's concrete meaning and replayed through its implementation, a
proof is checked again on the boundary cases through the implementation
(:meth:`termcheck.verify.scenario.Checker.revalidate`), and anything that does not
replay is `divergent`, as a fresh result would be. What cannot be checked without
solving again (that a proof is a proof, a built-in check's evidence) is as trustworthy
as the folder the cache lives in: keep it where only you and your CI write, or pass
``--no-cache`` (docs/ci.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import z3

from termcheck.model.spec import Spec
from termcheck.semantics.calendar import Month
from termcheck.semantics.case import Outcome
from termcheck.verify.properties import Property
from termcheck.verify.results import (
    SEED,
    Counterexample,
    Evidence,
    Options,
    Result,
    Status,
)

# Bumped when the layout of an entry changes: older entries are then simply not found.
FORMAT = 1
# Entries kept per cache folder (about 8 KB each): beyond it, the least recently used go.
MAX_ENTRIES = 20_000
ENVIRONMENT_VARIABLE = "TERMCHECK_CACHE_DIR"
_PACKAGE = Path(__file__).resolve().parent.parent


class Uncacheable(Exception):
    """A value the cache cannot write down exactly (its result is simply not stored)."""


def default_folder() -> Path:
    """$TERMCHECK_CACHE_DIR, else the user's cache folder of the platform."""
    if given := os.environ.get(ENVIRONMENT_VARIABLE):
        return Path(given)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "termcheck" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "termcheck"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "termcheck"


# --- Keys ----------------------------------------------------------------------------------------


def _digest_files(digest: Any, root: Path, files: Iterable[Path]) -> None:
    for path in sorted(set(files)):
        try:
            content = path.read_bytes()
        except OSError:
            content = b"\0unreadable"
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)


# A model folder (or an implementation's) with more files than this is not hashed on
# every run: its verdicts are not cached (one warning says so).
MAX_INPUT_FILES = 5_000


def _tree(root: Path, suffixes: tuple[str, ...] = ()) -> list[Path]:
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__" and d[0] != ".")
        for name in names:
            if name.endswith((".pyc", ".tmp")) or (suffixes and not name.endswith(suffixes)):
                continue
            found.append(Path(folder) / name)
            if len(found) > MAX_INPUT_FILES:
                raise Uncacheable(f"{root} holds more than {MAX_INPUT_FILES:,} files")
    return found


_ENVIRONMENT: str | None = None


def environment_digest() -> str:
    """termcheck's own files, Z3's and Python's versions, the seed (once per process)."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        digest = hashlib.sha256()
        digest.update(f"format {FORMAT}\0z3 {z3.get_full_version()}\0".encode())
        digest.update(f"python {sys.version_info[:3]}\0seed {SEED}\0".encode())
        _digest_files(digest, _PACKAGE, _tree(_PACKAGE))
        _ENVIRONMENT = digest.hexdigest()
    return _ENVIRONMENT


def model_digest(spec: Spec) -> str:
    """Every file a verdict about `spec` may read, the document read from them, and the
    folder's name as given."""
    digest = hashlib.sha256()
    digest.update(f"model {spec.directory}\0".encode())
    # The document as loaded, too: a Spec made in memory (a quote's effective terms, a
    # mutant, a caller's variant) shares its folder's files but not their reading.
    digest.update(spec.document.model_dump_json().encode())
    root = spec.directory.resolve()
    files = _tree(root)
    files.append((root / spec.document.terms.text).resolve())
    if spec.document.implementation is not None:
        module = (root / spec.document.implementation.python.split(":")[0]).resolve()
        files += _tree(module.parent, (".py",))
        digest.update(f"implementation {spec.document.implementation.python}\0".encode())
    _digest_files(digest, root, files)
    return digest.hexdigest()


def definition(prop: Property) -> dict[str, Any]:
    """What a property says, without where it stands (moving it changes no verdict)."""
    fields = {
        f.name: getattr(prop, f.name)
        for f in dataclasses.fields(prop)
        if f.name not in ("assume", "assertion", "path", "line")
    }
    canonical: dict[str, Any] = json.loads(json.dumps(fields, sort_keys=True, default=list))
    return canonical


def options_of(options: Options) -> dict[str, Any]:
    return {
        "rlimit": options.rlimit,
        "readings": dict(sorted(options.readings.items())),
        "all_readings": options.all_readings,
        "implementation": options.implementation,
        "readable": options.readable,
    }


# --- Values --------------------------------------------------------------------------------------


def encode(value: object) -> Any:
    """A value as JSON that :func:`decode` turns back into an equal value of the same
    type (dates, months, sets and tuples tagged)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return {"$float": repr(value)}
    if isinstance(value, date):
        if type(value) is not date:
            raise Uncacheable(type(value).__name__)
        return {"$date": value.isoformat()}
    if isinstance(value, Month):
        return {"$month": [value.year, value.month]}
    if isinstance(value, frozenset | set):
        items = [encode(item) for item in value]
        tag = "$frozenset" if isinstance(value, frozenset) else "$set"
        return {tag: sorted(items, key=lambda item: json.dumps(item, sort_keys=True))}
    if isinstance(value, tuple):
        return {"$tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) and not key.startswith("$") for key in value):
            raise Uncacheable("a mapping with keys that are not plain names")
        return {key: encode(item) for key, item in value.items()}
    raise Uncacheable(type(value).__name__)


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "$date":
            return date.fromisoformat(inner)
        if tag == "$month":
            return Month(*inner)
        if tag == "$float":
            return float(inner)
        if tag in ("$frozenset", "$set"):
            items = (decode(item) for item in inner)
            return frozenset(items) if tag == "$frozenset" else set(items)
        if tag == "$tuple":
            return tuple(decode(item) for item in inner)
    return {key: decode(item) for key, item in value.items()}


def _result_data(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = {
        "readings": encode(result.readings),
        "status": result.status.value,
        "replayed": result.replayed,
        "detail": result.detail,
        "detail_ja": result.detail_ja,
        "seconds": encode(result.seconds),
        "solver_seconds": encode(result.solver_seconds),
        "work": result.work,
        "other_readings": [_result_data(other) for other in result.other_readings],
        "counterexample": None,
        "evidence": None,
    }
    if result.counterexample is not None:
        data["counterexample"] = {
            name: {
                "facts": encode(dict(outcome.facts)),
                "readings": encode(dict(outcome.readings)),
                "values": encode(dict(outcome.values)),
            }
            for name, outcome in result.counterexample.outcomes.items()
        }
    if result.evidence is not None:
        data["evidence"] = {
            "data": encode(result.evidence.data),
            "story": encode(result.evidence.story),
            "events": encode(result.evidence.events),
        }
    return data


def _result_of(prop: Property, data: dict[str, Any]) -> Result:
    result = Result(prop, decode(data["readings"]), Status(data["status"]))
    result.replayed = data["replayed"]
    result.tell(data["detail"], data["detail_ja"])
    result.seconds = decode(data["seconds"])
    result.solver_seconds = decode(data["solver_seconds"])
    result.work = data["work"]
    result.other_readings = [_result_of(prop, other) for other in data["other_readings"]]
    if (cases := data["counterexample"]) is not None:
        outcomes = {}
        for name, case in cases.items():
            parts = [decode(case[key]) for key in ("facts", "readings", "values")]
            if not isinstance(name, str) or not all(isinstance(part, dict) for part in parts):
                raise TypeError("a stored case is a table of facts, readings and values")
            outcomes[name] = Outcome(*parts)
        result.counterexample = Counterexample(outcomes)
    if (evidence := data["evidence"]) is not None:
        result.evidence = Evidence(
            decode(evidence["data"]), decode(evidence["story"]), decode(evidence["events"])
        )
    return result


# --- The store -----------------------------------------------------------------------------------


class EntryStore:
    """Entries by key in one cache folder. Writes are atomic (a temporary file moved
    over the entry), so concurrent runs never see half an entry; a folder that cannot
    be written only costs the reuse (`problem` says why, once)."""

    def __init__(self, folder: Path, problem: str | None = None) -> None:
        self.folder = folder / f"v{FORMAT}"
        self.hits = 0
        self.misses = 0
        self.stored = 0
        self.problem = problem  # why the cache could not be used
        self.enabled = problem is None

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def read(self, key: str) -> Any:
        """The body stored under `key`, or None (also for an entry that fails its check)."""
        if not self.enabled:
            return None
        try:
            text = self._path(key).read_text(encoding="utf-8")
            entry = json.loads(text)
            body = entry["body"]
            checksum = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
            if entry["key"] != key or entry["sha256"] != checksum:
                return None
            with contextlib.suppress(OSError):
                os.utime(self._path(key))  # used: the last to be pruned
            return body
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None  # unreadable, not JSON, nested beyond Python's stack, not an entry

    def write(self, key: str, body: Any) -> None:
        if not self.enabled:
            return
        checksum = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        text = json.dumps({"key": key, "sha256": checksum, "body": body}, sort_keys=True)
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
                os.replace(temporary, path)
                self.stored += 1
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            self.problem = self.problem or f"{self.folder}: {exc.strerror or exc}"

    def prune(self, limit: int = MAX_ENTRIES) -> None:
        """Keep the `limit` most recently used entries (after a run that stored some)."""
        if not self.stored:
            return
        try:
            found = [
                (entry.stat().st_mtime_ns, entry.path)
                for folder in os.scandir(self.folder)
                if folder.is_dir()
                for entry in os.scandir(folder.path)
                if entry.name.endswith(".json")
            ]
        except OSError:
            return
        found.sort(reverse=True)
        for _, path in found[limit:]:
            with contextlib.suppress(OSError):
                os.unlink(path)


def digest_of(spec: Spec) -> tuple[str, str | None]:
    """:func:`model_digest`, or "" and why the model cannot be cached."""
    try:
        return model_digest(spec), None
    except Uncacheable as exc:
        return "", str(exc)


class ResultCache(EntryStore):
    """The verdicts of one run: its environment, model and options fixed; one key per
    property."""

    def __init__(
        self, folder: Path, spec: Spec, options: Options, loaded: Iterable[Property]
    ) -> None:
        model, problem = digest_of(spec)
        super().__init__(folder, problem)
        common = {
            "environment": environment_digest(),
            "model": model,
            "options": options_of(options),
        }
        self._common = json.dumps(common, sort_keys=True)
        self._all = json.dumps(sorted((definition(p) for p in loaded), key=str), sort_keys=True)

    def key(self, prop: Property) -> str:
        digest = hashlib.sha256(self._common.encode())
        digest.update(json.dumps(definition(prop), sort_keys=True).encode())
        if prop.kind != "scenario":
            digest.update(self._all.encode())
        return digest.hexdigest()

    def boundaries_key(self) -> str:
        return hashlib.sha256(f"{self._common}\0boundary cases".encode()).hexdigest()

    def load(self, prop: Property) -> Result | None:
        """The stored result of `prop`, not yet revalidated; None on a miss."""
        body = self.read(self.key(prop))
        result = None
        if body is not None:
            try:
                result = _result_of(prop, body)
            except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
                result = None
        if result is None:
            self.misses += 1
        else:
            self.hits += 1
        return result

    def store(self, prop: Property, result: Result) -> None:
        try:
            body = _result_data(result)
        except Uncacheable:
            return
        self.write(self.key(prop), body)

    def load_boundaries(self) -> list[tuple[str, str, dict[str, object]]] | None:
        """The boundary cases' facts (goal, quantity, facts), if stored."""
        body = self.read(self.boundaries_key())
        if not isinstance(body, list):
            return None
        try:
            return [
                (str(goal), str(quantity), dict(decode(facts))) for goal, quantity, facts in body
            ]
        except (ValueError, TypeError, AttributeError, RecursionError):
            return None

    def store_boundaries(self, cases: Iterable[tuple[str, str, Mapping[str, object]]]) -> None:
        try:
            body = [[goal, quantity, encode(dict(facts))] for goal, quantity, facts in cases]
        except Uncacheable:
            return
        self.write(self.boundaries_key(), body)
