"""One Z3 context per check, so that a check's answer depends on its property alone.

What Z3 answers within an rlimit, and so which witness the readable-witness search
settles on, depends on the terms its context already holds (their ids order the search).
A check begun in a fresh context gives the same result in any order, under any selection
(--only), in any process of a pool.
"""

from __future__ import annotations

from typing import Any

import z3

# Caches of Z3 terms (and solvers), emptied with the context they were built in.
_TERM_CACHES: list[dict[Any, Any]] = []


def term_cache(cache: dict[Any, Any]) -> dict[Any, Any]:
    """Register a module's cache of Z3 terms, to be emptied by `fresh_context`."""
    _TERM_CACHES.append(cache)
    return cache


def fresh_context() -> None:
    """Start a new default Z3 context, as if the process had just begun.

    z3py has no public way to replace its default context: it builds a new one when
    the module's reference to the old one is gone. Terms of the old context must not be
    used afterwards, hence the registered caches.
    """
    for cache in _TERM_CACHES:
        cache.clear()
    z3.z3._main_ctx = None
