"""The projector skips acts made only of ``UNPROJECTED`` events: for every
such event of logs that hold them (casts, signatures, the signature that
recalls a deputy), the projection rows before and after it are the same."""

from __future__ import annotations

import copy

from sovet.domain import FederationState, evolve
from sovet.ledger.envelope import StoredEvent
from sovet.services.ballots import ballot_units, cast_ballot, close_poll, open_poll
from sovet.services.bootstrap import Services, in_memory
from sovet.services.petitions import open_petition, sign_petition
from sovet.services.projector import UNPROJECTED, rows
from tests.unit.services.ballot_world import town_with_deputy, town_with_election


def _log(services: Services) -> list[StoredEvent]:
    with ballot_units(services)() as uow:
        return list(uow.events.read())


def _unchanged_by_each(events: list[StoredEvent]) -> set[str]:
    """Evolve ``events`` one by one; the ``UNPROJECTED`` types met, each
    checked to leave the rows as they were."""
    state, met = FederationState(), set()
    for event in events:
        before = copy.deepcopy(rows(state)) if event.type in UNPROJECTED else None
        state = evolve(state, event)
        if before is not None:
            assert rows(state) == before, event.type
            met.add(event.type)
    return met


def test_casts_change_no_projection() -> None:
    services = in_memory()
    town_with_election(services, electors=6)
    open_poll(services, "e1", at="1917-11-05")
    for i in range(6):
        cast_ballot(services, "e1", f"v{i}", ["a", "b"][: 1 + i % 2], at="1917-11-05")
    close_poll(services, "e1", ("k1", "rep"), at="1917-11-06")
    assert _unchanged_by_each(_log(services)) == {"VoteCast"}


def test_signatures_change_no_projection_even_the_one_that_recalls() -> None:
    services = in_memory()
    town_with_deputy(services)
    open_petition(services, "p1", "putilov", "a", at="1917-10-03")
    for member in ("v0", "v1", "v2"):
        sign_petition(services, "p1", member, at="1917-10-04")
    events = _log(services)
    assert "DeputyRecalled" in {e.type for e in events}  # the act holds more
    assert _unchanged_by_each(events) == {"RecallPetitionSigned"}
