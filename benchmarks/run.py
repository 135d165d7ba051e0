"""Run every benchmark, print the tables, write the figures to benchmarks/results/latest.json.

    python benchmarks/run.py                        # the full run
    python benchmarks/run.py --quick                # fewer repetitions, 1 year, small budgets
    python benchmarks/run.py --quick --baseline 4dbbd04   # verify beside another revision
    python benchmarks/run.py --only verify scaling

Sections (docs/benchmarks.md explains each and how to read it):

- verify: `termcheck verify` end to end (a subprocess, median of several runs) and the
  time Z3 spends on each property (from `termcheck verify --format json`); with
  `--baseline REV`, the same for that git revision, checked out into a temporary folder
  and run interleaved with this tree, and the ratio of the two;
- diff: `termcheck diff` of the worked example in one process and in one per core;
- cache: verify and diff cold (an empty result cache) and warm (nothing changed since
  the last run), as ratios to the import floor, beside issue 13's targets;
- enumeration: Z3's proof over the horizon beside exhaustive enumeration through the
  model's concrete meaning over 1, 5 and 10 years of service starts (enumeration.py);
- faults: seeded faults in model.toml and in the hand-written implementation, caught or
  not by verify, by the cross-check and by Hypothesis alone (faults.py);
- scaling: verify time as the horizon grows (100, 500, 5,000 years) and as the number of
  properties grows (1, 10, all, all twice) (scaling.py).

Timings are seconds on the machine described under "machine" in the JSON: wall-clock for
whole processes, CPU seconds of the working process where a table says CPU.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
DEFAULT_OUT = BENCHMARKS / "results" / "latest.json"
SECTIONS = ("verify", "diff", "cache", "enumeration", "faults", "scaling")


def termcheck_command() -> list[str]:
    return [sys.executable, "-m", "termcheck"]


# --- The machine --------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import hypothesis
    import z3

    import termcheck

    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "nproc": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "z3": z3.get_version_string(),
        "hypothesis": hypothesis.__version__,
        "termcheck": termcheck.__version__,
        "platform": platform.platform(),
        # Other work on the machine slows every figure: the 1-minute load at the start.
        "load_average_1min": os.getloadavg()[0],
        # Without bytecode caches (PYTHONDONTWRITEBYTECODE) every process would compile
        # what it imports; the run writes the caches of the trees it times (compileall).
        "python_writes_bytecode": not sys.dont_write_bytecode,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def wait_for_load(limit: float, minutes: float) -> float:
    """Wait until the 1-minute load is below `limit` (at most `minutes`); the load then."""
    deadline = time.monotonic() + 60 * minutes
    load = os.getloadavg()[0]
    while load >= limit and time.monotonic() < deadline:
        print(f"1-minute load {load:.2f} >= {limit}: waiting", flush=True)
        time.sleep(30)
        load = os.getloadavg()[0]
    return load


# --- Tables -------------------------------------------------------------------------------


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    # Numbers are right-aligned, words left-aligned, as the first row has them.
    numeric = [bool(rows) and _is_number(rows[0][i]) for i in range(len(headers))]
    print(f"\n== {title}")
    for index, row in enumerate(cells):
        print(
            "  ".join(
                c.rjust(w) if right else c.ljust(w)
                for c, w, right in zip(row, widths, numeric, strict=True)
            ).rstrip()
        )
        if index == 0:
            print("  ".join("-" * w for w in widths))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


# --- verify end to end --------------------------------------------------------------------


def children_cpu() -> float:
    """User and system CPU seconds of this process's finished children: a run's share is
    the difference across it, as long as no other child runs meanwhile."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Timed:
    """One run of a command: wall-clock seconds, CPU seconds, what it printed."""

    wall: float
    cpu: float
    done: subprocess.CompletedProcess[str]


