"""SR-11/SR-30: a person gives up a seat — what falls vacant with it.

Resigning (``government.holds``) from a council gives up the deputy's seat
there, from a congress session (or its body) the delegate's seat in its
latest session, from an elected committee the place on it. The seat falls
vacant (``SeatVacated``, rule SR-30; a committee place is vacated by the
resignation's own event), every seat above that came from it falls vacant too
(``elections.seats.vacate_above``), and a deputy's seat goes to a by-election
or the next on the list (``refill``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sovet.domain.elections.seats import (
    SeatVacated,
    committee_key,
    delegate_key,
    deputy_key,
    vacate_above,
)
from sovet.domain.kernel.assembly import Assembly
from sovet.domain.kernel.messages import DomainEvent
from sovet.domain.recall.refill import refill_events

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = ["delegate_session", "deputy_seat", "seats_given_up"]


def seats_given_up(
    state: FederationState, at: str, person: str, body: str, office: str | None
) -> list[DomainEvent]:
    """SR-11/SR-30: the seat ``person`` gives up by leaving ``body`` (none for a
    government ``office``), and those above that came from it."""
    if office is not None:
        return []
    cause = f"resignation of {state.display_name(person) or person}"
    found = state.assemblies.get(body)
    if found is not None and found.kind == "executive_committee":
        return vacate_above(  # the place itself: the resignation's event
            state, person, committee_key(body), rule="SR-30", cause=cause, at=at
        )
    session = delegate_session(state, person, body)
    deputy = deputy_seat(state, person, body)
    if session is not None:
        place, where, home = "delegate", session.id, session.body
        key = delegate_key(where)
    elif deputy is not None:
        place, where, home, key = "deputy", deputy, body, deputy_key(deputy)
    else:
        return []
    events: list[DomainEvent] = [
        SeatVacated(
            at=at,
            person=person,
            place=place,
            seat=where,
            body=home,
            rule="SR-30",
            cause=cause,
        )
    ]
    events += vacate_above(state, person, key, rule="SR-30", cause=cause, at=at)
    if place == "deputy":
        events += refill_events(state, at, where, person)
    return events


def delegate_session(state: FederationState, person: str, key: str) -> Assembly | None:
    """The congress session (``key``, or the latest of congress body ``key``) in
    which ``person`` holds a delegate's seat now, if any."""
    found = state.assemblies.get(key)
    if found is None and key in state.bodies and state.bodies[key].kind == "congress":
        found = state.latest_congress(key)
    if found is None or found.kind != "congress" or person not in found.delegates:
        return None
    latest = state.latest_congress(found.body)
    return found if latest is not None and latest.id == found.id else None


def deputy_seat(state: FederationState, person: str, council: str) -> str | None:
    """The constituency of council ``council`` where ``person`` holds a seat."""
    for constituency in state.constituencies.values():
        if constituency.council == council and person in constituency.holders:
            return constituency.id
    return None
