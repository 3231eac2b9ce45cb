"""Shared fixtures: where the reference data lives, and hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
REFERENCE_DATA = REPO / "tests" / "data"
"""Reference elections and ledger vectors, each set with its PROVENANCE.md."""

settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", max_examples=60, deadline=None)
settings.register_profile("long", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("SOVET_HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """``tests/data``: the reference data sets kept in the repository."""
    if not REFERENCE_DATA.is_dir():
        pytest.fail(f"reference data not found at {REFERENCE_DATA}")
    return REFERENCE_DATA
