"""Fixtures for the service tests: in-memory units of work and a small federation."""

from __future__ import annotations

from typing import Any

import pytest

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.domain import Command, command_from_mapping
from sovet.presets.loader import load_preset

FEDERATION: list[dict[str, Any]] = [
    {
        "command": "register_body",
        "at": "2024-01-02",
        "body": "congress",
        "name": "Convention",
        "kind": "congress",
        "level": "convention",
    },
    {
        "command": "register_body",
        "at": "2024-01-02",
        "body": "local-1",
        "name": "Local 1",
        "kind": "council",
        "level": "local",
        "parent": "congress",
    },
    {
        "command": "register_body",
        "at": "2024-01-03",
        "body": "local-2",
        "name": "Local 2",
        "kind": "council",
        "level": "local",
        "parent": "congress",
    },
    {
        "command": "register_faction",
        "at": "2024-01-04",
        "faction": "reds",
        "name": "Reds",
    },
    {
        "command": "register_faction",
        "at": "2024-01-04",
        "faction": "greens",
        "name": "Greens",
    },
    {
        "command": "register_person",
        "at": "2024-01-05",
        "person": "ada",
        "name": "Ada",
        "faction": "reds",
        "bodies": ["local-1"],
    },
    {
        "command": "record_council_composition",
        "at": "2024-01-06",
        "body": "local-1",
        "composition": {"reds": 7, "greens": 4},
    },
    {
        "command": "record_council_composition",
        "at": "2024-01-07",
        "body": "local-2",
        "composition": {"reds": 2, "greens": 9},
    },
]
"""A union of two locals, two factions, one person, two compositions."""


def adopt() -> Command:
    """The union preset, adopted on 1 Jan 2024 — marked aggregate, so that the
    locals' compositions may be recorded as counts (issue 15)."""
    constitution = load_preset("union").to_mapping()
    constitution["chain"] = {**constitution["chain"], "aggregate": True}
    return command_from_mapping(
        {
            "command": "adopt_constitution",
            "at": "2024-01-01",
            "preset": "union",
            "constitution": constitution,
        },
        source="test",
    )


@pytest.fixture
def federation() -> list[Command]:
    """Adopt the union preset, then build the small federation."""
    return [adopt()] + [command_from_mapping(s, source="test") for s in FEDERATION]


@pytest.fixture
def database() -> InMemoryDatabase:
    """A fresh in-memory database."""
    return InMemoryDatabase()


@pytest.fixture
def uow(database: InMemoryDatabase) -> InMemoryUnitOfWork:
    """A unit of work over the fresh database."""
    return InMemoryUnitOfWork(database)
