"""SR-6, SR-9…SR-11: constituencies, the deputies who hold their seats, composition.

A constituency (workplace, regiment, village) elects ``seats`` deputies to one
council. The sum of a council's constituency seats may not exceed its size by
SR-6 (from the council's population; a place under ``assembly_instead_below``
meets as an assembly and has no constituencies). Deputies take seats through a
verified election (``elections.py``) or, for a council whose sitting deputies
the sources give, through ``seat_deputy``; they leave them by recall
(``recalls.py``) or annulment (SR-8). Seating and unseating keep the council's
``members`` and ``composition`` (deputies by faction) current, which the
legitimacy answer reads (SR-27): ``composition_now`` is that query.

An unseated deputy loses membership of the council and of its registered
executive committee. The seats above that came from the deputy's seat (a
delegate's seat, a committee place) are vacated by their own events
(``seats.vacate_above``); in logs written before that (``legacy``), unseating
also took any mandate in an open congress session the council sent them to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

from sovet.domain.bodies.ladder import CouncilSizeRule, council_size, term_end
from sovet.domain.franchise.eligibility import polling_date
from sovet.domain.kernel.messages import (
    CREDENTIALS,
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.registry import decides, evolves
from sovet.errors import RuleViolation, says

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "ConstituencyRecord",
    "ConstituencyRegistered",
    "DeputySeated",
    "RegisterConstituency",
    "SeatDeputy",
    "SeatHolder",
    "by_election_due",
    "composition_now",
    "constituency_of",
    "council_seats",
    "seat",
    "terms_ended",
    "unseat",
]


@dataclass(slots=True)
class SeatHolder:
    """SR-9: a deputy holding a seat, since when and by which event."""

    person: str
    faction: str
    since: str
    ref: EventRef
    counted: bool = False  # already in a composition recorded in aggregate


@dataclass(slots=True)
class ConstituencyRecord:
    """SR-6/SR-10: a constituency's seats, holders, recall history and by-elections."""

    id: str
    council: str
    seats: int
    electorate: int
    ref: EventRef
    holders: dict[str, SeatHolder] = field(default_factory=dict)
    barred: list[str] = field(default_factory=list)
    failed_recalls: dict[str, str] = field(default_factory=dict)  # person → at
    pending: dict[str, str] = field(default_factory=dict)  # person → mode step
    by_elections: int = 0
    refs: list[EventRef] = field(default_factory=list)
    vacated: list[tuple[str, EventRef]] = field(default_factory=list)
    """SR-10: the seats due for a by-election — whose they were, and the event
    that scheduled it — oldest first."""

    @property
    def vacant(self) -> int:
        """Seats without a holder."""
        return self.seats - len(self.holders)


def constituency_of(state: FederationState, constituency: str) -> ConstituencyRecord:
    """``state.constituency(constituency)``: the constituency or ``NotFound`` (SR-6)."""
    return state.constituency(constituency)


def by_election_due(state: FederationState, record: ConstituencyRecord) -> str | None:
    """SR-10: the last polling day for the oldest by-election due in ``record``
    (``chain.by_election_within_days`` after the vacancy), or ``None``."""
    days = state.constitution.chain.by_election_within_days
    if not days or not record.vacated or record.by_elections < 1:
        return None
    since = polling_date(record.vacated[0][1].at)
    return (since + timedelta(days=days)).isoformat()


def council_seats(state: FederationState, council: str) -> int:
    """SR-6: seats of all constituencies of ``council``."""
    return sum(c.seats for c in state.constituencies.values() if c.council == council)


def composition_now(state: FederationState) -> dict[str, dict[str, int]]:
    """SR-27: every council's deputies by faction now (for the legitimacy warning)."""
    return {
        body.id: dict(body.composition)
        for body in state.bodies.values()
        if body.kind == "council"
    }


def terms_ended(state: FederationState, at: str) -> list[tuple[str, str]]:
    """SR-6: ``(constituency, deputy)`` whose term (``deputy_term_months``) has
    ended by ``at`` — seats due for election."""
    months = state.constitution.councils.deputy_term_months
    day = polling_date(at)
    return sorted(
        (c.id, h.person)
        for c in state.constituencies.values()
        for h in c.holders.values()
        if term_end(polling_date(h.since), months=months) <= day
    )


