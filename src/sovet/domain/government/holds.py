"""SR-29/SR-30: holds on resignation, resignations, breaches of a hold.

A body may hold its members' resignations until named organisations take a
position (SR-29). What a resignation under an active hold does is
``holds.breach_effect``: ``record`` (1917: the member leaves regardless — the
resignation takes effect and the breach is recorded, citing the hold),
``block`` (refused) or ``refer`` (referred to the organisations: the
resignation is *pending* and the member stays, so nothing is breached; a
second resignation while one is pending is refused). A pending resignation
completes when the hold it waits for ends — when the last organisation named
in the hold records its position: the same act emits, for each resignation
pending under that hold, ``ResignationTookEffect`` naming SR-29 and the hold
(if another active hold covers the member, the resignation waits for that one
instead). An effective resignation from a government office vacates it
(SR-30); the government goes on. A resignation from a seat — a deputy's in a
council, a delegate's in a congress session, a committee place — vacates the
seat and every seat the person holds that came from it, each by its own
``SeatVacated`` event (rule SR-30, ``recall.leaving``); a deputy's seat then
goes to a by-election or the next on the list (``recall.refill``).

Resignations (``Resign``, what takes effect, what is pending, breaches) are in
``resignations``; their names are importable from here too.
"""

from __future__ import annotations

from typing import Annotated

from sovet.domain.government.records import HoldRecord
from sovet.domain.government.resignations import (
    BreachRecorded,
    Resign,
    ResignationPending,
    ResignationTookEffect,
    complete_pending,
)
from sovet.domain.kernel.messages import (
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.registry import decides, evolves
from sovet.domain.kernel.state import FederationState
from sovet.errors import RuleViolation, says

__all__ = [
    "BreachRecorded",
    "HoldPlaced",
    "PlaceHold",
    "PositionTaken",
    "RecordPosition",
    "Resign",
    "ResignationPending",
    "ResignationTookEffect",
]


@command(resource="holds", issuers=Issuers(SECRETARY, field="body"))
class PlaceHold(Command):
    """SR-29: ``body`` decides resignations wait for the named organisations."""

    hold: Annotated[str, "a new id for the hold"]
    body: Annotated[str, "SR-29: the id of the body deciding the hold"]
    persons: Annotated[
        tuple[str, ...],
        "ids of the members whose resignations must wait",
    ]
    until: Annotated[
        tuple[str, ...],
        "SR-29: ids of the organisations (registered bodies) whose position they must "
        "wait for",
    ]
    scope: Annotated[
        tuple[str, ...],
        "ids of the bodies or governments the hold covers; empty = the deciding body",
    ] = ()


@event()
class HoldPlaced(DomainEvent):
    """SR-29: a hold on resignations is in force."""

    hold: str
    body: str
    persons: tuple[str, ...]
    until: tuple[str, ...]
    scope: tuple[str, ...]

    @property
    def stream_id(self) -> str:
        """The hold's stream."""
        return f"hold:{self.hold}"

    def describe(self) -> str:
        """One line."""
        return (
            f"{self.n(self.body)}: resignations of "
            f"{', '.join(self.n(p) for p in self.persons)} to wait until "
            f"{' and '.join(self.n(o) for o in self.until)} decide"
        )


@decides(PlaceHold)
def _place(state: FederationState, cmd: PlaceHold) -> list[DomainEvent]:
    state.body(cmd.body)
    if cmd.hold in state.holds:
        raise RuleViolation(
            "SR-29", says("hold {hold!r} already exists", hold=cmd.hold), cmd.hold
        )
    if not cmd.until or not cmd.persons:
        raise RuleViolation(
            "SR-29", says("a hold names persons and organisations"), cmd.hold
        )
    for org in cmd.until:
        state.body(org)
    for person in cmd.persons:
        state.person(person)
    for target in cmd.scope:
        if target not in state.governments:
            state.body(target)
    return [
        HoldPlaced(
            at=cmd.at,
            hold=cmd.hold,
            body=cmd.body,
            persons=cmd.persons,
            until=cmd.until,
            scope=cmd.scope or (cmd.body,),
        )
    ]


@evolves(HoldPlaced)
def _placed(state: FederationState, evt: HoldPlaced, ref: EventRef) -> None:
    state.holds[evt.hold] = HoldRecord(
        evt.hold, evt.body, evt.persons, evt.until, ref, scope=evt.scope
    )


@command(resource="holds", issuers=Issuers(SECRETARY, field="hold", reach="hold"))
class RecordPosition(Command):
    """SR-29: an organisation named in a hold has taken its position."""

    hold: Annotated[str, "the id of the hold"]
    organisation: Annotated[
        str,
        "the id of the organisation, one the hold waits for, that has taken its "
        "position",
    ]


@event()
class PositionTaken(DomainEvent):
    """SR-29: one condition of the hold is met."""

    hold: str
    organisation: str

    @property
    def stream_id(self) -> str:
        """The hold's stream."""
        return f"hold:{self.hold}"

    def describe(self) -> str:
        """One line."""
        return f"{self.n(self.organisation)} took its position (hold {self.hold!r})"


@decides(RecordPosition)
def _position(state: FederationState, cmd: RecordPosition) -> list[DomainEvent]:
    hold = state.holds.get(cmd.hold)
    if hold is None or cmd.organisation not in hold.until:
        raise RuleViolation(
            "SR-29",
            says(
                "{organisation!r} is not awaited by {hold!r}",
                organisation=cmd.organisation,
                hold=cmd.hold,
            ),
            cmd.organisation,
        )
    events: list[DomainEvent] = [
        PositionTaken(at=cmd.at, hold=cmd.hold, organisation=cmd.organisation)
    ]
    waiting = [o for o in hold.until if o not in hold.positions]
    if set(waiting) == {cmd.organisation}:  # this position ends the hold
        events += complete_pending(state, hold, cmd.at)
    return events


@evolves(PositionTaken)
def _taken(state: FederationState, evt: PositionTaken, ref: EventRef) -> None:
    state.holds[evt.hold].positions[evt.organisation] = ref
