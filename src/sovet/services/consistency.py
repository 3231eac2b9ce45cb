"""RFC 9162 consistency proofs over the log (``GET /api/checkpoints/proof``),
the latest answers kept (moved out of ``checkpoints``, which re-exports it)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from sovet.errors import InputError, says
from sovet.ledger.chain import canonical_event
from sovet.ledger.compact import consistency_proof as streamed_proof
from sovet.ports import UnitOfWork

__all__ = ["consistency_proof"]


_PROOFS: OrderedDict[tuple[str, int, int], list[str]] = OrderedDict()
_PROOFS_KEPT = 64
_PROOFS_LOCK = threading.Lock()


def consistency_proof(uow: UnitOfWork, first: int, second: int) -> list[str]:
    """RFC 9162 PROOF(first, D[0:second]) over the log, as hex (§2.1.4.1).

    ``InputError`` naming ``from`` or ``to`` unless 0 < first <= second <= the
    log's size. The first ``second`` events are read once and the proof's
    subtrees hashed as they go by (``ledger.compact.consistency_proof``: O(log
    n) memory); the latest answers are kept (witnesses ask for the same
    pairs), keyed by the head they were computed on.
    """
    if first < 1:
        raise InputError(
            says("must be at least 1 (RFC 9162: no proof from 0)"), key="from"
        )
    if second < first:
        raise InputError(says("must be at least from ({first})", first=first), key="to")
    with uow:
        size, head = uow.events.head()
        if second > size:
            raise InputError(says("the log holds {size} events", size=size), key="to")
        key = (head, first, second)
        with _PROOFS_LOCK:
            if key in _PROOFS:
                _PROOFS.move_to_end(key)
                return list(_PROOFS[key])
        leaves = (canonical_event(e) for e in uow.events.read(limit=second))
        proof = [p.hex() for p in streamed_proof(first, second, leaves)]
    with _PROOFS_LOCK:
        _PROOFS[key] = proof
        while len(_PROOFS) > _PROOFS_KEPT:
            _PROOFS.popitem(last=False)
    return list(proof)
