"""Group commit (issue 13, item 4): concurrent acts share one transaction.

Every live act of a process — a ballot, a petition signature, a command over
the API or the web — is a *job*: ``build(unit, state) -> Command`` (which may
write the unit's side tables) and the command it returns. Jobs queue on the
process's ``GroupCommitter``; the first to find no group running leads (no
thread of its own): it takes the queue (at most ``SOVET_GROUP_COMMIT_MAX``
jobs), opens ONE unit of work, queues for the head of the log
(``lock_log``), and for each job in arrival order:

1. runs ``build`` and ``decide`` inside a savepoint, on the state that already
   holds the earlier jobs of the group; a refusal (a rule, a second vote, a
   missing right) rolls back that savepoint only and is that job's answer;
2. appends the accepted job's events (each its own chained event, its own
   seq and hash) and applies them to the state in place.

The unit holds its inserts back (``defer_writes``): the ballot rows and the
events of the whole group go in with one statement per table at the commit,
and a savepoint costs nothing until a job needs the database. Then it
projects once, commits once and only then answers every job: a job's
events are acknowledged after the commit that holds them, never before. Jobs
that arrived meanwhile form the next group, led by the first of them, so a
group never waits for a timer: under load the queue fills while the leader
commits, alone a job is a group of one.

A failure of the group itself (the commit, an append, another server moving
the head) rolls the whole transaction back and drops the state (``mutating``):
a transient one (``ConcurrencyConflict``, a serialization failure, SQLite
busy) is tried again up to each job's ``attempts``, with jittered back-off;
any other is tried again job by job, so it is reported only to the job that
causes it. A crash before the commit leaves none of the group; after it, all.
"""

from __future__ import annotations

import random
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from sovet.config import Settings
from sovet.domain import Command, FederationState, evolve
from sovet.errors import ConcurrencyConflict, DuplicateEntry
from sovet.ledger.envelope import NewEvent, StoredEvent
from sovet.ports import UnitOfWork
from sovet.services import late
from sovet.services.handlers import StateCache, decided_events, execute
from sovet.services.projector import project

__all__ = ["GroupCommitter", "GroupUnit", "Job", "committer_for"]

BACKOFF = 0.005
"""Seconds before a group is tried again; doubled per attempt (capped), jittered."""


class GroupUnit(UnitOfWork, Protocol):
    """A unit of work a group runs in (``services.ballots.BallotUnit`` is one)."""

    def lock_log(self) -> None:
        """Queue for the head of the log (first statement of the transaction)."""
        ...

    def retryable(self, error: BaseException) -> bool:
        """Whether ``error`` is a transient conflict worth another attempt."""
        ...

    def defer_writes(self) -> None:
        """Hold the transaction's inserts until they are needed or committed."""
        ...

    def savepoint(self) -> AbstractContextManager[None]:
        """A block whose writes are undone, alone, when it raises."""
        ...


U = TypeVar("U", bound=GroupUnit)


@dataclass(eq=False)
class Job(Generic[U]):
    """One act waiting for a group: its ``build``, then its answer."""

    build: Callable[[U, FederationState], Command]
    attempts: int
    tried: int = 0
    stored: list[StoredEvent] | None = None
    error: BaseException | None = None
    lead: bool = False
    """Set when this job's thread is to lead the next group."""
    wake: threading.Event = field(default_factory=threading.Event)

    @property
    def answered(self) -> bool:
        """Whether the job has its events or its error."""
        return self.stored is not None or self.error is not None

    def answer(self) -> list[StoredEvent]:
        """The events the job appended (committed), or its error raised."""
        if self.error is not None:
            raise self.error
        assert self.stored is not None
        return self.stored


