"""SR-21…SR-30: the records of governments, offers, demands, holds, resignations,
breaches and mandate-ending events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sovet.domain.kernel.messages import EventRef

__all__ = [
    "BreachRecord",
    "DemandRecord",
    "ExpiryRecord",
    "GovernmentRecord",
    "GovernmentStatus",
    "HoldRecord",
    "OfferRecord",
    "OfferStatus",
    "OfficeRecord",
    "ResignationRecord",
    "ResignationStatus",
]


GovernmentStatus = Literal["proposed", "approved", "ended"]
"""SR-21…SR-26: a government list, then approved, then ended."""

OfferStatus = Literal["open", "declined", "accepted", "withdrawn"]
"""SR-23: a coalition offer and its answer."""

ResignationStatus = Literal["pending", "effective"]
"""SR-29/SR-30: a resignation waiting for a hold to end, or in effect."""


@dataclass(slots=True)
class OfficeRecord:
    """SR-21/SR-30: one office of a government and who holds it."""

    office: str
    person: str | None
    faction: str | None
    since: EventRef | None = None
    vacated: EventRef | None = None
    offer: str | None = None  # held under a coalition commitment (SR-24)
    title: str = ""


@dataclass(slots=True)
class GovernmentRecord:
    """SR-21…SR-28: a government list, its approval, its offices and its end."""

    id: str
    name: str
    assembly: str
    nominated_by: str
    submitted: EventRef
    offices: dict[str, OfficeRecord] = field(default_factory=dict)
    status: GovernmentStatus = "proposed"
    approved_by: str | None = None  # motion id (the latest approval/confirmation)
    approvals: list[str] = field(default_factory=list)
    bloc: list[str] = field(default_factory=list)
    ended: EventRef | None = None
    ended_reason: str | None = None
    programme: str | None = None


@dataclass(slots=True)
class OfferRecord:
    """SR-23/SR-24: seats offered to a minority faction, and the answer."""

    id: str
    government: str
    by_faction: str
    to_faction: str
    persons: tuple[str, ...]
    offices: tuple[str, ...]
    made: EventRef
    titles: tuple[str, ...] = ()
    status: OfferStatus = "open"
    answer: EventRef | None = None


@dataclass(slots=True)
class DemandRecord:
    """SR-25: a demand (ultimatum), recorded; it binds nothing."""

    id: str
    by: str
    addressed_to: str
    conditions: tuple[str, ...]
    threat: str
    made: EventRef
    adopted_by: str | None = None


@dataclass(slots=True)
class HoldRecord:
    """SR-29: resignations wait until the named organisations take a position."""

    id: str
    body: str
    persons: tuple[str, ...]
    until: tuple[str, ...]
    placed: EventRef
    scope: tuple[str, ...] = ()  # bodies/governments whose resignations it holds
    positions: dict[str, EventRef] = field(default_factory=dict)

    def active(self) -> bool:
        """True while an organisation named in ``until`` has not taken a position."""
        return any(org not in self.positions for org in self.until)


@dataclass(slots=True)
class ResignationRecord:
    """SR-29/SR-30: a resignation from a body or a government office.

    A pending resignation (``breach_effect = "refer"``) becomes effective when
    the hold it waits for ends: ``ref`` is then the event by which it took
    effect and ``pending`` the one that recorded it pending.
    """

    person: str
    body: str  # a body id or a government id
    office: str | None
    status: ResignationStatus
    hold: str | None
    ref: EventRef
    pending: EventRef | None = None
    statement: str = ""


@dataclass(slots=True)
class BreachRecord:
    """SR-29/SR-31: a breach of a hold or a binding decision."""

    person: str
    rule: str
    of: str  # hold id or decision (motion) id
    act: str
    effect: str
    ref: EventRef


@dataclass(slots=True)
class ExpiryRecord:
    """SR-26: an event that ends mandates (``condition`` as in ``expiry_events``)."""

    condition: str
    body: str
    ref: EventRef
