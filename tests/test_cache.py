"""The result cache: a hit gives the report a fresh run gives, and nothing in the cache
can turn into a pass that a fresh run would not give."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import SHIPPED_MODEL, SHIPPED_PROPERTIES
from termcheck.checks import REGISTRY
from termcheck.cli import app
from termcheck.model.spec import Spec, load_spec
from termcheck.report.document import document, to_json
from termcheck.semantics.calendar import Month
from termcheck.verify.cache import ResultCache, decode, encode
from termcheck.verify.properties import Property, load_properties
from termcheck.verify.results import Options, Result, Status
from termcheck.verify.scenario import check_all

# A few of every shape: proved and refuted cases, several cases, every reading, and the
# built-in checks of the lifecycle, the precedence and the price list.
CHOSEN = (
    "billing.start-month-is-free",
    "billing.year-end-start",
    "notice.late-exactly-when-before-the-earliest-month",
    "notice.readings.end-of-month-vs-first-of-month",
    "penalty.ending-before-the-service-start",
    "penalty.nonnegative",
    "lifecycle.application-answered",
    "lifecycle.terminal-absorbing",
    "precedence.parts-ordered",
    "price-list.options-need-basic",
)


@pytest.fixture(scope="module")
def loaded(spec: Spec) -> list[Property]:
    return load_properties(SHIPPED_PROPERTIES, spec, REGISTRY)


def chosen(loaded: list[Property]) -> list[Property]:
    found = [p for p in loaded if p.id in CHOSEN]
    assert len(found) == len(CHOSEN)
    return found


def run(
    spec: Spec,
    loaded: list[Property],
    folder: Path | None,
    *,
    jobs: int = 1,
    options: Options | None = None,
) -> tuple[list[Result], ResultCache | None]:
    options = options or Options()
    cache = None if folder is None else ResultCache(folder, spec, options, loaded)
    results = list(check_all(spec, chosen(loaded), options, REGISTRY, jobs=jobs, cache=cache))
    return results, cache


def report(spec: Spec, results: list[Result], loaded: list[Property]) -> str:
    return to_json(document(spec, results, timings=False, properties=loaded))


@pytest.fixture(scope="module")
def fresh(spec: Spec, loaded: list[Property]) -> str:
    results, _ = run(spec, loaded, None)
    return report(spec, results, loaded)


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def rewrite(path: Path, change: object) -> None:
    """Change an entry's body and give it a valid checksum: a forged entry."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    change(entry["body"])  # type: ignore[operator]
    text = json.dumps(entry["body"], sort_keys=True).encode()
    entry["sha256"] = hashlib.sha256(text).hexdigest()
    path.write_text(json.dumps(entry), encoding="utf-8")


def test_a_hit_gives_the_report_of_a_fresh_run(
    spec: Spec, loaded: list[Property], fresh: str, tmp_path: Path
) -> None:
    first, cache = run(spec, loaded, tmp_path)
    assert cache is not None and (cache.hits, cache.misses) == (0, len(CHOSEN))
    second, cache = run(spec, loaded, tmp_path)
    assert cache is not None and (cache.hits, cache.misses) == (len(CHOSEN), 0)
    assert report(spec, first, loaded) == fresh
    assert report(spec, second, loaded) == fresh


def test_entries_written_by_a_pool_replay_in_one_process(
    spec: Spec, loaded: list[Property], fresh: str, tmp_path: Path
) -> None:
    run(spec, loaded, tmp_path, jobs=2)
    replayed, cache = run(spec, loaded, tmp_path, jobs=1)
    assert cache is not None and cache.hits == len(CHOSEN)
    assert report(spec, replayed, loaded) == fresh


def test_a_forged_counterexample_is_divergent_not_a_pass(
    spec: Spec, loaded: list[Property], tmp_path: Path
) -> None:
    """A stored violation whose case no longer refutes the property (here: its facts
    moved, its values left as they were) does not replay."""
    _, cache = run(spec, loaded, tmp_path)
    assert cache is not None
    target = next(p for p in chosen(loaded) if p.id == "billing.start-month-is-free")
    path = next(e for e in entries(tmp_path) if e.stem == cache.key(target))

    def move_the_service_start(body: dict) -> None:  # type: ignore[type-arg]
        case = body["counterexample"][""]
        shown = case["facts"]["service_start"]["$date"]
        later = date.fromisoformat(shown).replace(day=1)
        case["facts"]["service_start"] = {"$date": later.isoformat()}

    rewrite(path, move_the_service_start)
    again, _ = run(spec, loaded, tmp_path)
    result = next(r for r in again if r.prop.id == target.id)
    assert result.status is Status.DIVERGENT and not result.met
    assert "stored" in result.detail


