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
in its count with the rest. Every record keeps the ``EventRef`` (seq, hash) of
the events that made it, for proofs (SR-28). A state folded from the store
(``replay.fold_source``) holds no event: ``as_of(T)``, ``as_known_at``, the
time index and ``events()`` read the log again through its ``source`` and
``selection`` (issue 13); one folded from a list of stored events
(``replay.fold``, tests, scratch states) keeps them in ``kept``.

Records are plain mutable dataclasses that live beside the rules that own
them (``bodies.records``, ``kernel.assembly``, ``government.records``, and the
franchise, elections, recall and congress rooms' own modules); they may gain
fields with defaults. Lookups that fail raise ``NotFound`` naming the kind and the id.
"""

from __future__ import annotations

import copy
import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from sovet.domain.kernel.assembly import Assembly, DecisionRecord, MotionRecord
from sovet.domain.kernel.calendar import moment
from sovet.domain.kernel.constitution import Constitution
from sovet.domain.kernel.messages import EventRef
from sovet.errors import NotFound, says
from sovet.ledger.envelope import EventRow, StoredEvent

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
    from sovet.domain.kernel.replay import LogSource, Selection
    from sovet.domain.recall.petitions import PetitionRecord

__all__ = [
    "RECENT",
    "VOID_TYPES",
    "FederationState",
    "VoidRecord",
    "domain_order",
    "fold",
    "voided_seqs",
]

RECENT = 256
"""How many of the last events recorded a state remembers as ``(seq, type,
effective_at)`` (the time index extends itself from them)."""

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
    first_at: str | None = field(default=None, compare=False, repr=False)
    last_at: str | None = None
    head: tuple[int, str] | None = None
    size: int = field(default=0, compare=False, repr=False)
    """How many events were recorded (applied or skipped as void)."""
    upto: int = field(default=0, compare=False, repr=False)
    """The highest seq the state's selection reads (its head, or its parent's)."""
    appended: str | None = field(default=None, compare=False, repr=False)
    """The ``appended_at`` of the newest event recorded (``None``: all v1)."""
    kept: list[StoredEvent] | None = field(
        default_factory=list, compare=False, repr=False
    )
    """The stored events recorded, in fold order; ``None`` with a ``source``."""
    source: LogSource | None = field(default=None, compare=False, repr=False)
    """Where the state reads its events again (``replay.LogSource``)."""
    selection: Selection | None = field(default=None, compare=False, repr=False)
    """Which of the source's events the state folded (``replay.Selection``)."""
    reordered: bool = field(default=False, compare=False, repr=False)
    """True when its fold order is not the source's seq order (late entries)."""
    recent: deque[tuple[int, str, str]] = field(
        default_factory=lambda: deque(maxlen=RECENT), compare=False, repr=False
    )
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
        skipped as void (``applied=False``): it counts in ``size`` (and stays in
        ``kept`` when the state keeps its events)."""
        seq = stored.seq
        self.note(
            (
                seq,
                stored.type,
                "",
                stored.effective_at,
                stored.hash,
                stored.appended_at,
            ),
            applied=applied,
        )
        if seq > self.upto:
            self.upto = seq
        self.recent.append((seq, stored.type, stored.effective_at))
        if self.kept is not None:
            self.kept.append(stored)

    def note(self, row: EventRow, *, applied: bool = True) -> None:
        """``record`` for an event applied from its row (``registry.apply_row``;
        a fold from rows sets ``upto`` itself and leaves ``recent`` alone)."""
        seq = row[0]
        if applied:
            self.last_at = row[3]
            if self.first_at is None:
                self.first_at = row[3]
        head = self.head
        if head is None or seq > head[0]:
            self.head = (seq, row[4])
            if row[5] is not None:
                self.appended = row[5]
        self.size += 1

    def events(self, after: int = 0) -> Sequence[StoredEvent]:
        """The stored events this state folded (``seq > after``), in the order
        it folded them: the ones it keeps, or read again from its source."""
        if self.kept is not None and after == 0:
            return self.kept
        return _replay.events_of(self, after)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled and deep-copied without its ``source`` (a store's reader)."""
        found = {name: getattr(self, name) for name in _FIELDS}
        found["source"] = None
        return found

    def __setstate__(self, found: dict[str, Any]) -> None:
        for name, value in found.items():
            object.__setattr__(self, name, value)

    def copy(self) -> FederationState:
        """An independent copy (for ``whatif``); records are copied, events shared."""
        kept = self.kept
        self.kept = None
        try:
            twin = copy.deepcopy(self)
        finally:
            self.kept = kept
        twin.kept = None if kept is None else list(kept)
        twin.source = self.source
        return twin

    def as_of(self, at: str) -> FederationState:
        """The state folded from the events in effect at or before ``at``
        (the voids known to this state apply, whatever their own time)."""
        zone = self.zone
        limit = moment(at, end_of_day=True, zone=zone)
        if self.kept is None:
            return _replay.refold(self, until=limit)
        kept = self.kept or []
        prefix = [e for e in kept if moment(e.effective_at, zone=zone) <= limit]
        return _replay.fold(prefix, voided=self.voided)

    def as_known_at(self, known: str) -> FederationState:
        """SR-28, the other time: the state as the records stood at ``known`` —
        the fold of the events appended by then (``appended_at``; v1 events,
        which carry none, always), their voids included, no later ones. Itself
        when every event was appended by then."""
        limit = moment(known, end_of_day=True, zone=self.zone)
        if self.appended is None or moment(self.appended) <= limit:
            return self
        if self.kept is None:
            return _replay.refold(self, known=limit)
        seen: dict[str, bool] = {}

        def kept(stored: StoredEvent) -> bool:
            stamp = stored.appended_at
            if stamp is None:
                return True
            found = seen.get(stamp)
            if found is None:
                found = seen[stamp] = moment(stamp) <= limit
            return found

        return _replay.fold([e for e in self.kept or [] if kept(e)])

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


_FIELDS = tuple(f.name for f in fields(FederationState))

# The fold lives beside the state (it builds states); imported last, as the
# two modules need each other.
from sovet.domain.kernel import replay as _replay  # noqa: E402
from sovet.domain.kernel.replay import (  # noqa: E402
    domain_order,
    fold,
    voided_seqs,
)
