"""One folded state per process, read consistently while commands change it.

The state is mutable by design (``domain.kernel.state``: one dict write per
event), so a process that serves requests keeps ONE fold (``SharedState``, the
``Services.cache`` of every ``Services``) and guards it with a fair
reader–writer lock (``readerwriterlock.RWLockFair``):

- ``snapshot(uow)`` is how every reader (API, web, ballots) sees the state: it
  first checks the log's head (one ``SELECT``), catches up with events that
  other processes appended (a second server, ``sovet run``), then holds the
  read side until the ``with`` block ends. The state it yields is the fold of
  the log up to a position at least the head seen on entry, and nothing
  changes it while the block runs: a write acknowledged anywhere before the
  read began is visible, and a half-applied command never is.
- A command (``services.handlers.execute``) decides on the state holding the
  process's writer mutex (``writing()``; readers may read meanwhile, nobody
  else changes it), appends, and applies its events in place under the write
  side (``mutating()``) from the first evolve through the commit; a failure
  there drops the state before readers can see it.

Nested snapshots on one thread reuse the held state (a page that calls two
readers sees one position). Changing the state while this thread holds a
snapshot would deadlock, so it raises ``RuntimeError`` instead.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import TypeVar

from readerwriterlock.rwlock import RWLockFair

from sovet.domain import FederationState
from sovet.ports import EventStore, UnitOfWork
from sovet.services.handlers import StateCache

__all__ = ["SharedState"]

T = TypeVar("T")
_AS_OF_KEPT = 8
"""Time-travel folds (``as_of``) kept, by log position and date."""


class SharedState(StateCache):
    """SR-28: the process's one fold of the log, safe for concurrent readers
    and one writer at a time (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._rw = RWLockFair()
        self._writer = threading.RLock()
        self._local = threading.local()
        self._as_of: OrderedDict[tuple[int, str], FederationState] = OrderedDict()
        self._as_of_lock = threading.Lock()

    @property
    def position(self) -> int:
        """The seq of the last event folded into the held state (0: none)."""
        return self._seq if self._state is not None else 0

    def _held(self) -> FederationState | None:
        held: FederationState | None = getattr(self._local, "state", None)
        return held

    @contextlib.contextmanager
    def snapshot(self, uow: Callable[[], UnitOfWork]) -> Iterator[FederationState]:
        """The state at (at least) the log's head, unchanged until the block ends."""
        held = self._held()
        if held is not None:
            yield held
            return
        with uow() as unit:
            seq, head = unit.events.head()
        while True:
            with self._rw.gen_rlock():
                state = self._state
                at = (self._seq, self._hash)
                # At the head seen, or past it (a write committed since).
                if state is not None and (at == (seq, head) or at[0] > seq):
                    self._local.state = state
                    try:
                        yield state
                    finally:
                        self._local.state = None
                    return
            with uow() as unit:
                self.current(unit.events)

    def read(
        self, uow: Callable[[], UnitOfWork], reader: Callable[[FederationState], T]
    ) -> T:
        """``reader(state)`` on a snapshot (``snapshot``)."""
        with self.snapshot(uow) as state:
            return reader(state)

    def as_of(self, state: FederationState, at: str) -> FederationState:
        """SR-28: ``state`` as recorded up to ``at`` (the last few are kept).

        Call it on a snapshot's state: the fold is private (a new state), keyed
        by the snapshot's position and the date."""
        key = (state.head[0] if state.head else 0, at)
        with self._as_of_lock:
            found = self._as_of.get(key)
        if found is not None:
            return found
        then = state.as_of(at)
        with self._as_of_lock:
            self._as_of[key] = then
            while len(self._as_of) > _AS_OF_KEPT:
                self._as_of.popitem(last=False)
        return then

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Be this process's one writer (commands, catching up) for the block."""
        self._refuse_in_snapshot()
        with self._writer:
            depth = getattr(self._local, "writing", 0)
            self._local.writing = depth + 1
            try:
                yield
            finally:
                self._local.writing = depth

    def check_writable(self) -> None:
        """Refuse (``RuntimeError``) a write from a thread holding a snapshot."""
        self._refuse_in_snapshot()

    def writing_here(self) -> bool:
        """Whether this thread is in a ``writing()`` block."""
        return bool(getattr(self._local, "writing", 0))

    @contextlib.contextmanager
    def mutating(self) -> Iterator[None]:
        """Change the state in place, no reader looking; dropped on failure."""
        self._refuse_in_snapshot()
        with self._writer, self._exclusive():
            try:
                yield
            except BaseException:
                super().invalidate()
                raise

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """The write side (re-entrant on the writer's thread)."""
        if getattr(self._local, "exclusive", False):
            yield
            return
        with self._rw.gen_wlock():
            self._local.exclusive = True
            try:
                yield
            finally:
                self._local.exclusive = False

    def current(self, events: EventStore) -> FederationState:
        """The state at the store's head, caught up under the write side.

        Inside a snapshot on this thread: the snapshot's state (one position
        per request). Otherwise the caller becomes the writer for the call.
        """
        held = self._held()
        if held is not None:
            return held
        with self._writer:
            seq, head = events.head()
            state = self._state
            if state is not None and (self._seq, self._hash) == (seq, head):
                return state
            with self._exclusive():
                return super().current(events)

    def invalidate(self) -> None:
        """Forget the state (after a failure), no reader looking."""
        with self._writer, self._exclusive():
            super().invalidate()

    def _refuse_in_snapshot(self) -> None:
        if self._held() is not None:
            raise RuntimeError(
                "a command was run while this thread reads a snapshot of the "
                "state: finish reading first"
            )
