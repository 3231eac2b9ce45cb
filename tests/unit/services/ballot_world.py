"""Test support: the town (Petrograd, ``putilov``) run through the services."""

from __future__ import annotations

from sovet.domain import Command, DomainEvent, FederationState, event_from_stored
from sovet.domain.elections.deputies import SeatDeputy
from sovet.domain.elections.polling import CallElection
from sovet.ledger.envelope import StoredEvent
from sovet.services.bootstrap import Services
from sovet.services.handlers import StateCache, execute
from tests.world import CONDUCT, World

__all__ = ["ServiceWorld", "town_with_deputy", "town_with_election"]


class ServiceWorld(World):
    """A ``World`` whose commands go through ``handlers.execute`` into
    ``services`` (its own log and state stay empty)."""

    def __init__(self, services: Services) -> None:
        self._start(FederationState())
        self.services = services
        self.cache = StateCache()

    def record(self, cmd: Command) -> list[StoredEvent]:
        """Execute ``cmd`` in a unit of work of the services."""
        return execute(self.services.uow(), cmd, cache=self.cache)

    def run(self, cmd: Command) -> list[DomainEvent]:
        """Execute ``cmd`` in a unit of work of the services: its events."""
        return [event_from_stored(s) for s in self.record(cmd)]


def town_with_election(
    services: Services, *, electors: int = 10, method: str = "irv", seats: int = 1
) -> None:
    """Electors ``v0``… of ``putilov``; election ``e1`` (candidates a, b, c) on
    1917-11-05."""
    flow = ServiceWorld(services)
    flow.town(electors=electors)
    flow.run(
        CallElection(
            at="1917-11-01",
            election="e1",
            constituency="putilov",
            seats=seats,
            polling_day="1917-11-05",
            candidates=("a", "b", "c"),
            conduct=CONDUCT,
            method=method,
        )
    )


def town_with_deputy(services: Services, *, electors: int = 5) -> None:
    """Deputy ``a`` holds a seat of ``putilov`` (``electors`` voters ``v0``…)."""
    flow = ServiceWorld(services)
    flow.town(electors=electors)
    flow.run(SeatDeputy(at="1917-10-02", constituency="putilov", person="a"))
