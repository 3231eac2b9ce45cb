"""The world state folded from the log, and the records it holds.

Design (documented choice, STYLE S3 adapted for a 1M-event replay): the state
is *mutable* behind the ``@evolves`` functions, which change it in place — one
dict write per event, no copies. ``decide`` only reads it. Callers that need
the state before an event (``whatif``) take ``state.copy()`` first; ``fold``
always builds a fresh one.

The fold applies events in the domain's order of acts — effective time, then
log sequence (``EventRef.order``) — which is the log's order unless a late
entry was appended after acts dated later; it skips the events that a void
names (``ActVoided``, ``EntryAnnulled``: ``kernel.corrections``), keeping them
in ``log`` with the rest. Every record keeps the ``EventRef`` (seq, hash) of
the events that made it, for proofs (SR-28). The state also keeps the stored
events it has seen (references, not copies), so ``as_of(T)`` can refold the
prefix of the log up to T (acts are in time order, see ``registry.decide``).

Records are plain mutable dataclasses that live beside the rules that own
them (``bodies.records``, ``kernel.assembly``, ``government.records``, and the
franchise, elections, recall and congress rooms' own modules); they may gain
fields with defaults. Lookups that fail raise ``NotFound`` naming the kind and the id.
"""

from __future__ import annotations

import copy
import gc
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from sovet.domain.kernel.assembly import Assembly, DecisionRecord, MotionRecord
from sovet.domain.kernel.calendar import moment
from sovet.domain.kernel.constitution import Constitution
from sovet.domain.kernel.messages import EventRef
from sovet.domain.kernel.registry import evolve
from sovet.errors import NotFound, says
from sovet.ledger.envelope import StoredEvent

if TYPE_CHECKING:
    from sovet.domain.bodies.records import BodyRecord, FactionRecord, PersonRecord
    from sovet.domain.congress.apportion_delegates import ApportionmentRecord
    from sovet.domain.elections.deputies import ConstituencyRecord
    from sovet.domain.elections.polling import ElectionRecord
    from sovet.domain.franchise.eligibility import Person
    from sovet.domain.government.records import (
        BreachRecord,
        DemandRecord,
        ExpiryRecord,
        GovernmentRecord,
        HoldRecord,
        OfferRecord,
        ResignationRecord,
    )
    from sovet.domain.recall.petitions import PetitionRecord

__all__ = [
    "VOID_TYPES",
    "FederationState",
    "VoidRecord",
    "domain_order",
    "fold",
    "voided_seqs",
]

VOID_TYPES = frozenset({"ActVoided", "EntryAnnulled"})
"""The event types that void earlier events (``kernel.corrections``)."""


@dataclass(frozen=True, slots=True)
class VoidRecord:
    """SR-28: events that no longer count, the rule, why, and the void's ref."""

    seqs: tuple[int, ...]
    rule: str
    reason: str
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
    # Franchise, deputies, elections and apportionment: SR-4…SR-14.
    electors: dict[str, Person] = field(default_factory=dict)
    constituencies: dict[str, ConstituencyRecord] = field(default_factory=dict)
    elections: dict[str, ElectionRecord] = field(default_factory=dict)
    petitions: dict[str, PetitionRecord] = field(default_factory=dict)  # SR-10
    apportionments: dict[str, ApportionmentRecord] = field(default_factory=dict)
    constitution_ref: EventRef | None = None
    voids: list[VoidRecord] = field(default_factory=list)
    voided: frozenset[int] = field(default=frozenset(), compare=False, repr=False)
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

    @property
    def zone(self) -> str:
        """SR-28: the zone a bare date is read in (``records.timezone``)."""
        return self.constitution.records.timezone

    def record(self, stored: StoredEvent, *, applied: bool = True) -> None:
        """Note that ``stored`` was applied (called by ``registry.evolve``), or
        skipped as void (``applied=False``): it stays in ``log``."""
        if applied:
            self.last_at = stored.effective_at
        if self.head is None or stored.seq > self.head[0]:
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
        """The state folded from the events in effect at or before ``at``
        (the voids known to this state apply, whatever their own time)."""
        zone = self.zone
        limit = moment(at, end_of_day=True, zone=zone)
        prefix = [e for e in self.log if moment(e.effective_at, zone=zone) <= limit]
        return fold(prefix, voided=self.voided)

    def as_known_at(self, known: str) -> FederationState:
        """SR-28, the other time: the state as the records stood at ``known`` —
        the fold of the events appended by then (``appended_at``; v1 events,
        which carry none, always), their voids included, no later ones. Itself
        when every event was appended by then."""
        zone = self.zone
        limit = moment(known, end_of_day=True, zone=zone)
        seen: dict[str, bool] = {}

        def kept(stored: StoredEvent) -> bool:
            stamp = stored.appended_at
            if stamp is None:
                return True
            found = seen.get(stamp)
            if found is None:
                found = seen[stamp] = moment(stamp) <= limit
            return found

        known_log = [e for e in self.log if kept(e)]
        if len(known_log) == len(self.log):
            return self
        return fold(known_log)

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

    def constituency(self, constituency_id: str) -> ConstituencyRecord:
        """The constituency ``constituency_id`` or ``NotFound`` (SR-6)."""
        return _get(self.constituencies, constituency_id, "constituency")

    def election(self, election_id: str) -> ElectionRecord:
        """The election ``election_id`` or ``NotFound`` (SR-7)."""
        return _get(self.elections, election_id, "election")

    def petition(self, petition_id: str) -> PetitionRecord:
        """The recall petition ``petition_id`` or ``NotFound`` (SR-10)."""
        return _get(self.petitions, petition_id, "recall petition")

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
    "constituency": "SR-6",
    "election": "SR-7",
    "recall petition": "SR-10",
}


