"""PostgreSQL for integration tests (STYLE.md S6): a fresh schema per session.

The server is the one of the ``postgres`` fixture (``tests/conftest.py``:
``SOVET_TEST_DATABASE_URL``, default ``postgresql+psycopg://127.0.0.1:5432/test``;
a test that needs it fails when it does not answer). Tests that need it are
marked ``postgres``. ``postgres_url`` is a URL whose connections use a schema of
their own (dropped at the end of the session).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Postgres


@pytest.fixture(scope="session")
def postgres_url(postgres: Postgres) -> Iterator[str]:
    """A URL on the test server whose connections use a fresh, empty schema."""
    with postgres.schema("sovet_test") as url:
        yield url
