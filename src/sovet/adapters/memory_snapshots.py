"""``InMemorySnapshotStore``: the memory adapter's snapshots of the folded state
(``services.snapshots``), merged at a unit's commit like its other stores."""

from __future__ import annotations

from sovet.ports import SnapshotInfo

__all__ = ["InMemorySnapshotStore"]


class InMemorySnapshotStore:
    """A ``ports.SnapshotStore``: one snapshot per log size."""

    def __init__(self) -> None:
        self._items: dict[int, tuple[SnapshotInfo, bytes]] = {}
        self._changed: dict[int, tuple[SnapshotInfo, bytes] | None] = {}

    def _fork(self) -> InMemorySnapshotStore:
        copy = InMemorySnapshotStore()
        copy._items = dict(self._items)
        return copy

    def _merge(self, work: InMemorySnapshotStore) -> None:
        for size, item in work._changed.items():
            if item is None:
                self._items.pop(size, None)
            else:
                self._items[size] = item

    def put(self, info: SnapshotInfo, data: bytes) -> None:
        """Store (or replace) the snapshot at ``info.size``."""
        self._items[info.size] = self._changed[info.size] = (info, bytes(data))

    def list(self) -> list[SnapshotInfo]:
        """Every snapshot's size, format and hash, largest size first."""
        return [self._items[size][0] for size in sorted(self._items, reverse=True)]

    def data(self, size: int) -> bytes | None:
        """The stored bytes of the snapshot at ``size``, or ``None``."""
        found = self._items.get(size)
        return None if found is None else found[1]

    def delete(self, size: int) -> None:
        """Drop the snapshot at ``size`` (if any)."""
        self._items.pop(size, None)
        self._changed[size] = None
