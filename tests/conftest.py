"""Shared fixtures: where the reference data lives, the PostgreSQL server, and
hypothesis profiles."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

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


DEFAULT_POSTGRES = "postgresql+psycopg://127.0.0.1:5432/test"
GET_POSTGRES = (
    "`make test` starts a throwaway PostgreSQL for the tests (or uses the server "
    "at 127.0.0.1:5432 when it answers); with pytest alone, set "
    "SOVET_TEST_DATABASE_URL to a server where the tests may create schemas "
    "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test), or leave the "
    "PostgreSQL tests out with -m 'not postgres'"
)


def postgres_server_url() -> str:
    """``SOVET_TEST_DATABASE_URL`` (or the local default), through psycopg 3."""
    url = os.environ.get("SOVET_TEST_DATABASE_URL", DEFAULT_POSTGRES)
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def with_schema(url: str, schema: str) -> str:
    """``url`` with connections whose ``search_path`` is ``schema``."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


class Postgres:
    """The test server: its URL, an admin engine, and fresh schemas on it."""

    def __init__(self, url: str, admin: Engine) -> None:
        self.url = url
        self.admin = admin

    @contextmanager
    def schema(self, prefix: str) -> Iterator[str]:
        """A URL whose connections use a fresh, empty schema (dropped afterwards)."""
        schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield with_schema(self.url, schema)
        finally:
            with self.admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """The PostgreSQL server of ``SOVET_TEST_DATABASE_URL`` (default
    ``postgresql+psycopg://127.0.0.1:5432/test``). A test that needs it fails,
    saying how to get one, when it does not answer."""
    url = postgres_server_url()
    admin = create_engine(url)
    try:
        with admin.connect():
            problem = None
    except OperationalError as e:
        admin.dispose()
        problem = str(e.orig).strip()
    if problem is not None:  # failed outside the except: no chained traceback
        named = (
            "SOVET_TEST_DATABASE_URL"
            if "SOVET_TEST_DATABASE_URL" in os.environ
            else "the default server"
        )
        pytest.fail(
            f"PostgreSQL at {url} ({named}) does not answer: {problem}\n{GET_POSTGRES}",
            pytrace=False,
        )
    try:
        yield Postgres(url, admin)
    finally:
        admin.dispose()
