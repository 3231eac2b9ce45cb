"""Issue 13: snapshots on PostgreSQL (``bytea``), signed and loaded cold."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sovet.adapters.signing import Ed25519Signer
from sovet.adapters.sql import SqlUnitOfWork, make_engine, migrate
from sovet.domain import command_from_mapping, fold
from sovet.services.bootstrap import Services
from sovet.services.checkpoints import sign_head
from sovet.services.handlers import execute
from sovet.services.queries import legitimacy_at
from sovet.services.snapshotting import SnapshotLoader, deep_check
from tests.conftest import Postgres
from tests.unit.services.conftest import FEDERATION, adopt

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(postgres: Postgres) -> Iterator[str]:
    with postgres.schema("sovet_snapshots") as url:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url


def test_a_snapshot_on_postgresql_serves_a_cold_process(pg_url: str) -> None:
    federation = [adopt(), *(command_from_mapping(s, source="t") for s in FEDERATION)]
    engine = make_engine(pg_url)
    signer = Ed25519Signer.generate()
    try:
        for command in federation:
            execute(SqlUnitOfWork(engine), command)
        signed = sign_head(SqlUnitOfWork(engine), signer)
        assert signed is not None
        assert signed.snapshot is not None
        cold = Services(
            location=pg_url,
            uow=lambda: SqlUnitOfWork(engine),
            signer=signer,
            public_key=signer.public_key_hex(),
        )
        answer = legitimacy_at(cold.uow(), "2024-06-01", cache=cold.cache)
        assert answer == legitimacy_at(SqlUnitOfWork(engine), "2024-06-01")
        loader = cold.cache.cold
        assert isinstance(loader, SnapshotLoader)
        assert loader.loaded == signed.size
        with SqlUnitOfWork(engine) as uow:
            assert cold.cache.current(uow.events) == fold(uow.events.read())
        assert deep_check(SqlUnitOfWork(engine), cold.verify_signature).compared == 1
    finally:
        engine.dispose()
