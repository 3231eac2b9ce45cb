"""The world state folded from the log, and the records it holds.

Design (documented choice, STYLE S3 adapted for a 1M-event replay): the state
is *mutable* behind the ``@evolves`` functions, which change it in place — one
dict write per event, no copies. ``decide`` only reads it. Callers that need
the state before an event (``whatif``) take ``state.copy()`` first; ``fold``
always builds a fresh one. Every record keeps the ``EventRef`` (seq, hash) of
the events that made it, for proofs (SR-28). The state also keeps the stored
events it has seen (references, not copies), so ``as_of(T)`` can refold the
prefix of the log up to T (acts are in time order, see ``registry.decide``).

Records are plain mutable dataclasses; concept modules may add fields with
defaults. Lookups that fail raise ``NotFound`` naming the kind and the id.
"""

from __future__ import annotations

import copy
import gc
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sovet.domain.calendar import moment
from sovet.domain.constitution import Constitution
from sovet.domain.errors import NotFound
from sovet.domain.registry import EventRef, evolve
from sovet.ledger.envelope import StoredEvent

if TYPE_CHECKING:
    from sovet.domain.apportion_delegates import ApportionmentRecord
    from sovet.domain.deputies import ConstituencyRecord
    from sovet.domain.franchise import Person
    from sovet.domain.petitions import PetitionRecord
    from sovet.domain.polling import ElectionRecord

__all__ = [
    "Assembly",
    "BodyRecord",
    "BreachRecord",
    "DecisionRecord",
    "DelegateRecord",
    "DemandRecord",
    "ExpiryRecord",
    "FactionRecord",
    "FederationState",
    "GovernmentRecord",
    "HoldRecord",
    "MotionRecord",
    "OfferRecord",
    "OfficeRecord",
    "PersonRecord",
    "ResignationRecord",
    "fold",
]


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
    voting_age: int | None = None  # h8 (electorate.py): SR-4 local lowering


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


@dataclass(slots=True)
class DelegateRecord:
    """SR-17: a delegate credentialed by name (``kind`` decisive or consultative)."""

    person: str
    faction: str
    kind: str
    sender: str | None
    present: bool = True
    instructions: dict[str, str] = field(default_factory=dict)  # SR-11: motion → choice


@dataclass(slots=True)
class Assembly:
    """SR-16…SR-19: a voting body in session — a congress or an executive committee.

    ``seated``/``consultative`` count credentialed delegates per faction (named
    ones included); ``absent`` counts decisive delegates who walked out (they
    stay seated, SR-19).
    """

    id: str
    body: str
    kind: str  # "congress" | "executive_committee"
    name: str
    opened_at: str
    made_by: EventRef
    number: int = 0
    apportioned: int = 0
    congress: str | None = None  # for an executive committee: who elected it
    size: int = 0
    chair: str | None = None
    credentials_committee: EventRef | None = None
    seated: dict[str, int] = field(default_factory=dict)
    consultative: dict[str, int] = field(default_factory=dict)
    absent: dict[str, int] = field(default_factory=dict)
    delegates: dict[str, DelegateRecord] = field(default_factory=dict)
    credentials: list[EventRef] = field(default_factory=list)
    closed_at: str | None = None
    executive: str | None = None  # the executive committee this congress elected
    sent: dict[str, int] = field(default_factory=dict)  # SR-12: decisive per sender

    def seated_total(self) -> int:
        """Credentialed decisive delegates."""
        return sum(self.seated.values())

    def present(self, faction: str) -> int:
        """Decisive delegates of ``faction`` present (seated minus walked out)."""
        return self.seated.get(faction, 0) - self.absent.get(faction, 0)

    def present_total(self) -> int:
        """All decisive delegates present."""
        return self.seated_total() - sum(self.absent.values())


@dataclass(slots=True)
class MotionRecord:
    """SR-19: a motion put to an assembly; ``kind`` selects its effect when carried."""

    id: str
    assembly: str
    kind: str
    text: str
    subject: str | None
    majority: str
    basis: str
    proposed: EventRef
    office: str | None = None
    person: str | None = None
    status: str = "open"  # open | adopted | rejected
    votes: dict[str, str] = field(default_factory=dict)  # person → yes|no|abstain
    yes: int = 0
    no: int = 0
    abstain: int = 0
    unrecorded: bool = False
    supported_by: tuple[str, ...] = ()
    supporters_seats: int = 0  # seats of ``supported_by`` present at the vote
    closed: EventRef | None = None
    seated_at_vote: int = 0


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
    status: str = "proposed"  # proposed | approved | ended
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
    status: str = "open"  # open | declined | accepted | withdrawn
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
    """SR-29/SR-30: a resignation from a body or a government office."""

    person: str
    body: str  # a body id or a government id
    office: str | None
    status: str  # pending | effective
    hold: str | None
    ref: EventRef


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
class DecisionRecord:
    """SR-31/SR-32: a binding decision with the written dissent recorded with it."""

    motion: str
    body: str
    text: str
    ref: EventRef
    dissent: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ExpiryRecord:
    """SR-26: an event that ends mandates (``condition`` as in ``expiry_events``)."""

    condition: str
    body: str
    ref: EventRef


