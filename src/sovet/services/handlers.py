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
from collections.abc import Callable, Iterable, Iterator, Sequence

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
from sovet.domain.kernel.replay import LogSource, Selection, fold_source
from sovet.domain.kernel.state import VOID_TYPES
from sovet.ledger.envelope import GENESIS_HASH, EventRow, NewEvent, StoredEvent
from sovet.ports import EventStore, UnitOfWork
from sovet.services import late, personal
from sovet.services.projector import project

__all__ = [
    "FreshUnits",
    "OpenStore",
    "StateCache",
    "append_new",
    "decided_events",
    "execute",
    "to_new_events",
]


class OpenStore:
    """A ``replay.LogSource`` over an open store (the unit's transaction)."""

    def __init__(self, events: EventStore) -> None:
        self._events = events

    def rows(self, upto: int) -> Iterator[EventRow]:
        """The rows of the events ``seq <= upto``."""
        return self._events.read_rows(0, upto)

    def rows_at(self, seqs: Sequence[int]) -> Iterator[EventRow]:
        """The rows of the events ``seqs``, in that order."""
        return self._events.read_rows_at(seqs)

    def events(self, upto: int, after: int = 0) -> Iterator[StoredEvent]:
        """The stored events ``after < seq <= upto``."""
        return self._events.read(after, limit=max(upto - after, 0))


class FreshUnits:
    """A ``replay.LogSource`` reading the log in a unit of work of its own per
    read: what a cached state reads its events again through (issue 13)."""

    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    def rows(self, upto: int) -> Iterator[EventRow]:
        """The rows of the events ``seq <= upto``."""
        with self._uow() as unit:
            yield from unit.events.read_rows(0, upto)

    def rows_at(self, seqs: Sequence[int]) -> Iterator[EventRow]:
        """The rows of the events ``seqs``, in that order."""
        with self._uow() as unit:
            yield from unit.events.read_rows_at(seqs)

    def events(self, upto: int, after: int = 0) -> Iterator[StoredEvent]:
        """The stored events ``after < seq <= upto``."""
        with self._uow() as unit:
            yield from unit.events.read(after, limit=max(upto - after, 0))


class StateCache:
    """The folded state at a known head ``(seq, hash)``, caught up incrementally.

    The cache is only advanced after a commit and dropped on any failure, so it
    always equals the fold of a committed prefix of the log. With a ``source``
    (the services' own cache: ``FreshUnits``) its state holds no event and
    reads them again through it; without one it keeps them.
    """

    def __init__(self, source: LogSource | None = None) -> None:
        self.source = source
        self._seq = 0
        self._hash = GENESIS_HASH
        self._state: FederationState | None = None
        self.cold: Callable[[int], FederationState | None] | None = None
        """How to start cold: the fold of the log's first ``n`` events from a
        snapshot (``snapshotting.SnapshotLoader``), or ``None`` to fold it."""

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
        warm = None if self.cold is None or seq == 0 else self.cold(seq)
        state = self.fold(events) if warm is None else self.attached(warm, seq)
        self._state, self._seq, self._hash = state, seq, head
        return state

    def held(self) -> FederationState | None:
        """The cached state (``None``: none yet), at the head it last caught up
        with; only for a single-threaded caller (a writer signing its work)."""
        return self._state

    def attached(self, state: FederationState, upto: int) -> FederationState:
        """A state loaded from a snapshot, reading its events again through the
        cache's source when it keeps none (a snapshot holds no event)."""
        if self.source is not None and state.kept is None:
            state.source = self.source
            if state.selection is None:
                state.selection = Selection(upto)
        return state

    def fold(self, events: EventStore) -> FederationState:
        """The fold of the whole log of ``events``: from its rows, holding no
        event, when the cache has a source; else keeping them."""
        if self.source is None:
            return fold(events.read())
        state = fold_source(OpenStore(events), Selection(events.head()[0]))
        state.source = self.source
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
        new = decided_events(uow, state, command)
        stored = append_new(uow, new)  # a refusal here left the state untouched
        with cache.mutating():  # readers wait from the first change to the commit
            for event in stored:
                state = evolve(state, event)
            project(uow.projections, state, stored)
            uow.commit()
            if stored:
                cache.advance(state, stored[-1])
    return stored


def decided_events(
    uow: UnitOfWork, state: FederationState, command: Command
) -> list[NewEvent]:
    """What ``command`` writes when decided on ``state``: the one path of every
    live act, alone (``execute``) or in a group (``group_commit``). A command
    carrying personal data is redacted first (``personal.redact``: the data go
    to the erasable table, the chain gets the verdict) and the verdicts it
    changes follow it (``personal.follow_ups``)."""
    command = personal.redact(uow, state, command)  # v2: data off the chain
    decided = personal.follow_ups(uow, state, decide(state, command))
    return to_new_events(decided, command.at, command)


def append_new(uow: UnitOfWork, new: Sequence[NewEvent]) -> list[StoredEvent]:
    """Append ``new``, each stream expected at its current version."""
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
        command = personal.redact(uow, full, command)  # v2: data off the chain
        planned = late.plan(full, command)
        planned.events = personal.follow_ups(uow, planned.state, planned.events)
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
        final = cache.fold(uow.events)
        project(uow.projections, final, stored)
        with cache.mutating():
            uow.commit()
            if stored:
                cache.advance(final, stored[-1])
    return stored
