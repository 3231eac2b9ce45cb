"""Throttle windows in PostgreSQL (issue 13, item 5): shared and atomic.

``SqlThrottleStorage`` is the ``limits`` storage the API uses on PostgreSQL;
two ``Throttle`` objects over one database stand for two servers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from sovet.adapters.sql.throttle_store import SqlThrottleStorage
from sovet.api.throttle import Limits
from sovet.errors import Throttled
from sovet.services.bootstrap import Services, bootstrap, throttle_storage
from tests.conftest import Postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(
    postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Services]:
    monkeypatch.setenv("SOVET_KEY_FILE", str(tmp_path / "pg.key"))
    with postgres.schema("sovet_throttle") as url, bootstrap(url, create=True) as found:
        yield found


def test_postgres_servers_count_in_the_database(pg: Services) -> None:
    storage = throttle_storage(pg)
    assert isinstance(storage, SqlThrottleStorage)
    assert storage.check()


def test_two_servers_share_one_login_window(pg: Services) -> None:
    first = Limits(login_failures=3).logins(throttle_storage(pg))
    second = Limits(login_failures=3).logins(throttle_storage(pg))
    for _ in range(2):
        first.spend("login:alice@10.0.0.1")
    second.spend("login:alice@10.0.0.1")  # the third failure, on the other server
    with pytest.raises(Throttled) as refused:
        first.spend("login:alice@10.0.0.1")
    assert refused.value.retry_after >= 1
    second.check("login:bob@10.0.0.1")  # other keys are untouched
    requests = Limits(login_failures=3).requests(throttle_storage(pg))
    requests.spend("login:alice@10.0.0.1")  # nor other throttles' windows


def test_the_moving_window_agrees_with_limits_memory_storage(pg: Services) -> None:
    item = parse("4/minute")
    ours = MovingWindowRateLimiter(throttle_storage(pg))
    theirs = MovingWindowRateLimiter(MemoryStorage())
    for cost in (1, 2, 1, 1, 3, 1):
        assert ours.hit(item, "k", cost=cost) == theirs.hit(item, "k", cost=cost)
        assert ours.test(item, "k") == theirs.test(item, "k")
        assert (
            ours.get_window_stats(item, "k").remaining
            == theirs.get_window_stats(item, "k").remaining
        )


def test_concurrent_hits_never_exceed_the_limit(pg: Services) -> None:
    item = parse("25/minute")
    limiter = MovingWindowRateLimiter(throttle_storage(pg))
    taken: list[bool] = []
    lock = threading.Lock()

    def hit() -> None:
        for _ in range(10):
            ok = limiter.hit(item, "one-window")
            with lock:
                taken.append(ok)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 80
    assert taken.count(True) == 25


def test_fixed_window_counter_and_clearing(pg: Services) -> None:
    storage = throttle_storage(pg)
    assert isinstance(storage, SqlThrottleStorage)
    assert storage.incr("f", 60) == 1
    assert storage.incr("f", 60, amount=2) == 3
    assert storage.get("f") == 3
    assert storage.get_expiry("f") > 0
    storage.clear("f")
    assert storage.get("f") == 0
    storage.incr("g", 60)
    assert storage.reset() == 1
