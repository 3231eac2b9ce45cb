"""Issue 9: ``appended_at`` is the store's, strictly increasing whatever the times.

Clients give any effective time (far future, far past, out of order) and the
server's clock may jump back (NTP, a restored VM); each append still gets an
``appended_at`` later than the one before, and the log verifies.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.adapters.sql import SqlUnitOfWork, make_engine, migrate
from sovet.ledger.chain import verify
from sovet.ledger.envelope import ENVELOPE_V2, NewEvent
from sovet.ports import UnitOfWork

START = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)

client_times = st.one_of(
    st.dates().map(str),
    st.datetimes(timezones=st.just(UTC)).map(lambda t: t.isoformat()),
    st.just("9999-12-31"),
)
# Each append: how many events, what the client says, and where the clock is
# (seconds from START, jumping back as often as forward, sometimes repeating).
appends = st.lists(
    st.tuples(
        st.integers(1, 4),
        client_times,
        st.integers(-86_400, 86_400) | st.just(0),
    ),
    min_size=1,
    max_size=12,
)


class Clock:
    """A clock that reads whatever the test sets."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _append_all(
    uow: UnitOfWork, clock: Clock, plan: list[tuple[int, str, int]]
) -> None:
    for n, at, offset in plan:
        clock.now = START + timedelta(seconds=offset)
        with uow:
            uow.events.append(
                [NewEvent(f"s{i % 2}", "T", {"i": i}, at) for i in range(n)]
            )
            uow.commit()


def _check(uow: UnitOfWork, plan: list[tuple[int, str, int]]) -> None:
    with uow:
        log = list(uow.events.read())
    assert len(log) == sum(n for n, _, _ in plan)
    assert all(e.envelope == ENVELOPE_V2 for e in log)
    stamps = [e.appended_at or "" for e in log]
    assert all(stamps)
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    assert [e.effective_at for e in log] == [at for n, at, _ in plan for _ in range(n)]
    assert verify(log)[0] == len(log)


@given(appends)
def test_memory_store_appended_at_strictly_increases(
    plan: list[tuple[int, str, int]],
) -> None:
    clock = Clock()
    uow = InMemoryUnitOfWork(InMemoryDatabase(clock))
    _append_all(uow, clock, plan)
    _check(uow, plan)


@pytest.fixture(scope="module")
def sqlite_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("appended")


_NAMES = itertools.count()


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=appends)
def test_sqlite_store_appended_at_strictly_increases(
    sqlite_folder: Path, plan: list[tuple[int, str, int]]
) -> None:
    engine = make_engine(str(sqlite_folder / f"{next(_NAMES)}.db"))
    try:
        migrate(engine)
        clock = Clock()
        uow = SqlUnitOfWork(engine, clock)
        _append_all(uow, clock, plan)
        _check(uow, plan)
    finally:
        engine.dispose()


def test_the_clock_never_comes_from_the_client() -> None:
    """A client's ``appended_at`` on a new event is kept only if it is later
    than the head (an import); the store refuses one that goes back."""
    clock = Clock()
    uow = InMemoryUnitOfWork(InMemoryDatabase(clock))
    _append_all(uow, clock, [(1, "2026-01-01", 0)])
    with uow:
        (head,) = list(uow.events.read())
        with pytest.raises(Exception, match="not after"):
            uow.events.append(
                [NewEvent("s", "T", {}, "2026", appended_at=head.appended_at)]
            )
