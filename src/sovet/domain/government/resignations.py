"""SR-29/SR-30: resignations, under a hold or not, and breaches of a hold.

``holds.breach_effect`` decides what a resignation under an active hold does
(``record``, ``block`` or ``refer``: pending until the hold ends,
``complete_pending``). An effective resignation from a government office
vacates it (SR-30); one from a seat vacates it and every seat that came from
it (``recall.leaving``).
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
from sovet.errors import RuleViolation, says

__all__ = [
    "BreachRecorded",
    "Resign",
    "ResignationPending",
    "ResignationTookEffect",
    "complete_pending",
]


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


def _check_held(state: FederationState, cmd: Resign) -> None:
    """SR-17/SR-20/SR-29/SR-30: the person holds what they resign from."""
    state.person(cmd.person)
    if cmd.office is not None:
        gov = state.government(cmd.body)
        office = gov.offices.get(cmd.office)
        if office is None or office.person != cmd.person:
            raise RuleViolation(
                "SR-30",
                says(
                    "{person!r} does not hold {office!r}",
                    person=cmd.person,
                    office=cmd.office,
                ),
                cmd.office,
            )
    elif _is_committee(state, cmd.body):
        committee = state.assemblies[cmd.body]
        if committee.closed_at is not None or cmd.person not in committee.delegates:
            raise RuleViolation(
                "SR-20",
                says(
                    "{person!r} holds no named place on the sitting committee {name}",
                    person=cmd.person,
                    name=committee.name,
                ),
                cmd.person,
            )
    elif delegate_session(state, cmd.person, cmd.body) is not None:
        pass  # a delegate's seat in the latest session of a congress
    elif cmd.body in state.assemblies:
        raise RuleViolation(
            "SR-17",
            says(
                "{person!r} holds no delegate's seat at {body!r} now",
                person=cmd.person,
                body=cmd.body,
            ),
            cmd.person,
        )
    elif cmd.person not in state.body(cmd.body).members:
        raise RuleViolation(
            "SR-29",
            says(
                "{person!r} is not a member of {body!r}",
                person=cmd.person,
                body=cmd.body,
            ),
            cmd.person,
        )


@decides(Resign)
def _resign(state: FederationState, cmd: Resign) -> list[DomainEvent]:
    _check_held(state, cmd)
    waiting = _pending_resignation(state, cmd.person, cmd.body, cmd.office)
    if waiting is not None:
        raise RuleViolation(
            "SR-29",
            says(
                "{person!r}'s resignation from {body!r} is already pending "
                "under hold {hold!r}",
                person=cmd.person,
                body=cmd.body,
                hold=waiting.hold,
            ),
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
            says(
                "{person!r} is held by {id!r} until {waited} decide",
                person=cmd.person,
                id=hold.id,
                waited=waited,
            ),
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


def complete_pending(
    state: FederationState, hold: HoldRecord, at: str
) -> list[DomainEvent]:
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
