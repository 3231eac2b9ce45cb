"""Issue 10 (finding 3): reads never see the state a command is changing.

The process keeps one fold (``SharedState``); a reader's snapshot stays at one
log position while commands run in other threads. The first test shows,
deterministically, what the previous design (a bare ``StateCache`` handed to
readers) let happen: a command changed the dict a reader was iterating.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from sovet.domain.bodies.registration import RegisterPerson
from sovet.services.ballots import CastReceipt, cast_ballot, open_poll
from sovet.services.bootstrap import Services, in_memory
from sovet.services.handlers import StateCache, execute
from sovet.services.shared_state import SharedState
from tests.unit.services.ballot_world import town_with_deputy, town_with_election

HANG = 60.0
"""Seconds before a wait is taken as a hang (a guard, never a timing assertion)."""


class Observed(SharedState):
    """A ``SharedState`` that says when a writer asks to change the state."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = threading.Event()

    @contextlib.contextmanager
    def mutating(self) -> Iterator[None]:
        self.asked.set()
        with super().mutating():
            yield


def _person(n: int) -> RegisterPerson:
    return RegisterPerson(
        at="1917-10-05", person=f"z{n}", name=f"Z {n}", faction="bolsheviks"
    )


@pytest.fixture
def services() -> Services:
    found = in_memory()
    found.cache = Observed()
    town_with_deputy(found)
    return found


def _run(services: Services, n: int, cache: StateCache) -> threading.Thread:
    writer = threading.Thread(
        target=lambda: execute(services.uow(), _person(n), cache=cache), daemon=True
    )
    writer.start()
    return writer


def test_the_previous_design_let_a_command_change_a_read_under_its_feet(
    services: Services,
) -> None:
    cache = StateCache()  # what the API and the web handed to readers before
    with services.uow() as uow:
        state = cache.current(uow.events)
    people = iter(state.persons)
    next(people)
    _run(services, 1, cache).join(HANG)
    with pytest.raises(RuntimeError, match="changed size during iteration"):
        list(people)


def test_a_snapshot_stays_at_one_position_while_a_command_waits(
    services: Services,
) -> None:
    cache = services.cache
    assert isinstance(cache, Observed)
    with cache.snapshot(services.uow) as state:
        head = state.head
        known = set(state.persons)
        people = iter(state.persons)
        next(people)
        writer = _run(services, 1, cache)
        assert cache.asked.wait(HANG)  # appended, and asking to change the state
        assert writer.is_alive()  # … which it cannot do while we read
        assert len(list(people)) == len(known) - 1  # no RuntimeError
        assert state.head == head
        assert "z1" not in state.persons
    writer.join(HANG)
    assert not writer.is_alive()
    with cache.snapshot(services.uow) as after:
        assert "z1" in after.persons
        assert after.head is not None
        assert head is not None
        assert after.head[0] == head[0] + 1


def test_a_snapshot_catches_up_with_writes_it_did_not_make(services: Services) -> None:
    """Another process (here: another cache on the same store) appended."""
    other = StateCache()
    with services.cache.snapshot(services.uow) as state:
        before = len(state.persons)
    execute(services.uow(), _person(2), cache=other)
    with services.cache.snapshot(services.uow) as state:
        assert len(state.persons) == before + 1
        with services.cache.snapshot(services.uow) as nested:
            assert nested is state  # one position per request


def test_a_command_inside_a_snapshot_is_refused_not_deadlocked(
    services: Services,
) -> None:
    with (
        services.cache.snapshot(services.uow),
        pytest.raises(RuntimeError, match="finish reading first"),
    ):
        execute(services.uow(), _person(3), cache=services.cache)


def test_concurrent_commands_and_reads_see_whole_commands_only(
    services: Services,
) -> None:
    cache = services.cache
    failures: list[BaseException] = []
    seen: list[int] = []

    def read() -> None:
        try:
            for _ in range(40):
                with cache.snapshot(services.uow) as state:
                    assert state.head is not None
                    first = sorted(state.persons)
                    registered = sum(
                        1 for e in state.events() if e.type == "PersonRegistered"
                    )
                    assert sorted(state.persons) == first
                    assert len(first) == registered
                    assert state.head[0] == state.size
                    seen.append(state.head[0])
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    def write(start: int) -> None:
        try:
            for n in range(start, start + 10):
                execute(services.uow(), _person(n), cache=cache)
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=read) for _ in range(4)]
    threads += [threading.Thread(target=write, args=(100 * k,)) for k in range(1, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HANG)
    assert not failures, failures
    assert len(seen) == 4 * 40  # every read ran to the end
    with cache.snapshot(services.uow) as state:
        assert sum(1 for p in state.persons if p.startswith("z")) == 30


class Ticking:
    """A clock one second later at every reading (``ports.Clock``)."""

    def __init__(self) -> None:
        self.at = datetime(1917, 11, 5, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


class Queued(SharedState):
    """A ``SharedState`` that says when a writer starts queueing for it."""

    def __init__(self) -> None:
        super().__init__()
        self.queued = threading.Event()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            self.queued.set()
        with super().writing():
            yield


def test_a_live_act_queued_behind_another_takes_its_time_when_its_turn_comes() -> None:
    """SR-28: acts are recorded in time order, so a cast that waited for the log
    must not carry the time it asked at (it did, and was refused, under load)."""
    services = in_memory()
    services.cache = Queued()
    services.clock = Ticking()
    town_with_election(services)
    open_poll(services, "e1")
    cache = services.cache
    assert isinstance(cache, Queued)
    done: list[object] = []

    def cast(member: str) -> None:
        try:
            done.append(cast_ballot(services, "e1", member, ["a"]))
        except BaseException as error:  # reported below
            done.append(error)

    with cache.writing():  # the log is busy
        waiting = threading.Thread(target=cast, args=("v1",))
        waiting.start()
        assert cache.queued.wait(HANG)
        cast("v2")  # a later act, recorded first
    waiting.join(HANG)
    assert all(isinstance(d, CastReceipt) for d in done), done
    receipts = [d for d in done if isinstance(d, CastReceipt)]
    first, second = sorted(r.vote_event.seq for r in receipts)
    assert second == first + 1
