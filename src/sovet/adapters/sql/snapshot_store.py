"""``SqlSnapshotStore``: snapshots of the folded state (``services.snapshots``),
written in the unit's transaction beside the checkpoint that vouches for them."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select

from sovet.adapters.sql.projections import has_snapshots
from sovet.adapters.sql.schema import snapshots
from sovet.ports import SnapshotInfo

__all__ = ["SqlSnapshotStore"]


class SqlSnapshotStore:
    """A ``ports.SnapshotStore``: one snapshot per log size."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def put(self, info: SnapshotInfo, data: bytes) -> None:
        """Store (or replace) the snapshot at ``info.size``."""
        self.delete(info.size)
        self._conn.execute(
            snapshots.insert().values(
                size=info.size, format=info.format, sha256=info.sha256, data=data
            )
        )

    def list(self) -> list[SnapshotInfo]:
        """Every snapshot's size, format and hash, largest size first (none in
        a database opened read-only before its migration to snapshots)."""
        if not has_snapshots(self._conn):
            return []
        rows = self._conn.execute(
            select(snapshots.c.size, snapshots.c.format, snapshots.c.sha256).order_by(
                snapshots.c.size.desc()
            )
        )
        return [SnapshotInfo(int(size), fmt, sha) for size, fmt, sha in rows]

    def data(self, size: int) -> bytes | None:
        """The stored bytes of the snapshot at ``size``, or ``None``."""
        found = self._conn.execute(
            select(snapshots.c.data).where(snapshots.c.size == size)
        ).scalar()
        return None if found is None else bytes(found)

    def delete(self, size: int) -> None:
        """Drop the snapshot at ``size`` (if any)."""
        self._conn.execute(delete(snapshots).where(snapshots.c.size == size))
