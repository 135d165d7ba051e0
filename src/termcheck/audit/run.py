"""Running an audit: partitions to workers, results back in order, a summary.

The driver reads the records file as a stream of partitions (blocks of CSV records,
Parquet batches) and hands each to a worker: the same process (one job), a pool of
processes on this machine (``--jobs``), or a Dask cluster (``--dask``). At most a few
partitions per worker are in flight, so memory stays bounded whatever the file's size;
results are merged in the file's order, each partition's rows numbered after those of
the partitions before it, so the findings come out sorted by row and the report is the
same bytes whichever way the work was divided.
"""

from __future__ import annotations

import importlib
import multiprocessing
import re
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

from termcheck.audit.check import DIFFERS, Auditor, Finding, PartResult
from termcheck.audit.plan import Plan, plan, used_columns
from termcheck.audit.records import (
    BATCH_ROWS,
    BLOCK_BYTES,
    CSV_SUFFIXES,
    PARQUET_SUFFIXES,
    CsvRecords,
    ParquetRecords,
    batch_columns,
    implicit_map,
    load_map,
)
from termcheck.errors import InputError, Position, TermcheckError
from termcheck.model.spec import Spec
from termcheck.verify.pool import MAX_JOBS

IN_FLIGHT_PER_WORKER: Final = 3
DASK_CONNECT_SECONDS: Final = 10


def check_part(auditor: Auditor, payload: object) -> PartResult:
    """One partition: a block of CSV (bytes) or a Parquet record batch."""
    if isinstance(payload, bytes | bytearray):
        return auditor.check_csv(bytes(payload))
    return auditor.check_columns(batch_columns(payload))


# --- Where the partitions are checked ------------------------------------------------------------


class _Pending(Protocol):
    def result(self) -> PartResult: ...


class Executor(Protocol):
    workers: int

    def submit(self, payload: object) -> _Pending: ...

    def close(self) -> None: ...


@dataclass
class _Done:
    value: PartResult

    def result(self) -> PartResult:
        return self.value


class InProcess:
    """Every partition in this process, one after the other."""

    workers = 1

    def __init__(self, auditor: Auditor) -> None:
        self.auditor = auditor

    def submit(self, payload: object) -> _Pending:
        return _Done(check_part(self.auditor, payload))

    def close(self) -> None:
        return None


_WORKER_AUDITOR: list[Auditor] = []


def _init_worker(auditor: Auditor) -> None:
    _WORKER_AUDITOR[:] = [auditor]


def _work(payload: object) -> PartResult:
    return check_part(_WORKER_AUDITOR[0], payload)


def can_fork() -> bool:
    """Whether worker processes can be forked safely: a forked worker starts at once
    with the auditor in place, and forking is safe only while this process runs no
    other thread (a Dask client's, a test harness's). Spawned workers are not used:
    they would run the main module again, which for `python -m termcheck` is the
    command itself."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Processes:
    """A pool of forked worker processes on this machine, each given the auditor once."""

    def __init__(self, auditor: Auditor, workers: int) -> None:
        self.workers = workers
        self.pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_worker,
            initargs=(auditor,),
        )

    def submit(self, payload: object) -> _Pending:
        return _Future(self.pool.submit(_work, payload))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class _Future:
    def __init__(self, future: Future[PartResult]) -> None:
        self.future = future

    def result(self) -> PartResult:
        try:
            return self.future.result()
        except BrokenProcessPool:
            raise TermcheckError(
                "a worker process died (out of memory?); run again with fewer --jobs"
            ) from None


_ADDRESS = re.compile(r"(?:tcp|tls|inproc|ucx|ws|wss)://\S+|[A-Za-z0-9.\-]+:\d{1,5}")


def check_address(address: str) -> None:
    """Refuse what cannot be a scheduler's address before anything is read."""
    if not _ADDRESS.fullmatch(address):
        raise InputError(
            f"{address!r} is not a scheduler address; write tcp://HOST:PORT", field="--dask"
        )


