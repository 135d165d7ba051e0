"""Audit throughput: 10⁶ billing records with planted errors, checked by `termcheck audit`.

Generates, in a temporary folder, a CSV export of the shipped model's customers (the
charges computed by the model's hand-written billing implementation, which termcheck
checks against the model; 5% of the customers on the example quote, charged by its
effective terms) with errors planted at known rows: a wrong penalty, a billed month too
many, a quote's penalty ignored, an impossible case (termination before the service
start), a fee out of its bounds, an unparseable date, a missing required value and a row
with an extra field. Then it runs

    python -m termcheck audit model/usen-gate02-iij-id RECORDS.csv --map MAP.toml \
        --format json --out REPORT.json

in a child process, checks that every planted error is found and nothing else, and
prints JSON: records per second, wall time, peak memory (resident, summed over the
audit's processes, sampled every 50 ms), and the verdict.

    python benchmarks/audit.py                    # 10⁶ records, default --jobs
    python benchmarks/audit.py --records 200000 --jobs 1
    python benchmarks/audit.py --parquet          # the same records as Parquet

Timings are figures to report (docs/scale.md), never asserted by a test.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "model" / "usen-gate02-iij-id"
QUOTE = "example-quote"
GROUNDS = (
    "customer",
    "customer",
    "customer",
    "nonperformance",
    "immediate",
    "start-delay",
    "antisocial-status",
    "antisocial-conduct",
)
COLUMNS = (
    "contract",
    "service_start",
    "monthly_fee",
    "termination_month",
    "notice_arrival",
    "ground",
    "quote",
    "billed_months",
    "billed_fees",
    "penalty",
    "total_charged",
)
MAP = """\
id = "contract"
quote = "quote"

