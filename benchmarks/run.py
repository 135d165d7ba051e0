"""Run every benchmark, print the tables, write the figures to benchmarks/results/latest.json.

    python benchmarks/run.py            # the full run (about 17 minutes on 2 cores)
    python benchmarks/run.py --quick    # fewer repetitions, 1 year of enumeration, small budgets
    python benchmarks/run.py --only verify scaling

Sections (docs/benchmarks.md explains each and how to read it):

- verify: `termcheck verify` end to end (a subprocess, median of several runs) and the
  time Z3 spends on each property (from `termcheck verify --format json`);
- enumeration: Z3's proof over the horizon beside exhaustive enumeration through the
  executable rules over 1, 5 and 10 years of service-start dates (benchmarks/enumeration.py);
- faults: seeded faults in model.toml and in the rules, caught or not by verify, by the
  cross-check and by Hypothesis alone (benchmarks/faults.py);
- scaling: verify time as the horizon grows (100, 500, 5,000 years) and as the number of
  properties grows (1, 10, all, all twice) (benchmarks/scaling.py).

Timings are wall-clock seconds on the machine described under "machine" in the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
DEFAULT_OUT = BENCHMARKS / "results" / "latest.json"
SECTIONS = ("verify", "enumeration", "faults", "scaling")


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
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# --- Tables -------------------------------------------------------------------------------


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print(f"\n== {title}")
    for index, row in enumerate(cells):
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            print("  ".join("-" * w for w in widths))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


# --- verify end to end --------------------------------------------------------------------


def timed_run(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False)
    return time.perf_counter() - started, done


def bench_verify(runs: int) -> dict[str, Any]:
    command = [*termcheck_command(), "verify"]
    times = []
    codes = set()
    for _ in range(runs):
        seconds, done = timed_run(command)
        times.append(seconds)
        codes.add(done.returncode)
    _, done = timed_run([*command, "--format", "json"])
    document = json.loads(done.stdout)
    per_property = [
        {
            "id": p["id"],
            "status": p["status"],
            "seconds": p["seconds"],
            "solver_seconds": p["solver_seconds"],
            "solver_work": p["solver_work"],
        }
        for p in document["properties"]
    ]
    result: dict[str, Any] = {
        "command": "termcheck verify",
        "runs": runs,
        "median_seconds": statistics.median(times),
        "min_seconds": min(times),
        "max_seconds": max(times),
        "exit_codes": sorted(codes),
        "properties": len(per_property),
        "sum_property_seconds": sum(p["seconds"] or 0 for p in per_property),
        "sum_solver_seconds": sum(p["solver_seconds"] or 0 for p in per_property),
        "sum_solver_work": sum(p["solver_work"] or 0 for p in per_property),
        "per_property": per_property,
    }
    # Starting Python and importing termcheck, z3 and typer: the floor of any command.
    startup = statistics.median(timed_run([*termcheck_command(), "--help"])[0] for _ in range(runs))
    result["startup_seconds"] = startup
    table(
        f"termcheck verify, end to end ({runs} runs)",
        [
            "median s",
            "min s",
            "max s",
            "startup s",
            "exit",
            "properties",
            "Σ property s",
            "Σ solver s",
        ],
        [
            [
                result["median_seconds"],
                result["min_seconds"],
                result["max_seconds"],
                startup,
                ",".join(map(str, result["exit_codes"])),
                result["properties"],
                result["sum_property_seconds"],
                result["sum_solver_seconds"],
            ]
        ],
    )
    slowest = sorted(per_property, key=lambda p: -(p["seconds"] or 0))[:8]
    table(
        "slowest properties",
        ["property", "status", "s", "solver s", "solver work"],
        [
            [p["id"], p["status"], p["seconds"], p["solver_seconds"], p["solver_work"]]
            for p in slowest
        ],
    )
    return result


# --- Enumeration against Z3 ---------------------------------------------------------------


def _load() -> tuple[Any, list[Any]]:
    from termcheck.paths import default_model_dir, default_properties_dir
    from termcheck.properties import load_properties
    from termcheck.spec import load_spec

    spec = load_spec(default_model_dir())
    return spec, load_properties(default_properties_dir(), spec)


def _enumerate_group(index: int, years: list[int]) -> Any:
    import enumeration

    spec, properties = _load()
    shape, props = enumeration.groups(spec, properties)[index]
    return enumeration.enumerate_group(spec, props, shape, years)


def bench_enumeration(years: list[int], jobs: int) -> dict[str, Any]:
    import enumeration
    from termcheck.calendar import HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR

    spec, properties = _load()
    z3_results, z3_seconds = _z3_times(spec, properties)
    grouped = enumeration.groups(spec, properties)
    started = time.perf_counter()
    tallies = _enumerate_all(grouped, years, jobs)
    wall = time.perf_counter() - started
    groups_out = [
        {
            "properties": [p.id for p in props],
            "scenarios": {str(y): tallies[i].scenarios[y] for y in years},
            "seconds": {str(y): tallies[i].seconds[y] for y in years},
            "z3_seconds": sum(z3_results[p.id].seconds for p in props),
        }
        for i, (_, props) in enumerate(grouped)
    ]
    totals = {str(y): _totals(list(tallies.values()), y, z3_seconds) for y in years}
    result = {
        "years": years,
        "first_service_start": enumeration.FIRST_START.isoformat(),
        "z3_seconds": z3_seconds,
        "z3_horizon": [HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR],
        "scenario_properties": len(z3_results),
        "jobs": jobs,
        "wall_seconds": wall,
        "totals": totals,
        "groups": groups_out,
        "disagreements": _disagreements(grouped, tallies, z3_results, max(years)),
    }
    _print_enumeration(result)
    return result


def _z3_times(spec: Any, properties: list[Any]) -> tuple[dict[str, Any], float]:
    """Z3 on the scenario properties, in this process, after a warm-up."""
    from termcheck.check import Options, check_all

    scenario_props = [p for p in properties if p.kind == "scenario"]
    list(check_all(spec, scenario_props[:1], Options()))  # imports, the first context
    started = time.perf_counter()
    results = {r.prop.id: r for r in check_all(spec, scenario_props, Options())}
    return results, time.perf_counter() - started


def _enumerate_all(grouped: list[Any], years: list[int], jobs: int) -> dict[int, Any]:
    # The largest enumerations first, so that the workers finish together.
    order = sorted(range(len(grouped)), key=lambda i: -_weight(grouped[i][0]))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {i: pool.submit(_enumerate_group, i, years) for i in order}
        return {i: futures[i].result() for i in sorted(order)}


def _totals(tallies: list[Any], years: int, z3_seconds: float) -> dict[str, float]:
    scenarios = sum(t.scenarios[years] for t in tallies)
    cpu = sum(t.seconds[years] for t in tallies)
    return {
        "scenarios": scenarios,
        "cpu_seconds": cpu,
        "scenarios_per_second": scenarios / cpu,
        "ratio_to_z3": cpu / z3_seconds,
    }


def _disagreements(
    grouped: list[Any], tallies: dict[int, Any], z3_results: dict[str, Any], years: int
) -> list[dict[str, Any]]:
    """Properties where Z3 refuted and the enumeration found nothing, or the reverse."""
    found = []
    for index, (_, props) in enumerate(grouped):
        for prop in props:
            refuted = z3_results[prop.id].status.value == "violated"
            counterexample = tallies[index].found[prop.id][years]
            if refuted != counterexample:
                found.append(
                    {
                        "id": prop.id,
                        "z3": z3_results[prop.id].status.value,
                        "enumeration_counterexample": counterexample,
                    }
                )
    return found


def _print_enumeration(result: dict[str, Any]) -> None:
    years, totals = result["years"], result["totals"]
    first, last = result["z3_horizon"]
    table(
        f"enumeration through the rules vs Z3 (service starts from "
        f"{result['first_service_start']}, {result['scenario_properties']} properties)",
        ["years", "scenarios", "cpu s", "scenarios/s", f"Z3 s ({first}-{last})", "ratio"],
        [
            [
                y,
                totals[str(y)]["scenarios"],
                totals[str(y)]["cpu_seconds"],
                round(totals[str(y)]["scenarios_per_second"]),
                result["z3_seconds"],
                f"{totals[str(y)]['ratio_to_z3']:.0f}x",
            ]
            for y in years
        ],
    )
    top = str(max(years))
    table(
        f"by property group ({top} years)",
        ["first property", "n", "scenarios", "cpu s", "Z3 s", "ratio"],
        [
            [
                g["properties"][0],
                len(g["properties"]),
                g["scenarios"][top],
                g["seconds"][top],
                g["z3_seconds"],
                f"{g['seconds'][top] / max(g['z3_seconds'], 1e-9):.0f}x",
            ]
            for g in result["groups"]
        ],
    )
    print(f"  verdicts that differ between Z3 and the enumeration: {len(result['disagreements'])}")
    for entry in result["disagreements"]:
        print(
            f"    {entry['id']}: Z3 {entry['z3']}, enumeration counterexample "
            f"{entry['enumeration_counterexample']}"
        )


def _weight(shape: Any) -> int:
    return sum(len(inputs) for inputs in shape.reads.values()) * len(shape.reads)


# --- Seeded faults ------------------------------------------------------------------------


def _judge_fault(fault_id: str, examples: int) -> tuple[float, dict[str, Any]]:
    script = str(BENCHMARKS / "faults.py")
    command = [sys.executable, "-W", "ignore", script, fault_id, "--examples", str(examples)]
    seconds, done = timed_run(command)
    if done.returncode != 0:
        raise RuntimeError(f"fault {fault_id} did not run:\n{done.stderr}")
    return seconds, json.loads(done.stdout)


def bench_faults(examples: int, jobs: int) -> dict[str, Any]:
    import faults

    catalogue = (faults.CONTROL, *faults.FAULTS)
    # One process per fault, `jobs` at a time: each is single-threaded, and its Hypothesis
    # budget is what verify and the cross-check took in that same process.
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        judged_all = list(pool.map(lambda f: _judge_fault(f.id, examples), catalogue))
    rows = []
    out = []
    for fault, (seconds, judged) in zip(catalogue, judged_all, strict=True):
        judged["where"] = fault.where
        judged["what"] = fault.what
        judged["process_seconds"] = seconds
        out.append(judged)
        if "rejected" in judged:
            rows.append([fault.id, "rejected by validation", "", "", "", "", ""])
            continue
        v, c, h = judged["verify"], judged["crosscheck"], judged["hypothesis"]
        rows.append(
            [
                fault.id,
                _verdict(v),
                v["seconds"],
                _verdict(c, test_only=True),
                c["seconds"],
                _verdict(h),
                h["seconds"],
            ]
        )
    table(
        f"seeded faults (cross-check: {examples} examples per test; Hypothesis alone: the "
        "time verify + cross-check took)",
        ["fault", "verify: first unmet property", "s", "cross-check", "s", "Hypothesis alone", "s"],
        rows,
    )
    judged_faults = [f for f in out if f["id"] != "none" and "rejected" not in f]
    summary = {
        name: sum(1 for f in judged_faults if f[name]["caught"])
        for name in ("verify", "crosscheck", "hypothesis")
    }
    summary["verify_or_crosscheck"] = sum(
        1 for f in judged_faults if f["verify"]["caught"] or f["crosscheck"]["caught"]
    )
    summary["faults"] = len(judged_faults)
    control = next(f for f in out if f["id"] == "none")
    summary["control_clean"] = not any(
        control[name]["caught"] for name in ("verify", "crosscheck", "hypothesis")
    )
    print(
        f"  caught of {summary['faults']}: verify {summary['verify']}, cross-check "
        f"{summary['crosscheck']}, either {summary['verify_or_crosscheck']}, "
        f"Hypothesis alone {summary['hypothesis']}; control clean: {summary['control_clean']}"
    )
    return {"examples": examples, "summary": summary, "faults": out}


def _verdict(side: dict[str, Any], *, test_only: bool = False) -> str:
    if not side["caught"]:
        return "-"
    by = str(side["by"])
    if test_only:  # "shipped model: AssertionError…" -> "shipped model (AssertionError)"
        by = f"{by.split(':')[0]} ({side['how']})"
    elif not str(side.get("how", "")).startswith(("exit", "AssertionError")):
        by = f"{by} (crash)" if "crash" not in by else by
    return by[:52]


# --- Scaling ------------------------------------------------------------------------------


def bench_scaling(runs: int) -> dict[str, Any]:
    import scaling

    horizons = []
    for years, (first, last) in scaling.HORIZONS.items():
        measured = []
        for _ in range(runs):
            seconds, done = timed_run(
                [sys.executable, str(BENCHMARKS / "scaling.py"), "horizon", str(first), str(last)]
            )
            if done.returncode != 0:
                raise RuntimeError(done.stderr)
            measured.append((seconds, json.loads(done.stdout)))
        inner = [m[1]["seconds"] for m in measured]
        last_run = measured[-1][1]
        horizons.append(
            {
                "years": years,
                "horizon": [first, last],
                "leap_rule": last_run["leap_rule"],
                "process_seconds": statistics.median(m[0] for m in measured),
                "check_seconds": statistics.median(inner),
                "solver_seconds": last_run["solver_seconds"],
                "exit_code": last_run["exit_code"],
                "unmet": last_run["unmet"],
            }
        )
    table(
        "verify as the horizon grows (in-process check time, median)",
        ["years", "horizon", "leap rule", "check s", "solver s", "process s", "exit"],
        [
            [
                h["years"],
                f"{h['horizon'][0]}-{h['horizon'][1]}",
                h["leap_rule"],
                h["check_seconds"],
                h["solver_seconds"],
                h["process_seconds"],
                h["exit_code"],
            ]
            for h in horizons
        ],
    )
    counts = _property_counts(runs)
    table(
        "verify as the properties grow (end to end, median)",
        ["properties", "how", "s", "Σ solver s", "exit"],
        [
            [c["properties"], c["how"], c["seconds"], c["solver_seconds"], c["exit_code"]]
            for c in counts
        ],
    )
    return {"horizons": horizons, "properties": counts}


def _property_counts(runs: int) -> list[dict[str, Any]]:
    import scaling
    from termcheck.paths import default_properties_dir

    _, properties = _load()
    ids = [p.id for p in properties]
    source = default_properties_dir()
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
            (len(ids), shell_path(source), ["--properties", str(source)]),
            (2 * len(ids), "each file twice, ids renamed", ["--properties", str(doubled)]),
        ]
        for count, how, extra in cases:
            measured = []
            for _ in range(runs):
                seconds, done = timed_run(
                    [*termcheck_command(), "verify", "--format", "json", *extra]
                )
                measured.append((seconds, done))
            document = json.loads(measured[-1][1].stdout)
            out.append(
                {
                    "properties": len(document["properties"]),
                    "requested": count,
                    "how": how,
                    "seconds": statistics.median(m[0] for m in measured),
                    "solver_seconds": sum(p["solver_seconds"] or 0 for p in document["properties"]),
                    "exit_code": measured[-1][1].returncode,
                }
            )
    return out


def shell_path(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
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


def main(argv: Sequence[str] | None = None) -> int:
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
        default=os.cpu_count() or 1,
        help="processes for the enumeration and the faults (default: every core)",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BENCHMARKS))
    chosen = args.only or list(SECTIONS)
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    if args.only:
        command += " --only " + " ".join(args.only)
    facts = machine()
    print(
        f"{command}\non {facts['cpu_model']}, {facts['nproc']} cores, Python "
        f"{facts['python']}, z3 {facts['z3']}"
    )
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "verify": lambda: bench_verify(3 if args.quick else 7),
        "enumeration": lambda: bench_enumeration([1] if args.quick else [1, 5, 10], args.jobs),
        "faults": lambda: bench_faults(30 if args.quick else 150, args.jobs),
        "scaling": lambda: bench_scaling(1 if args.quick else 3),
    }
    document: dict[str, Any] = {"command": command, "machine": facts, "quick": args.quick}
    for name in chosen:
        started = time.perf_counter()
        document[name] = runners[name]()
        document[name]["section_seconds"] = time.perf_counter() - started
        document[name]["load_average_1min_after"] = os.getloadavg()[0]
    write_atomically(args.out, document)
    print(f"\nfigures written to {shell_path(args.out.resolve())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
