"""``SqlKeyRecordStore``: the signing key's certificates and rotations.

Rows of ``key_records`` (``schema.py``), written in the unit's transaction.
``position`` is assigned by the writer (last + 1): a second writer racing for
the same position is refused by the primary key (``ConcurrencyConflict`` at
commit, as for events). A database made before the table existed, opened
read-only (no migration runs), simply has no key records.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, func, inspect, select
from sqlalchemy.exc import IntegrityError

from sovet.adapters.sql.schema import key_records
from sovet.errors import ConcurrencyConflict, StorageError
from sovet.ledger.canonical import canonical_json
from sovet.ledger.keyring import KeyRecord, KeyStatement

__all__ = ["SqlKeyRecordStore"]


class SqlKeyRecordStore:
    """A ``ports.KeyRecordStore`` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection
        self._present: bool | None = None

    def _exists(self) -> bool:
        if self._present is None:
            self._present = inspect(self._conn).has_table(key_records.name)
        return self._present

    def add(self, record: KeyRecord) -> None:
        """Store ``record`` after the others."""
        if not self._exists():
            raise StorageError("this database has no key_records table (not migrated)")
        last = self._conn.execute(
            select(func.coalesce(func.max(key_records.c.position), 0))
        ).scalar_one()
        try:
            self._conn.execute(
                key_records.insert().values(
                    position=int(last) + 1,
                    statement=canonical_json(record.statement.to_json()).decode(),
                    signature=record.signature,
                    countersignature=record.countersignature,
                )
            )
        except IntegrityError as e:
            raise ConcurrencyConflict(
                "another writer recorded a key change first; nothing was written"
            ) from e

    def list(self) -> list[KeyRecord]:
        """All records in position order (none when the table does not exist)."""
        if not self._exists():
            return []
        rows = self._conn.execute(
            select(
                key_records.c.statement,
                key_records.c.signature,
                key_records.c.countersignature,
            ).order_by(key_records.c.position)
        )
        found = []
        for statement, signature, countersignature in rows:
            try:
                parsed = KeyStatement.from_json(json.loads(statement))
            except ValueError as error:
                raise StorageError(f"a stored key record is malformed: {error}") from (
                    error
                )
            found.append(KeyRecord(parsed, signature, countersignature))
        return found