[columns]
service_start = "service_start"
monthly_fee = "monthly_fee"
termination_month = "termination_month"
notice_arrival = "notice_arrival"
ground = "ground"
billed_months = "billed_months"
billed_fees = "billed_fees"
penalty = "penalty"
total_charged = "total_charged"
"""
PLANTED_EVERY = 10_000  # one planted error per this many records, kinds in turn
KINDS = (
    "wrong-penalty",
    "extra-month",
    "quote-ignored",
    "impossible-case",
    "fee-out-of-bounds",
    "bad-date",
    "missing-value",
    "extra-field",
)


def _billing() -> Any:
    path = MODEL / "implementation" / "billing.py"
    spec = importlib.util.spec_from_file_location("billing", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Month:
    __slots__ = ("month", "year")

    def __init__(self, year: int, month: int) -> None:
        self.year, self.month = year, month


def _month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def generate(path: Path, count: int, seed: int = 2026) -> dict[tuple[int, str, str], str]:
    """Write `count` records to `path`; return the planted findings, keyed by
    (row, kind, quantity or column), with what was planted."""
    billing = _billing()
    rng = random.Random(seed)
    planted: dict[tuple[int, str, str], str] = {}
    first_day = date(2018, 1, 1).toordinal()
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(COLUMNS) + "\n")
        for row in range(1, count + 1):
            start = date.fromordinal(first_day + rng.randrange(3000))
            start_index = start.year * 12 + start.month - 1
            end_index = start_index + rng.randrange(0, 30)
            fee = rng.randrange(10, 50_000) * 100
            ground = rng.choice(GROUNDS)
            quote = QUOTE if rng.random() < 0.05 else ""
            notice = ""
            if ground == "customer" and rng.random() < 0.8:
                deadline = billing.notice_deadline(end_index // 12, end_index % 12 + 1)
                notice = (deadline - timedelta(days=rng.randrange(-20, 60))).isoformat()
            kind = KINDS[(row // PLANTED_EVERY) % len(KINDS)] if row % PLANTED_EVERY == 0 else ""
            if kind == "quote-ignored":
                quote, ground = QUOTE, "customer"
                end_index = start_index + 1 + rng.choice([0, 1, 3, 4, 5, 6])  # remaining ≠ 3
            figures = billing.charges(
                {
                    "service_start": start,
                    "monthly_fee": fee,
                    "termination_month": _Month(end_index // 12, end_index % 12 + 1),
                    "ground": ground,
                }
            )
            billed, billed_fees = figures["billed_months"], figures["billed_fees"]
            penalty = figures["penalty"]
            if quote and kind != "quote-ignored":
                penalty = 3 * fee if figures["penalty_applies"] else 0  # the quote's 違約金
            cells = {
                "contract": f"C{row:08d}",
                "service_start": start.isoformat(),
                "monthly_fee": str(fee),
                "termination_month": _month_text(end_index),
                "notice_arrival": notice,
                "ground": ground,
                "quote": quote,
            }
            if kind == "wrong-penalty":
                penalty += fee
                planted[(row, "differs", "penalty")] = kind
                planted[(row, "differs", "total_charged")] = kind
            elif kind == "extra-month":
                billed, billed_fees = billed + 1, billed_fees + fee
                for name in ("billed_months", "billed_fees", "total_charged"):
                    planted[(row, "differs", name)] = kind
            elif kind == "quote-ignored":
                planted[(row, "differs", "penalty")] = kind
                planted[(row, "differs", "total_charged")] = kind
            elif kind == "impossible-case":
                cells["termination_month"] = _month_text(start_index - 1)
                cells["notice_arrival"] = ""
                planted[(row, "impossible", "termination_month")] = kind
            elif kind == "fee-out-of-bounds":
                cells["monthly_fee"] = "1000000001"
                planted[(row, "impossible", "monthly_fee")] = kind
            elif kind == "bad-date":
                cells["service_start"] = f"{start.year}-02-30"
                planted[(row, "bad", "service_start")] = kind
            elif kind == "missing-value":
                cells["termination_month"] = ""
                planted[(row, "bad", "termination_month")] = kind
            elif kind == "extra-field":
                planted[(row, "bad", "")] = kind
            cells["billed_months"] = str(billed)
            cells["billed_fees"] = str(billed_fees)
            cells["penalty"] = str(penalty)
            cells["total_charged"] = str(billed_fees + penalty)
            line = ",".join(cells[c] for c in COLUMNS)
            if kind == "extra-field":
                line += ",surplus"
            out.write(line + "\n")
    return planted


def to_parquet(csv_path: Path, parquet_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    types = {name: pa.string() for name in COLUMNS}
    options = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
    parse = pacsv.ParseOptions(invalid_row_handler=lambda row: "skip")
    table = pacsv.read_csv(csv_path, convert_options=options, parse_options=parse)
    pq.write_table(table, parquet_path, row_group_size=65_536)


def _tree_rss(process: Any) -> int:
    import psutil

    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_audit(records: Path, map_path: Path, report: Path, jobs: int | None) -> dict[str, Any]:
    import psutil

    command = [
        sys.executable,
        "-m",
        "termcheck",
        "audit",
        str(MODEL),
        str(records),
        "--map",
        str(map_path),
        "--format",
        "json",
        "--out",
        str(report),
    ]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    process = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, _tree_rss(process))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stderr = child.stderr.read() if child.stderr else ""
    return {
        "command": " ".join(command[1:]),
        "exit_code": child.returncode,
        "seconds": round(seconds, 2),
        # CPU time of the audit and its workers: what the work costs, whatever else runs.
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mib": round(peak / 2**20, 1),  # summed over the audit's processes
        "largest_process_rss_mib": round(after.ru_maxrss / 1024, 1),
        "load_average_before": round(load, 2),
        "stderr": stderr.strip(),
    }


def found_findings(report: Path) -> dict[tuple[int, str, str], str]:
    document = json.loads(report.read_text(encoding="utf-8"))
    found = {}
    for finding in document["findings"]:
        what = finding["quantity"] or finding["column"] or ""
        found[(finding["row"], finding["kind"], what)] = finding["message"] or ""
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--parquet", action="store_true", help="audit the records as Parquet")
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="termcheck-audit-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        records = folder / "records.csv"
        started = time.perf_counter()
        planted = generate(records, args.records)
        generated = time.perf_counter() - started
        if args.parquet:
            parquet = folder / "records.parquet"
            to_parquet(records, parquet)
            records = parquet
            # The row with an extra field is no Parquet record: pyarrow skipped it.
            planted = _without_extra_fields(planted)
        map_path = folder / "columns.toml"
        map_path.write_text(MAP, encoding="utf-8")
        report = folder / "report.json"
        measured = run_audit(records, map_path, report, args.jobs)
        found = found_findings(report) if report.exists() else {}
    missed = sorted(set(planted) - set(found))
    unexpected = sorted(set(found) - set(planted))
    result = {
        "records": args.records,
        "format": "parquet" if args.parquet else "csv",
        "jobs": args.jobs,
        "generated_seconds": round(generated, 2),
        **measured,
        "records_per_second": round(args.records / measured["seconds"]),
        "records_per_cpu_second": round(args.records / max(measured["cpu_seconds"], 1e-9)),
        "records_per_minute": round(60 * args.records / measured["seconds"]),
        "planted": len(planted),
        "found": len(found),
        "missed": [[*key, planted[key]] for key in missed[:20]],
        "unexpected": [[*key, found[key]] for key in unexpected[:20]],
        "every_planted_error_found_and_nothing_else": not missed and not unexpected,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["every_planted_error_found_and_nothing_else"] else 1


def _without_extra_fields(
    planted: dict[tuple[int, str, str], str],
) -> dict[tuple[int, str, str], str]:
    kept: dict[tuple[int, str, str], str] = {}
    dropped = sorted(row for (row, _, _), kind in planted.items() if kind == "extra-field")
    for (row, kind, what), planted_kind in planted.items():
        if planted_kind == "extra-field":
            continue
        shift = sum(1 for d in dropped if d < row)
        kept[(row - shift, kind, what)] = planted_kind
    return kept


if __name__ == "__main__":
    sys.exit(main())
