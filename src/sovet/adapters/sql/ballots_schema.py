"""Secret ballots and petition signatures in SQL (DESIGN §6), and their unit of work.

The tables live on the shared ``schema.metadata`` (migration ``0003_ballots``
creates them; ``tests/integration/test_migrations.py`` compares both):

- ``votes_cast(election_id, member_id)``: THAT a member voted;
  ``UNIQUE(election_id, member_id)`` refuses a second ballot (``DuplicateEntry``).
- ``ballot_box(election_id, ballot_id, receipt, ranking)``: the ballots, with no
  member, no timestamp and no sequential id; ``ballot_id`` is 128 random bits
  and the primary key (on SQLite a ``WITHOUT ROWID`` table, stored in id
  order, not arrival order). Emptied when the poll closes: the published batch
  in the log is then the record.
- ``petition_signatures(petition_id, member_id)``, ``UNIQUE`` likewise (SR-10).

``SqlBallotUnitOfWork`` is a ``SqlUnitOfWork`` whose transaction also writes
these tables, so a vote's ``votes_cast`` row, its ballot and its ``VoteCast``
event commit together or not at all. On PostgreSQL it runs at SERIALIZABLE and
``lock_log()`` takes ``LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE`` as the
transaction's first statement (before the snapshot), so casting transactions
queue for the head of the log instead of colliding on it (on SQLite it takes
the write lock first); ``retryable`` names
the failures worth another attempt (SQLSTATE 40001 / 40P01, SQLite busy).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from typing import Self

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    NestedTransaction,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from sovet.adapters.sql.engine import is_busy
from sovet.adapters.sql.schema import metadata
from sovet.adapters.sql.uow import SqlUnitOfWork
from sovet.errors import ConcurrencyConflict, DuplicateEntry, StorageError

__all__ = [
    "RETRY_SQLSTATES",
    "SqlBallotStore",
    "SqlBallotUnitOfWork",
    "ballot_box",
    "petition_signatures",
    "votes_cast",
]

_SHUFFLE = secrets.SystemRandom()
"""Shuffles a group's ballots before they are written (``SqlBallotStore.write``)."""

RETRY_SQLSTATES = frozenset({"40001", "40P01"})
"""PostgreSQL's serialization failure and deadlock: the transaction may be retried."""

votes_cast = Table(
    "votes_cast",
    metadata,
    Column("election_id", String(200), nullable=False),
    Column("member_id", String(200), nullable=False),
    UniqueConstraint("election_id", "member_id", name="uq_votes_cast_election_member"),
)

ballot_box = Table(
    "ballot_box",
    metadata,
    Column("election_id", String(200), nullable=False),
    Column("ballot_id", String(64), nullable=False),
    Column("receipt", String(64), nullable=False),
    Column("ranking", Text, nullable=False),
    PrimaryKeyConstraint("election_id", "ballot_id", name="pk_ballot_box"),
    UniqueConstraint("election_id", "receipt", name="uq_ballot_box_receipt"),
    sqlite_with_rowid=False,  # no hidden sequential rowid; rows kept in id order
)

petition_signatures = Table(
    "petition_signatures",
    metadata,
    Column("petition_id", String(200), nullable=False),
    Column("member_id", String(200), nullable=False),
    UniqueConstraint(
        "petition_id", "member_id", name="uq_petition_signatures_petition_member"
    ),
)


def _sqlstate(error: BaseException | None) -> str | None:
    while error is not None:
        if isinstance(error, DBAPIError):
            error = error.orig
            continue
        state = getattr(error, "sqlstate", None)
        if isinstance(state, str):
            return state
        error = error.__cause__
    return None