# Runs `termcheck` as `python -m termcheck` does, and on exit writes where every termcheck
# module it imported came from (to the file named by the environment variable).
_WHERE_FROM = """
import atexit, json, os, runpy, sys

def _where_from():
    files = sorted(
        str(getattr(m, "__file__", None))
        for n, m in list(sys.modules.items())
        if n == "termcheck" or n.startswith("termcheck.")
    )
    with open(os.environ["TERMCHECK_BENCHMARK_MODULES"], "w", encoding="utf-8") as out:
        json.dump(files, out)

atexit.register(_where_from)
sys.argv[0] = "termcheck"
runpy.run_module("termcheck", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Tree:
    """A source tree whose `termcheck verify` is timed: run from its top with its own
    src/ first on the import path, by this interpreter."""

    name: str
    root: Path
    revision: str

    @property
    def label(self) -> str:
        commit, _, rest = self.revision.partition(" ")
        return f"{self.name} ({commit[:12]}{' + changes' if rest else ''})"

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.root / "src")}

    def run(self, args: list[str], cache: Path | None = None) -> Timed:
        """`python -m termcheck ARGS` in the tree: wall clock, and the CPU seconds of the
        process and whatever it waited for (its own children included). Cold, with an
        empty result cache of its own, unless `cache` names the folder to keep it in."""
        with cold_cache() as cold:
            folder = str(cache) if cache is not None else cold["TERMCHECK_CACHE_DIR"]
            env = {**self.env(), "TERMCHECK_CACHE_DIR": folder}
            cpu, started = children_cpu(), time.perf_counter()
            done = subprocess.run(
                [*termcheck_command(), *args],
                capture_output=True,
                text=True,
                cwd=self.root,
                env=env,
                check=False,
            )
            return Timed(time.perf_counter() - started, children_cpu() - cpu, done)

    def compile_bytecode(self) -> None:
        """Write the bytecode caches of the tree's src/, as installing a package does:
        otherwise, where Python writes none (PYTHONDONTWRITEBYTECODE), every timed run
        would compile every module it imports."""
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(self.root / "src")],
            capture_output=True,
            check=True,
        )

    def run_checking_imports(self, args: list[str]) -> None:
        """`termcheck ARGS` once more, untimed, and a RuntimeError unless every termcheck
        module it imported came from this tree's src/ (not from the installed package,
        which is this checkout: a baseline must not measure the current code)."""
        with tempfile.TemporaryDirectory() as scratch:
            record = Path(scratch) / "modules.json"
            done = subprocess.run(
                [sys.executable, "-c", _WHERE_FROM, *args],
                capture_output=True,
                text=True,
                cwd=self.root,
                env={**self.env(), "TERMCHECK_BENCHMARK_MODULES": str(record)},
                check=False,
            )
            files = json.loads(record.read_text(encoding="utf-8")) if record.exists() else []
        source = (self.root / "src").resolve()
        outside = [f for f in files if not Path(f).resolve().is_relative_to(source)]
        if not files or outside:
            raise RuntimeError(
                f"{self.name}: termcheck {' '.join(args)} imported "
                + (f"modules from outside {source}: {outside[:3]}" if files else "nothing")
                + f"\n{done.stderr[-2000:]}"
            )


def timed_run(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    with cold_cache() as env:
        started = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
        return time.perf_counter() - started, done


@contextmanager
def cold_cache() -> Iterator[dict[str, str]]:
    """The environment of a cold run: an empty result cache of its own (a run that
    reused the verdicts of the one before would measure the cache, not the checking)."""
    with tempfile.TemporaryDirectory(prefix="termcheck-cold-cache-") as cold:
        yield {**os.environ, "TERMCHECK_CACHE_DIR": cold}


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def current_tree() -> Tree:
    """This checkout: its commit, and whether what is measured differs from it (changes
    to the benchmarks themselves do not count)."""
    source = provenance()
    dirty = " + uncommitted changes" if source["uncommitted"] else ""
    return Tree("current", ROOT, source["commit"] + dirty)


# What the figures measure: the package, the shipped model and properties, and the tests
# the faults call. Their digest is taken before and after the run.
MEASURED = ("src", "model/usen-gate02-iij-id", "properties", "tests")


def provenance() -> dict[str, Any]:
    """The commit, the files of MEASURED that differ from it (modified or untracked),
    and a digest of MEASURED as it is on disk."""
    listed = subprocess.run(
        ["git", "status", "--porcelain", "-z", "--untracked-files=all", "--", *MEASURED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # "XY path" entries, NUL-separated (a rename's old path follows as an entry of its own)
    changed = [entry[3:] for entry in listed.split("\0") if entry[2:3] == " "]
    digest = hashlib.sha256()
    for top in MEASURED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
                digest.update(path.read_bytes())
    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted": sorted(changed),
        "digest": digest.hexdigest(),
    }


@contextmanager
def checked_out(revision: str) -> Iterator[Tree]:
    """`revision` exported (`git archive`) into a temporary folder, removed afterwards,
    also on error; the checkout's own git state is not touched."""
    commit = git("rev-parse", "--verify", f"{revision}^{{commit}}")
    folder = Path(tempfile.mkdtemp(prefix="termcheck-baseline-"))
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        yield Tree("baseline", folder, commit)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def verify_figures(tree: Tree, runs: list[Timed]) -> dict[str, Any]:
    """Per property seconds, solver seconds and solver work from runs of `termcheck
    verify --format json`: the median of each over the runs, and of their sums."""
    documents = [json.loads(run.done.stdout)["properties"] for run in runs]
    ids = [p["id"] for p in documents[0]]
    if any([p["id"] for p in properties] != ids for properties in documents):
        raise RuntimeError(f"{tree.name}: the runs did not check the same properties")
    keys = ("seconds", "solver_seconds", "solver_work")
    per_property = [
        {
            "id": first["id"],
            "status": first["status"],
            **{key: statistics.median(d[i][key] or 0 for d in documents) for key in keys},
        }
        for i, first in enumerate(documents[0])
    ]
    statuses = {tuple(p["status"] for p in properties) for properties in documents}
    if len(statuses) > 1:
        raise RuntimeError(f"{tree.name}: a property's status changed between runs")
    sums = {key: [sum(p[key] or 0 for p in properties) for properties in documents] for key in keys}
    return {
        "revision": tree.revision,
        "exit_code": runs[0].done.returncode,
        "properties": len(per_property),
        "json_runs": len(runs),
        "json_median_seconds": statistics.median(run.wall for run in runs),
        "json_median_cpu_seconds": statistics.median(run.cpu for run in runs),
        "sum_property_seconds": statistics.median(sums["seconds"]),
        "sum_solver_seconds": statistics.median(sums["solver_seconds"]),
        "sum_solver_work": statistics.median(sums["solver_work"]),
        "per_property": per_property,
    }


def time_interleaved(trees: list[Tree], args: list[str], runs: int) -> dict[str, list[Timed]]:
    """`termcheck ARGS` of each tree, `runs` times, interleaved: the order alternates
    each round, so that a change of load on the machine weighs on both alike. One untimed
    run each first, so that neither pays alone for a cold file cache or for writing its
    bytecode caches."""
    for tree in trees:
        tree.run(args)
    measured: dict[str, list[Timed]] = {tree.name: [] for tree in trees}
    for round_number in range(runs):
        for tree in trees if round_number % 2 == 0 else reversed(trees):
            measured[tree.name].append(tree.run(args))
    return measured


