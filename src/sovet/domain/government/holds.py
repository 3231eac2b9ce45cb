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
"""

from __future__ import annotations

from typing import Annotated

from sovet.domain.government.records import BreachRecord, HoldRecord, ResignationRecord
from sovet.domain.kernel.assembly import leave_committee
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
from sovet.domain.recall.leaving import delegate_session, seats_given_up
from sovet.errors import RuleViolation

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
        raise RuleViolation("SR-29", f"hold {cmd.hold!r} already exists", cmd.hold)
    if not cmd.until or not cmd.persons:
        raise RuleViolation("SR-29", "a hold names persons and organisations", cmd.hold)
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
            f"{cmd.organisation!r} is not awaited by {cmd.hold!r}",
            cmd.organisation,
        )
    events: list[DomainEvent] = [
        PositionTaken(at=cmd.at, hold=cmd.hold, organisation=cmd.organisation)
    ]
    waiting = [o for o in hold.until if o not in hold.positions]
    if set(waiting) == {cmd.organisation}:  # this position ends the hold
        events += _complete(state, hold, cmd.at)
    return events


def _complete(state: FederationState, hold: HoldRecord, at: str) -> list[DomainEvent]:
    """SR-29: the resignations pending under ``hold``, now that it has ended."""
    events: list[DomainEvent] = []
    for record in state.resignations:
        if record.status != "pending" or record.hold != hold.id:
            continue
        other = _active_hold(state, record.person, record.body, besides=hold.id)
        if other is not None:
            events.append(
                ResignationPending(
                    at=at,
                    person=record.person,
                    body=record.body,
                    hold=other.id,
                    office=record.office,
                    statement=record.statement,
                )
            )
            continue
        events += _taking_effect(
            state,
            at,
            record.person,
            record.body,
            record.office,
            record.statement,
            hold=hold.id,
        )
    return events


def _taking_effect(
    state: FederationState,
    at: str,
    person: str,
    body: str,
    office: str | None,
    statement: str,
    *,
    hold: str | None = None,
) -> list[DomainEvent]:
    """SR-29/SR-30: the resignation takes effect, with the seats it vacates."""
    left = ResignationTookEffect(
        at=at,
        person=person,
        body=body,
        office=office,
        statement=statement,
        title=_title(state, body, office),
        hold=hold,
        rule="SR-29" if hold is not None else None,
    )
    return [left, *seats_given_up(state, at, person, body, office)]


@evolves(PositionTaken)
def _taken(state: FederationState, evt: PositionTaken, ref: EventRef) -> None:
    state.holds[evt.hold].positions[evt.organisation] = ref


@command(
    resource="holds", issuers=Issuers(SECRETARY, field="body", self_field="person")
)
class Resign(Command):
    """SR-29/SR-30: ``person`` resigns from a body, an elected committee, or a
    government ``office``."""

    person: Annotated[str, "the id of the person resigning"]
    body: Annotated[
        str,
        "the id of the body (a council: the deputy's seat), congress session "
        "(a delegate's seat) or elected executive committee left, or of the "
        "government when an office is given",
    ]
    office: Annotated[
        str | None,
        "SR-30: the id of the government office resigned from (it falls vacant); "
        "empty = leaving the body",
    ] = None
    statement: Annotated[str, "the resignation statement, as text"] = ""


@event()
class ResignationTookEffect(DomainEvent):
    """SR-30: the person has left; an office falls vacant."""

    person: str
    body: str
    office: str | None = None
    statement: str = ""
    title: str = ""
    hold: str | None = None  # SR-29: the hold whose end completed it
    rule: str | None = None  # the rule by which a pending resignation completed

    @property
    def stream_id(self) -> str:
        """The stream of the body or government left."""
        return f"resignation:{self.body}"

    def describe(self) -> str:
        """One line."""
        office = self.title or self.office
        body = self.n(self.body)
        what = f"{office} in {body}" if self.office else body
        line = f"{self.n(self.person)} resigned from {what}"
        if self.hold is not None:
            line += (
                f" (pending until hold {self.hold!r} ended: the organisations "
                f"took their positions, {self.rule})"
            )
        return line


@event()
class ResignationPending(DomainEvent):
    """SR-29: the resignation waits for the hold's organisations."""

    person: str
    body: str
    hold: str
    office: str | None = None
    statement: str = ""

    @property
    def stream_id(self) -> str:
        """The stream of the body or government."""
        return f"resignation:{self.body}"

    def describe(self) -> str:
        """One line."""
        return (
            f"{self.n(self.person)}'s resignation from {self.n(self.body)} pending "
            f"(hold {self.hold!r})"
        )


@event()
class BreachRecorded(DomainEvent):
    """SR-29/SR-31: a member breached a hold or a binding decision."""

    person: str
    rule: str
    of: str
    act: str
    effect: str = "record"

    @property
    def stream_id(self) -> str:
        """The stream of the hold or decision breached."""
        return f"breach:{self.of}"

    def describe(self) -> str:
        """One line."""
        return (
            f"breach by {self.n(self.person)} of {self.of!r} ({self.rule}): {self.act}"
        )


def _active_hold(
    state: FederationState, person: str, target: str, *, besides: str | None = None
) -> HoldRecord | None:
    for hold in state.holds.values():
        if (
            hold.id != besides
            and person in hold.persons
            and target in hold.scope
            and hold.active()
        ):
            return hold
    return None