def test_a_forged_value_is_divergent(spec: Spec, loaded: list[Property], tmp_path: Path) -> None:
    _, cache = run(spec, loaded, tmp_path)
    assert cache is not None
    target = next(p for p in chosen(loaded) if p.id == "penalty.ending-before-the-service-start")
    path = next(e for e in entries(tmp_path) if e.stem == cache.key(target))

    def change_the_penalty(body: dict) -> None:  # type: ignore[type-arg]
        values = body["counterexample"][""]["values"]
        name = next(k for k, v in values.items() if isinstance(v, int) and not isinstance(v, bool))
        values[name] += 1

    rewrite(path, change_the_penalty)
    again, _ = run(spec, loaded, tmp_path)
    result = next(r for r in again if r.prop.id == target.id)
    assert result.status is Status.DIVERGENT


def test_a_corrupt_entry_is_a_miss(
    spec: Spec, loaded: list[Property], fresh: str, tmp_path: Path
) -> None:
    run(spec, loaded, tmp_path)
    found = entries(tmp_path)
    found[0].write_text(found[0].read_text(encoding="utf-8")[:-7], encoding="utf-8")
    entry = json.loads(found[1].read_text(encoding="utf-8"))
    entry["body"]["detail"] = "changed without its checksum"
    found[1].write_text(json.dumps(entry), encoding="utf-8")
    again, cache = run(spec, loaded, tmp_path)
    assert cache is not None and cache.misses >= 1
    assert report(spec, again, loaded) == fresh


def test_the_key_follows_every_input(spec: Spec, loaded: list[Property], tmp_path: Path) -> None:
    prop = next(p for p in loaded if p.id == "penalty.nonnegative")
    base = ResultCache(tmp_path, spec, Options(), loaded).key(prop)
    assert ResultCache(tmp_path, spec, Options(rlimit=1_000), loaded).key(prop) != base
    assert ResultCache(tmp_path, spec, Options(all_readings=True), loaded).key(prop) != base
    moved = dataclasses.replace(prop, line=prop.line + 10)
    assert ResultCache(tmp_path, spec, Options(), loaded).key(moved) == base
    changed = dataclasses.replace(prop, assert_text=prop.assert_text + " or true")
    assert ResultCache(tmp_path, spec, Options(), loaded).key(changed) != base
    copy = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL, copy, ignore=shutil.ignore_patterns("__pycache__"))
    same = load_spec(copy)
    key_of_copy = ResultCache(tmp_path, same, Options(), loaded).key(prop)
    assert key_of_copy != base  # reports name the folder, so its path counts
    billing = copy / "implementation" / "billing.py"
    billing.write_text(billing.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = ResultCache(tmp_path, load_spec(copy), Options(), loaded).key(prop)
    assert edited != key_of_copy


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.dates()
    | st.builds(Month, st.integers(1, 9999), st.integers(1, 12)),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.frozensets(st.integers() | st.text(max_size=3), max_size=3)
        | st.dictionaries(st.text(max_size=4).filter(lambda k: not k.startswith("$")), inner)
    ),
    max_leaves=12,
)


@given(values)
def test_values_come_back_equal_and_of_the_same_type(value: object) -> None:
    back = decode(json.loads(json.dumps(encode(value))))
    assert back == value
    assert shape(back) == shape(value)


def shape(value: object) -> object:
    """The types of a value, all the way down (True == 1, but a bool must stay a bool)."""
    if isinstance(value, list | tuple):
        return (type(value), [shape(item) for item in value])
    if isinstance(value, dict):
        return (dict, {key: shape(item) for key, item in value.items()})
    if isinstance(value, frozenset):
        return (frozenset, sorted(repr(shape(item)) for item in value))
    return type(value)


runner = CliRunner()


