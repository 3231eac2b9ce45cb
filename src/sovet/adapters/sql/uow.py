"""``SqlUnitOfWork``: one transaction for events, projections, checkpoints, key records.

It rolls back on exit unless ``commit()`` was called (cosmicpython's unit of
work, STYLE.md S5). The object is reusable: each outermost ``with`` opens a
connection and a transaction; a nested ``with`` on the same object joins it.
After ``commit()`` the unit goes on in a new transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from sovet.adapters.memory import utc_now
from sovet.adapters.sql.engine import is_busy
from sovet.adapters.sql.event_store import SqlEventStore
from sovet.adapters.sql.key_records import SqlKeyRecordStore
from sovet.adapters.sql.personal import SqlPersonalStore
from sovet.adapters.sql.projections import SqlCheckpointStore, SqlProjectionStore
from sovet.adapters.sql.snapshot_store import SqlSnapshotStore
from sovet.errors import ConcurrencyConflict, StorageError

__all__ = ["SqlUnitOfWork"]


class SqlUnitOfWork:
    """A ``ports.UnitOfWork`` over an engine from ``make_engine``."""

    events: SqlEventStore
    projections: SqlProjectionStore
    checkpoints: SqlCheckpointStore
    key_records: SqlKeyRecordStore
    snapshots: SqlSnapshotStore
    personal: SqlPersonalStore

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self._conn: Connection | None = None
        self._depth = 0

    def __enter__(self) -> Self:
        if self._depth == 0:
            try:
                conn = self.engine.connect()
            except DBAPIError as e:
                raise StorageError(f"cannot open the database: {e.orig}") from e
            self._conn = conn
            self.events = SqlEventStore(conn, self.clock)
            self.projections = SqlProjectionStore(conn)
            self.checkpoints = SqlCheckpointStore(conn)
            self.key_records = SqlKeyRecordStore(conn)
            self.snapshots = SqlSnapshotStore(conn)
            self.personal = SqlPersonalStore(conn)
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0 and self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.rollback()
            finally:
                conn.close()

    def _connection(self) -> Connection:
        if self._conn is None:
            raise StorageError("the unit of work is not open (use `with uow:`)")
        return self._conn

    def commit(self) -> None:
        """Make this transaction's events, rows and checkpoints durable, or none."""
        conn = self._connection()
        if self.events.failed:
            conn.rollback()
            self.events.failed = False
            self.events.forget()
            raise StorageError(
                "an append in this unit failed; its transaction was rolled back"
            )
        self.events.flush()
        self.events.forget()
        try:
            conn.commit()
        except IntegrityError as e:
            raise ConcurrencyConflict(
                f"another writer got there first: {e.orig}"
            ) from e
        except OperationalError as e:
            if is_busy(e.orig):
                raise ConcurrencyConflict(
                    "another writer holds the log (SQLite busy); nothing was written"
                ) from e
            raise StorageError(f"the database refused the commit: {e.orig}") from e

    def rollback(self) -> None:
        """Discard everything done since the transaction began."""
        conn = self._connection()
        conn.rollback()
        self.events.failed = False
        self.events.forget()