def bench_verify(runs: int, baseline: str | None) -> dict[str, Any]:
    current = current_tree()
    if baseline is None:
        return _verify_result([current], runs)
    with checked_out(baseline) as other:
        result = _verify_result([current, other], runs)
    result["baseline_revision_requested"] = baseline
    return result


def _verify_result(trees: list[Tree], runs: int) -> dict[str, Any]:
    for tree in trees:  # untimed: every module it imports must be its own
        tree.compile_bytecode()
        tree.run_checking_imports(["verify", "--format", "json"])
    timed = time_interleaved(trees, ["verify"], runs)
    as_json = time_interleaved(trees, ["verify", "--format", "json"], runs)
    # Starting Python and importing termcheck, z3 and typer: the floor of any command.
    startup = time_interleaved(trees, ["--help"], runs)
    sides: dict[str, Any] = {}
    for tree in trees:
        runs_ = timed[tree.name]
        wall, cpu = [r.wall for r in runs_], [r.cpu for r in runs_]
        side = verify_figures(tree, as_json[tree.name])
        side.update(
            label=tree.label,
            median_seconds=statistics.median(wall),
            min_seconds=min(wall),
            max_seconds=max(wall),
            seconds=wall,
            median_cpu_seconds=statistics.median(cpu),
            cpu_seconds=cpu,
            exit_codes=sorted({r.done.returncode for r in runs_}),
            startup_seconds=statistics.median(r.wall for r in startup[tree.name]),
            startup_cpu_seconds=statistics.median(r.cpu for r in startup[tree.name]),
        )
        # What is neither starting up nor checking a property: loading the model and the
        # properties, the drift gate, the report (medians of the --format json runs).
        side["other_seconds"] = (
            side["json_median_seconds"] - side["startup_seconds"] - side["sum_property_seconds"]
        )
        sides[tree.name] = side
    current = sides["current"]
    result: dict[str, Any] = {"command": "termcheck verify", "runs": runs, **current}
    if "baseline" in sides:
        base = sides["baseline"]
        result["baseline"] = base
        result["ratio"] = _ratios(current, base)
        result["common_properties"] = _common(current, base)
    _print_verify(result, sides)
    result["jobs"] = _jobs_figures(trees[0], runs, ["verify", "--no-timings"])
    return result


# The worked example of docs/review.md: the shipped terms against their 2026 revision.
DIFF_ARGS = ["diff", "model/usen-gate02-iij-id", "model/usen-gate02-iij-id-rev2026"]


def bench_diff(runs: int) -> dict[str, Any]:
    """`termcheck diff` of the worked example, in one process and in one per core."""
    figures = _jobs_figures(current_tree(), runs, [*DIFF_ARGS, "--format", "json"])
    return {"command": "termcheck " + " ".join(DIFF_ARGS), "runs": runs, **figures}


# issue 13's targets, in seconds on the reference machine (2 cores).
CACHE_TARGETS = {
    "verify_cold": 0.8,
    "verify_warm": 0.3,
    "diff_cold": 1.5,
    "diff_warm": 0.5,
}


def bench_cache(runs: int) -> dict[str, Any]:
    """verify and diff cold (an empty result cache) and warm (nothing changed since the
    last run), interleaved, beside the floor `python -c "import termcheck, z3"`; each as
    a ratio to the floor of the same run, and whether the warm reports are the cold's."""
    tree = current_tree()
    verify_args = ["verify", "--format", "json", "--no-timings"]
    diff_args = [*DIFF_ARGS, "--format", "json"]
    floor: list[float] = []
    measured: dict[str, list[Timed]] = {name: [] for name in CACHE_TARGETS}
    with tempfile.TemporaryDirectory(prefix="termcheck-warm-cache-") as scratch:
        warm = Path(scratch)
        tree.run(verify_args, warm)  # the runs the warm ones reuse
        tree.run(diff_args, warm)
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", "import termcheck, z3"], env=tree.env(), check=True
            )
            floor.append(time.perf_counter() - started)
            measured["verify_cold"].append(tree.run(verify_args))
            measured["verify_warm"].append(tree.run(verify_args, warm))
            measured["diff_cold"].append(tree.run(diff_args))
            measured["diff_warm"].append(tree.run(diff_args, warm))
    base = statistics.median(floor)
    figures: dict[str, Any] = {"runs": runs, "floor_median_seconds": base}
    rows = [["import termcheck, z3 (the floor)", base, 1.0, "", ""]]
    for name, target in CACHE_TARGETS.items():
        wall = statistics.median(r.wall for r in measured[name])
        figures[name] = {
            "median_seconds": wall,
            "median_cpu_seconds": statistics.median(r.cpu for r in measured[name]),
            "ratio_to_floor": wall / base,
            "target_seconds": target,
            "target_met": wall <= target,
            "exit_codes": sorted({r.done.returncode for r in measured[name]}),
        }
        rows.append([name.replace("_", " "), wall, wall / base, target, wall <= target])
    for command in ("verify", "diff"):
        keys = (f"{command}_cold", f"{command}_warm")
        outputs = {r.done.stdout for key in keys for r in measured[key]}
        figures[f"{command}_same_output"] = len(outputs) == 1
    table(
        f"the result cache: cold and warm ({runs} runs each, interleaved)",
        ["run", "median s", "× floor", "target s", "met"],
        rows,
    )
    return figures


