"""Test support: the h8 town (Petrograd, ``putilov``) run through the services."""

from __future__ import annotations

from sovet.domain import Command, DomainEvent, event_from_stored
from sovet.domain.elections.deputies import SeatDeputy
from sovet.domain.elections.polling import CallElection
from sovet.services.bootstrap import Services
from sovet.services.handlers import StateCache, execute
from tests.unit.domain.h8_support import CONDUCT, Flow

__all__ = ["ServiceFlow", "town_with_deputy", "town_with_election"]


class ServiceFlow(Flow):
    """``Flow`` whose commands go through ``handlers.execute`` into ``services``."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.cache = StateCache()

    def run(self, cmd: Command) -> list[DomainEvent]:
        """Execute ``cmd`` in a unit of work of the services."""
        stored = execute(self.services.uow(), cmd, cache=self.cache)
        return [event_from_stored(s) for s in stored]


def town_with_election(
    services: Services, *, electors: int = 10, method: str = "irv", seats: int = 1
) -> None:
    """Electors ``v0``… of ``putilov``; election ``e1`` (candidates a, b, c) on
    1917-11-05."""
    flow = ServiceFlow(services)
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
    flow = ServiceFlow(services)
    flow.town(electors=electors)
    flow.run(SeatDeputy(at="1917-10-02", constituency="putilov", person="a"))
