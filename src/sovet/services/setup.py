"""Setting a federation up: adopting its constitution, and describing events.

``init`` records the constitution as the log's first act (the ``adopt_constitution``
command of ``domain.bodies``), so the log alone says which rules govern it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sovet.domain import Constitution, event_from_stored
from sovet.domain.bodies.registration import AdoptConstitution
from sovet.errors import InputError, says
from sovet.ledger.envelope import StoredEvent
from sovet.ports import UnitOfWork
from sovet.services.handlers import StateCache, execute

__all__ = ["adopt_constitution", "describe_events"]


def adopt_constitution(
    uow: UnitOfWork,
    constitution: Constitution,
    *,
    source: str,
    at: str,
    cache: StateCache | None = None,
) -> list[StoredEvent]:
    """Record ``constitution`` (``source``: a preset or file) as adopted at ``at``.

    Only as the log's first act: a database that already holds events is refused
    (``InputError``, nothing written) rather than silently re-governed.
    """
    command = AdoptConstitution(
        at=at, preset=source, constitution=constitution.to_mapping()
    )
    with uow:
        if uow.events.head()[0] != 0:
            raise InputError(
                says(
                    "the database already holds events; init needs an empty one "
                    "(its constitution is adopted as the log's first act)"
                ),
                source="init",
            )
        return execute(uow, command, cache=cache)


def describe_events(events: Iterable[StoredEvent]) -> list[str]:
    """One readable line per stored event: what it changed (no date)."""
    return [event_from_stored(event).describe() for event in events]
