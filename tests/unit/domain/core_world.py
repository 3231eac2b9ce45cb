"""A small world for the domain's rule tests: commands in, linked events out.

``World.do(name, **fields)`` builds the command through ``command_from_mapping``
(as a scenario would), decides it, links the events with the ledger's chain
and evolves the state. ``World.refuse(rule, name, **fields)`` asserts the
command is refused citing ``rule`` and that nothing was recorded.

A world's constitution is the 1918 defaults, marked aggregate
(``chain.aggregate``) as the 1917 sources are: its congresses are credentialed
and its committees elected by counts per faction. A test of seats held by
persons passes ``{"chain": {"aggregate": False}}`` (``PERSONS``).
"""

from __future__ import annotations

from typing import Any

import pytest

from sovet.domain import (
    FederationState,
    command_from_mapping,
    decide,
    evolve,
    to_new_event,
)
from sovet.errors import RuleViolation
from sovet.ledger.chain import link_batch
from sovet.ledger.envelope import GENESIS_HASH, StoredEvent


class World:
    """A list-backed log and its folded state."""

    def __init__(self, constitution: dict[str, Any] | None = None) -> None:
        self.events: list[StoredEvent] = []
        self.versions: dict[str, int] = {}
        self.state = FederationState()
        self.clock = "1917-11-01"
        adopted = {"chain": {"aggregate": True}, **(constitution or {})}
        self.do("adopt_constitution", preset="test", constitution=adopted)

    def do(
        self, command: str, /, at: str | None = None, **fields: Any
    ) -> list[StoredEvent]:
        """Apply one command; returns the stored events it produced."""
        self.clock = at or self.clock
        data = {"command": command, "at": self.clock, **fields}
        cmd = command_from_mapping(data, source="test", line=None)
        new = [to_new_event(e) for e in decide(self.state, cmd)]
        head = (
            (self.events[-1].seq, self.events[-1].hash)
            if self.events
            else (0, GENESIS_HASH)
        )
        stored, _ = link_batch(new, head=head, versions=self.versions)
        for event in stored:
            self.versions[event.stream_id] = event.version
            self.events.append(event)
            evolve(self.state, event)
        return stored

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