@command(resource="constituencies", issuers=Issuers(SECRETARY, field="council"))
class RegisterConstituency(Command):
    """SR-6: a constituency electing ``seats`` deputies to ``council``."""

    constituency: Annotated[
        str,
        "a new id for the constituency (a workplace, regiment, village …)",
    ]
    council: Annotated[str, "the id of the council it elects deputies to"]
    seats: Annotated[
        int,
        "SR-6: number of deputies it elects (all the council's constituencies "
        "together within the council's size)",
    ]
    electorate: Annotated[
        int,
        "number of electors, for sources with no named register (used only while "
        "nobody is registered); 0 = not recorded",
    ] = 0


@event()
class ConstituencyRegistered(DomainEvent):
    """SR-6: a constituency exists from ``at``."""

    constituency: str
    council: str
    seats: int
    electorate: int = 0

    @property
    def stream_id(self) -> str:
        """The council's stream."""
        return f"body:{self.council}"

    def describe(self) -> str:
        """One line."""
        return f"constituency {self.constituency} elects {self.seats} to {self.council}"


@decides(RegisterConstituency)
def _register(state: FederationState, cmd: RegisterConstituency) -> list[DomainEvent]:
    body = state.body(cmd.council)
    if body.kind != "council":
        raise RuleViolation(
            "SR-6",
            says("{council!r} is a {kind}", council=cmd.council, kind=body.kind),
            cmd.council,
        )
    if cmd.constituency in state.constituencies:
        raise RuleViolation(
            "SR-6",
            says("constituency {constituency!r} exists", constituency=cmd.constituency),
            cmd.constituency,
        )
    if cmd.seats < 1 or cmd.electorate < 0:
        raise RuleViolation(
            "SR-6",
            says(
                "{seats} seats, electorate {electorate}",
                seats=cmd.seats,
                electorate=cmd.electorate,
            ),
            cmd.seats,
        )
    if body.population > 0:
        p = state.constitution.councils
        size = council_size(
            body.population,
            city=body.population >= 10_000,
            city_rule=CouncilSizeRule(
                p.deputy_ratio_city, p.council_min_city, p.council_max_city
            ),
            settlement_rule=CouncilSizeRule(
                p.deputy_ratio_rural, p.council_min_rural, p.council_max_rural
            ),
            assembly_instead_below=p.assembly_instead_below,
        )
        if size.assembly:
            raise RuleViolation(
                "SR-6",
                says(
                    "{name} ({population} inhabitants) meets as a general "
                    "assembly of voters, not a council of deputies",
                    name=body.name,
                    population=body.population,
                ),
                body.population,
            )
        total = council_seats(state, cmd.council) + cmd.seats
        if total > size.deputies:
            raise RuleViolation(
                "SR-6",
                says(
                    "{name} has {deputies} deputies for {population} "
                    "inhabitants; constituencies would hold {total}",
                    name=body.name,
                    deputies=size.deputies,
                    population=body.population,
                    total=total,
                ),
                total,
            )
    return [
        ConstituencyRegistered(
            at=cmd.at,
            constituency=cmd.constituency,
            council=cmd.council,
            seats=cmd.seats,
            electorate=cmd.electorate,
        )
    ]


@evolves(ConstituencyRegistered)
def _registered(
    state: FederationState, evt: ConstituencyRegistered, ref: EventRef
) -> None:
    state.constituencies[evt.constituency] = ConstituencyRecord(
        evt.constituency, evt.council, evt.seats, evt.electorate, ref, refs=[ref]
    )
    state.bodies[evt.council].refs.append(ref)


def seat(
    state: FederationState,
    constituency: str,
    person: str,
    faction: str,
    at: str,
    ref: EventRef,
    *,
    counted: bool = False,
) -> None:
    """SR-8: put ``person`` in a seat of ``constituency`` (an evolve helper)."""
    record = state.constituencies[constituency]
    record.holders[person] = SeatHolder(person, faction, at, ref, counted)
    record.refs.append(ref)
    body = state.bodies[record.council]
    body.members[person] = faction
    if not counted:
        body.composition[faction] = body.composition.get(faction, 0) + 1


