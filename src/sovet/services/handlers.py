"""Command handling: fold, decide, append, project, commit — all or nothing.

``execute(uow, command)`` is the one write path of the engine (DESIGN §3): the
current state is the fold of the log (kept in a ``StateCache`` keyed by the head,
so a scenario of n commands costs n, not n², evolutions); the pure
``decide(state, command)`` returns domain events or raises ``RuleViolation``;
the events are appended with the stream versions the decision saw
(``expected_versions``) and projected in the same unit of work, which commits
once. A refused command writes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence

from sovet.domain import (
    Command,
    DomainEvent,
    FederationState,
    command_to_mapping,
    decide,
    evolve,
    fold,
    to_new_event,
)
from sovet.domain.kernel.calendar import moment
from sovet.domain.kernel.state import VOID_TYPES
from sovet.ledger.envelope import GENESIS_HASH, NewEvent, StoredEvent
from sovet.ports import EventStore, UnitOfWork
from sovet.services import late
from sovet.services.projector import project

__all__ = ["StateCache", "append_new", "execute", "to_new_events"]


class StateCache:
    """The folded state at a known head ``(seq, hash)``, caught up incrementally.

    The cache is only advanced after a commit and dropped on any failure, so it
    always equals the fold of a committed prefix of the log.
    """

    def __init__(self) -> None:
        self._seq = 0
        self._hash = GENESIS_HASH
        self._state: FederationState | None = None

    def current(self, events: EventStore) -> FederationState:
        """The state at the store's head: cached, caught up, or folded afresh."""
        seq, head = events.head()
        state = self._state
        if state is not None and (self._seq, self._hash) == (seq, head):
            return state
        if state is not None and 0 < self._seq < seq:
            newer = list(events.read(after_seq=self._seq))
            if newer and newer[0].prev_hash == self._hash and _follows(state, newer):
                try:
                    for event in newer:
                        state = evolve(state, event)
                except BaseException:
                    self.invalidate()  # the state was changed in place, part way
                    raise
                self.advance(state, newer[-1])
                return state
        state = fold(events.read())
        self._state, self._seq, self._hash = state, seq, head
        return state

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Be the cache's one writer for the block (``SharedState`` locks; here
        a single-threaded caller needs nothing)."""
        yield

    def check_writable(self) -> None:
        """Refuse a write this thread cannot make now (nothing to refuse here)."""

    def writing_here(self) -> bool:
        """Whether this thread is in a ``writing()`` block (never known here)."""
        return False

    @contextlib.contextmanager
    def mutating(self) -> Iterator[None]:
        """Change the state in place for the block; forgotten if it fails."""
        try:
            yield
        except BaseException:
            self.invalidate()
            raise

    def advance(self, state: FederationState, last: StoredEvent) -> None:
        """Record ``state`` as the fold of the log up to ``last``."""
        self._state, self._seq, self._hash = state, last.seq, last.hash

    def invalidate(self) -> None:
        """Forget the cached state (after a failure or an outside write)."""
        self._state, self._seq, self._hash = None, 0, GENESIS_HASH


def _follows(state: FederationState, newer: list[StoredEvent]) -> bool:
    """True when ``newer`` can be evolved onto ``state`` one by one: no void
    and no act dated before the last (else the domain's order needs a refold)."""
    zone, last = state.zone, state.last_at
    floor = None if last is None else moment(last, zone=zone)
    for event in newer:
        if event.type in VOID_TYPES:
            return False
        when = moment(event.effective_at, zone=zone)
        if floor is not None and when < floor:
            return False
        floor = when
    return True


def to_new_events(
    events: Iterable[DomainEvent], at: str, command: Command | None = None
) -> list[NewEvent]:
    """Domain events as log envelopes, effective at the command's time ``at``.

    The first carries ``command`` (its plain form): what re-checking the act
    after a late entry or a correction needs.
    """
    envelopes: list[NewEvent] = []
    plain = None if command is None else command_to_mapping(command)
    for event in events:
        envelope = to_new_event(event)
        envelopes.append(
            NewEvent(
                envelope.stream_id,
                envelope.type,
                envelope.payload,
                at,
                None if envelopes else plain,
            )
        )
    return envelopes


def execute(
    uow: UnitOfWork, command: Command, *, cache: StateCache | None = None
) -> list[StoredEvent]:
    """Apply one command all-or-nothing and return the events it appended.

    Raises the domain's ``RuleViolation`` (nothing written) when the command is
    refused, and ``ConcurrencyConflict`` when another writer moved a stream.
    """
    cache = cache if cache is not None else StateCache()
    if late.needs_recheck(command):
        return _execute_rechecked(uow, command, cache)
    with cache.writing(), uow:
        state = cache.current(uow.events)
        new = to_new_events(decide(state, command), command.at, command)
        stored = append_new(uow, new)  # a refusal here left the state untouched
        with cache.mutating():  # readers wait from the first change to the commit
            for event in stored:
                state = evolve(state, event)
            project(uow.projections, state, stored)
            uow.commit()
            if stored:
                cache.advance(state, stored[-1])
    return stored


def append_new(uow: UnitOfWork, new: Sequence[NewEvent]) -> list[StoredEvent]:
    if not new:
        return []
    expected = {
        stream: uow.events.stream_version(stream)
        for stream in dict.fromkeys(event.stream_id for event in new)
    }
    return uow.events.append(new, expected_versions=expected)


def _execute_rechecked(
    uow: UnitOfWork, command: Command, cache: StateCache
) -> list[StoredEvent]:
    """A late entry or a correction (``services.late``): its events, then one
    ``ActVoided`` per later act it makes fail, all in one unit of work.

    The cached state is not changed in place: the new one is a fresh fold."""
    with cache.writing(), uow:
        full = cache.current(uow.events)
        planned = late.plan(full, command)
        stored = append_new(uow, to_new_events(planned.events, command.at, command))
        state = planned.state  # a fold of its own, not the cached state
        if planned.apply_entry:
            for event in stored:
                state = evolve(state, event)
        voids = late.recheck(state, planned.later, planned.skip)
        by = stored[0].seq if stored else uow.events.head()[0]
        stored += append_new(
            uow, to_new_events(late.void_events(voids, command.at, by), command.at)
        )
        final = fold(uow.events.read())
        project(uow.projections, final, stored)
        with cache.mutating():
            uow.commit()
            if stored:
                cache.advance(final, stored[-1])
    return stored
