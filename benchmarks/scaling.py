"""Scaling: verify time as the horizon grows and as the number of properties grows.

The horizon is two constants of termcheck.semantics.calendar (HORIZON_FIRST_YEAR,
HORIZON_LAST_YEAR), read from there by the facts' bounds and the leap-year rule and
imported by name into a few modules (the lifecycle checks, diff); a run with another
horizon sets them everywhere in a fresh process, before the model is loaded (the facts'
bounds are fixed at load):

    python benchmarks/scaling.py horizon 1900 6899     # JSON on stdout

The symbolic leap-year rule follows the horizon (termcheck.smt.symcal.leap_rule): the
fast one for horizons inside 1801-2499 with a margin of 50 years, the full Gregorian rule
beyond.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

HORIZONS = {100: (2000, 2099), 500: (1900, 2399), 5000: (1900, 6899)}
SHIPPED = (1900, 2399)  # termcheck.semantics.calendar's; run.py's ratios are to it


def set_horizon(first: int, last: int) -> list[str]:
    """Set the horizon in every termcheck module that holds a copy of it (all of them are
    imported first, so that none loads later with the shipped constants)."""
    import termcheck

    for module in pkgutil.walk_packages(termcheck.__path__, "termcheck."):
        if not module.name.endswith("__main__"):  # that one runs the command line
            importlib.import_module(module.name)
    patched = []
    horizon = {"HORIZON_FIRST_YEAR": first, "HORIZON_LAST_YEAR": last}
    for name, loaded in sorted(sys.modules.items()):
        held = [key for key in horizon if hasattr(loaded, key)]
        if name.startswith("termcheck") and held:  # some import only one of the two
            vars(loaded).update({key: horizon[key] for key in held})
            patched.append(name)
    return patched


def run_horizon(first: int, last: int) -> dict[str, Any]:
    patched = set_horizon(first, last)
    import termcheck
    from termcheck.paths import default_model_dir, default_properties_dir
    from termcheck.smt import symcal

    spec = termcheck.load_spec(default_model_dir())
    properties = termcheck.load_properties(default_properties_dir(default_model_dir()), spec)
    started, cpu = time.perf_counter(), time.process_time()
    results = list(termcheck.check_all(spec, properties))
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    statuses: dict[str, int] = {}
    for result in results:
        statuses[result.status.value] = statuses.get(result.status.value, 0) + 1
    return {
        "horizon": [first, last],
        "leap_rule": symcal.leap_rule(first, last).__name__,
        "patched_modules": patched,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "solver_seconds": sum(r.solver_seconds for r in results),
        "exit_code": termcheck.exit_code(results),
        "statuses": statuses,
        "unmet": sorted(r.prop.id for r in results if not r.met),
    }


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ID = re.compile(r'^(\s*id\s*=\s*")([^"]+)(".*)$')


def renamed_copy(text: str, prefix: str) -> str:
    """A property file whose property ids all carry `prefix` (other tables untouched)."""
    lines = []
    table = ""
    for line in text.splitlines():
        header = _HEADER.match(line)
        if header is not None:
            table = header.group(1)
        match = _ID.match(line)
        if match is not None and table == "property":
            line = f"{match.group(1)}{prefix}{match.group(2)}{match.group(3)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) != 4 or sys.argv[1] != "horizon":
        sys.exit("usage: python benchmarks/scaling.py horizon FIRST_YEAR LAST_YEAR")
    sys.path.insert(0, str(ROOT / "src"))  # this tree's termcheck, whatever is installed
    print(json.dumps(run_horizon(int(sys.argv[2]), int(sys.argv[3])), sort_keys=True))


if __name__ == "__main__":
    main()
