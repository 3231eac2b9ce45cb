"""The scenario steps a SQL database has applied (``sovet run``), and their unit.

``scenario_steps(step_hash, occurrence, first_seq, last_seq)``: one row each
time a scenario step was applied — the SHA-256 of the step's canonical
command, which time it is (1 for the first, 2 for the same command applied a
second time …) and the seqs of the events it appended (``last_seq <
first_seq`` when it appended none). Migration ``0006_scenario_steps`` creates
it; ``tests/integration/test_migrations.py`` compares both. The table is
beside the log, not in it: the events and their hashes are as they were.

``SqlStepUnitOfWork`` is a ``SqlUnitOfWork`` whose commit first writes the
steps noted with ``steps.record`` in the open transaction, so a step's row and
its events commit together or not at all.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from sovet.adapters.sql.schema import metadata
from sovet.adapters.sql.uow import SqlUnitOfWork
from sovet.errors import ConcurrencyConflict

__all__ = ["SqlStepStore", "SqlStepUnitOfWork", "scenario_steps"]

scenario_steps = Table(
    "scenario_steps",
    metadata,
    Column("step_hash", String(64), nullable=False),
    Column("occurrence", Integer, nullable=False),
    Column("first_seq", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    PrimaryKeyConstraint("step_hash", "occurrence", name="pk_scenario_steps"),
)


class SqlStepStore:
    """A ``ports.StepStore`` bound to its unit's connection (its transaction)."""

    def __init__(self, uow: SqlStepUnitOfWork) -> None:
        self._uow = uow
        self._pending: list[tuple[str, int]] = []

    def applied(self, digest: str) -> list[tuple[int, int]]:
        """``(first_seq, last_seq)`` of each time the step was applied."""
        query = (
            select(scenario_steps.c.first_seq, scenario_steps.c.last_seq)
            .where(scenario_steps.c.step_hash == digest)
            .order_by(scenario_steps.c.occurrence)
        )
        return [(int(a), int(b)) for a, b in self._uow.connection().execute(query)]

    def record(self, digest: str) -> None:
        """Note the step; its row is written at commit, with its events' seqs."""
        head = self._uow.events.head()[0]
        self._pending.append((digest, head + 1))

    def flush(self) -> None:
        """Write the noted steps in the open transaction (before its commit)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        conn = self._uow.connection()
        last = self._uow.events.head()[0]
        for digest, first in pending:
            count = conn.execute(
                select(func.count()).where(scenario_steps.c.step_hash == digest)
            ).scalar_one()
            row = {
                "step_hash": digest,
                "occurrence": int(count) + 1,
                "first_seq": first,
                "last_seq": last,
            }
            try:
                conn.execute(insert(scenario_steps), row)
            except IntegrityError as e:
                raise ConcurrencyConflict(
                    "another run recorded the same step first; nothing was written"
                ) from e

    def forget(self) -> None:
        """Drop the noted steps (the unit rolled back)."""
        self._pending = []


class SqlStepUnitOfWork(SqlUnitOfWork):
    """A SQL unit of work that also records the scenario steps it applies."""

    steps: SqlStepStore

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.steps = SqlStepStore(self)

    def connection(self) -> Connection:
        """The open transaction's connection (``StorageError`` when closed)."""
        return self._connection()

    def commit(self) -> None:
        """Write the noted steps, then commit them with the events, or neither."""
        self.steps.flush()
        super().commit()

    def rollback(self) -> None:
        """Discard the transaction and the steps noted in it."""
        self.steps.forget()
        super().rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc, tb)
        if self._depth == 0:
            self.steps.forget()