def unseat(
    state: FederationState, constituency: str, person: str, *, legacy: bool
) -> SeatHolder:
    """SR-9/SR-10: take the seat from ``person`` and the votes held in the council.

    ``legacy`` (events of logs written before seats above had their own
    vacancies): also end the mandates in open congress sessions the council
    sent them to, as those logs did.
    """
    record = state.constituencies[constituency]
    holder = record.holders.pop(person)
    record.pending.pop(person, None)
    council = state.bodies[record.council]
    council.members.pop(person, None)
    left = council.composition.get(holder.faction, 0) - 1
    if left > 0:
        council.composition[holder.faction] = left
    else:
        council.composition.pop(holder.faction, None)
    for body in state.bodies.values():
        if body.kind == "executive_committee" and body.parent == record.council:
            body.members.pop(person, None)
    if not legacy:
        return holder
    for session in state.assemblies.values():
        delegate = session.delegates.get(person)
        if session.closed_at or delegate is None or delegate.sender != record.council:
            continue
        del session.delegates[person]
        tally = session.seated if delegate.kind == "decisive" else session.consultative
        tally[delegate.faction] = tally.get(delegate.faction, 0) - 1
        if not delegate.present:
            session.absent[delegate.faction] = (
                session.absent.get(delegate.faction, 0) - 1
            )
    return holder


@command(
    resource="constituencies",
    issuers=Issuers(CREDENTIALS, field="constituency", reach="constituency"),
)
class SeatDeputy(Command):
    """SR-8: record a sitting deputy the sources name (not elected in the log).

    ``counted``: the deputy is already inside a composition recorded in
    aggregate (``record_council_composition``), so it is not counted again.
    """

    constituency: Annotated[str, "the id of the constituency the deputy sits for"]
    person: Annotated[str, "the id of the sitting deputy (a registered person)"]
    counted: Annotated[
        bool,
        "true when the deputy is already in the composition given by "
        "record_council_composition (not counted twice)",
    ] = False


@event()
class DeputySeated(DomainEvent):
    """SR-8: a deputy holds a seat of the constituency from ``at``."""

    constituency: str
    person: str
    faction: str
    counted: bool = False

    @property
    def stream_id(self) -> str:
        """The constituency's stream."""
        return f"constituency:{self.constituency}"

    def describe(self) -> str:
        """One line."""
        return f"{self.person} ({self.faction}) sits for {self.constituency}"


@decides(SeatDeputy)
def _seat(state: FederationState, cmd: SeatDeputy) -> list[DomainEvent]:
    record = state.constituency(cmd.constituency)
    person = state.person(cmd.person)
    if record.vacant < 1:
        raise RuleViolation(
            "SR-8",
            says("{constituency!r} has no vacant seat", constituency=cmd.constituency),
            cmd.constituency,
        )
    if any(cmd.person in c.holders for c in state.constituencies.values()):
        raise RuleViolation(
            "SR-8",
            says("{person!r} already holds a seat", person=cmd.person),
            cmd.person,
        )
    faction = person.faction or ""
    if cmd.counted and state.bodies[record.council].composition.get(
        faction, 0
    ) < 1 + sum(
        1
        for c in state.constituencies.values()
        if c.council == record.council
        for h in c.holders.values()
        if h.counted and h.faction == faction
    ):
        raise RuleViolation(
            "SR-8",
            says(
                "the recorded composition of {council!r} has no uncounted "
                "{faction!r} deputy left for {person!r}",
                council=record.council,
                faction=faction,
                person=cmd.person,
            ),
            cmd.person,
        )
    return [
        DeputySeated(
            at=cmd.at,
            constituency=cmd.constituency,
            person=cmd.person,
            faction=faction,
            counted=cmd.counted,
        )
    ]


@evolves(DeputySeated)
def _seated(state: FederationState, evt: DeputySeated, ref: EventRef) -> None:
    seat(
        state,
        evt.constituency,
        evt.person,
        evt.faction,
        evt.at,
        ref,
        counted=evt.counted,
    )
