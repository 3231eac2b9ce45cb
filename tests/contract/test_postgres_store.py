"""The store contract on PostgreSQL through psycopg 3 (a fresh schema per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from sovet.adapters.sql import SqlUnitOfWork, make_engine, migrate
from tests.contract.event_store_contract import EventStoreContract, UowFactory

pytestmark = pytest.mark.postgres

DEFAULT_URL = "postgresql+psycopg://127.0.0.1:5432/test"


@pytest.fixture(scope="module")
def server() -> Iterator[Engine]:
    """An admin engine on ``SOVET_TEST_DATABASE_URL`` (skip if none answers)."""
    url = os.environ.get("SOVET_TEST_DATABASE_URL", DEFAULT_URL)
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.connect():
            pass
    except OperationalError as e:
        admin.dispose()
        if "SOVET_TEST_DATABASE_URL" in os.environ:
            pytest.fail(f"PostgreSQL at {url} does not answer: {e.orig}")
        pytest.skip(f"no PostgreSQL at {url} (set SOVET_TEST_DATABASE_URL)")
    yield admin
    admin.dispose()


@pytest.fixture
def engine(server: Engine) -> Iterator[Engine]:
    schema = f"sovet_test_{uuid.uuid4().hex[:12]}"
    with server.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = server.url.render_as_string(hide_password=False)
    engine = make_engine(f"{url}?options={quote(f'-csearch_path={schema}')}")
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with server.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


class TestPostgresStore(EventStoreContract):
    """``SqlUnitOfWork`` on PostgreSQL."""

    @pytest.fixture
    def make_uow(self, engine: Engine) -> UowFactory:
        return lambda: SqlUnitOfWork(engine)


def test_tables_live_in_the_test_schema(engine: Engine) -> None:
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar()
        assert str(schema).startswith("sovet_test_")
        assert conn.execute(text("SELECT count(*) FROM events")).scalar() == 0