class SqlBallotStore:
    """A ``ports.BallotStore`` bound to the unit's connection (its transaction)."""

    def __init__(self, uow: SqlBallotUnitOfWork) -> None:
        self._uow = uow
        self.deferring = False
        """Hold inserted rows until the next statement or the commit (a group)."""
        self.pending: list[tuple[Table, dict[str, str]]] = []

    def _insert(self, table: Table, row: dict[str, str], duplicate: str) -> None:
        if self.deferring:
            if table is not ballot_box and (table, row) in self.pending:
                raise DuplicateEntry(duplicate)
            self.pending.append((table, row))
            return
        try:
            self._sql().execute(insert(table), row)
        except IntegrityError as e:
            raise DuplicateEntry(duplicate) from e

    def _sql(self) -> Connection:
        """The connection, rows held back written first (``before_statement``)."""
        if self.deferring:
            self._uow.before_statement()
        return self._uow.connection()

    def write(self, rows: list[tuple[Table, dict[str, str]]]) -> None:
        """INSERT held-back rows: one multi-row statement per table (a group's
        casts alternate a voter's row and a ballot: a statement per run would
        be a round trip per row). The voters' rows keep their order; the
        ballots are shuffled, so that the heap order of a group's ballots says
        nothing of its voters' (``services.ballots``, secrecy limits)."""
        conn = self._uow.connection()
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        tables: dict[Table, list[dict[str, str]]] = {}
        for table, row in rows:
            tables.setdefault(table, []).append(row)
        for table, held in tables.items():
            if table is ballot_box:  # within a group, heap order links no one
                _SHUFFLE.shuffle(held)
            names = [c.name for c in table.columns]
            one = f"({', '.join([mark] * len(names))})"
            sql = (
                f"INSERT INTO {table.name} ({', '.join(names)}) "
                f"VALUES {', '.join([one] * len(held))}"
            )
            values = tuple(row[n] for row in held for n in names)
            try:
                conn.exec_driver_sql(sql, values)
            except IntegrityError as e:
                raise DuplicateEntry(
                    f"a second vote or signature among the acts committed together "
                    f"({table.name}); nothing was written"
                ) from e

    def record_voter(self, election: str, member: str) -> None:
        """Note that ``member`` voted; ``DuplicateEntry`` on a second vote."""
        self._insert(
            votes_cast,
            {"election_id": election, "member_id": member},
            f"SR-7: {member!r} has already voted in {election!r} (one ballot each)",
        )

    def has_voted(self, election: str, member: str) -> bool:
        """Whether ``member`` has voted in ``election``."""
        query = select(votes_cast.c.member_id).where(
            votes_cast.c.election_id == election, votes_cast.c.member_id == member
        )
        return self._sql().execute(query).first() is not None

    def add_ballot(
        self, election: str, ballot_id: str, receipt: str, ranking: str
    ) -> None:
        """Put one ballot in the box."""
        row = {
            "election_id": election,
            "ballot_id": ballot_id,
            "receipt": receipt,
            "ranking": ranking,
        }
        self._insert(ballot_box, row, f"ballot id or receipt repeated in {election!r}")

    def clear_box(self, election: str) -> None:
        """Empty the election's box (at close, once the batch is in the log)."""
        self._sql().execute(
            delete(ballot_box).where(ballot_box.c.election_id == election)
        )

    def ballots(self, election: str) -> list[tuple[str, str]]:
        """Every ``(receipt, ranking)``, ordered by the random ballot id."""
        query = (
            select(ballot_box.c.receipt, ballot_box.c.ranking)
            .where(ballot_box.c.election_id == election)
            .order_by(ballot_box.c.ballot_id)
        )
        return [(r, k) for r, k in self._sql().execute(query)]

    def grouped(self, election: str) -> dict[str, int]:
        """``SELECT ranking, count(*) … GROUP BY ranking``: the compressed profile."""
        query = (
            select(ballot_box.c.ranking, func.count())
            .where(ballot_box.c.election_id == election)
            .group_by(ballot_box.c.ranking)
        )
        return {k: int(n) for k, n in self._sql().execute(query)}

    def add_signature(self, petition: str, member: str) -> None:
        """Record a signature; ``DuplicateEntry`` when ``member`` signed already."""
        self._insert(
            petition_signatures,
            {"petition_id": petition, "member_id": member},
            f"SR-10: {member!r} has already signed {petition!r}",
        )

    def signatures(self, petition: str) -> int:
        """How many members signed ``petition``."""
        query = select(func.count()).where(
            petition_signatures.c.petition_id == petition
        )
        return int(self._sql().execute(query).scalar_one())


