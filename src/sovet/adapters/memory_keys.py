"""The in-memory store of the signing key's records (moved from ``memory``,
which still exports it)."""

from __future__ import annotations

from sovet.ledger.keyring import KeyRecord

__all__ = ["InMemoryKeyRecordStore"]


class InMemoryKeyRecordStore:
    """The signing key's certificates and rotations, append-only, in order."""

    def __init__(self) -> None:
        self._items: list[KeyRecord] = []
        self._base = 0

    def _fork(self) -> InMemoryKeyRecordStore:
        copy = InMemoryKeyRecordStore()
        copy._items = self._items.copy()
        copy._base = len(self._items)
        return copy

    def _clash(self, work: InMemoryKeyRecordStore) -> bool:
        """True when another unit added records since ``work`` began."""
        return len(self._items) != work._base and len(work._items) > work._base

    def _merge(self, work: InMemoryKeyRecordStore) -> None:
        self._items.extend(work._items[work._base :])

    def add(self, record: KeyRecord) -> None:
        """Store a record after the others."""
        self._items.append(record)

    def list(self) -> list[KeyRecord]:
        """All records, in the order they were added."""
        return list(self._items)
