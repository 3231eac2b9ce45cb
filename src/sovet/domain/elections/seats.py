"""SR-2, SR-11, SR-12, SR-20: the seats a person holds at every level, and what
losing one vacates above it.

A person's seats, bottom up (``seats_of``):

- a deputy's seat in a constituency of a council (key ``deputy:<constituency>``),
  until the council's re-election, a recall, a resignation or an annulment;
- a delegate's seat in the latest session of a congress body
  (``delegate:<session>``), sitting or closed, until the body's next session
  convenes;
- a place on a sitting executive committee (``committee:<committee>``), until
  its successor is elected (SR-20);
- membership of other registered bodies (``member:<body>``: a faction's
  leadership, an organisation), which no rule chains.

Each delegate seat and committee place records the seats it came from
(``DelegateRecord.basis``, bottom first): a council's delegate the deputy's
seat (``chain.delegates_chosen_by = "council"``), a lower congress's delegate
that delegate seat and what it came from, a committee place the delegate seat
at the electing congress (``chain.ec_from_delegates``). Outside an aggregate
constitution a seat above is given only to a holder of the seat below at that
moment (``sender_seat``, ``delegate_seat``), so every such seat has its basis.

When a seat is lost early — recall, resignation, replacement by the sender,
annulment — every seat whose basis holds it falls vacant at once, each by its
own ``SeatVacated`` event naming the rule and the cause (``vacate_above``; none
with ``chain.vacate_above = false``). A natural end (the next congress, a
successor committee, a re-election) ends only the seat itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sovet.domain.elections.deputies import unseat
from sovet.domain.kernel.assembly import Assembly, vacate_seat
from sovet.domain.kernel.messages import DomainEvent, EventRef, event
from sovet.domain.kernel.registry import evolves

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "Held",
    "SeatVacated",
    "committee_key",
    "delegate_key",
    "delegate_seat",
    "deputy_key",
    "latest_sessions",
    "seat_name",
    "seats_of",
    "sender_seat",
    "vacate_above",
]


def deputy_key(constituency: str) -> str:
    """The key of a deputy's seat in ``constituency``."""
    return f"deputy:{constituency}"


def delegate_key(session: str) -> str:
    """The key of a delegate's seat in congress session ``session``."""
    return f"delegate:{session}"


def committee_key(committee: str) -> str:
    """The key of a place on executive committee ``committee``."""
    return f"committee:{committee}"


@dataclass(frozen=True, slots=True)
class Held:
    """One seat a person holds: where, in which role, since which event."""

    key: str
    role: str
    """deputy, delegate, consultative delegate, committee member, committee
    chair or member."""
    seat: str
    """The constituency, congress session, committee or body the seat is in."""
    body: str
    """The body it belongs to: the council, the congress body, or the body."""
    level: int
    ref: EventRef | None
    basis: tuple[str, ...] = ()


_RANK = {"deputy": 0, "member": 0, "delegate": 1, "committee": 2}


def latest_sessions(state: FederationState) -> dict[str, Assembly]:
    """SR-18: the latest session of every congress body, in one pass."""
    latest: dict[str, Assembly] = {}
    for assembly in state.assemblies.values():
        if assembly.kind == "congress":
            latest[assembly.body] = assembly
    return latest


def _level(state: FederationState, body: str) -> int:
    record = state.bodies.get(body)
    levels = state.constitution.levels
    return levels.index(record.level) if record and record.level in levels else -1


def seats_of(state: FederationState, person: str) -> list[Held]:
    """Every seat ``person`` holds now, bottom up (level, then deputy, delegate,
    committee place)."""
    found: list[Held] = []
    for constituency in state.constituencies.values():
        holder = constituency.holders.get(person)
        if holder is not None:
            council = constituency.council
            found.append(
                Held(
                    deputy_key(constituency.id),
                    "deputy",
                    constituency.id,
                    council,
                    _level(state, council),
                    holder.ref,
                )
            )
    found += _upper_seats(state, person)
    for body in state.bodies.values():
        if body.kind != "council" and person in body.members:
            found.append(
                Held(
                    f"member:{body.id}",
                    "member",
                    body.id,
                    body.id,
                    _level(state, body.id),
                    body.made_by,
                )
            )
    return sorted(found, key=lambda h: (h.level, _RANK[h.key.split(":")[0]]))