def _jobs_figures(tree: Tree, runs: int, args: list[str]) -> dict[str, Any]:
    """A command in one process against its default, one process per core (interleaved):
    what dividing its work among a pool gains on this machine."""
    one: list[Timed] = []
    pooled: list[Timed] = []
    pair = [(one, [*args, "--jobs", "1"]), (pooled, args)]
    for round_number in range(runs):
        for bucket, args in pair if round_number % 2 == 0 else pair[::-1]:
            bucket.append(tree.run(args))
    one_wall = statistics.median(r.wall for r in one)
    pooled_wall = statistics.median(r.wall for r in pooled)
    figures: dict[str, Any] = {
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "jobs_1_median_seconds": one_wall,
        "default_median_seconds": pooled_wall,
        "jobs_1_median_cpu_seconds": statistics.median(r.cpu for r in one),
        "default_median_cpu_seconds": statistics.median(r.cpu for r in pooled),
        "same_output": len({r.done.stdout for r in [*one, *pooled]}) == 1,
        "exit_codes": sorted({r.done.returncode for r in [*one, *pooled]}),
        "wall_ratio_default_to_jobs_1": pooled_wall / one_wall,
    }
    table(
        f"{args[0]} in one process and in one per core ({runs} runs each, interleaved)",
        ["jobs", "median s", "median CPU s", "× one process"],
        [
            [
                1,
                figures["jobs_1_median_seconds"],
                figures["jobs_1_median_cpu_seconds"],
                1.0,
            ],
            [
                f"{figures['cores']} (default)",
                figures["default_median_seconds"],
                figures["default_median_cpu_seconds"],
                figures["wall_ratio_default_to_jobs_1"],
            ],
        ],
    )
    return figures


def _ratios(current: dict[str, Any], base: dict[str, Any]) -> dict[str, float]:
    """Current over baseline, wall-clock and CPU: of the medians, and the median of the
    rounds' ratios (each round runs both trees back to back, under the same load)."""
    found = {}
    for kind in ("seconds", "cpu_seconds"):
        paired = [c / b for c, b in zip(current[kind], base[kind], strict=True)]
        found[f"{kind}_of_medians"] = statistics.median(current[kind]) / statistics.median(
            base[kind]
        )
        found[f"{kind}_paired_median"] = statistics.median(paired)
    found["startup_seconds"] = current["startup_seconds"] / base["startup_seconds"]
    return found


