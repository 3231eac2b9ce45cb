"""The projector: query rows derived from the folded state (DESIGN §3).

Three kinds of row, written in the same unit of work as the events:

- ``government`` — every government by id: name, status, the approving
  assembly and motion, bloc, offices with holders (SR-21…SR-30);
- ``congress`` — every congress session and executive committee by id: body,
  number, opened/closed, seated/consultative/absent delegates per faction
  (SR-16…SR-20);
- ``seats`` — every body's deputies per faction (council compositions, SR-6…SR-10)
  and how many named members it has per faction (a row stays small however
  many members a body has).

``project(store, state, events)`` rewrites exactly the rows whose value differs
from the state after ``events`` (and deletes rows whose subject is gone), so live
projection and a replay from the log (``services.replay``) give the same rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from sovet.domain.bodies.records import BodyRecord
from sovet.domain.government.records import GovernmentRecord
from sovet.domain.kernel.assembly import Assembly
from sovet.domain.kernel.state import FederationState
from sovet.ledger.envelope import JSONValue, StoredEvent
from sovet.ports import ProjectionStore

__all__ = ["KINDS", "UNPROJECTED", "project", "rows"]


def _government(record: GovernmentRecord) -> JSONValue:
    return {
        "name": record.name,
        "status": record.status,
        "assembly": record.assembly,
        "approved_by": record.approved_by,
        "bloc": list(record.bloc),
        "ended_reason": record.ended_reason,
        "offices": {
            office.office: {"person": office.person, "faction": office.faction}
            for office in record.offices.values()
        },
    }


def _congress(assembly: Assembly) -> JSONValue:
    return {
        "body": assembly.body,
        "kind": assembly.kind,
        "name": assembly.name,
        "number": assembly.number,
        "opened_at": assembly.opened_at,
        "closed_at": assembly.closed_at,
        "seated": dict(assembly.seated),
        "consultative": dict(assembly.consultative),
        "absent": dict(assembly.absent),
        "executive": assembly.executive,
    }


def _seats(body: BodyRecord) -> JSONValue:
    named = Counter(faction or "" for faction in body.members.values())
    return {
        "name": body.name,
        "level": body.level,
        "composition": dict(body.composition),
        "named_members": dict(sorted(named.items())),
    }


_BUILDERS: dict[str, Callable[[FederationState], dict[str, JSONValue]]] = {
    "government": lambda s: {k: _government(v) for k, v in s.governments.items()},
    "congress": lambda s: {k: _congress(v) for k, v in s.assemblies.items()},
    "seats": lambda s: {
        k: _seats(v) for k, v in s.bodies.items() if v.composition or v.members
    },
}

KINDS: tuple[str, ...] = tuple(_BUILDERS)
"""The projection kinds this projector maintains."""

UNPROJECTED = frozenset({"VoteCast", "RecallPetitionSigned"})
"""Event types whose evolvers touch no government, assembly or body (a vote
marks its voter, a signature its signer): acts made only of them leave every
projection as it was, so the live hot path (casts, signatures) skips the
rebuild and the read of every projection row (``tests/unit/services/
test_projector.py`` checks each type on logs that hold it)."""


def rows(state: FederationState) -> dict[str, dict[str, JSONValue]]:
    """Every projection row the state gives, by kind and key."""
    return {kind: build(state) for kind, build in _BUILDERS.items()}


def project(
    store: ProjectionStore, state: FederationState, events: Sequence[StoredEvent]
) -> int:
    """Bring ``store`` in line with ``state`` after ``events``; rows written.

    Nothing is written when ``events`` is empty or all ``UNPROJECTED``.
    """
    if all(event.type in UNPROJECTED for event in events):
        return 0  # nothing to write (no events, or none that changes a row)
    written = 0
    for kind, wanted in rows(state).items():
        current = store.all(kind)
        for key, value in wanted.items():
            if current.get(key) != value:
                store.put(kind, key, value)
                written += 1
        for key in current.keys() - wanted.keys():
            store.delete(kind, key)
            written += 1
    return written