def test_cli_reuses_and_bypasses_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    args = ["verify", "--only", "penalty.nonnegative", "--format", "json", "--no-timings"]
    first = runner.invoke(app, [*args, "--cache-dir", str(folder)])
    assert first.exit_code == 0, first.output
    assert entries(folder)
    second = runner.invoke(app, [*args, "--cache-dir", str(folder)])
    assert second.stdout == first.stdout
    bypass = tmp_path / "unused"
    third = runner.invoke(app, [*args, "--no-cache"], env={"TERMCHECK_CACHE_DIR": str(bypass)})
    assert third.exit_code == 0 and third.stdout == first.stdout
    assert not bypass.exists()


def test_cli_refuses_contradicting_cache_flags(tmp_path: Path) -> None:
    both = runner.invoke(app, ["verify", "--no-cache", "--cache-dir", str(tmp_path)])
    assert both.exit_code == 2
    assert "--cache-dir and --no-cache" in both.output
    afile = tmp_path / "file"
    afile.write_text("", encoding="utf-8")
    refused = runner.invoke(app, ["verify", "--cache-dir", str(afile)])
    assert refused.exit_code == 2 and "not a folder" in refused.output


def test_an_unwritable_cache_only_warns(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("", encoding="utf-8")  # a file where the cache's folder must go
    args = ["verify", "--only", "penalty.nonnegative", "--cache-dir", str(blocked / "sub")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "not cached" in line]
    assert len(warnings) == 1


def test_the_least_recently_used_entries_go_beyond_the_limit(
    spec: Spec, loaded: list[Property], tmp_path: Path
) -> None:
    _, cache = run(spec, loaded, tmp_path)
    assert cache is not None
    found = entries(tmp_path)
    for age, path in enumerate(found):  # the first the least recently used
        os.utime(path, ns=(age * 10**9, age * 10**9))
    cache.prune(limit=3)
    assert entries(tmp_path) == sorted(found[-3:])


@pytest.mark.parametrize(
    "body",
    [
        {"status": "bogus"},
        {"readings": {"$month": [2026, 13]}, "status": "proved"},
        {"readings": {"$date": 5}},
        [1, 2, 3],
        [["goal", "quantity", {"$date": "not a date"}]],
        {"counterexample": {"": {"facts": {}, "readings": [1], "values": {}}}},
        "text",
        None,
    ],
)
def test_a_forged_entry_of_any_shape_is_a_miss(
    spec: Spec, loaded: list[Property], fresh: str, tmp_path: Path, body: object
) -> None:
    """An entry with a valid checksum but a body that is no result (nor boundary cases)."""
    run(spec, loaded, tmp_path)
    for path in entries(tmp_path):
        entry = json.loads(path.read_text(encoding="utf-8"))
        entry["body"] = body
        text = json.dumps(body, sort_keys=True).encode()
        entry["sha256"] = hashlib.sha256(text).hexdigest()
        path.write_text(json.dumps(entry), encoding="utf-8")
    again, cache = run(spec, loaded, tmp_path)
    assert cache is not None and cache.hits == 0
    assert report(spec, again, loaded) == fresh


def test_an_entry_nested_beyond_the_stack_is_a_miss(
    spec: Spec, loaded: list[Property], fresh: str, tmp_path: Path
) -> None:
    _, cache = run(spec, loaded, tmp_path)
    for path in entries(tmp_path):
        path.write_text('{"key": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    again, cache = run(spec, loaded, tmp_path)
    assert cache is not None and cache.hits == 0
    assert report(spec, again, loaded) == fresh


def test_a_stored_case_that_is_not_a_table_is_a_miss(
    spec: Spec, loaded: list[Property], fresh: str, tmp_path: Path
) -> None:
    _, cache = run(spec, loaded, tmp_path)
    assert cache is not None
    target = next(p for p in chosen(loaded) if p.id == "billing.start-month-is-free")
    path = next(e for e in entries(tmp_path) if e.stem == cache.key(target))

    def readings_as_a_list(body: dict) -> None:  # type: ignore[type-arg]
        body["counterexample"][""]["readings"] = [1]

    rewrite(path, readings_as_a_list)
    again, cache = run(spec, loaded, tmp_path)
    assert cache is not None and cache.misses == 1
    assert report(spec, again, loaded) == fresh
