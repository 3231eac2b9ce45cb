"""SR-19, SR-31: any body with named members sits and decides by named vote.

Congress sessions and executive committees are assemblies of their own; every
other body whose members are on record — a faction's leadership (a party's
Central Committee), a council, a branch committee — convenes a *sitting*: an
assembly of kind ``sitting`` whose decisive members are the body's members at
that moment. Motions, named votes, binding decisions and dissent then work as
in a congress (``motions``, ``votes``, ``government.discipline``): the
sitting's quorum is counted on its members, its majority is the
constitution's. A new sitting of the same body closes the one before.
"""

from __future__ import annotations

from typing import Annotated

from sovet.domain.kernel.assembly import Assembly, DelegateRecord
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

__all__ = ["CloseSitting", "ConveneSitting", "SittingClosed", "SittingConvened"]


@command(resource="motions", issuers=Issuers(SECRETARY, field="body"))
class ConveneSitting(Command):
    """SR-19/SR-31: a body with named members sits to decide by named vote."""

    sitting: Annotated[str, "a new id for the sitting (e.g. cc-1917-11-15)"]
    body: Annotated[
        str, "the id of the body that sits; its members on record vote in it"
    ]
    name: Annotated[str, "the sitting's display name"]


@event()
class SittingConvened(DomainEvent):
    """SR-19: a body sits; ``members`` (person → faction) are its voters."""

    sitting: str
    body: str
    name: str
    members: dict[str, str]

    @property
    def stream_id(self) -> str:
        """The body's stream."""
        return f"body:{self.body}"

    def describe(self) -> str:
        """One line."""
        return f"{self.n(self.body)} sat ({self.name}): {len(self.members)} members"


@command(
    resource="motions", issuers=Issuers(SECRETARY, field="sitting", reach="assembly")
)
class CloseSitting(Command):
    """SR-19: the sitting ends; its decisions stand."""

    sitting: Annotated[str, "the id of the open sitting"]


@event()
class SittingClosed(DomainEvent):
    """SR-19: a sitting ended."""

    sitting: str
    body: str

    @property
    def stream_id(self) -> str:
        """The body's stream."""
        return f"body:{self.body}"

    def describe(self) -> str:
        """One line."""
        return f"{self.n(self.sitting)} closed"


@decides(ConveneSitting)
def _convene(state: FederationState, cmd: ConveneSitting) -> list[DomainEvent]:
    body = state.body(cmd.body)
    if cmd.sitting in state.assemblies:
        raise RuleViolation(
            "SR-19",
            says("{sitting!r} already exists", sitting=cmd.sitting),
            cmd.sitting,
        )
    if body.kind == "congress":
        raise RuleViolation(
            "SR-15",
            says(
                "{name} is a congress: it sits when convened (convene_congress)",
                name=body.name,
            ),
            cmd.body,
        )
    members = {p: f for p, f in body.members.items() if p in state.persons}
    if not members:
        raise RuleViolation(
            "SR-19",
            says(
                "{name} has no members on record to vote by name "
                "(register_person … bodies)",
                name=body.name,
            ),
            cmd.body,
        )
    return [
        SittingConvened(
            at=cmd.at,
            sitting=cmd.sitting,
            body=cmd.body,
            name=cmd.name,
            members=members,
        )
    ]


@evolves(SittingConvened)
def _convened(state: FederationState, evt: SittingConvened, ref: EventRef) -> None:
    for other in state.assemblies.values():
        if (
            other.kind == "sitting"
            and other.body == evt.body
            and other.closed_at is None
        ):
            other.closed_at = evt.at
    sitting = Assembly(
        id=evt.sitting,
        body=evt.body,
        kind="sitting",
        name=evt.name,
        opened_at=evt.at,
        made_by=ref,
        size=len(evt.members),
    )
    for person, faction in evt.members.items():
        sitting.delegates[person] = DelegateRecord(person, faction, "decisive", None)
        sitting.seated[faction] = sitting.seated.get(faction, 0) + 1
    sitting.credentials.append(ref)
    state.assemblies[evt.sitting] = sitting


@decides(CloseSitting)
def _close(state: FederationState, cmd: CloseSitting) -> list[DomainEvent]:
    sitting = state.assembly(cmd.sitting)
    if sitting.kind != "sitting" or sitting.closed_at is not None:
        raise RuleViolation(
            "SR-19",
            says("{sitting!r} is not an open sitting", sitting=cmd.sitting),
            cmd.sitting,
        )
    return [SittingClosed(at=cmd.at, sitting=cmd.sitting, body=sitting.body)]


@evolves(SittingClosed)
def _closed(state: FederationState, evt: SittingClosed, _ref: EventRef) -> None:
    state.assemblies[evt.sitting].closed_at = evt.at
