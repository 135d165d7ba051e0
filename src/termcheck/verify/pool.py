"""Work divided among processes: properties in `verify`, mutants in `mutate`.

The workers are forked from the process that loaded the model, so they share it without
loading or pickling it; each answer comes back pickled, in the order of the items. Every
property is checked from a fresh Z3 context (termcheck.smt.isolation), so an answer does
not depend on which worker gave it or what that worker did before.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from termcheck.smt import solving

Item = TypeVar("Item")
Answer = TypeVar("Answer")


# More processes than this gain nothing on any machine termcheck runs on.
MAX_JOBS = 256


def cores() -> int:
    """The cores this process may run on (its affinity, where the platform tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def available() -> bool:
    """Workers are forked: where a platform cannot fork, the work is done in turn."""
    return "fork" in multiprocessing.get_all_start_methods()


@dataclass(frozen=True)
class _Failure:
    """An exception raised in a worker, carried back to be raised in the parent."""

    error: BaseException


# The work of the running pool: set in the parent just before the workers are forked.
_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def in_processes(
    work: Callable[[Item], Answer], items: Sequence[Item], jobs: int
) -> Iterator[Answer]:
    """`work(item)` for each item, in `jobs` forked processes (in this one when `jobs` is
    1, there is one item, or the platform cannot fork), yielded in the items' order."""
    if jobs <= 1 or len(items) <= 1 or not available():
        for item in items:
            yield work(item)
        return
    global _WORK
    if _WORK is not None:  # a worker does its own share in turn
        for item in items:
            yield work(item)
        return
    _WORK = (work, items)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(min(jobs, len(items))) as workers:
            for answer in workers.imap(_do, range(len(items))):
                if isinstance(answer, _Failure):
                    raise answer.error
                yield answer
    finally:
        _WORK = None


def _do(index: int) -> Any:
    assert _WORK is not None  # forked after it was set
    work, items = _WORK
    try:
        with solving.steady_collection():
            return work(items[index])
    except Exception as exc:  # carried to the parent, which raises it
        return _Failure(_picklable(exc))


def _picklable(exc: Exception) -> BaseException:
    """The exception itself if it survives the way back, else one that says what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