class GroupCommitter(Generic[U]):
    """A process's queue of live acts, committed in groups (module docstring)."""

    def __init__(
        self,
        units: Callable[[], U],
        cache: StateCache,
        *,
        max_group: int | None = None,
    ) -> None:
        self._units = units
        self._cache = cache
        self.max_group = max(
            1, Settings().group_commit_max if max_group is None else max_group
        )
        """At most this many jobs per transaction (1: every act alone)."""
        self._lock = threading.Lock()
        self._queue: deque[Job[U]] = deque()
        self._leading = False
        self.commits = 0
        """Transactions committed by groups (each holding one or more jobs)."""
        self.on_commit: list[Callable[[list[list[StoredEvent]]], None]] = []
        """Called after each group's commit, before any job is answered, with
        the events of each job it committed (tests and benches observe it)."""

    def busy(self) -> bool:
        """Whether a group is running (or about to)."""
        with self._lock:
            return self._leading

    def queued(self) -> int:
        """How many jobs wait for a group."""
        with self._lock:
            return len(self._queue)

    def submit(
        self, build: Callable[[U, FederationState], Command], *, attempts: int
    ) -> list[StoredEvent]:
        """Run ``build``'s command in a group; its events once committed.

        A thread already in the process's ``writing()`` block runs it alone at
        once (waiting for a group would wait for itself)."""
        self._cache.check_writable()
        job: Job[U] = Job(build, attempts)
        if self._cache.writing_here():
            self._run([job])
            return job.answer()
        with self._lock:
            self._queue.append(job)
            lead = not self._leading
            self._leading = True
        while not lead:
            job.wake.wait()
            job.wake.clear()
            if job.answered:
                return job.answer()
            lead = job.lead
        self._lead(job)
        return job.answer()

    def _lead(self, mine: Job[U]) -> None:
        """Run groups until ``mine`` is answered, then hand the lead on."""
        try:
            while not mine.answered:
                with self._lock:
                    size = min(self.max_group, len(self._queue))
                    group = [self._queue.popleft() for _ in range(size)]
                self._run(group)
        finally:
            with self._lock:
                if self._queue:
                    heir = self._queue[0]
                    heir.lead = True
                    heir.wake.set()
                else:
                    self._leading = False

    def _run(self, group: list[Job[U]]) -> None:
        """Commit ``group`` in one transaction and answer every job (tried
        again on a transient failure, job by job on any other)."""
        while group:
            uow = self._units()
            alone: list[Job[U]] = []
            try:
                done = self._transaction(uow, group, alone)
            except Exception as error:
                group = self._failed(uow, group, error)
                continue
            except BaseException as error:
                for job in group:
                    job.error = job.error or error
                    job.wake.set()
                raise
            for hook in self.on_commit:
                hook([stored for _job, stored in done])
            for job, stored in done:
                job.stored = stored
            for job in group:
                job.wake.set()
            for job in alone:
                self._run([job])
            return

    def _transaction(
        self, uow: U, group: list[Job[U]], alone: list[Job[U]]
    ) -> list[tuple[Job[U], list[StoredEvent]]]:
        """Decide, append and commit ``group``; late entries go to ``alone``."""
        cache = self._cache
        done: list[tuple[Job[U], list[StoredEvent]]] = []
        with cache.writing(), uow:
            uow.lock_log()
            state = cache.current(uow.events)
            if len(group) == 1:
                return self._single(uow, state, group[0])
            every: list[StoredEvent] = []
            uow.defer_writes()  # one INSERT per table at the commit
            with cache.mutating():  # readers wait from the first change to the commit
                for job in group:
                    new = _decided(uow, state, job)
                    if new is None:
                        continue
                    if isinstance(new, _Late):
                        alone.append(job)
                        continue
                    # The log is locked (``lock_log``) and the state is at
                    # its head: no other writer can move a stream meanwhile.
                    stored = uow.events.append(new)
                    for event in stored:
                        state = evolve(state, event)
                    done.append((job, stored))
                    every += stored
                project(uow.projections, state, every)
                uow.commit()
                self.commits += 1
                if every:
                    cache.advance(state, every[-1])
        return done

    def _single(
        self, uow: U, state: FederationState, job: Job[U]
    ) -> list[tuple[Job[U], list[StoredEvent]]]:
        """A group of one: the handlers' own path (a late entry needs it)."""
        try:
            command = job.build(uow, state)
        except Exception as error:
            if _transient(uow, error):
                raise
            job.error = error
            return []
        stored = execute(uow, command, cache=self._cache)
        self.commits += 1
        return [(job, stored)]

    def _failed(self, uow: U, group: list[Job[U]], error: Exception) -> list[Job[U]]:
        """The group's transaction failed: nothing of it was written, and a
        refusal decided on its rolled-back state is void. A transient failure
        gives the jobs to try again (after a jittered back-off); any other is
        tried job by job, so only the job that causes it has it."""
        for job in group:
            job.error = None
        if not _transient(uow, error):
            if len(group) > 1:
                for job in group:
                    self._run([job])
            else:
                group[0].error = error
                group[0].wake.set()
            return []
        again: list[Job[U]] = []
        for job in group:
            job.tried += 1
            if job.tried < job.attempts:
                again.append(job)
                continue
            job.error = ConcurrencyConflict(
                f"the database stayed busy after {job.attempts} attempts "
                f"({error}); nothing was written, try again"
            )
            job.error.__cause__ = error
            job.wake.set()
        if again:
            tried = max(job.tried for job in again)
            time.sleep(random.uniform(0, BACKOFF * 2 ** min(tried, 6)))
        return again


class _Late:
    """Marks a late entry or a correction met in a group: it refolds the
    state, so it runs alone, after the group."""


def _decided(
    uow: U, state: FederationState, job: Job[U]
) -> list[NewEvent] | _Late | None:
    """``job``'s events if ``build`` and ``decide`` accept it on ``state``
    (``_Late`` for a late entry); else its error is its answer and its
    savepoint is rolled back."""
    try:
        with uow.savepoint():
            command = job.build(uow, state)
            if late.needs_recheck(command):
                raise _Deferred
            return decided_events(uow, state, command)
    except _Deferred:
        return _Late()
    except Exception as error:
        if _transient(uow, error):
            raise
        job.error = error
        return None


class _Deferred(Exception):
    """Rolls back a late entry's savepoint (``_Late``)."""


def _transient(uow: GroupUnit, error: BaseException) -> bool:
    """A conflict worth another attempt (never a second vote)."""
    if isinstance(error, DuplicateEntry):
        return False
    return isinstance(error, ConcurrencyConflict) or uow.retryable(error)


_COMMITTERS: weakref.WeakKeyDictionary[StateCache, GroupCommitter[Any]] = (
    weakref.WeakKeyDictionary()
)
_MADE = threading.Lock()


def committer_for(
    cache: StateCache, units: Callable[[], Callable[[], U]]
) -> GroupCommitter[U]:
    """The committer of ``cache`` (one per process fold), made on first use
    with the unit factory ``units()`` returns."""
    with _MADE:
        found = _COMMITTERS.get(cache)
        if found is None:
            found = _COMMITTERS[cache] = GroupCommitter(units(), cache)
        made: GroupCommitter[U] = found
        return made
