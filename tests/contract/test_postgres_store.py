"""The store contract on PostgreSQL through psycopg 3 (a fresh schema per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from sovet.adapters.sql import SqlUnitOfWork, make_engine, migrate
from tests.conftest import Postgres
from tests.contract.event_store_contract import EventStoreContract, UowFactory

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(postgres: Postgres) -> Iterator[Engine]:
    with postgres.schema("sovet_test") as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            yield engine
        finally:
            engine.dispose()


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