def _upper_seats(state: FederationState, person: str) -> list[Held]:
    """The delegate seats and committee places ``person`` holds now."""
    found: list[Held] = []
    for session in latest_sessions(state).values():
        place = session.delegates.get(person)
        if place is not None:
            role = "delegate" if place.kind == "decisive" else "consultative delegate"
            found.append(
                Held(
                    delegate_key(session.id),
                    role,
                    session.id,
                    session.body,
                    _level(state, session.body),
                    place.ref,
                    place.basis,
                )
            )
    for committee in state.assemblies.values():
        if committee.kind != "executive_committee" or committee.closed_at:
            continue
        place = committee.delegates.get(person)
        if place is not None:
            chair = committee.chair == person
            found.append(
                Held(
                    committee_key(committee.id),
                    "committee chair" if chair else "committee member",
                    committee.id,
                    committee.body,
                    _level(state, committee.body),
                    place.ref,
                    place.basis,
                )
            )
    return found


def seat_name(state: FederationState, held: Held) -> str:
    """The display name of where ``held`` is (council, session, committee …)."""
    if held.key.startswith("deputy:"):
        return state.display_name(held.body) or held.body
    return state.display_name(held.seat) or held.seat


def sender_seat(
    state: FederationState, person: str, senders: tuple[str, ...]
) -> tuple[str, tuple[str, ...]] | None:
    """SR-12: the first of ``senders`` that may send ``person``, with the seats
    the delegate seat comes from; ``None`` if none may.

    A council sends its seated deputies (``chain.delegates_chosen_by =
    "council"``) or, by its members' delegate election, any elector on one of
    its constituencies' registers (the seat then rests on no seat below); a
    congress body sends delegates of its latest session.
    """
    chosen = state.constitution.chain.delegates_chosen_by
    for sender in senders:
        body = state.bodies.get(sender)
        if body is None:
            continue
        if body.kind == "council":
            if chosen == "council":
                if person not in body.members:  # a quick test before the scan
                    continue
                for place in state.constituencies.values():
                    if place.council == sender and person in place.holders:
                        return sender, (deputy_key(place.id),)
                continue
            elector = state.electors.get(person)
            home = elector.constituency if elector is not None else None
            where = state.constituencies.get(home or "")
            if where is not None and where.council == sender:
                return sender, ()
        elif body.kind == "congress":
            session = state.latest_congress(sender)
            basis = delegate_seat(state, person, session.id) if session else None
            if basis is not None:
                return sender, basis
    return None


def delegate_seat(
    state: FederationState, person: str, congress: str
) -> tuple[str, ...] | None:
    """SR-20: the seats a place given through ``person``'s delegate seat at
    congress session ``congress`` comes from, or ``None`` if they hold none."""
    session = state.assemblies.get(congress)
    place = session.delegates.get(person) if session is not None else None
    if place is None:
        return None
    return (*place.basis, delegate_key(congress))


@event()
class SeatVacated(DomainEvent):
    """SR-11/SR-20: a named seat falls vacant, with the rule and the loss that
    caused it (``lost``: the seat below it came from; empty when this seat
    itself was given up)."""

    person: str
    place: str  # deputy | delegate | committee
    seat: str  # the constituency, congress session or committee
    body: str  # the council or congress body
    rule: str
    cause: str
    lost: str = ""

    @property
    def stream_id(self) -> str:
        """The stream of the seat's constituency, session or committee."""
        prefix = {"deputy": "constituency", "delegate": "congress"}
        return f"{prefix.get(self.place, 'executive')}:{self.seat}"

    def describe(self) -> str:
        """One line."""
        what = {"deputy": "deputy", "delegate": "delegate", "committee": "member"}
        where = self.n(self.body) if self.place == "deputy" else self.n(self.seat)
        return (
            f"{self.n(self.person)}'s seat as {what.get(self.place, self.place)} "
            f"of {where} vacated: {self.cause} ({self.rule})"
        )


def vacate_above(
    state: FederationState,
    person: str,
    lost: str,
    *,
    rule: str,
    cause: str,
    at: str,
) -> list[DomainEvent]:
    """SR-11: the vacancies ``person``'s early loss of seat ``lost`` causes —
    every seat they hold that came from it (none when ``chain.vacate_above``
    is off)."""
    if not state.constitution.chain.vacate_above:
        return []
    return [
        SeatVacated(
            at=at,
            person=person,
            place=held.key.split(":")[0],
            seat=held.seat,
            body=held.body,
            rule=rule,
            cause=cause,
            lost=lost,
        )
        for held in sorted(
            _upper_seats(state, person),
            key=lambda h: (h.level, _RANK[h.key.split(":")[0]]),
        )
        if lost in held.basis
    ]


@evolves(SeatVacated)
def _vacated(state: FederationState, evt: SeatVacated, ref: EventRef) -> None:
    if evt.place == "deputy":
        unseat(state, evt.seat, evt.person, legacy=False)
        state.constituencies[evt.seat].refs.append(ref)
        return
    assembly = state.assemblies[evt.seat]
    vacate_seat(assembly, evt.person, rule=evt.rule, cause=evt.cause, ref=ref)
    if assembly.kind == "congress":
        assembly.credentials.append(ref)  # the seated composition changed
