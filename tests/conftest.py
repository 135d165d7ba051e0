"""Shared test setup: Hypothesis profiles and the shipped model.

Profiles: `ci` (the default: fast, deterministic) and `thorough` (deep runs on demand:
`TERMCHECK_PROFILE=thorough python -m pytest`, at least 100,000 examples per test).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from termcheck.model.spec import Spec, load_spec

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_MODEL = ROOT / "model" / "usen-gate02-iij-id"
SHIPPED_PROPERTIES = ROOT / "properties"

settings.register_profile(
    "ci",
    max_examples=150,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=100_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("TERMCHECK_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def own_result_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test starts with an empty result cache of its own (termcheck.verify.cache):
    a test that changes what a verdict depends on in a way the cache's key cannot see
    (a patched function) must not be answered from another test's run."""
    monkeypatch.setenv("TERMCHECK_CACHE_DIR", str(tmp_path_factory.mktemp("result-cache")))


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec(SHIPPED_MODEL)
