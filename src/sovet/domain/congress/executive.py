"""SR-20: the executive committee a congress elects, and its chair.

The executive committee is an ``Assembly`` of kind ``executive_committee``
(its seats by faction, ``size`` ≤ ``executive.ec_size_max``), accountable to
the congress that elected it and supreme between congresses. A new election by
a later session of the same congress body replaces it (it is closed).

Size: the national cap ``executive.ec_size_max`` (SR-20) and the cap of the
congress's level ``councils.ec_max_size`` (SR-3, ``ladder.check_ec_size``)
both apply — each only from the date the constitution's ``in_force`` gives it
(C18's caps date from 10 Jul 1918).

Places are held by persons: the congress elects its members by name and the
seats per faction are theirs (only an aggregate constitution elects a
composition with fewer names, as the 1917 sources give it); with
``chain.ec_from_delegates`` each member must be a delegate of the electing
congress, and the place lasts no longer than that seat when it is lost early
(SR-11). A place falls vacant when its member resigns, is recalled by the
electing congress (``recall_committee_member``) or loses the seat below; the
congress that elected the committee fills it while it sits, then the
committee itself (``fill_committee_place``; who acts is
``authority.check_act``'s answer for ``fill_committee``; with
``chain.committee_place_filled_by = "electing_body"`` only the congress).
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from sovet.domain.bodies.ladder import check_ec_size
from sovet.domain.congress.authority import check_act
from sovet.domain.congress.sessions import open_congress
from sovet.domain.elections.seats import delegate_seat
from sovet.domain.kernel.assembly import (
    Assembly,
    DelegateRecord,
    require_quorum,
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
    "ChairElected",
    "ElectExecutiveChair",
    "ElectExecutiveCommittee",
    "ExecutiveCommitteeElected",
    "current_executive",
]


@command(
    resource="government",
    issuers=Issuers(SECRETARY, field="congress", reach="assembly"),
)
class ElectExecutiveCommittee(Command):
    """SR-20: the congress elects its executive committee (seats by faction)."""

    executive: Annotated[str, "a new id for the executive committee (e.g. vtsik-2)"]
    congress: Annotated[str, "the id of the congress session electing it"]
    name: Annotated[str, "the committee's display name"]
    composition: Annotated[
        dict[str, int] | None,
        "SR-20: seats per faction id; their sum is the committee's size, within the "
        "caps (SR-3, SR-20); empty = the members' factions (only an aggregate "
        "constitution elects more seats than members)",
    ] = None
    members: Annotated[
        dict[str, str] | None,
        "the members by name, person id → faction id (required unless the "
        "constitution is aggregate; each a delegate of the congress when "
        "chain.ec_from_delegates)",
    ] = None
    chair: Annotated[str | None, "the id of the chair, one of the named members"] = None


@event()
class ExecutiveCommitteeElected(DomainEvent):
    """SR-20: an executive committee was elected by a congress."""

    executive: str
    congress: str
    body: str
    name: str
    composition: dict[str, int]
    members: dict[str, str]
    chair: str | None = None

    @property
    def stream_id(self) -> str:
        """The committee's stream."""
        return f"executive:{self.executive}"

    def describe(self) -> str:
        """One line."""
        parts = ", ".join(f"{self.n(f)} {n}" for f, n in self.composition.items())
        size = sum(self.composition.values())
        return f"{self.n(self.congress)} elected {self.name}: {size} members ({parts})"


@decides(ElectExecutiveCommittee)
def _elect(state: FederationState, cmd: ElectExecutiveCommittee) -> list[DomainEvent]:
    session = open_congress(state, cmd.congress, "SR-20")
    check_act(state, session, "elect_committee")
    require_quorum(state, session)
    if cmd.executive in state.assemblies:
        raise RuleViolation(
            "SR-20",
            says("{executive!r} already exists", executive=cmd.executive),
            cmd.executive,
        )
    members = dict(cmd.members or {})
    composition = _composition(state, cmd, members)
    _check_size(state, session.body, sum(composition.values()), cmd.at)
    for faction, seats in composition.items():
        state.faction(faction)
        if seats < 0:
            raise RuleViolation(
                "SR-20", says("negative seats for {faction!r}", faction=faction), seats
            )
    for person, faction in members.items():
        state.person(person)
        if composition.get(faction, 0) < sum(
            1 for f in members.values() if f == faction
        ):
            raise RuleViolation(
                "SR-20",
                says("more named {faction} members than seats", faction=faction),
                person,
            )
    if not state.constitution.chain.aggregate:
        for person, faction in members.items():
            _check_member(state, session, person, faction)
    if cmd.chair is not None and cmd.chair not in members:
        raise RuleViolation(
            "SR-20",
            says("chair {chair!r} is not a named member", chair=cmd.chair),
            cmd.chair,
        )
    return [
        ExecutiveCommitteeElected(
            at=cmd.at,
            executive=cmd.executive,
            congress=cmd.congress,
            body=session.body,
            name=cmd.name,
            composition=composition,
            members=members,
            chair=cmd.chair,
        )
    ]


