"""The scenario steps an in-memory database has applied, with the semantics of
``adapters/sql/steps_schema.py`` (tests, dry runs).

``InMemoryStepUnitOfWork`` is an ``InMemoryUnitOfWork`` with a ``steps`` store
(``ports.StepStore``) over the same ``InMemoryDatabase``: the steps noted in a
unit are added when it commits, together with its events, or not at all.
"""

from __future__ import annotations

import weakref

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork

__all__ = ["InMemoryStepStore", "InMemoryStepUnitOfWork"]

_TABLES: weakref.WeakKeyDictionary[InMemoryDatabase, dict[str, list[tuple[int, int]]]]
_TABLES = weakref.WeakKeyDictionary()


def _rows(database: InMemoryDatabase) -> dict[str, list[tuple[int, int]]]:
    with database.lock:
        return _TABLES.setdefault(database, {})


class InMemoryStepStore:
    """A unit's view: the committed steps, plus those noted in the unit."""

    def __init__(self, unit: InMemoryStepUnitOfWork) -> None:
        self._unit = unit
        self._rows = _rows(unit.database)
        self._pending: list[tuple[str, int]] = []

    def applied(self, digest: str) -> list[tuple[int, int]]:
        """``(first_seq, last_seq)`` of each time the step was applied."""
        return list(self._rows.get(digest, []))

    def record(self, digest: str) -> None:
        """Note the step; it is added at commit, with its events' seqs."""
        self._pending.append((digest, self._unit.events.head()[0] + 1))

    def finish(self) -> list[tuple[str, int, int]]:
        """The noted steps with the last seq of the unit's events."""
        last = self._unit.events.head()[0]
        pending, self._pending = self._pending, []
        return [(digest, first, last) for digest, first in pending]

    def merge(self, done: list[tuple[str, int, int]]) -> None:
        """Add committed steps to the database's rows."""
        for digest, first, last in done:
            self._rows.setdefault(digest, []).append((first, last))


class InMemoryStepUnitOfWork(InMemoryUnitOfWork):
    """An in-memory unit of work that also records the scenario steps it applies."""

    steps: InMemoryStepStore

    def _begin(self) -> None:
        super()._begin()
        self.steps = InMemoryStepStore(self)

    def commit(self) -> None:
        """Commit the events and the steps noted with them, or neither."""
        with self.database.lock:
            store = self.steps
            done = store.finish()
            super().commit()
            store.merge(done)
