"""The one world harness of the domain tests: commands in, linked events out.

A ``World`` is a list-backed log linked by the ledger's chain
(``link_batch``: seq, version and sha256 hashes as the real store computes
them) and the state it folds to. Four ways in:

* ``do(name, **fields)`` builds the command through ``command_from_mapping``
  (as a scenario would) and returns its stored events; ``apply(mapping)`` the
  same from one mapping with a ``command`` key;
* ``run(cmd)`` applies a built command and returns the events it decided;
* ``record(cmd)`` applies a built command and returns its stored events;
* ``refuse(rule, name, **fields)`` asserts the command is refused citing
  ``rule`` and that nothing was recorded.

``World(constitution)`` starts by adopting the 1918 defaults updated by
``constitution``, marked aggregate (``chain.aggregate``) as the 1917 sources
are: its congresses are credentialed and its committees elected by counts per
faction. A test of seats held by persons passes ``PERSONS``.
``World.bare(constitution)`` starts with no event, its state under
``constitution`` (a ``Constitution``; the 1918 defaults if none), for rule
tests that build commands themselves and for logs that adopt their own.

Worlds ready made: ``congress_world``, ``government_world`` (a congress in
session, a government and a committee), ``World.town`` (the Petrograd
council with constituency ``putilov``, for elections, polls and recalls) and
``scenario_1917`` (the preset's history, from its TOML).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from typing import Any, Self

import pytest

from sovet.domain import (
    Command,
    Constitution,
    DomainEvent,
    FederationState,
    command_from_mapping,
    decide,
    evolve,
    to_new_event,
)
from sovet.domain.bodies.registration import (
    AdoptConstitution,
    RegisterBody,
    RegisterFaction,
    RegisterPerson,
)
from sovet.domain.elections.conduct import Conduct
from sovet.domain.elections.deputies import RegisterConstituency
from sovet.domain.franchise.electorate import RegisterElector
from sovet.errors import RuleViolation
from sovet.ledger.chain import link_batch
from sovet.ledger.envelope import GENESIS_HASH, StoredEvent

__all__ = [
    "CONDUCT",
    "FACTIONS",
    "PERSONS",
    "World",
    "congress_world",
    "government_world",
    "load_preset",
    "pass_motion",
    "scenario_1917",
    "with_recall",
]

PRESET = resources.files("sovet.presets") / "rsfsr1918"
"""The 1918 preset: its constitution and the 1917 scenario (with counterfactual)."""

CONDUCT = Conduct("petrograd", ("k1", "k2"), "rep", ())


def with_recall(**params: Any) -> Constitution:
    """The 1918 constitution with recall parameters changed."""
    base = Constitution()
    return replace(base, recall=replace(base.recall, **params))


class World:
    """A list-backed log linked by the ledger's chain, and its live state."""

    def __init__(self, constitution: dict[str, Any] | None = None) -> None:
        self._start(FederationState())
        adopted = {"chain": {"aggregate": True}, **(constitution or {})}
        self.do("adopt_constitution", preset="test", constitution=adopted)

    @classmethod
    def bare(cls, constitution: Constitution | None = None) -> Self:
        """No event yet; the state starts under ``constitution`` (1918 defaults)."""
        world = cls.__new__(cls)
        world._start(FederationState(constitution=constitution or Constitution()))
        return world

    def _start(self, state: FederationState) -> None:
        self.events: list[StoredEvent] = []
        self.versions: dict[str, int] = {}
        self.state = state
        self.clock = "1917-11-01"

    def _link(self, decided: list[DomainEvent]) -> list[StoredEvent]:
        new = [to_new_event(e) for e in decided]
        head = (
            (self.events[-1].seq, self.events[-1].hash)
            if self.events
            else (0, GENESIS_HASH)
        )
        last = self.events[-1].appended_at if self.events else None
        stored, _ = link_batch(
            new, head=head, versions=self.versions, last_appended=last
        )
        for event in stored:
            self.versions[event.stream_id] = event.version
            self.events.append(event)
            evolve(self.state, event)
        return stored

    def record(self, cmd: Command) -> list[StoredEvent]:
        """Decide, link and evolve one command (all or nothing): its stored events."""
        return self._link(decide(self.state, cmd))

    def run(self, cmd: Command) -> list[DomainEvent]:
        """Decide, link and evolve one command: the events it decided."""
        events = decide(self.state, cmd)
        self._link(events)
        return events

    def do(
        self, command: str, /, at: str | None = None, **fields: Any
    ) -> list[StoredEvent]:
        """Apply one command by name at ``at`` (else the clock): its stored events."""
        self.clock = at or self.clock
        data = {"command": command, "at": self.clock, **fields}
        return self.record(command_from_mapping(data, source="test", line=None))

    def apply(self, data: Mapping[str, Any]) -> list[StoredEvent]:
        """``do`` from one mapping: ``{"command": name, **fields}``."""
        fields = dict(data)
        return self.do(fields.pop("command"), **fields)

    def refuse(
        self, rule: str, command: str, /, at: str | None = None, **fields: Any
    ) -> RuleViolation:
        """Assert the command is refused under ``rule`` and records nothing."""
        before = len(self.events)
        clock = self.clock
        with pytest.raises(RuleViolation) as refused:
            self.do(command, at=at, **fields)
        self.clock = clock
        assert refused.value.rule == rule, str(refused.value)
        assert len(self.events) == before
        return refused.value

    def town(
        self,
        *,
        electors: int = 10,
        seats: int = 2,
        at: str = "1917-10-01",
        electorate: int = 0,
    ) -> None:
        """Petrograd council, two factions, constituency ``putilov`` with
        ``electors`` registered workers ``v0``… and candidates ``a``, ``b``, ``c``."""
        self.run(
            RegisterBody(
                at=at,
                body="petrograd",
                name="Petrograd Soviet",
                kind="council",
                level="gubernia",
                population=2_300_000,
            )
        )
        for faction in ("bolsheviks", "mensheviks"):
            self.run(RegisterFaction(at=at, faction=faction, name=faction.title()))
        self.run(
            RegisterConstituency(
                at=at,
                constituency="putilov",
                council="petrograd",
                seats=seats,
                electorate=electorate,
            )
        )
        self.run(
            RegisterConstituency(
                at=at, constituency="narva", council="petrograd", seats=1
            )
        )
        people = {"a": "bolsheviks", "b": "mensheviks", "c": "bolsheviks"}
        people.update({f"v{i}": "bolsheviks" for i in range(electors)})
        for pid, faction in people.items():
            self.run(RegisterPerson(at=at, person=pid, name=pid, faction=faction))
            self.run(
                RegisterElector(
                    at=at,
                    person=pid,
                    birth_date="1890-01-01",
                    constituency="putilov" if pid.startswith("v") else "narva",
                    categories=("labour",),
                )
            )