def _common(current: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """The properties both trees verify (by id): what each spends on them."""
    ids = {p["id"] for p in current["per_property"]} & {p["id"] for p in base["per_property"]}
    figures: dict[str, Any] = {"properties": len(ids)}
    for name, side in (("current", current), ("baseline", base)):
        mine = [p for p in side["per_property"] if p["id"] in ids]
        figures[name] = {
            key: sum(p[key] or 0 for p in mine)
            for key in ("seconds", "solver_seconds", "solver_work")
        }
    return figures


def _print_verify(result: dict[str, Any], sides: dict[str, Any]) -> None:
    table(
        f"termcheck verify, end to end ({result['runs']} runs each"
        + (", interleaved)" if len(sides) > 1 else ")"),
        ["tree", "median s", "min s", "max s", "median CPU s", "exit", "properties"],
        [
            [
                side["label"],
                side["median_seconds"],
                side["min_seconds"],
                side["max_seconds"],
                side["median_cpu_seconds"],
                ",".join(map(str, side["exit_codes"])),
                side["properties"],
            ]
            for side in sides.values()
        ],
    )
    table(
        "where the time goes (medians: `termcheck --help` for the startup, `termcheck verify "
        "--format json` for the rest)",
        ["tree", "json run s", "startup s", "Σ property s", "Σ solver s", "other s", "Σ work"],
        [
            [
                side["label"],
                side["json_median_seconds"],
                side["startup_seconds"],
                side["sum_property_seconds"],
                side["sum_solver_seconds"],
                side["other_seconds"],
                side["sum_solver_work"],
            ]
            for side in sides.values()
        ],
    )
    if "baseline" in result:
        ratio = result["ratio"]
        print(
            f"  current / baseline, wall clock: {ratio['seconds_of_medians']:.3f} (of the "
            f"medians), {ratio['seconds_paired_median']:.3f} (median of the rounds); CPU: "
            f"{ratio['cpu_seconds_of_medians']:.3f}, {ratio['cpu_seconds_paired_median']:.3f}; "
            f"startup: {ratio['startup_seconds']:.3f}"
        )
        common = result["common_properties"]
        print(
            f"  the {common['properties']} properties both verify: "
            + ", ".join(
                f"{name} {common[name]['seconds']:.2f} s checking, "
                f"{common[name]['solver_seconds']:.2f} s in Z3, "
                f"{common[name]['solver_work']:,} work"
                for name in ("current", "baseline")
            )
        )
    slowest = sorted(result["per_property"], key=lambda p: -(p["seconds"] or 0))[:8]
    table(
        "slowest properties (current tree)",
        ["property", "status", "s", "solver s", "solver work"],
        [
            [p["id"], p["status"], p["seconds"], p["solver_seconds"], p["solver_work"]]
            for p in slowest
        ],
    )


# --- Enumeration against Z3 ---------------------------------------------------------------

_LOADED: dict[str, Any] = {}


def _load() -> tuple[Any, list[Any]]:
    import termcheck
    from termcheck.paths import default_model_dir, default_properties_dir

    spec = termcheck.load_spec(default_model_dir())
    return spec, termcheck.load_properties(default_properties_dir(default_model_dir()), spec)


def _load_worker() -> None:
    """Each worker loads the model and groups once (not timed: the work is)."""
    import enumeration

    spec, properties = _load()
    _LOADED.update(spec=spec, groups=enumeration.groups(spec, properties))


def _enumerate_year(index: int, year: int) -> Any:
    import enumeration

    spec = _LOADED["spec"]
    shape, props = _LOADED["groups"][index]
    start = enumeration.first_day(spec)
    return enumeration.enumerate_year(spec, shape, props, start.replace(year=start.year + year))


def bench_enumeration(years: list[int], jobs: int) -> dict[str, Any]:
    import enumeration
    from termcheck.semantics.calendar import HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR

    spec, properties = _load()
    z3_results, z3_cpu_by_property, z3_cpu, z3_wall = _z3_times(spec, properties)
    grouped = enumeration.groups(spec, properties)
    started = time.perf_counter()
    tallies = _enumerate_all(grouped, max(years), jobs)
    wall = time.perf_counter() - started
    result = {
        "years": years,
        "first_service_start": enumeration.first_day(spec).isoformat(),
        "driver": enumeration.driver(spec),
        "z3_cpu_seconds": z3_cpu,
        "z3_seconds": z3_wall,
        "z3_solver_seconds": sum(r.solver_seconds for r in z3_results.values()),
        "z3_horizon": [HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR],
        "scenario_properties": len(z3_results),
        "jobs": jobs,
        "wall_seconds": wall,
        "totals": {str(y): _totals(tallies, y, z3_cpu) for y in years},
        "groups": [
            _group_figures(props, tallies[i], years, z3_cpu_by_property)
            for i, (_, props) in enumerate(grouped)
        ],
        "unshared_driver": enumeration.unshared_driver(spec, properties),
    }
    verdicts = _verdicts(grouped, tallies, z3_results, max(years))
    result["properties"] = verdicts
    result["disagreements"] = [v for v in verdicts if v["z3_refuted"] != v["enumeration_refuted"]]
    result["never_assumed"] = [v["id"] for v in verdicts if v["assumed"] == 0]
    result["spot_checks"] = sum(t.spot_checks for per_year in tallies.values() for t in per_year)
    _print_enumeration(result)
    return result


def _z3_times(
    spec: Any, properties: list[Any]
) -> tuple[dict[str, Any], dict[str, float], float, float]:
    """Z3 on the scenario properties, in this process, after a warm-up: the results, the
    CPU seconds of each property's whole check (encoding, proof, counterexample, replay:
    what the process spent between one result and the next), the CPU and wall total."""
    import termcheck

    scenario_props = [p for p in properties if p.kind == "scenario"]
    list(termcheck.check_all(spec, scenario_props[:1]))  # imports, the first context
    results: dict[str, Any] = {}
    cpu_by_property: dict[str, float] = {}
    cpu, wall = time.process_time(), time.perf_counter()
    last = cpu
    for result in termcheck.check_all(spec, scenario_props):
        now = time.process_time()
        results[result.prop.id], cpu_by_property[result.prop.id] = result, now - last
        last = now
    return results, cpu_by_property, time.process_time() - cpu, time.perf_counter() - wall


def _enumerate_all(grouped: list[Any], years: int, jobs: int) -> dict[int, list[Any]]:
    """Every group, one year of service starts per task, `jobs` processes at a time; the
    largest groups first, so that the workers finish together."""
    order = sorted(range(len(grouped)), key=lambda i: -_weight(grouped[i][0]))
    tasks = [(i, year) for year in range(years) for i in order]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_load_worker) as pool:
        futures = {task: pool.submit(_enumerate_year, *task) for task in tasks}
        return {i: [futures[(i, year)].result() for year in range(years)] for i in order}


def _weight(shape: Any) -> int:
    return len(shape.cases) * sum(len(reads) for reads in shape.reads.values())


def _totals(tallies: dict[int, list[Any]], years: int, z3_cpu: float) -> dict[str, float]:
    scenarios = sum(t.scenarios for per_year in tallies.values() for t in per_year[:years])
    cpu = sum(t.cpu_seconds for per_year in tallies.values() for t in per_year[:years])
    return {
        "scenarios": scenarios,
        "cpu_seconds": cpu,
        "scenarios_per_second": scenarios / cpu,
        "ratio_to_z3": cpu / z3_cpu,
    }


def _group_figures(
    props: list[Any], per_year: list[Any], years: list[int], z3_cpu: dict[str, float]
) -> dict[str, Any]:
    return {
        "properties": [p.id for p in props],
        "scenarios": {str(y): sum(t.scenarios for t in per_year[:y]) for y in years},
        "cpu_seconds": {str(y): sum(t.cpu_seconds for t in per_year[:y]) for y in years},
        "z3_cpu_seconds": sum(z3_cpu[p.id] for p in props),
    }


def _verdicts(
    grouped: list[Any], tallies: dict[int, list[Any]], z3_results: dict[str, Any], years: int
) -> list[dict[str, Any]]:
    """Per property: Z3's verdict, whether the enumeration found a counterexample (the
    first, from the earliest year), and how many cases met its assumption."""
    found = []
    for index, (_, props) in enumerate(grouped):
        per_year = tallies[index][:years]
        for prop in props:
            examples = [t.counterexample[prop.id] for t in per_year if prop.id in t.counterexample]
            status = z3_results[prop.id].status.value
            found.append(
                {
                    "id": prop.id,
                    "expect": prop.expect,
                    "z3": status,
                    "z3_refuted": status in ("violated", "divergent"),
                    "enumeration_refuted": bool(examples),
                    "enumeration_counterexample": examples[0] if examples else None,
                    "assumed": sum(t.assumed[prop.id] for t in per_year),
                }
            )
    return found


