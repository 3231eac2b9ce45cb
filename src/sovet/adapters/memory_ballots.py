"""In-memory ballot tables with the semantics of the SQL ones (unit tests).

``InMemoryBallotUnitOfWork`` is an ``InMemoryUnitOfWork`` that also holds a
``ballots`` store (``ports.BallotStore``) over the same ``InMemoryDatabase``:
who voted, the ballot box and the petition signatures live beside the log,
keyed by the database, and are committed together with the unit's events or
not at all. A second vote or signature raises ``DuplicateEntry`` at once when
it clashes with a committed row, and at commit when another unit committed the
same one first (as PostgreSQL's UNIQUE constraints do).
"""

from __future__ import annotations

import contextlib
import weakref
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.errors import DuplicateEntry

__all__ = ["BallotTables", "InMemoryBallotStore", "InMemoryBallotUnitOfWork"]


@dataclass
class BallotTables:
    """The committed rows: ``votes_cast``, ``ballot_box``, ``petition_signatures``."""

    voters: set[tuple[str, str]] = field(default_factory=set)
    box: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    signatures: set[tuple[str, str]] = field(default_factory=set)


_TABLES: weakref.WeakKeyDictionary[InMemoryDatabase, BallotTables] = (
    weakref.WeakKeyDictionary()
)


def _tables(database: InMemoryDatabase) -> BallotTables:
    with database.lock:
        return _TABLES.setdefault(database, BallotTables())


def _voted(election: str, member: str) -> DuplicateEntry:
    return DuplicateEntry(
        f"SR-7: {member!r} has already voted in {election!r} (one ballot each)"
    )


def _signed(petition: str, member: str) -> DuplicateEntry:
    return DuplicateEntry(f"SR-10: {member!r} has already signed {petition!r}")


class InMemoryBallotStore:
    """A unit's view: the committed tables plus its own uncommitted rows."""

    def __init__(self, tables: BallotTables) -> None:
        self._tables = tables
        self._voters: list[tuple[str, str]] = []
        self._ballots: list[tuple[str, str, str, str]] = []
        self._signatures: list[tuple[str, str]] = []
        self._cleared: set[str] = set()

    def record_voter(self, election: str, member: str) -> None:
        """Note that ``member`` voted; ``DuplicateEntry`` on a second vote."""
        if self.has_voted(election, member):
            raise _voted(election, member)
        self._voters.append((election, member))

    def has_voted(self, election: str, member: str) -> bool:
        """Whether ``member`` has voted in ``election``."""
        row = (election, member)
        return row in self._tables.voters or row in self._voters

    def add_ballot(
        self, election: str, ballot_id: str, receipt: str, ranking: str
    ) -> None:
        """Put one ballot in the box."""
        self._ballots.append((election, ballot_id, receipt, ranking))

    def _rows(self, election: str) -> list[tuple[str, str]]:
        committed = (
            [] if election in self._cleared else self._tables.box.get(election, [])
        )
        mine = [(r, k) for e, _, r, k in self._ballots if e == election]
        return [(r, k) for _, r, k in committed] + mine

    def clear_box(self, election: str) -> None:
        """Empty the election's box (at close, once the batch is in the log)."""
        self._ballots = [b for b in self._ballots if b[0] != election]
        self._cleared.add(election)

    def ballots(self, election: str) -> list[tuple[str, str]]:
        """Every ``(receipt, ranking)`` of the election."""
        return self._rows(election)

    def grouped(self, election: str) -> dict[str, int]:
        """Ranking text → number of ballots."""
        return dict(Counter(k for _, k in self._rows(election)))

    def add_signature(self, petition: str, member: str) -> None:
        """Record a signature; ``DuplicateEntry`` when ``member`` signed already."""
        row = (petition, member)
        if row in self._tables.signatures or row in self._signatures:
            raise _signed(petition, member)
        self._signatures.append(row)

    def signatures(self, petition: str) -> int:
        """How many members signed ``petition``."""
        rows = self._tables.signatures | set(self._signatures)
        return sum(1 for p, _ in rows if p == petition)

    def mark(self) -> InMemoryBallotStore:
        """A copy of this unit's own rows (``undo`` goes back to it)."""
        copy = InMemoryBallotStore(self._tables)
        copy._voters = list(self._voters)
        copy._ballots = list(self._ballots)
        copy._signatures = list(self._signatures)
        copy._cleared = set(self._cleared)
        return copy

    def undo(self, mark: InMemoryBallotStore) -> None:
        """Back to the rows of ``mark`` (a savepoint rolled back)."""
        self._voters, self._ballots = mark._voters, mark._ballots
        self._signatures, self._cleared = mark._signatures, mark._cleared

    def check(self) -> None:
        """Raise ``DuplicateEntry`` if a committed row now clashes with ours."""
        for election, member in self._voters:
            if (election, member) in self._tables.voters:
                raise _voted(election, member)
        for petition, member in self._signatures:
            if (petition, member) in self._tables.signatures:
                raise _signed(petition, member)

    def merge(self) -> None:
        """Add this unit's rows to the committed tables."""
        tables = self._tables
        tables.voters.update(self._voters)
        tables.signatures.update(self._signatures)
        for election in self._cleared:
            tables.box.pop(election, None)
        for election, ballot_id, receipt, ranking in self._ballots:
            tables.box.setdefault(election, []).append((ballot_id, receipt, ranking))


class InMemoryBallotUnitOfWork(InMemoryUnitOfWork):
    """An in-memory unit of work with the ballot tables (``ports.BallotStore``)."""

    ballots: InMemoryBallotStore

    def _begin(self) -> None:
        super()._begin()
        self.ballots = InMemoryBallotStore(_tables(self.database))

    def lock_log(self) -> None:
        """Nothing to lock: the commit checks the head under the database lock."""

    def defer_writes(self) -> None:
        """Nothing to hold back: the rows are written at the commit anyway."""

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """The ballot rows the block adds are dropped alone when it raises
        (the block appends no events: ``services.group_commit``)."""
        mark = self.ballots.mark()
        try:
            yield
        except BaseException:
            self.ballots.undo(mark)
            raise

    def retryable(self, error: BaseException) -> bool:
        """In memory only ``ConcurrencyConflict`` is worth a retry (none here)."""
        del error
        return False

    def commit(self) -> None:
        """Commit the events and the ballot rows together, or neither."""
        with self.database.lock:
            pending = self.ballots
            try:
                pending.check()
            except DuplicateEntry:
                self._begin()
                raise
            super().commit()
            pending.merge()