PERSONS: dict[str, Any] = {"chain": {"aggregate": False}}
"""The constitution of a world whose seats are held by persons (issue 15)."""

FACTIONS = {"red": 60, "green": 30, "blue": 10}


def congress_world(
    constitution: dict[str, Any] | None = None,
    seats: dict[str, int] | None = None,
) -> World:
    """A national congress in session with credentialed delegates by faction.

    Persons ``r1``/``r2`` (red), ``g1`` (green), ``b1`` (blue) are named
    decisive delegates among the counts; ``red-cc`` leads the red faction.
    """
    world = World(constitution)
    world.do(
        "register_body",
        body="nat",
        name="National Congress",
        kind="congress",
        level="national",
    )
    world.do(
        "register_body",
        body="ec0",
        name="Old Committee",
        kind="executive_committee",
        level="national",
        parent="nat",
    )
    world.do(
        "register_body",
        body="city",
        name="City Council",
        kind="council",
        level="gubernia",
        parent="nat",
        population=600,
    )
    world.do(
        "register_body",
        body="rural",
        name="Rural Council",
        kind="council",
        level="gubernia",
        parent="nat",
        population=400,
    )
    world.do(
        "register_body",
        body="red-cc",
        name="Red Leadership",
        kind="faction_leadership",
        level="national",
    )
    world.do(
        "register_body",
        body="org-a",
        name="Org A",
        kind="organisation",
        level="gubernia",
    )
    world.do(
        "register_body",
        body="org-b",
        name="Org B",
        kind="organisation",
        level="gubernia",
    )
    for faction in FACTIONS:
        leadership = "red-cc" if faction == "red" else None
        world.do(
            "register_faction",
            faction=faction,
            name=faction.title(),
            leadership=leadership,
        )
    for person, faction in (
        ("r1", "red"),
        ("r2", "red"),
        ("r3", "red"),
        ("g1", "green"),
        ("b1", "blue"),
    ):
        bodies = ["red-cc"] if faction == "red" else []
        world.do(
            "register_person",
            person=person,
            name=person.upper(),
            faction=faction,
            bodies=bodies,
        )
    world.do(
        "convene_congress",
        at="1917-11-07",
        congress="c1",
        body="nat",
        name="First Congress",
        number=1,
        convened_by="ec0",
        apportioned=sum((seats or FACTIONS).values()),
    )
    world.do("appoint_credentials_commission", congress="c1")
    named = {"red": ["r1", "r2", "r3"], "green": ["g1"], "blue": ["b1"]}
    for faction, count in (seats or FACTIONS).items():
        world.do(
            "credential_delegates",
            congress="c1",
            faction=faction,
            count=count,
            senders=["city"],
            persons=named.get(faction, []),
        )
    return world