def _times(ratio: float) -> str:
    return f"{ratio:,.0f}x" if ratio >= 10 else f"{ratio:.2g}x"


def _print_enumeration(result: dict[str, Any]) -> None:
    years, totals = result["years"], result["totals"]
    first, last = result["z3_horizon"]
    table(
        f"enumeration through the concrete meaning vs Z3 ({result['driver']} from "
        f"{result['first_service_start']}, {result['scenario_properties']} properties)",
        ["years", "cases", "CPU s", "cases/s", f"Z3 CPU s ({first}-{last})", "ratio"],
        [
            [
                y,
                totals[str(y)]["scenarios"],
                totals[str(y)]["cpu_seconds"],
                round(totals[str(y)]["scenarios_per_second"]),
                result["z3_cpu_seconds"],
                _times(totals[str(y)]["ratio_to_z3"]),
            ]
            for y in years
        ],
    )
    top = str(max(years))
    table(
        f"by property group ({top} year{'' if top == '1' else 's'} of service starts)",
        ["first property", "n", "cases", "CPU s", "Z3 CPU s", "ratio"],
        [
            [
                g["properties"][0],
                len(g["properties"]),
                g["scenarios"][top],
                g["cpu_seconds"][top],
                g["z3_cpu_seconds"],
                _times(g["cpu_seconds"][top] / max(g["z3_cpu_seconds"], 1e-9)),
            ]
            for g in result["groups"]
        ],
    )
    refuted = [v for v in result["properties"] if v["enumeration_refuted"]]
    print(
        f"  refuted by the enumeration: {len(refuted)}; by Z3: "
        f"{sum(v['z3_refuted'] for v in result['properties'])}; "
        f"memoised values spot-checked: {result['spot_checks']:,}"
    )
    print(f"  verdicts that differ between Z3 and the enumeration: {len(result['disagreements'])}")
    for entry in result["disagreements"]:
        print(
            f"    {entry['id']}: Z3 {entry['z3']}, enumeration counterexample "
            f"{entry['enumeration_counterexample']}"
        )
    if result["never_assumed"]:
        print("  no enumerated case met the assumption of: " + ", ".join(result["never_assumed"]))
    if result["unshared_driver"]:
        print(
            "  pair properties whose driver is shared without being equated: "
            + ", ".join(result["unshared_driver"])
        )


# --- Seeded faults ------------------------------------------------------------------------


def _judge_fault(fault_id: str, examples: int) -> tuple[float, dict[str, Any]]:
    script = str(BENCHMARKS / "faults.py")
    command = [sys.executable, "-W", "ignore", script, fault_id, "--examples", str(examples)]
    seconds, done = timed_run(command)
    if done.returncode != 0:
        raise RuntimeError(f"fault {fault_id} did not run:\n{done.stderr}")
    return seconds, json.loads(done.stdout)


