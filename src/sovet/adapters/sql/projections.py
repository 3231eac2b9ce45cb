"""``SqlProjectionStore`` and ``SqlCheckpointStore``: rows written in the unit's
transaction, so they commit or roll back together with the events."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, delete, inspect, null, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError

from sovet.adapters.sql.engine import is_busy
from sovet.adapters.sql.schema import checkpoints, projections
from sovet.errors import ConcurrencyConflict, StorageError
from sovet.ledger.canonical import canonical_json
from sovet.ledger.checkpoint import CheckpointRecord, SignedCheckpoint
from sovet.ledger.envelope import JSONValue
from sovet.ports import Checkpoint

__all__ = ["SqlCheckpointStore", "SqlProjectionStore"]


class SqlProjectionStore:
    """A ``ports.ProjectionStore``: ``(kind, key) -> value`` as canonical JSON text."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection
        name = connection.dialect.name
        self._insert = postgresql.insert if name == "postgresql" else sqlite.insert

    def put(self, kind: str, key: str, value: JSONValue) -> None:
        """Insert or replace the row ``(kind, key)``."""
        text = canonical_json(value, path=f"projection {kind}/{key}").decode("utf-8")
        statement = self._insert(projections).values(kind=kind, key=key, value=text)
        self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[projections.c.kind, projections.c.key],
                set_={"value": statement.excluded.value},
            )
        )

    def delete(self, kind: str, key: str) -> None:
        """Remove the row ``(kind, key)`` if present."""
        self._conn.execute(
            delete(projections).where(
                projections.c.kind == kind, projections.c.key == key
            )
        )

    def get(self, kind: str, key: str) -> JSONValue | None:
        """The row's value, or ``None``."""
        text = self._conn.execute(
            select(projections.c.value).where(
                projections.c.kind == kind, projections.c.key == key
            )
        ).scalar()
        return None if text is None else json.loads(text)

    def all(self, kind: str) -> dict[str, JSONValue]:
        """Every row of one kind, by key (in key order)."""
        rows = self._conn.execute(
            select(projections.c.key, projections.c.value)
            .where(projections.c.kind == kind)
            .order_by(projections.c.key)
        )
        return {key: json.loads(value) for key, value in rows}

    def clear(self) -> None:
        """Drop every row (before a rebuild by replay)."""
        self._conn.execute(delete(projections))


SIGNING_LOCK = 0x736F766574_5347  # "sovet" "SG": one advisory-lock key
"""The PostgreSQL advisory lock that lets one server sign at a time."""

_CHECKPOINT_COLUMNS = (
    checkpoints.c.size,
    checkpoints.c.root_hash,
    checkpoints.c.head_hash,
    checkpoints.c.signature,
    checkpoints.c.public_key,
    checkpoints.c.snapshot,
)
_SCHEMAS: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def has_snapshots(connection: Connection) -> bool:
    """Does the database have the snapshot column and table (0010)? A database
    opened read-only is not migrated: an older one reads as without snapshots."""
    engine = connection.engine
    found = _SCHEMAS.get(engine)
    if found is None:
        columns = inspect(connection).get_columns("checkpoints")
        found = _SCHEMAS[engine] = any(c["name"] == "snapshot" for c in columns)
    return found


def _columns(connection: Connection) -> tuple[Any, ...]:
    if has_snapshots(connection):
        return _CHECKPOINT_COLUMNS
    return (*_CHECKPOINT_COLUMNS[:-1], null().label("snapshot"))


class SqlCheckpointStore:
    """A ``ports.CheckpointStore``: append-only, one checkpoint per log size."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(
        self,
        checkpoint: Checkpoint,
        *,
        appended_at: str | None = None,
        peaks: Sequence[str] | None = None,
    ) -> None:
        """Store a checkpoint; a second one for the same size is refused."""
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    checkpoints.insert().values(
                        size=checkpoint.size,
                        root_hash=checkpoint.root_hash,
                        head_hash=checkpoint.head_hash,
                        signature=checkpoint.signature,
                        public_key=checkpoint.public_key,
                        appended_at=appended_at,
                        compact_range=None if peaks is None else " ".join(peaks),
                        **(
                            {"snapshot": getattr(checkpoint, "snapshot", None)}
                            if has_snapshots(self._conn)
                            else {}
                        ),
                    )
                )
        except IntegrityError as e:
            raise StorageError(f"a checkpoint for size {checkpoint.size} exists") from e
        except OperationalError as e:
            if is_busy(e.orig):
                raise ConcurrencyConflict(
                    "another writer holds the log (SQLite busy); no checkpoint stored"
                ) from e
            raise StorageError(f"the database refused the checkpoint: {e.orig}") from e

    def list(self) -> list[Checkpoint]:
        """All checkpoints, oldest (smallest size) first."""
        rows = self._conn.execute(
            select(*_columns(self._conn)).order_by(checkpoints.c.size)
        )
        return [
            SignedCheckpoint(int(size), root, head, signature, key, snapshot)
            for size, root, head, signature, key, snapshot in rows
        ]

    def latest(self) -> CheckpointRecord | None:
        """The largest checkpoint with its time and compact range (one index seek)."""
        row = self._conn.execute(
            select(
                *_columns(self._conn),
                checkpoints.c.appended_at,
                checkpoints.c.compact_range,
            )
            .order_by(checkpoints.c.size.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        size, root, head, signature, key, snapshot, appended_at, peaks = tuple(row)
        signed = SignedCheckpoint(int(size), root, head, signature, key, snapshot)
        kept = None if peaks is None else tuple(peaks.split())
        return CheckpointRecord(signed, appended_at, kept)

    def at(self, size: int) -> SignedCheckpoint | None:
        """The checkpoint of ``size`` events, or ``None`` (one index seek)."""
        row = self._conn.execute(
            select(*_columns(self._conn)).where(checkpoints.c.size == size)
        ).first()
        if row is None:
            return None
        size_, root, head, signature, key, snapshot = row
        return SignedCheckpoint(int(size_), root, head, signature, key, snapshot)

    def resign(self, checkpoint: Checkpoint) -> None:
        """Replace the signature of the checkpoint of the same size, root, head
        and key by ``checkpoint``'s (a version 2 naming a rebuilt snapshot);
        ``StorageError`` when there is no such checkpoint."""
        done = self._conn.execute(
            update(checkpoints)
            .where(
                checkpoints.c.size == checkpoint.size,
                checkpoints.c.root_hash == checkpoint.root_hash,
                checkpoints.c.head_hash == checkpoint.head_hash,
                checkpoints.c.public_key == checkpoint.public_key,
            )
            .values(
                signature=checkpoint.signature,
                snapshot=getattr(checkpoint, "snapshot", None),
            )
        )
        if done.rowcount != 1:
            raise StorageError(
                f"no checkpoint of {checkpoint.size} events by that key to re-sign"
            )

    def lock_signing(self) -> None:
        """PostgreSQL: wait for the signing advisory lock (released at the
        transaction's end). SQLite has one writer at a time already."""
        if self._conn.dialect.name == "postgresql":
            self._conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SIGNING_LOCK})")