@dataclass(slots=True)
class FederationState:
    """Everything the log says, folded; see the module docstring for the design."""

    constitution: Constitution = field(default_factory=Constitution)
    bodies: dict[str, BodyRecord] = field(default_factory=dict)
    factions: dict[str, FactionRecord] = field(default_factory=dict)
    persons: dict[str, PersonRecord] = field(default_factory=dict)
    assemblies: dict[str, Assembly] = field(default_factory=dict)
    motions: dict[str, MotionRecord] = field(default_factory=dict)
    governments: dict[str, GovernmentRecord] = field(default_factory=dict)
    offers: dict[str, OfferRecord] = field(default_factory=dict)
    demands: dict[str, DemandRecord] = field(default_factory=dict)
    holds: dict[str, HoldRecord] = field(default_factory=dict)
    resignations: list[ResignationRecord] = field(default_factory=list)
    breaches: list[BreachRecord] = field(default_factory=list)
    decisions: dict[str, DecisionRecord] = field(default_factory=dict)
    expiries: list[ExpiryRecord] = field(default_factory=list)
    # h8 (franchise, deputies, elections, apportion_delegates): SR-4…SR-14.
    electors: dict[str, Person] = field(default_factory=dict)
    constituencies: dict[str, ConstituencyRecord] = field(default_factory=dict)
    elections: dict[str, ElectionRecord] = field(default_factory=dict)
    petitions: dict[str, PetitionRecord] = field(default_factory=dict)  # SR-10
    apportionments: dict[str, ApportionmentRecord] = field(default_factory=dict)
    constitution_ref: EventRef | None = None
    last_at: str | None = None
    head: tuple[int, str] | None = None
    log: list[StoredEvent] = field(default_factory=list, compare=False, repr=False)
    time_indexes: dict[str | None, object] = field(
        default_factory=dict, compare=False, repr=False
    )  # legitimacy's ``timeline.TimeIndex`` per body, rebuilt when the log grows
    _rolls: dict[str, list[str]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _rolls_seen: int = field(default=0, compare=False, repr=False)

    def electors_in(self, constituency: str) -> list[Person]:
        """SR-4: the electors registered in ``constituency``, in register order.

        An index by constituency, caught up with the electors registered since
        the last call (electors are only ever added, and keep their
        constituency), so a roll costs its own size, not the federation's.
        """
        if self._rolls_seen != len(self.electors):
            fresh = itertools.islice(self.electors.values(), self._rolls_seen, None)
            for person in fresh:
                if person.constituency is not None:
                    self._rolls.setdefault(person.constituency, []).append(person.id)
            self._rolls_seen = len(self.electors)
        return [self.electors[p] for p in self._rolls.get(constituency, ())]

    def record(self, stored: StoredEvent) -> None:
        """Note that ``stored`` was applied (called by ``registry.evolve``)."""
        self.last_at = stored.recorded_at
        self.head = (stored.seq, stored.hash)
        self.log.append(stored)

    def copy(self) -> FederationState:
        """An independent copy (for ``whatif``); records are copied, events shared."""
        log = self.log
        self.log = []
        try:
            twin = copy.deepcopy(self)
        finally:
            self.log = log
        twin.log = list(log)
        return twin

    def as_of(self, at: str) -> FederationState:
        """The state folded from the events recorded at or before ``at``."""
        limit = moment(at, end_of_day=True)
        return fold(e for e in self.log if moment(e.recorded_at) <= limit)

    def display_name(self, key: str) -> str | None:
        """The name of the person, faction, body, session or government ``key``."""
        for table in (
            self.persons,
            self.factions,
            self.assemblies,
            self.bodies,
            self.governments,
        ):
            record = table.get(key)
            if record is not None:
                name: str = record.name
                return name
        motion = self.motions.get(key)
        return f"«{motion.text}»" if motion is not None else None

    def body(self, body_id: str) -> BodyRecord:
        """The body ``body_id`` or ``NotFound``."""
        return _get(self.bodies, body_id, "body")

    def faction(self, faction_id: str) -> FactionRecord:
        """The faction ``faction_id`` or ``NotFound``."""
        return _get(self.factions, faction_id, "faction")

    def person(self, person_id: str) -> PersonRecord:
        """The person ``person_id`` or ``NotFound``."""
        return _get(self.persons, person_id, "person")

    def assembly(self, assembly_id: str) -> Assembly:
        """The congress session or executive committee ``assembly_id``."""
        return _get(self.assemblies, assembly_id, "congress or executive committee")

    def motion(self, motion_id: str) -> MotionRecord:
        """The motion ``motion_id`` or ``NotFound``."""
        return _get(self.motions, motion_id, "motion")

    def government(self, government_id: str) -> GovernmentRecord:
        """The government ``government_id`` or ``NotFound``."""
        return _get(self.governments, government_id, "government")

    def congresses_of(self, body_id: str) -> list[Assembly]:
        """SR-18: the sessions of congress body ``body_id``, oldest first."""
        return [
            a
            for a in self.assemblies.values()
            if a.kind == "congress" and a.body == body_id
        ]

    def latest_congress(self, body_id: str) -> Assembly | None:
        """SR-18/SR-28: the latest session of ``body_id`` convened so far."""
        sessions = self.congresses_of(body_id)
        return sessions[-1] if sessions else None


_T = TypeVar("_T")
_RULE_OF_KIND = {
    "body": "SR-2",
    "faction": "SR-18",
    "person": "SR-4",
    "congress or executive committee": "SR-15",
    "motion": "SR-19",
    "government": "SR-21",
}


def _get(table: dict[str, _T], key: str, kind: str) -> _T:
    try:
        return table[key]
    except KeyError:
        rule = _RULE_OF_KIND[kind]
        raise NotFound(rule, f"unknown {kind} {key!r}", key) from None


def fold(events: Iterable[StoredEvent]) -> FederationState:
    """SR-28: the state the events make, applied in order from an empty state.

    The cyclic garbage collector is paused meanwhile: a replay allocates
    millions of objects that live on (records, refs), which would otherwise
    trigger full collections over an ever larger heap (a third of the time of
    a million-event replay); evolving makes no reference cycles to reclaim.
    """
    state = FederationState()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for stored in events:
            evolve(state, stored)
    finally:
        if was_enabled:
            gc.enable()
    return state