def _check_catalogue() -> None:
    """Every fault applied, none judged (`faults.py --check`), before minutes are spent
    judging them: the run stops if an edit no longer matches the model or the
    implementation, or changes nothing the checker loads. (Each judging process checks
    its own fault again.)"""
    done = subprocess.run(
        [sys.executable, "-W", "ignore", str(BENCHMARKS / "faults.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the seeded faults do not all apply:\n{done.stderr}")


def bench_faults(examples: int, jobs: int) -> dict[str, Any]:
    import faults

    _check_catalogue()
    # The control first: if the unchanged model is caught, no figure below means anything.
    control_seconds, control = _judge_fault(faults.CONTROL.id, examples)
    caught = [n for n in ("verify", "crosscheck", "hypothesis") if control[n]["caught"]]
    if caught:
        raise RuntimeError(f"the control (no fault) is caught by {', '.join(caught)}: {control}")
    # One process per fault, `jobs` at a time: each is single-threaded, and its Hypothesis
    # budget is what verify and the cross-check took in that same process.
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        judged_faults = list(pool.map(lambda f: _judge_fault(f.id, examples), faults.FAULTS))
    catalogue = (faults.CONTROL, *faults.FAULTS)
    judged_all = [(control_seconds, control), *judged_faults]
    rows = []
    out = []
    for fault, (seconds, judged) in zip(catalogue, judged_all, strict=True):
        judged.update(where=fault.where, what=fault.what, process_seconds=seconds)
        out.append(judged)
        if "rejected" in judged:
            rows.append([fault.id, "rejected by validation", "", "", "", "", ""])
            continue
        v, c, h = judged["verify"], judged["crosscheck"], judged["hypothesis"]
        rows.append(
            [
                fault.id,
                _verdict(v),
                v["cpu_seconds"],
                _verdict(c),
                c["cpu_seconds"],
                _verdict(h),
                h["cpu_seconds"],
            ]
        )
    table(
        f"seeded faults (CPU seconds; cross-check: {examples} examples per test; Hypothesis "
        "alone: the CPU seconds verify + cross-check took)",
        ["fault", "verify: first unmet property", "s", "cross-check", "s", "Hypothesis alone", "s"],
        rows,
    )
    summary = _fault_summary(out, faults.WHERE)
    print(
        "  caught (verify / cross-check / either / Hypothesis alone): "
        + "; ".join(
            f"{where} ({s['faults']}): {s['verify']} / {s['crosscheck']} / "
            f"{s['verify_or_crosscheck']} / {s['hypothesis']}"
            for where, s in summary.items()
            if where not in ("control_clean", "rejected")
        )
        + f"; rejected at load: {len(summary['rejected'])}"
        + f"; control clean: {summary['control_clean']}"
    )
    return {"examples": examples, "summary": summary, "faults": out}


def _fault_summary(judged: list[dict[str, Any]], places: Sequence[str]) -> dict[str, Any]:
    faults_ = [f for f in judged if f["id"] != "none" and "rejected" not in f]
    summary: dict[str, Any] = {
        where: _caught_counts([f for f in faults_ if f["where"] == where]) for where in places
    }
    summary["all"] = _caught_counts(faults_)
    # A fault the model's validation refuses is caught before any check: listed, not counted.
    summary["rejected"] = [f["id"] for f in judged if "rejected" in f]
    control = next(f for f in judged if f["id"] == "none")
    summary["control_clean"] = not any(
        control[name]["caught"] for name in ("verify", "crosscheck", "hypothesis")
    )
    return summary


def _caught_counts(faults_: list[dict[str, Any]]) -> dict[str, int]:
    counts = {
        name: sum(1 for f in faults_ if f[name]["caught"])
        for name in ("verify", "crosscheck", "hypothesis")
    }
    counts["verify_or_crosscheck"] = sum(
        1 for f in faults_ if f["verify"]["caught"] or f["crosscheck"]["caught"]
    )
    counts["faults"] = len(faults_)
    return counts


def _verdict(side: dict[str, Any]) -> str:
    if not side["caught"]:
        return "-"
    by = str(side["by"])
    if side.get("how") == "crash":
        return f"crash: {by}"[:52]
    return by.split(":")[0][:52]


# --- Scaling ------------------------------------------------------------------------------


def interleaved(commands: Sequence[list[str]], runs: int) -> list[list[Timed]]:
    """Each command `runs` times, round after round, the order alternating each round (so
    that a change of load weighs on every command alike): wall and CPU seconds."""
    measured: list[list[Timed]] = [[] for _ in commands]
    for round_number in range(runs):
        order = range(len(commands)) if round_number % 2 == 0 else reversed(range(len(commands)))
        for index in order:
            with cold_cache() as env:
                cpu, started = children_cpu(), time.perf_counter()
                done = subprocess.run(
                    commands[index], capture_output=True, text=True, cwd=ROOT, env=env, check=False
                )
                wall = time.perf_counter() - started
            measured[index].append(Timed(wall, children_cpu() - cpu, done))
    return measured


def bench_scaling(runs: int) -> dict[str, Any]:
    import scaling

    script = str(BENCHMARKS / "scaling.py")
    commands = [
        [sys.executable, script, "horizon", str(first), str(last)]
        for first, last in scaling.HORIZONS.values()
    ]
    horizons = []
    for (years, (first, last)), measured in zip(
        scaling.HORIZONS.items(), interleaved(commands, runs), strict=True
    ):
        if any(m.done.returncode != 0 for m in measured):
            raise RuntimeError(next(m.done.stderr for m in measured if m.done.returncode))
        inner = [json.loads(m.done.stdout) for m in measured]
        last_run = inner[-1]
        horizons.append(
            {
                "years": years,
                "horizon": [first, last],
                "leap_rule": last_run["leap_rule"],
                "patched_modules": last_run["patched_modules"],
                "process_seconds": statistics.median(m.wall for m in measured),
                "check_seconds": statistics.median(r["seconds"] for r in inner),
                "check_cpu_seconds": statistics.median(r["cpu_seconds"] for r in inner),
                "solver_seconds": statistics.median(r["solver_seconds"] for r in inner),
                "exit_code": last_run["exit_code"],
                "unmet": last_run["unmet"],
                "statuses": last_run["statuses"],
            }
        )
    shipped = next(h for h in horizons if h["horizon"] == list(scaling.SHIPPED))
    for h in horizons:
        h["check_cpu_ratio_to_shipped"] = h["check_cpu_seconds"] / shipped["check_cpu_seconds"]
    table(
        f"verify as the horizon grows (the checks in one process, median of {runs})",
        [
            "years",
            "horizon",
            "leap rule",
            "check s",
            "check CPU s",
            "CPU × shipped",
            "solver s",
            "process s",
            "exit",
        ],
        [
            [
                h["years"],
                f"{h['horizon'][0]}-{h['horizon'][1]}",
                h["leap_rule"],
                h["check_seconds"],
                h["check_cpu_seconds"],
                h["check_cpu_ratio_to_shipped"],
                h["solver_seconds"],
                h["process_seconds"],
                h["exit_code"],
            ]
            for h in horizons
        ],
    )
    counts = _property_counts(runs)
    every = next(c for c in counts if c["how"].startswith("--properties"))
    for c in counts:
        c["cpu_ratio_to_all"] = c["cpu_seconds"] / every["cpu_seconds"]
    table(
        f"verify as the properties grow (end to end, median of {runs})",
        ["properties", "how", "s", "CPU s", "CPU × all", "Σ solver s", "exit"],
        [
            [
                c["properties"],
                c["how"],
                c["seconds"],
                c["cpu_seconds"],
                c["cpu_ratio_to_all"],
                c["solver_seconds"],
                c["exit_code"],
            ]
            for c in counts
        ],
    )
    return {"horizons": horizons, "properties": counts}


def _property_counts(runs: int) -> list[dict[str, Any]]:
    import scaling
    from termcheck.paths import default_model_dir, default_properties_dir

    _, properties = _load()
    ids = [p.id for p in properties]
    source = default_properties_dir(default_model_dir())
    out = []
    with tempfile.TemporaryDirectory() as scratch:
        doubled = Path(scratch) / "properties"
        doubled.mkdir()
        for path in sorted(source.glob("*.toml")):
            text = path.read_text(encoding="utf-8")
            (doubled / path.name).write_text(text, encoding="utf-8")
            (doubled / f"copy-{path.name}").write_text(
                scaling.renamed_copy(text, "copy."), encoding="utf-8"
            )
        cases: list[tuple[int, str, list[str]]] = [
            (1, f"--only {ids[0]}", ["--only", ids[0]]),
            (10, "--only (first 10)", [a for i in ids[:10] for a in ("--only", i)]),
            (len(ids), f"--properties {shell_path(source)}", ["--properties", str(source)]),
            (2 * len(ids), "each file twice, ids renamed", ["--properties", str(doubled)]),
        ]
        commands = [
            [*termcheck_command(), "verify", "--format", "json", *extra] for _, _, extra in cases
        ]
        for (count, how, _), measured in zip(cases, interleaved(commands, runs), strict=True):
            documents = [json.loads(m.done.stdout)["properties"] for m in measured]
            out.append(
                {
                    "properties": len(documents[-1]),
                    "requested": count,
                    "how": how,
                    "seconds": statistics.median(m.wall for m in measured),
                    "cpu_seconds": statistics.median(m.cpu for m in measured),
                    "solver_seconds": statistics.median(
                        sum(p["solver_seconds"] or 0 for p in d) for d in documents
                    ),
                    "exit_code": measured[-1].done.returncode,
                }
            )
            if out[-1]["properties"] != count:
                raise RuntimeError(f"{how}: {out[-1]['properties']} properties, not {count}")
    return out


def shell_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# --- Writing the figures --------------------------------------------------------------------


def write_atomically(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, prefix=f".{path.name}.", suffix=".tmp"
    ) as handle:
        handle.write(text)
        temporary = Path(handle.name)
    os.replace(temporary, path)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the termcheck benchmarks.")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 verify runs, 1 year of enumeration, 30 cross-check examples",
    )
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run these sections only")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the JSON goes")
    parser.add_argument(
        "--jobs",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="processes for the enumeration and the faults (default: every core it may use)",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also time `termcheck verify` of this git revision (e.g. 4dbbd04), interleaved",
    )
    parser.add_argument(
        "--wait-for-load",
        type=float,
        metavar="LOAD",
        help="first wait (at most --wait-minutes) until the 1-minute load is below LOAD",
    )
    parser.add_argument("--wait-minutes", type=float, default=20.0)
    return parser.parse_args(argv)


