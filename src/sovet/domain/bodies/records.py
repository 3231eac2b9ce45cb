"""SR-1…SR-3: the records of bodies, factions and persons."""

from __future__ import annotations

from dataclasses import dataclass, field

from sovet.domain.kernel.messages import EventRef

__all__ = ["BodyRecord", "FactionRecord", "PersonRecord"]


@dataclass(slots=True)
class BodyRecord:
    """SR-2: a council, congress, executive committee, leadership or organisation."""

    id: str
    name: str
    kind: str
    level: str
    parent: str | None
    made_by: EventRef
    population: int = 0
    members: dict[str, str] = field(default_factory=dict)  # person → faction
    composition: dict[str, int] = field(default_factory=dict)  # faction → deputies
    refs: list[EventRef] = field(default_factory=list)
    voting_age: int | None = None  # SR-4 local lowering (franchise.electorate)
    aggregate: bool = False  # its composition was recorded as counts (SR-6)


@dataclass(slots=True)
class FactionRecord:
    """SR-18: a faction (party group) and the body that leads it."""

    id: str
    name: str
    leadership: str | None
    made_by: EventRef


@dataclass(slots=True)
class PersonRecord:
    """A person known to the federation, with their faction."""

    id: str
    name: str
    faction: str | None
    made_by: EventRef