def government_world(constitution: dict[str, Any] | None = None) -> World:
    """``congress_world`` plus government ``gov`` (red) and committee ``ec1``."""
    world = congress_world(constitution)
    world.do(
        "submit_government_list",
        at="1917-11-08",
        government="gov",
        name="Council",
        assembly="c1",
        nominated_by="red",
        offices=[
            {"office": "chair", "person": "r1"},
            {"office": "interior", "person": "r2"},
            {"office": "rail"},
        ],
    )
    pass_motion(world, "approve", "c1", "approve_government", subject="gov")
    world.do(
        "elect_executive_committee",
        executive="ec1",
        congress="c1",
        name="Committee One",
        composition={"red": 6, "green": 3, "blue": 1},
        members={"r3": "red"},
    )
    return world


def pass_motion(
    world: World,
    motion: str,
    assembly: str,
    kind: str,
    *,
    yes: int = 70,
    no: int = 30,
    **fields: Any,
) -> None:
    """Propose a motion and carry it by count."""
    world.do(
        "propose_motion",
        motion=motion,
        assembly=assembly,
        kind=kind,
        text=f"{kind} motion",
        **fields,
    )
    world.do("vote_by_count", motion=motion, yes=yes, no=no)
    world.do("close_motion", motion=motion)


def load_preset(name: str) -> dict[str, Any]:
    """One TOML file of the 1918 preset."""
    return tomllib.loads((PRESET / name).read_text(encoding="utf-8"))


def scenario_1917(*, counterfactual: bool = False) -> World:
    """The preset's constitution adopted on 1917-11-07, then every step of
    ``scenario_1917.toml`` (and of its counterfactual branch if asked)."""
    world = World.bare()
    world.record(
        AdoptConstitution(
            at="1917-11-07",
            preset="rsfsr1918",
            constitution=load_preset("constitution.toml"),
        )
    )
    names = ["scenario_1917.toml"]
    if counterfactual:
        names.append("scenario_1917_counterfactual.toml")
    for name in names:
        for line, step in enumerate(load_preset(name)["step"], start=1):
            world.record(command_from_mapping(step, source=name, line=line))
    return world
