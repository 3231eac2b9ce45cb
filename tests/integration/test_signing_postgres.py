"""Several signers on one PostgreSQL log sign one at a time (issue 9, item 4).

- ``lock_signing`` is a transaction-scoped advisory lock: a second unit waits
  until the first one's transaction ends;
- two "servers" (two engines, two signing threads) sign while a writer appends:
  every checkpoint of a size is signed once, sizes only grow, and each one
  checks against the log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine

from sovet.adapters.signing import Ed25519Signer, verify_ed25519
from sovet.adapters.sql import SqlUnitOfWork, make_engine, migrate
from sovet.ledger.chain import verify
from sovet.ports import UnitOfWork
from sovet.services.bootstrap import SystemClock
from sovet.services.checkpoints import (
    Checkpointer,
    CheckpointPolicy,
    check_checkpoints,
)
from tests.conftest import Postgres
from tests.reliability.helpers import append, events

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(postgres: Postgres) -> Iterator[str]:
    with postgres.schema("sovet_signing") as url:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url


def test_a_second_signer_waits_for_the_first(pg_url: str) -> None:
    first, second = make_engine(pg_url), make_engine(pg_url)
    holding, release = threading.Event(), threading.Event()
    waited: list[float] = []

    def hold() -> None:
        with SqlUnitOfWork(first) as uow:
            uow.checkpoints.lock_signing()
            holding.set()
            release.wait(10)

    def wait() -> None:
        started = time.monotonic()
        with SqlUnitOfWork(second) as uow:
            uow.checkpoints.lock_signing()
            waited.append(time.monotonic() - started)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    waiter = threading.Thread(target=wait)
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive()  # blocked on the advisory lock
    release.set()
    holder.join(10)
    waiter.join(10)
    assert waited
    assert waited[0] >= 0.5
    first.dispose()
    second.dispose()


def _units(engine: Engine) -> Callable[[], UnitOfWork]:
    return lambda: SqlUnitOfWork(engine)


def test_two_servers_sign_one_log_one_at_a_time(pg_url: str) -> None:
    writer, a, b = make_engine(pg_url), make_engine(pg_url), make_engine(pg_url)
    signer = Ed25519Signer.generate()
    quick = CheckpointPolicy(every_events=5, every_seconds=0.05)
    servers = [
        Checkpointer(_units(engine), signer, SystemClock(), quick) for engine in (a, b)
    ]
    for server in servers:
        server.start()
    try:
        for i in range(30):
            append(writer, events(3, start=3 * i))
            for server in servers:
                server.noticed(3)
            time.sleep(0.01)
    finally:
        for server in servers:
            server.stop()
    with SqlUnitOfWork(writer) as uow:
        log = list(uow.events.read())
        found = uow.checkpoints.list()
    assert verify(log)[0] == 90
    sizes = [c.size for c in found]
    assert sizes == sorted(set(sizes))
    assert sizes[-1] == 90
    assert check_checkpoints(log, found, verify_ed25519) == len(found)
    assert sum(s.signed for s in servers) == len(found)
    assert [s.last_error for s in servers] == [None, None]  # no clash, no retry
    for engine in (writer, a, b):
        engine.dispose()
