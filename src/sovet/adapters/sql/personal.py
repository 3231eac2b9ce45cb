"""``SqlPersonalStore``: the erasable table of personal data (issue 10, finding 9).

One row per member of a v2 log: the record the chain's commitment covers
(canonical JSON text) and the member's secret. Erasing deletes the row; the
chain keeps only the commitment and the verdict. A database made before the
table existed, opened read-only, simply holds no personal data.
"""

from __future__ import annotations

import json

from sqlalchemy import (
    Column,
    Connection,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    delete,
    inspect,
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sovet.adapters.sql.schema import metadata
from sovet.errors import StorageError
from sovet.ledger.canonical import canonical_json
from sovet.ports import PersonalRecord

__all__ = ["SqlPersonalStore", "personal_data"]

personal_data = Table(
    "personal_data",
    metadata,
    Column("person", String(200), nullable=False),
    Column("secret", String(64), nullable=False),
    Column("record", Text, nullable=False),
    PrimaryKeyConstraint("person", name="pk_personal_data"),
)
"""Migration ``0014_personal_data`` must create exactly this table."""


class SqlPersonalStore:
    """A ``ports.PersonalStore`` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection
        self._present: bool | None = None
        self._known: dict[str, PersonalRecord | None] = {}
        """What this transaction read or wrote (an import reads each row twice)."""

    def _exists(self) -> bool:
        if self._present is None:
            self._present = inspect(self._conn).has_table(personal_data.name)
        return self._present

    def get(self, person: str) -> PersonalRecord | None:
        """The member's record, or ``None``."""
        if person in self._known:
            return self._known[person]
        if not self._exists():
            return None
        row = self._conn.execute(
            select(personal_data.c.secret, personal_data.c.record).where(
                personal_data.c.person == person
            )
        ).first()
        found = None if row is None else PersonalRecord(person, row[0], _load(row[1]))
        self._known[person] = found
        return found

    def put(self, record: PersonalRecord) -> None:
        """Store or replace the member's record."""
        if not self._exists():
            raise StorageError(
                "this database has no personal_data table (not migrated)"
            )
        text = canonical_json(dict(record.data)).decode()
        row = {"person": record.person, "secret": record.secret, "record": text}
        dialect = self._conn.dialect.name
        upsert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(
            personal_data
        )
        self._conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[personal_data.c.person],
                set_={
                    "secret": upsert.excluded.secret,
                    "record": upsert.excluded.record,
                },
            ),
            row,
        )
        self._known[record.person] = record

    def erase(self, person: str) -> bool:
        """Remove the member's record and secret."""
        if not self._exists():
            return False
        gone = self._conn.execute(
            delete(personal_data).where(personal_data.c.person == person)
        )
        self._known[person] = None
        return bool(gone.rowcount)

    def all(self) -> list[PersonalRecord]:
        """Every record, by person id."""
        if not self._exists():
            return []
        rows = self._conn.execute(
            select(
                personal_data.c.person, personal_data.c.secret, personal_data.c.record
            ).order_by(personal_data.c.person)
        )
        return [PersonalRecord(p, s, _load(r)) for p, s, r in rows]


def _load(text: str) -> dict[str, object]:
    try:
        found = json.loads(text)
    except ValueError as error:
        raise StorageError(f"a stored personal record is malformed: {error}") from error
    if not isinstance(found, dict):
        raise StorageError("a stored personal record is not an object")
    return found