def _composition(
    state: FederationState, cmd: ElectExecutiveCommittee, members: dict[str, str]
) -> dict[str, int]:
    """SR-20: the seats per faction — the members', outside an aggregate
    constitution (a composition given must agree with them)."""
    named = dict(Counter(members.values()))
    if state.constitution.chain.aggregate:
        if cmd.composition is None and not named:
            raise RuleViolation(
                "SR-20", says("give the members or the composition"), cmd.executive
            )
        return dict(cmd.composition) if cmd.composition is not None else named
    if not named:
        raise RuleViolation(
            "SR-20",
            says(
                "name the members: {name!r} counts seats by person "
                "(chain.aggregate = false), so the committee is elected by "
                "name",
                name=state.constitution.name,
            ),
            cmd.executive,
        )
    given = {f: n for f, n in (cmd.composition or {}).items() if n}
    if cmd.composition is not None and given != named:
        raise RuleViolation(
            "SR-20",
            says(
                "composition {given} is not that of the members named "
                "({named}); the seats per faction are derived from them",
                given=given,
                named=named,
            ),
            given,
        )
    return named


def _check_member(
    state: FederationState, congress: Assembly, person: str, faction: str
) -> None:
    """SR-20: a member's faction is theirs, and (``chain.ec_from_delegates``)
    they hold a delegate's seat at the electing congress."""
    record = state.person(person)
    if record.faction and record.faction != faction:
        raise RuleViolation(
            "SR-20",
            says(
                "{person!r} belongs to {belongs!r}, not {faction!r}",
                person=person,
                belongs=record.faction,
                faction=faction,
            ),
            person,
        )
    chain = state.constitution.chain
    if chain.ec_from_delegates and delegate_seat(state, person, congress.id) is None:
        raise RuleViolation(
            "SR-20",
            says(
                "{person} is no delegate of {congress}: a place on its committee "
                "is given to its delegates (chain.ec_from_delegates)",
                person=record.name,
                congress=congress.name,
            ),
            person,
        )


def _check_size(state: FederationState, body: str, size: int, at: str) -> None:
    """SR-20 national cap, then SR-3 per level, each once in force."""
    constitution = state.constitution
    limit = constitution.executive.ec_size_max
    if not constitution.binds("executive.ec_size_max", at):
        limit = max(size, 1)
    if size < 1 or size > limit:
        raise RuleViolation(
            "SR-20",
            says(
                "executive committee of {size} members; allowed 1…{limit}",
                size=size,
                limit=limit,
            ),
            size,
        )
    if constitution.binds("councils.ec_max_size", at):
        check_ec_size(
            state.body(body).level, size, ec_max_size=constitution.councils.ec_max_size
        )


@evolves(ExecutiveCommitteeElected)
def _elected(
    state: FederationState, evt: ExecutiveCommitteeElected, ref: EventRef
) -> None:
    for other in state.assemblies.values():
        if (
            other.kind == "executive_committee"
            and other.body == evt.body
            and other.closed_at is None
        ):
            other.closed_at = evt.at
    ec = Assembly(
        id=evt.executive,
        body=evt.body,
        kind="executive_committee",
        name=evt.name,
        opened_at=evt.at,
        made_by=ref,
        congress=evt.congress,
        size=sum(evt.composition.values()),
        chair=evt.chair,
        seated={f: n for f, n in evt.composition.items() if n},
    )
    for person, faction in evt.members.items():
        ec.delegates[person] = DelegateRecord(
            person,
            faction,
            "decisive",
            evt.congress,
            ref=ref,
            basis=delegate_seat(state, person, evt.congress) or (),
        )
    ec.aggregate = ec.size > len(evt.members)
    ec.credentials.append(ref)
    state.assemblies[evt.executive] = ec
    state.assemblies[evt.congress].executive = evt.executive


@command(
    resource="government",
    issuers=Issuers(SECRETARY, field="executive", reach="assembly"),
)
class ElectExecutiveChair(Command):
    """SR-20: the executive committee elects (or replaces) its chair."""

    executive: Annotated[str, "the id of the sitting executive committee"]
    chair: Annotated[str, "the id of its new chair (a registered person)"]


@event()
class ChairElected(DomainEvent):
    """SR-20: the committee's chair from ``at``."""

    executive: str
    chair: str

    @property
    def stream_id(self) -> str:
        """The committee's stream."""
        return f"executive:{self.executive}"

    def describe(self) -> str:
        """One line."""
        return f"{self.n(self.executive)} chair: {self.n(self.chair)}"


@decides(ElectExecutiveChair)
def _chair(state: FederationState, cmd: ElectExecutiveChair) -> list[DomainEvent]:
    ec = state.assembly(cmd.executive)
    if ec.kind != "executive_committee" or ec.closed_at is not None:
        raise RuleViolation(
            "SR-20",
            says("{executive!r} is not a sitting committee", executive=cmd.executive),
            cmd.executive,
        )
    state.person(cmd.chair)
    return [ChairElected(at=cmd.at, executive=cmd.executive, chair=cmd.chair)]


@evolves(ChairElected)
def _chair_elected(state: FederationState, evt: ChairElected, ref: EventRef) -> None:
    ec = state.assemblies[evt.executive]
    ec.chair = evt.chair
    ec.credentials.append(ref)


def current_executive(state: FederationState, body: str) -> Assembly | None:
    """SR-20: the sitting executive committee of congress body ``body``."""
    for assembly in reversed(list(state.assemblies.values())):
        if (
            assembly.kind == "executive_committee"
            and assembly.body == body
            and assembly.closed_at is None
        ):
            return assembly
    return None
