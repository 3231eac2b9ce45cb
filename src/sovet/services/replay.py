"""Replay: rebuild the projections from the log (DESIGN §3: the log is the truth).

The projections written live by ``handlers.execute`` must equal the ones a
replay of the whole log computes; ``replayed_projections`` computes them without
writing, ``rebuild_projections`` replaces the stored ones. ``state_digest``
is the canonical digest of the replayed state: the SHA-256 of the canonical
JSON (``ledger.canonical``) of every projection row by kind and key, the same
bytes in any process, whatever its ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import hashlib

from sovet.domain import fold
from sovet.ledger.canonical import canonical_json
from sovet.ledger.envelope import JSONValue
from sovet.ports import ProjectionStore, UnitOfWork
from sovet.services.projector import KINDS, project, rows

__all__ = [
    "rebuild_projections",
    "replay_into",
    "replayed_projections",
    "snapshot",
    "state_digest",
]


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


def state_digest(uow: UnitOfWork) -> str:
    """The canonical digest (hex SHA-256) of the state a full replay gives."""
    return hashlib.sha256(canonical_json(replayed_projections(uow))).hexdigest()


def rebuild_projections(uow: UnitOfWork) -> int:
    """Clear and rebuild the stored projections from the log; the event count."""
    with uow:
        uow.projections.clear()
        replay_into(uow, uow.projections)
        size, _ = uow.events.head()
        uow.commit()
    return size
