"""Test support for the franchise/election/recall commands: a tiny in-memory log."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sovet.domain import (
    Command,
    Constitution,
    DomainEvent,
    FederationState,
    decide,
    evolve,
    to_new_event,
)
from sovet.domain.bodies.registration import (
    RegisterBody,
    RegisterFaction,
    RegisterPerson,
)
from sovet.domain.elections.conduct import Conduct
from sovet.domain.elections.deputies import RegisterConstituency
from sovet.domain.franchise.electorate import RegisterElector
from sovet.ledger.envelope import StoredEvent

__all__ = ["CONDUCT", "Flow", "with_recall"]

CONDUCT = Conduct("petrograd", ("k1", "k2"), "rep", ())


def with_recall(**params: Any) -> Constitution:
    """The 1918 constitution with recall parameters changed."""
    base = Constitution()
    return replace(base, recall=replace(base.recall, **params))


class Flow:
    """Decide and evolve commands on a fresh state, as the store would."""

    def __init__(self, constitution: Constitution | None = None) -> None:
        self.state = FederationState(constitution=constitution or Constitution())
        self.seq = 0
        self.events: list[StoredEvent] = []

    def run(self, cmd: Command) -> list[DomainEvent]:
        """Apply ``cmd``: its events are encoded, decoded and evolved."""
        events = decide(self.state, cmd)
        for evt in events:
            new = to_new_event(evt)
            self.seq += 1
            stored = StoredEvent(
                self.seq,
                new.stream_id,
                self.seq,
                new.type,
                new.payload,
                new.recorded_at,
                "0" * 64,
                f"{self.seq:064x}",
            )
            self.events.append(stored)
            evolve(self.state, stored)
        return events

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