def command_line(args: argparse.Namespace) -> str:
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    if args.only:
        command += " --only " + " ".join(args.only)
    if args.baseline:
        command += f" --baseline {args.baseline}"
    return command


def use_this_tree() -> None:
    """Import termcheck from this tree's src/, here and in every process started, whatever
    is installed: the figures are of the code beside these benchmarks."""
    source = str(ROOT / "src")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [source, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    )
    sys.path[:0] = [source, str(BENCHMARKS)]
    import termcheck

    if not Path(termcheck.__file__).resolve().is_relative_to(Path(source).resolve()):
        raise RuntimeError(f"termcheck is imported from {termcheck.__file__}, not {source}")


def _terminated(signum: int, frame: object) -> None:
    # A plain `kill` ends the run as an exception does: temporary folders removed.
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, _terminated)
    use_this_tree()
    # Every section starts processes that import termcheck: from bytecode caches, as an
    # installed package would, whether or not Python writes them itself.
    Tree("current", ROOT, "").compile_bytecode()
    if args.wait_for_load is not None:
        wait_for_load(args.wait_for_load, args.wait_minutes)
    chosen = args.only or list(SECTIONS)
    command = command_line(args)
    facts = machine()
    print(
        f"{command}\non {facts['cpu_model']}, {facts['nproc']} cores, Python "
        f"{facts['python']}, z3 {facts['z3']}, 1-minute load {facts['load_average_1min']:.2f}"
    )
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "verify": lambda: bench_verify(3 if args.quick else 7, args.baseline),
        "diff": lambda: bench_diff(1 if args.quick else 3),
        "cache": lambda: bench_cache(3 if args.quick else 7),
        "enumeration": lambda: bench_enumeration([1] if args.quick else [1, 5, 10], args.jobs),
        "faults": lambda: bench_faults(30 if args.quick else 150, args.jobs),
        "scaling": lambda: bench_scaling(1 if args.quick else 3),
    }
    before = provenance()
    if before["uncommitted"]:
        print(f"measuring {before['commit'][:12]} with uncommitted changes to:")
        print("".join(f"  {path}\n" for path in before["uncommitted"]), end="")
    document: dict[str, Any] = {
        "command": command,
        "machine": facts,
        "quick": args.quick,
        "source": before,
    }
    for name in chosen:
        started = time.perf_counter()
        document[name] = runners[name]()
        document[name]["section_seconds"] = time.perf_counter() - started
        document[name]["load_average_1min_after"] = os.getloadavg()[0]
    document["total_seconds"] = sum(document[name]["section_seconds"] for name in chosen)
    # Someone editing the package during the run makes its sections measure different code.
    after = provenance()
    document["source_changed_during_run"] = after != before
    write_atomically(args.out, document)
    took = timedelta(seconds=round(document["total_seconds"]))
    print(f"\nfigures written to {shell_path(args.out)} ({took})")
    if after != before:
        print(
            "WARNING: the measured files changed during the run ("
            + ", ".join(MEASURED)
            + "): the sections may have measured different code",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
