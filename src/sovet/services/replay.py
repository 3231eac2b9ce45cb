"""Replay: rebuild the projections from the log (DESIGN §3: the log is the truth).

The projections written live by ``handlers.execute`` must equal the ones a
replay of the whole log computes; ``replayed_projections`` computes them without
writing, ``rebuild_projections`` replaces the stored ones.
"""

from __future__ import annotations

from sovet.domain import fold
from sovet.ledger.envelope import JSONValue
from sovet.ports import ProjectionStore, UnitOfWork
from sovet.services.projector import KINDS, project, rows

__all__ = ["rebuild_projections", "replay_into", "replayed_projections", "snapshot"]


def snapshot(store: ProjectionStore) -> dict[str, dict[str, JSONValue]]:
    """Every projection row, by kind and key (for comparisons)."""
    return {kind: store.all(kind) for kind in KINDS}


def replay_into(uow: UnitOfWork, target: ProjectionStore) -> None:
    """Project the fold of ``uow``'s whole log into ``target`` (inside a unit)."""
    events = list(uow.events.read())
    project(target, fold(events), events)


def replayed_projections(uow: UnitOfWork) -> dict[str, dict[str, JSONValue]]:
    """The projections a full replay of the log gives, computed in memory."""
    with uow:
        return rows(fold(uow.events.read()))


def rebuild_projections(uow: UnitOfWork) -> int:
    """Clear and rebuild the stored projections from the log; the event count."""
    with uow:
        uow.projections.clear()
        replay_into(uow, uow.projections)
        size, _ = uow.events.head()
        uow.commit()
    return size
