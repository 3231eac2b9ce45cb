"""Engines for the reliability tests: a SQLite file, or a fresh PostgreSQL schema.

``engine`` is parametrised over both backends; the PostgreSQL case is marked
``postgres`` and skipped when the default server does not answer (it fails when
``SOVET_TEST_DATABASE_URL`` names a server that does not).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from sovet.adapters.sql import make_engine, migrate

DEFAULT_URL = "postgresql+psycopg://127.0.0.1:5432/test"


def postgres_server() -> str:
    """The server URL (``SOVET_TEST_DATABASE_URL`` or the local default)."""
    url = os.environ.get("SOVET_TEST_DATABASE_URL", DEFAULT_URL)
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh schema (dropped afterwards)."""
    url = postgres_server()
    admin = create_engine(url)
    schema = f"sovet_rel_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as e:
        admin.dispose()
        if "SOVET_TEST_DATABASE_URL" in os.environ:
            pytest.fail(f"PostgreSQL at {url} does not answer: {e.orig}")
        pytest.skip(f"no PostgreSQL at {url} (set SOVET_TEST_DATABASE_URL)")
    try:
        yield f"{url}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