def _get(table: dict[str, _T], key: str, kind: str) -> _T:
    try:
        return table[key]
    except KeyError:
        rule = _RULE_OF_KIND[kind]
        raise NotFound(
            rule, says("unknown {kind} {key!r}", kind=_WORD[kind], key=key), key
        ) from None


_WORD = {
    "body": says("body"),
    "faction": says("faction"),
    "person": says("person"),
    "congress or executive committee": says("congress or executive committee"),
    "motion": says("motion"),
    "government": says("government"),
    "constituency": says("constituency"),
    "election": says("election"),
    "recall petition": says("recall petition"),
}
"""The kinds of ``_RULE_OF_KIND`` as a refusal names them, in the reader's language."""


def voided_seqs(events: Iterable[StoredEvent]) -> frozenset[int]:
    """The seqs the log's voids name; a void that a later one voids does not
    count (annulling a late entry brings back what it voided), so the voids
    are read from the newest back."""
    voids = [e for e in events if e.type in VOID_TYPES]
    voided: set[int] = set()
    for void in sorted(voids, key=lambda e: e.seq, reverse=True):
        if void.seq in voided:
            continue
        seqs = void.payload.get("seqs", [])
        voided.update(s for s in seqs if type(s) is int)
    return frozenset(voided)


def _zone_of(events: Sequence[StoredEvent]) -> str:
    """The ``records.timezone`` of the log's latest constitution (else UTC)."""
    for stored in reversed(events):
        if stored.type == "ConstitutionAdopted":
            found = stored.payload.get("constitution", {})
            zone = found.get("records", {}).get("timezone", "UTC")
            return zone if isinstance(zone, str) else "UTC"
    return "UTC"


def domain_order(events: Sequence[StoredEvent], zone: str) -> Sequence[StoredEvent]:
    """``events`` by (effective time, seq): as given when already in that order."""
    seen: dict[str, datetime] = {}

    def key(stored: StoredEvent) -> datetime:
        at = stored.effective_at
        found = seen.get(at)
        if found is None:
            found = seen[at] = moment(at, zone=zone)
        return found

    last: datetime | None = None
    last_seq = 0
    for stored in events:
        when = key(stored)
        if last is not None and (when < last or stored.seq < last_seq):
            return sorted(events, key=lambda e: (key(e), e.seq))
        last, last_seq = when, stored.seq
    return events


def fold(
    events: Iterable[StoredEvent], *, voided: frozenset[int] | None = None
) -> FederationState:
    """SR-28: the state the events make, applied from an empty state in the
    domain's order, voided events skipped (``voided``: else the events' own).

    The cyclic garbage collector is paused meanwhile: a replay allocates
    millions of objects that live on (records, refs), which would otherwise
    trigger full collections over an ever larger heap (a third of the time of
    a million-event replay); evolving makes no reference cycles to reclaim.
    """
    log = events if isinstance(events, list) else list(events)
    skip = voided_seqs(log) if voided is None else voided
    state = FederationState()
    state.voided = skip
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for stored in domain_order(log, _zone_of(log)):
            if stored.seq in skip:
                state.record(stored, applied=False)
            else:
                evolve(state, stored)
    finally:
        if was_enabled:
            gc.enable()
    return state
