"""PostgreSQL for integration tests (STYLE.md S6): a fresh schema per session.

``SOVET_TEST_DATABASE_URL`` names the server (default
``postgresql+psycopg://127.0.0.1:5432/test``). Tests that need it are marked
``postgres``; they are skipped when the default server does not answer, and fail
when an explicitly configured one does not. ``postgres_url`` is a URL whose
connections use a schema of their own (dropped at the end of the session).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

DEFAULT_URL = "postgresql+psycopg://127.0.0.1:5432/test"


def server_url() -> str:
    """The PostgreSQL server the tests use."""
    return os.environ.get("SOVET_TEST_DATABASE_URL", DEFAULT_URL)


def with_schema(url: str, schema: str) -> str:
    """``url`` with connections whose ``search_path`` is ``schema``."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A URL on the test server whose connections use a fresh, empty schema."""
    url = server_url()
    schema = f"sovet_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as e:
        admin.dispose()
        if "SOVET_TEST_DATABASE_URL" in os.environ:
            pytest.fail(f"PostgreSQL at {url} does not answer: {e.orig}")
        pytest.skip(f"no PostgreSQL at {url} (set SOVET_TEST_DATABASE_URL)")
    try:
        yield with_schema(url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