class Dask:
    """A Dask cluster (dask.distributed): the auditor is scattered to every worker once,
    each partition is a task."""

    def __init__(self, auditor: Auditor, address: str) -> None:
        check_address(address)
        try:
            client_class = importlib.import_module("distributed").Client
        except ImportError:
            raise InputError(
                "running on Dask needs dask.distributed: pip install 'termcheck[audit]'",
                field="--dask",
            ) from None
        try:
            self.client = client_class(address, timeout=DASK_CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise InputError(
                f"cannot reach the scheduler at {address}: {detail}", field="--dask"
            ) from None
        self.workers = max(1, sum(self.client.nthreads().values()))
        [self.auditor] = self.client.scatter([auditor], broadcast=True)

    def submit(self, payload: object) -> _Pending:
        future = self.client.submit(check_part, self.auditor, payload, pure=False)
        return _DaskResult(future)

    def close(self) -> None:
        self.client.close()


class _DaskResult:
    def __init__(self, future: Any) -> None:
        self.future = future

    def result(self) -> PartResult:
        found = self.future.result()
        assert isinstance(found, PartResult)
        return found


# --- The audit ---------------------------------------------------------------------------


@dataclass
class Summary:
    """Counts over every record: by kind, by article, by quantity."""

    records: int = 0
    rows_with_findings: int = 0
    findings: Counter[str] = field(default_factory=Counter)  # by kind
    rows: Counter[str] = field(default_factory=Counter)  # records with a finding of the kind
    articles: dict[str, Counter[str]] = field(default_factory=dict)
    quantities: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, part: PartResult, offset: int) -> list[Finding]:
        self.records += part.records
        moved = [f.moved(offset) for f in part.findings]
        by_row: dict[int, set[str]] = {}
        for finding in moved:
            by_row.setdefault(finding.row, set()).add(finding.kind)
            self.findings[finding.kind] += 1
            if finding.article is not None:
                self.articles.setdefault(finding.article, Counter())[finding.kind] += 1
            if finding.quantity is not None:
                counts = self.quantities.setdefault(finding.quantity, Counter())
                counts[finding.kind] += 1
                if finding.kind == DIFFERS and finding.difference is not None:
                    counts["over" if finding.difference > 0 else "under"] += 1
                    counts["difference"] += finding.difference
        self.rows_with_findings += len(by_row)
        for kinds in by_row.values():
            for kind in kinds:
                self.rows[kind] += 1
        return moved

    @property
    def conforming(self) -> int:
        return self.records - self.rows_with_findings

    @property
    def exit_code(self) -> int:
        return 0 if self.rows_with_findings == 0 else 1


@dataclass
class AuditResult:
    summary: Summary
    findings: list[Finding]


def run(
    partitions: Iterator[object],
    executor_for: Callable[[int], Executor],
    *,
    on_progress: Callable[[int], None] | None = None,
) -> AuditResult:
    """Check every partition; `executor_for(n)` makes the executor once the number of
    partitions is known to be at least n (1: one partition, checked in process)."""
    summary = Summary()
    findings: list[Finding] = []
    first = next(partitions, None)
    if first is None:
        return AuditResult(summary, findings)
    second = next(partitions, None)
    executor = executor_for(1 if second is None else 2)
    try:
        window: deque[_Pending] = deque()
        limit = max(2, IN_FLIGHT_PER_WORKER * executor.workers)

        def collect() -> None:
            part = window.popleft().result()
            findings.extend(summary.add(part, summary.records))
            if on_progress is not None:
                on_progress(summary.records)

        for payload in _chain(first, second, partitions):
            window.append(executor.submit(payload))
            while len(window) >= limit:
                collect()
        while window:
            collect()
    finally:
        executor.close()
    return AuditResult(summary, findings)


def _chain(first: object, second: object | None, rest: Iterator[object]) -> Iterator[object]:
    yield first
    if second is None:
        return
    yield second
    yield from rest


# --- One records file, start to end ------------------------------------------------------


@dataclass
class Audit:
    """An audit done: what was checked and what was found."""

    spec: Spec
    records: Path
    map_path: Path | None
    plan: Plan
    result: AuditResult


def audit_file(
    spec: Spec,
    records: Path,
    *,
    map_path: Path | None = None,
    readings: Mapping[str, str] | None = None,
    jobs: int = 1,
    dask: str | None = None,
    block_bytes: int = BLOCK_BYTES,
    batch_rows: int = BATCH_ROWS,
) -> Audit:
    """Check every record of `records` (.csv or .parquet) against the terms of `spec`.

    Raises InputError (naming the file, the position and the field) for a file or map
    that cannot be checked, before any record is; a record that cannot be read is a
    finding, and the rest of the file is still checked.
    """
    if not 1 <= jobs <= MAX_JOBS:
        raise InputError(f"give 1 to {MAX_JOBS} jobs, not {jobs}", field="--jobs")
    suffix = records.suffix.lower()
    if records.is_dir():
        raise InputError("RECORDS is a folder; give a .csv or .parquet file", Position(records))
    if not records.exists():
        raise InputError("RECORDS: no such file", Position(records))
    if suffix not in (*CSV_SUFFIXES, *PARQUET_SUFFIXES):
        raise InputError(
            f"RECORDS are .csv or .parquet, not {suffix or 'a file without a suffix'}",
            Position(records),
        )
    if map_path is not None and not map_path.is_file():
        raise InputError("no such file", Position(map_path), "--map")
    column_map = load_map(map_path, spec) if map_path is not None else None
    source: CsvRecords | ParquetRecords
    if suffix in CSV_SUFFIXES:
        source = CsvRecords(records, block_bytes)
    else:
        source = ParquetRecords(records, batch_rows)
    try:
        header = source.header
        chosen = column_map if column_map is not None else implicit_map(spec, header)
        width = len(header) if isinstance(source, CsvRecords) else None
        checks = plan(spec, header, chosen, readings or {}, records, width=width)
        partitions: Iterator[object]
        if isinstance(source, CsvRecords):
            partitions = source.blocks()
        else:
            partitions = source.batches(used_columns(header, chosen))
        auditor = checks.auditor

        def executor_for(count: int) -> Executor:
            if dask is not None:
                return Dask(auditor, dask)
            if count > 1 and jobs > 1 and can_fork():
                return Processes(auditor, jobs)
            return InProcess(auditor)

        result = run(partitions, executor_for)
    finally:
        source.close()
    return Audit(spec, records, map_path, checks, result)
