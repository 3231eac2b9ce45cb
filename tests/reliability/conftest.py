"""Engines for the reliability tests: a SQLite file, or a fresh PostgreSQL schema.

``engine`` is parametrised over both backends; the PostgreSQL case is marked
``postgres`` and uses the server of the ``postgres`` fixture (``tests/conftest.py``),
failing when it does not answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sovet.adapters.sql import make_engine, migrate
from tests.conftest import Postgres


@pytest.fixture
def postgres_schema_url(postgres: Postgres) -> Iterator[str]:
    """A URL whose connections use a fresh schema (dropped afterwards)."""
    with postgres.schema("sovet_rel") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        location = str(tmp_path / "log.db")
    else:
        location = request.getfixturevalue("postgres_schema_url")
    engine = make_engine(location)
    migrate(engine)
    yield engine
    engine.dispose()