def _title(state: FederationState, body: str, office: str | None) -> str:
    if office is None:
        return ""
    return state.governments[body].offices[office].title


def _pending_resignation(
    state: FederationState, person: str, body: str, office: str | None
) -> ResignationRecord | None:
    wanted = (person, body, office)
    for record in state.resignations:
        if (
            record.status == "pending"
            and (record.person, record.body, record.office) == wanted
        ):
            return record
    return None


@decides(Resign)
def _resign(state: FederationState, cmd: Resign) -> list[DomainEvent]:
    state.person(cmd.person)
    if cmd.office is not None:
        gov = state.government(cmd.body)
        office = gov.offices.get(cmd.office)
        if office is None or office.person != cmd.person:
            raise RuleViolation(
                "SR-30", f"{cmd.person!r} does not hold {cmd.office!r}", cmd.office
            )
    elif _is_committee(state, cmd.body):
        committee = state.assemblies[cmd.body]
        if committee.closed_at is not None or cmd.person not in committee.delegates:
            raise RuleViolation(
                "SR-20",
                f"{cmd.person!r} holds no named place on the sitting committee "
                f"{committee.name}",
                cmd.person,
            )
    elif delegate_session(state, cmd.person, cmd.body) is not None:
        pass  # a delegate's seat in the latest session of a congress
    elif cmd.body in state.assemblies:
        raise RuleViolation(
            "SR-17",
            f"{cmd.person!r} holds no delegate's seat at {cmd.body!r} now",
            cmd.person,
        )
    elif cmd.person not in state.body(cmd.body).members:
        raise RuleViolation(
            "SR-29", f"{cmd.person!r} is not a member of {cmd.body!r}", cmd.person
        )
    waiting = _pending_resignation(state, cmd.person, cmd.body, cmd.office)
    if waiting is not None:
        raise RuleViolation(
            "SR-29",
            f"{cmd.person!r}'s resignation from {cmd.body!r} is already pending "
            f"under hold {waiting.hold!r}",
            waiting.hold,
        )
    hold = _active_hold(state, cmd.person, cmd.body)
    left = _taking_effect(
        state, cmd.at, cmd.person, cmd.body, cmd.office, cmd.statement
    )
    if hold is None:
        return left
    effect = state.constitution.holds.breach_effect
    waited = " and ".join(o for o in hold.until if o not in hold.positions)
    if effect == "block":
        raise RuleViolation(
            "SR-29",
            f"{cmd.person!r} is held by {hold.id!r} until {waited} decide",
            hold.id,
        )
    if effect == "refer":  # the member stays until the hold ends: no breach
        pending = ResignationPending(
            at=cmd.at,
            person=cmd.person,
            body=cmd.body,
            hold=hold.id,
            office=cmd.office,
            statement=cmd.statement,
        )
        return [pending]
    act = f"left {cmd.body} before {' and '.join(hold.until)} decided"
    breach = BreachRecorded(
        at=cmd.at, person=cmd.person, rule="SR-29", of=hold.id, act=act, effect=effect
    )
    return [*left, breach]


@evolves(ResignationTookEffect)
def _left(state: FederationState, evt: ResignationTookEffect, ref: EventRef) -> None:
    record = None
    if evt.hold is not None:  # SR-29: a pending resignation completes
        record = _pending_resignation(state, evt.person, evt.body, evt.office)
    if record is None:
        state.resignations.append(
            ResignationRecord(
                evt.person,
                evt.body,
                evt.office,
                "effective",
                evt.hold,
                ref,
                statement=evt.statement,
            )
        )
    else:
        record.status, record.pending, record.ref = "effective", record.ref, ref
    if evt.office is not None:
        office = state.governments[evt.body].offices[evt.office]
        if office.person == evt.person:  # not someone who filled it since
            office.person, office.faction, office.offer, office.vacated = (
                None,
                None,
                None,
                ref,
            )
    elif _is_committee(state, evt.body):
        who = state.display_name(evt.person) or evt.person
        leave_committee(
            state.assemblies[evt.body],
            evt.person,
            rule="SR-30",
            cause=f"resignation of {who}",
            ref=ref,
        )
    elif evt.body in state.assemblies:
        pass  # a delegate's seat: its ``SeatVacated`` vacates it
    else:
        state.bodies[evt.body].members.pop(evt.person, None)


def _is_committee(state: FederationState, key: str) -> bool:
    """Is ``key`` an elected executive committee (not a registered body)?"""
    found = state.assemblies.get(key)
    return found is not None and found.kind == "executive_committee"


@evolves(ResignationPending)
def _pending(state: FederationState, evt: ResignationPending, ref: EventRef) -> None:
    record = _pending_resignation(state, evt.person, evt.body, evt.office)
    if record is not None:  # SR-29: its hold ended but another one holds it
        record.hold, record.ref = evt.hold, ref
        return
    state.resignations.append(
        ResignationRecord(
            evt.person,
            evt.body,
            evt.office,
            "pending",
            evt.hold,
            ref,
            statement=evt.statement,
        )
    )


@evolves(BreachRecorded)
def _breach(state: FederationState, evt: BreachRecorded, ref: EventRef) -> None:
    state.breaches.append(
        BreachRecord(evt.person, evt.rule, evt.of, evt.act, evt.effect, ref)
    )
