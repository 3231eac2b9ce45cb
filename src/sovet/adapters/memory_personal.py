"""The in-memory erasable table of personal data (v2 logs, issue 10 finding 9)."""

from __future__ import annotations

from sovet.ports import PersonalRecord

__all__ = ["InMemoryPersonalStore"]


class InMemoryPersonalStore:
    """The erasable table of personal data (``ports.PersonalStore``)."""

    def __init__(self) -> None:
        self._rows: dict[str, PersonalRecord] = {}
        self._touched: set[str] = set()

    def _fork(self) -> InMemoryPersonalStore:
        copy = InMemoryPersonalStore()
        copy._rows = dict(self._rows)
        return copy

    def _merge(self, work: InMemoryPersonalStore) -> None:
        for person in work._touched:
            if person in work._rows:
                self._rows[person] = work._rows[person]
            else:
                self._rows.pop(person, None)

    def get(self, person: str) -> PersonalRecord | None:
        """The member's record, or ``None``."""
        return self._rows.get(person)

    def put(self, record: PersonalRecord) -> None:
        """Store or replace the member's record."""
        self._rows[record.person] = record
        self._touched.add(record.person)

    def erase(self, person: str) -> bool:
        """Remove the member's record and secret."""
        self._touched.add(person)
        return self._rows.pop(person, None) is not None

    def all(self) -> list[PersonalRecord]:
        """Every record, by person id."""
        return [self._rows[p] for p in sorted(self._rows)]
