"""SR-2 and the registers: the constitution, bodies, factions, persons, compositions.

Bodies are councils, congresses (the body whose sessions are ``Assembly``
records), executive committees, faction leaderships (a party's central
committee) and other organisations (e.g. a city party organisation named in a
hold, SR-29). Each sits at a level of ``constitution.levels`` and may name a
``parent`` (the higher body it answers to, SR-32).
"""

from __future__ import annotations

from typing import Annotated, Any

from sovet.domain.bodies.records import BodyRecord, FactionRecord, PersonRecord
from sovet.domain.kernel.constitution import Constitution
from sovet.domain.kernel.messages import (
    ADMINISTRATOR,
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
from sovet.errors import ConstitutionError, RuleViolation, says

__all__ = [
    "BODY_KINDS",
    "AdoptConstitution",
    "BodyRegistered",
    "ConstitutionAdopted",
    "CouncilCompositionRecorded",
    "FactionRegistered",
    "PersonRegistered",
    "RecordCouncilComposition",
    "RegisterBody",
    "RegisterFaction",
    "RegisterPerson",
]

BODY_KINDS = (
    "council",
    "congress",
    "executive_committee",
    "faction_leadership",
    "organisation",
)
"""SR-2: the kinds of body the engine knows."""


@command(resource="bodies", issuers=Issuers(ADMINISTRATOR))
class AdoptConstitution(Command):
    """Adopt a constitution (a parsed TOML table, checked by ``Constitution``)."""

    preset: Annotated[
        str,
        "where the constitution comes from: a preset name (rsfsr1918, union, party) "
        "or the file it was read from",
    ]
    constitution: Annotated[
        dict[str, Any],
        "the constitution as the tables of its TOML file (levels, franchise, recall "
        "…), checked key by key",
    ]


@event()
class ConstitutionAdopted(DomainEvent):
    """The constitution in force from ``at``."""

    preset: str
    constitution: dict[str, Any]

    @property
    def stream_id(self) -> str:
        """One stream for the constitution."""
        return "constitution"

    def describe(self) -> str:
        """One line."""
        return f"constitution {self.preset!r} adopted"


@decides(AdoptConstitution)
def _adopt(_state: FederationState, cmd: AdoptConstitution) -> list[DomainEvent]:
    try:
        checked = Constitution.from_mapping(cmd.constitution, cmd.preset)
    except ConstitutionError as err:
        raise RuleViolation("SR-2", str(err), err.key) from err
    return [
        ConstitutionAdopted(
            at=cmd.at, preset=cmd.preset, constitution=checked.to_mapping()
        )
    ]


@evolves(ConstitutionAdopted)
def _adopted(state: FederationState, evt: ConstitutionAdopted, ref: EventRef) -> None:
    state.constitution = Constitution.from_mapping(evt.constitution, evt.preset)
    state.constitution_ref = ref


@command(resource="bodies", issuers=Issuers(SECRETARY, field="parent"))
class RegisterBody(Command):
    """SR-2: register a council, congress, committee or organisation."""

    body: Annotated[str, "a new id for the body (e.g. local-101)"]
    name: Annotated[str, "the body's display name"]
    kind: Annotated[
        str,
        "SR-2: council, congress, executive_committee, faction_leadership or "
        "organisation",
    ]
    level: Annotated[
        str,
        "SR-2: one of the constitution's levels (e.g. local, convention; 1918: "
        "gubernia, national …)",
    ]
    parent: Annotated[
        str | None,
        "SR-32: the id of the higher body it answers to (none for the top body)",
    ] = None
    population: Annotated[
        int,
        "inhabitants, or members for a union local or party branch (SR-6 council "
        "size, SR-15 shares); 0 = not recorded",
    ] = 0


@event()
class BodyRegistered(DomainEvent):
    """SR-2: a body exists from ``at``."""

    body: str
    name: str
    kind: str
    level: str
    parent: str | None = None
    population: int = 0

    @property
    def stream_id(self) -> str:
        """The body's stream."""
        return f"body:{self.body}"

    def describe(self) -> str:
        """One line."""
        return f"{self.name} registered ({self.kind}, {self.level} level)"


@decides(RegisterBody)
def _register_body(state: FederationState, cmd: RegisterBody) -> list[DomainEvent]:
    if cmd.body in state.bodies:
        raise RuleViolation(
            "SR-2", says("body {body!r} already exists", body=cmd.body), cmd.body
        )
    if cmd.kind not in BODY_KINDS:
        raise RuleViolation(
            "SR-2",
            says(
                "unknown kind {kind!r}; one of {kinds}",
                kind=cmd.kind,
                kinds=", ".join(BODY_KINDS),
            ),
            cmd.kind,
        )
    if cmd.level not in state.constitution.levels:
        levels = ", ".join(state.constitution.levels)
        raise RuleViolation(
            "SR-2",
            says(
                "level {level!r} is not a level of this constitution ({levels})",
                level=cmd.level,
                levels=levels,
            ),
            cmd.level,
        )
    if cmd.parent is not None:
        state.body(cmd.parent)
    if cmd.population < 0:
        raise RuleViolation(
            "SR-2", says("population cannot be negative"), cmd.population
        )
    return [
        BodyRegistered(
            at=cmd.at,
            body=cmd.body,
            name=cmd.name,
            kind=cmd.kind,
            level=cmd.level,
            parent=cmd.parent,
            population=cmd.population,
        )
    ]


@evolves(BodyRegistered)
def _body_registered(
    state: FederationState, evt: BodyRegistered, ref: EventRef
) -> None:
    state.bodies[evt.body] = BodyRecord(
        id=evt.body,
        name=evt.name,
        kind=evt.kind,
        level=evt.level,
        parent=evt.parent,
        made_by=ref,
        population=evt.population,
        refs=[ref],
    )


@command(resource="bodies", issuers=Issuers(ADMINISTRATOR))
class RegisterFaction(Command):
    """SR-18: register a faction and (optionally) its leadership body."""

    faction: Annotated[str, "a new id for the faction (e.g. reform)"]
    name: Annotated[str, "the faction's display name"]
    leadership: Annotated[
        str | None,
        "the id of the faction's leadership body (a registered body, e.g. its central "
        "committee), if any",
    ] = None


@event()
class FactionRegistered(DomainEvent):
    """SR-18: a faction exists from ``at``."""

    faction: str
    name: str
    leadership: str | None = None

    @property
    def stream_id(self) -> str:
        """The faction's stream."""
        return f"faction:{self.faction}"

    def describe(self) -> str:
        """One line."""
        return f"faction {self.name} registered"


@decides(RegisterFaction)
def _register_faction(
    state: FederationState, cmd: RegisterFaction
) -> list[DomainEvent]:
    if cmd.faction in state.factions:
        raise RuleViolation(
            "SR-18",
            says("faction {faction!r} already exists", faction=cmd.faction),
            cmd.faction,
        )
    if not state.constitution.centralism.factions_allowed:
        raise RuleViolation(
            "SR-32", says("this constitution allows no factions"), cmd.faction
        )
    if cmd.leadership is not None:
        state.body(cmd.leadership)
    return [
        FactionRegistered(
            at=cmd.at, faction=cmd.faction, name=cmd.name, leadership=cmd.leadership
        )
    ]


@evolves(FactionRegistered)
def _faction_registered(
    state: FederationState, evt: FactionRegistered, ref: EventRef
) -> None:
    state.factions[evt.faction] = FactionRecord(
        evt.faction, evt.name, evt.leadership, ref
    )


@command(resource="bodies", issuers=Issuers(ADMINISTRATOR))
class RegisterPerson(Command):
    """Register a person, their faction and the bodies they sit in."""

    person: Annotated[str, "a new id for the person (e.g. okafor)"]
    name: Annotated[str, "the person's display name"]
    faction: Annotated[str | None, "the id of the person's faction, if any"] = None
    bodies: Annotated[
        tuple[str, ...],
        "ids of the bodies the person sits in as a member",
    ] = ()


@event()
class PersonRegistered(DomainEvent):
    """A person is known from ``at``, with faction and bodies."""

    person: str
    name: str
    faction: str | None = None
    bodies: tuple[str, ...] = ()

    @property
    def stream_id(self) -> str:
        """The person's stream."""
        return f"person:{self.person}"

    def describe(self) -> str:
        """One line."""
        where = f" ({self.n(self.faction)})" if self.faction else ""
        return f"{self.name}{where} registered"


@decides(RegisterPerson)
def _register_person(state: FederationState, cmd: RegisterPerson) -> list[DomainEvent]:
    if cmd.person in state.persons:
        raise RuleViolation(
            "SR-4",
            says("person {person!r} already exists", person=cmd.person),
            cmd.person,
        )
    if cmd.faction is not None:
        state.faction(cmd.faction)
    for body in cmd.bodies:
        state.body(body)
    return [
        PersonRegistered(
            at=cmd.at,
            person=cmd.person,
            name=cmd.name,
            faction=cmd.faction,
            bodies=cmd.bodies,
        )
    ]


@evolves(PersonRegistered)
def _person_registered(
    state: FederationState, evt: PersonRegistered, ref: EventRef
) -> None:
    known = state.factions.get(evt.faction) if evt.faction else None
    faction = evt.faction if known is None else known.id  # one text per faction
    state.persons[evt.person] = PersonRecord(evt.person, evt.name, faction, ref)
    for body in evt.bodies:
        state.bodies[body].members[evt.person] = faction or ""


@command(resource="bodies", issuers=Issuers(SECRETARY, field="body"))
class RecordCouncilComposition(Command):
    """SR-6: a council's deputies by faction, as the sources give them (aggregate)."""

    body: Annotated[str, "the id of the council"]
    composition: Annotated[
        dict[str, int],
        "SR-6: deputies per faction, faction id → number of deputies (replaces the "
        "composition on record)",
    ]


@event()
class CouncilCompositionRecorded(DomainEvent):
    """SR-6: a council's deputies by faction from ``at``."""

    body: str
    composition: dict[str, int]

    @property
    def stream_id(self) -> str:
        """The council's stream."""
        return f"body:{self.body}"

    def describe(self) -> str:
        """One line."""
        parts = ", ".join(f"{self.n(f)} {n}" for f, n in self.composition.items())
        return f"{self.n(self.body)} deputies by faction: {parts}"


@decides(RecordCouncilComposition)
def _record_composition(
    state: FederationState, cmd: RecordCouncilComposition
) -> list[DomainEvent]:
    body = state.body(cmd.body)
    if body.kind != "council":
        raise RuleViolation(
            "SR-6",
            says("{body!r} is a {kind}, not a council", body=cmd.body, kind=body.kind),
            cmd.body,
        )
    if not state.constitution.chain.aggregate:
        raise RuleViolation(
            "SR-6",
            says(
                "{federation!r} counts seats by person (chain.aggregate = false): "
                "{body}'s deputies by faction are those seated in its "
                "constituencies, not a recorded composition",
                federation=state.constitution.name,
                body=body.name,
            ),
            cmd.body,
        )
    for faction, seats in cmd.composition.items():
        state.faction(faction)
        if seats < 0:
            raise RuleViolation(
                "SR-6", says("negative seats for {faction!r}", faction=faction), seats
            )
    return [
        CouncilCompositionRecorded(
            at=cmd.at, body=cmd.body, composition=dict(cmd.composition)
        )
    ]


@evolves(CouncilCompositionRecorded)
def _composition_recorded(
    state: FederationState, evt: CouncilCompositionRecorded, ref: EventRef
) -> None:
    body = state.bodies[evt.body]
    body.composition = dict(evt.composition)
    body.aggregate = True
    body.refs.append(ref)
