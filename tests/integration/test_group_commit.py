"""Issue 13, item 4: concurrent live acts are committed in groups.

Each test runs in memory, on a fresh SQLite file and (marked ``postgres``) on
a fresh schema of the ``postgres`` fixture's server. To put acts in one group
without timing, the test holds the process's writer (``cache.writing()``):
a first act (the pilot) takes the lead and waits for it, every later act
queues behind it in the order the test starts them; releasing the writer
commits the pilot alone, then the queue as one group. Waits have a guard
against hanging (``HANG``), never a timed assertion.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import sovet.counting.irv  # registers "irv"
from sovet.adapters.memory import InMemoryEventStore
from sovet.adapters.sql.event_store import SqlEventStore
from sovet.domain.bodies.registration import RegisterPerson
from sovet.errors import DuplicateEntry, RuleViolation
from sovet.ledger.chain import verify
from sovet.ledger.envelope import StoredEvent
from sovet.services.ballots import (
    CastReceipt,
    ballot_units,
    cast_ballot,
    close_poll,
    election_view,
    open_poll,
    transact,
)
from sovet.services.bootstrap import Services, bootstrap, in_memory
from sovet.services.group_commit import GroupCommitter, committer_for
from tests.conftest import Postgres
from tests.unit.services.ballot_world import town_with_election

assert sovet.counting.irv
DAY = "1917-11-05"
HANG = 60.0
"""Seconds before a wait is taken as a hang (a guard, never a timing assertion)."""


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def services(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Services]:
    """The town with election ``e1`` (40 electors ``v0``…) and its poll open."""
    if request.param == "memory":
        found = in_memory()
        town_with_election(found, electors=40)
        open_poll(found, "e1", at=DAY)
        yield found
        return
    if request.param == "sqlite":
        with bootstrap(str(tmp_path / "group.db"), create=True) as found:
            town_with_election(found, electors=40)
            open_poll(found, "e1", at=DAY)
            yield found
        return
    postgres: Postgres = request.getfixturevalue("postgres")  # fails if none answers
    monkeypatch.setenv("SOVET_KEY_FILE", str(tmp_path / "pg.key"))
    with postgres.schema("sovet_group") as url, bootstrap(url, create=True) as found:
        town_with_election(found, electors=40)
        open_poll(found, "e1", at=DAY)
        yield found


def committer(services: Services) -> GroupCommitter[Any]:
    return committer_for(services.cache, lambda: ballot_units(services))


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + HANG
    while not condition():
        assert time.monotonic() < deadline, "hung"
        time.sleep(0.001)


def cast(services: Services, member: str) -> Callable[[], object]:
    return lambda: cast_ballot(services, "e1", member, ["a"], at=DAY)


def register(services: Services, person: str) -> Callable[[], object]:
    command = RegisterPerson(at=DAY, person=person, name=person, faction="bolsheviks")
    return lambda: transact(services, lambda _u, _s: command)


def _queued(gc: GroupCommitter[Any], n: int) -> Callable[[], bool]:
    return lambda: gc.queued() == n


def in_one_group(
    services: Services, acts: list[Callable[[], object]]
) -> tuple[list[object], list[int]]:
    """Run ``acts`` in threads queued as one group behind a pilot; each act's
    outcome (its answer or its error) and the size of each group committed."""
    gc = committer(services)
    sizes: list[int] = []
    gc.on_commit.append(lambda groups: sizes.append(len(groups)))
    outcomes: list[object] = [None] * len(acts)

    def run(i: int, act: Callable[[], object]) -> None:
        try:
            outcomes[i] = act()
        except Exception as error:  # the act's own answer, checked by the test
            outcomes[i] = error

    threads = [threading.Thread(target=register(services, "pilot"))]
    with services.cache.writing():
        threads[0].start()
        wait_until(lambda: gc.busy() and gc.queued() == 0)  # the pilot leads
        for i, act in enumerate(acts):
            threads.append(threading.Thread(target=run, args=(i, act)))
            threads[-1].start()
            wait_until(_queued(gc, i + 1))  # in the order started
    for thread in threads:
        thread.join(HANG)
    gc.on_commit.clear()
    return outcomes, sizes


def log(services: Services) -> list[StoredEvent]:
    with services.uow() as uow:
        return list(uow.events.read())


def voters(services: Services) -> set[str]:
    with services.cache.snapshot(services.uow) as state:
        return set(state.election("e1").voters)


def test_concurrent_acts_share_a_transaction_and_are_answered_after_its_commit(
    services: Services,
) -> None:
    gc = committer(services)
    seen: list[tuple[str, set[int]]] = []
    lock = threading.Lock()

    def committed(groups: list[list[StoredEvent]]) -> None:
        # Another unit of work (another connection) already reads them.
        with services.uow() as uow:
            head = uow.events.head()[0]
        seqs = {e.seq for events in groups for e in events}
        assert max(seqs) <= head
        with lock:
            seen.append(("commit", seqs))

    def acked(act: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            answer = act()
            events = answer if isinstance(answer, list) else [answer.vote_event]  # type: ignore[attr-defined]
            with lock:
                seen.append(("ack", {e.seq for e in events}))
            return answer

        return run

    gc.on_commit.append(committed)
    acts = [acked(cast(services, f"v{i}")) for i in range(8)]
    acts += [acked(register(services, f"z{i}")) for i in range(2)]
    commits = gc.commits
    outcomes, sizes = in_one_group(services, acts)
    assert all(isinstance(o, CastReceipt) for o in outcomes[:8]), outcomes
    assert all(isinstance(o, list) and len(o) == 1 for o in outcomes[8:]), outcomes
    assert sizes == [1, 10]  # the pilot, then ten acts in ONE transaction
    assert gc.commits - commits == 2
    for i, (kind, seqs) in enumerate(seen):
        if kind == "ack":  # its commit came first
            assert any(k == "commit" and seqs <= s for k, s in seen[:i]), seen
    assert sum(kind == "ack" for kind, _ in seen) == 10
    events = log(services)
    verify(events)
    assert [e.type for e in events[-11:]] == ["PersonRegistered"] + ["VoteCast"] * 8 + [
        "PersonRegistered"
    ] * 2  # each act its own chained event, in arrival order
    assert voters(services) == {f"v{i}" for i in range(8)}


def test_a_refused_act_in_a_group_leaves_the_others_committed(
    services: Services,
) -> None:
    acts = [
        cast(services, "v0"),
        cast(services, "v1"),
        cast(services, "v1"),  # a second ballot of v1 in the same group
        cast(services, "nobody"),  # its voter row is written, then the rule refuses
        register(services, "v2"),  # v2 is registered already
        cast(services, "v2"),
        # reads and empties the box (the rows before it written first), then
        # the rule refuses the minutes: the box is as it was
        lambda: close_poll(services, "e1", (), at="1917-11-06"),
        cast(services, "v3"),
    ]
    outcomes, sizes = in_one_group(services, acts)
    assert sizes == [1, 4]  # the pilot; then v0, v1, v2, v3 in one transaction
    assert isinstance(outcomes[0], CastReceipt)
    assert isinstance(outcomes[1], CastReceipt)
    assert isinstance(outcomes[2], DuplicateEntry)
    assert isinstance(outcomes[3], RuleViolation)
    assert isinstance(outcomes[4], RuleViolation)
    assert isinstance(outcomes[5], CastReceipt)
    assert isinstance(outcomes[6], RuleViolation)
    assert "minutes" in str(outcomes[6])
    assert isinstance(outcomes[7], CastReceipt)
    assert voters(services) == {"v0", "v1", "v2", "v3"}
    assert election_view(services, "e1")["poll"] == "open"
    with ballot_units(services)() as uow:
        assert not uow.ballots.has_voted("e1", "nobody")  # its savepoint undone
        assert len(uow.ballots.ballots("e1")) == 4
    verify(log(services))


def test_a_failing_group_is_tried_act_by_act_and_fails_only_its_culprit(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    for store in (InMemoryEventStore, SqlEventStore):

        def broken(
            self: Any, new: Any, *args: Any, real: Any = store.append, **kw: Any
        ) -> Any:
            if any(e.payload.get("member") == "v3" for e in new):
                raise OSError("the disk refused v3's event")
            return real(self, new, *args, **kw)

        monkeypatch.setattr(store, "append", broken)
    outcomes, sizes = in_one_group(
        services, [cast(services, f"v{i}") for i in range(6)]
    )
    assert isinstance(outcomes[3], OSError)
    assert [isinstance(o, CastReceipt) for o in outcomes] == [True] * 3 + [False] + [
        True
    ] * 2
    assert sizes == [1, 1, 1, 1, 1, 1]  # the group failed whole; then one by one
    assert voters(services) == {"v0", "v1", "v2", "v4", "v5"}
    verify(log(services))


def test_the_chain_verifies_and_one_vote_each_after_concurrent_groups(
    services: Services,
) -> None:
    def attempt(i: int) -> object:
        try:
            if i % 10 == 9:
                return register(services, f"z{i}")()
            return cast_ballot(services, "e1", f"v{i % 40}", ["b", "a"], at=DAY)
        except DuplicateEntry as error:
            return error

    with ThreadPoolExecutor(max_workers=24) as pool:
        outcomes = list(pool.map(attempt, range(80)))
    receipts = [o for o in outcomes if isinstance(o, CastReceipt)]
    twice = [o for o in outcomes if isinstance(o, DuplicateEntry)]
    electors = {i % 40 for i in range(80) if i % 10 != 9}
    assert len(receipts) == len(electors)  # one vote per member
    assert len(twice) == 72 - len(electors)
    events = log(services)
    count, head = verify(events)
    assert (count, head) == (events[-1].seq, events[-1].hash)
    assert election_view(services, "e1")["voted"] == len(electors)


def named(services: Services, person: str, name: str) -> Callable[[], object]:
    command = RegisterPerson(at=DAY, person=person, name=name, faction="bolsheviks")
    return lambda: transact(services, lambda _u, _s: command)


def test_a_grouped_act_keeps_personal_data_off_the_chain(services: Services) -> None:
    """A person registered in a group is decided as one registered alone: the
    name goes to the erasable table, the chain carries the id (issue 10,
    finding 9; ``handlers.decided_events`` is the one path of both)."""
    names = {f"z{i}": f"Zinaida Secretname {i}" for i in range(3)}
    acts = [named(services, p, n) for p, n in names.items()]
    outcomes, sizes = in_one_group(services, acts)
    assert sizes == [1, 3], outcomes
    written = [
        e for e in log(services) if e.stream_id in {f"person:{p}" for p in names}
    ]
    assert len(written) == 3
    assert not any("Secretname" in str((e.payload, e.command)) for e in written)
    with services.uow() as uow:
        kept = {p: uow.personal.get(p) for p in names}
    assert all(
        r is not None and r.data.get("name") == names[p] for p, r in kept.items()
    )