class SqlBallotUnitOfWork(SqlUnitOfWork):
    """A SQL unit of work with the ballot tables (SERIALIZABLE on PostgreSQL)."""

    ballots: SqlBallotStore

    def __init__(self, engine: Engine) -> None:
        self.postgres = engine.dialect.name == "postgresql"
        if self.postgres:
            engine = engine.execution_options(isolation_level="SERIALIZABLE")
        super().__init__(engine)
        self.ballots = SqlBallotStore(self)
        self._mark: int | None = None
        self._nested: NestedTransaction | None = None

    def __enter__(self) -> Self:
        try:
            entered = super().__enter__()
        except SQLAlchemyTimeoutError as e:
            raise StorageError(
                "every database connection is busy (pool exhausted); nothing "
                "was written, try again"
            ) from e
        if self._depth == 1:  # a new transaction: nothing held back
            self.ballots.deferring, self.ballots.pending = False, []
        return entered

    def connection(self) -> Connection:
        """The open transaction's connection (``StorageError`` when closed)."""
        return self._connection()

    def lock_log(self) -> None:
        """Queue for the head of the log; call it first in a unit.

        PostgreSQL: ``LOCK TABLE events`` before the snapshot. SQLite: a write
        that changes nothing takes the database's write lock at once (waiting
        up to the busy timeout), so the transaction never reads a snapshot it
        could not then write on.
        """
        conn = self._connection()
        if self.postgres:
            conn.exec_driver_sql("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DELETE FROM votes_cast WHERE 0")
        else:
            return
        self.events.locked = True  # its head and versions are this unit's now

    def defer_writes(self) -> None:
        """Hold this transaction's inserts (ballot rows, events) and write each
        table's with one statement before the next read and at the commit: a
        group's acts then cost no round trip each (``services.group_commit``)."""
        self.ballots.deferring = True
        self.events.deferring = True

    def before_statement(self) -> None:
        """Write the held-back ballot rows; inside a savepoint, those from
        before it first, then open it for the rest (see ``savepoint``)."""
        pending = self.ballots.pending
        if self._mark is not None and self._nested is None:
            self.ballots.write(pending[: self._mark])
            del pending[: self._mark]
            self._nested, self._mark = self._connection().begin_nested(), 0
        self.ballots.write(pending)
        pending.clear()

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """A block whose writes are undone alone when it raises (the
        transaction goes on). A ``SAVEPOINT``; while writes are held back, only
        once the block first needs the database (before that, undoing it
        drops the rows it held back)."""
        if not self.ballots.deferring:
            with self._connection().begin_nested():
                yield
            return
        self._mark, self._nested = len(self.ballots.pending), None
        try:
            yield
        except BaseException:
            if self._nested is not None:
                self._nested.rollback()
            del self.ballots.pending[self._mark :]
            raise
        else:
            if self._nested is not None:
                self._nested.commit()
        finally:
            self._mark, self._nested = None, None

    def commit(self) -> None:
        """Write what was held back, then commit (``SqlUnitOfWork.commit``)."""
        if self.ballots.deferring:
            self.ballots.write(self.ballots.pending)
            self.ballots.pending.clear()
        super().commit()
        self.ballots.deferring = False

    def retryable(self, error: BaseException) -> bool:
        """Whether ``error`` is a serialization failure, deadlock or busy log."""
        if isinstance(error, ConcurrencyConflict) and not isinstance(
            error, DuplicateEntry
        ):
            return True
        if _sqlstate(error) in RETRY_SQLSTATES:
            return True
        cause: BaseException | None = error
        while cause is not None:
            orig = cause.orig if isinstance(cause, DBAPIError) else cause
            if is_busy(orig):
                return True
            cause = cause.__cause__
        return False
