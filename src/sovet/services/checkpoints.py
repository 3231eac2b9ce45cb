"""Signed checkpoints of the log's head (DESIGN §3: Ed25519 over size, root, head).

A checkpoint states "the first *size* events have this RFC 9162 Merkle root and
this head hash", signed by the database's key (``ledger.checkpoint``). ``sovet
run`` and ``sovet demo`` sign one after each scenario, ``sovet checkpoint`` on
demand; ``verify`` and ``import`` check every one against the events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sovet.errors import ChainBroken
from sovet.ledger.checkpoint import (
    SignatureCheck,
    SignedCheckpoint,
    checkpoint_body,
    checkpoint_problem,
    sign_checkpoint,
)
from sovet.ledger.envelope import StoredEvent
from sovet.ports import Checkpoint, Signer, UnitOfWork

__all__ = ["check_checkpoints", "sign_head"]


def check_checkpoints(
    events: Sequence[StoredEvent],
    checkpoints: Iterable[Checkpoint],
    verify_signature: SignatureCheck,
) -> int:
    """Check each checkpoint against the (verified) events; how many were checked.

    A checkpoint larger than the log means events were deleted: ``ChainBroken``
    names the first missing event. Otherwise the checkpoint's signature and its
    size, Merkle root and head hash must match the first ``size`` events.
    """
    count = 0
    for checkpoint in checkpoints:
        if checkpoint.size > len(events):
            raise ChainBroken(
                len(events) + 1,
                f"missing: a signed checkpoint covers {checkpoint.size} events, "
                f"the log holds {len(events)}",
            )
        expected = checkpoint_body(events[: checkpoint.size])
        problem = checkpoint_problem(checkpoint, verify_signature, expected=expected)
        if problem is not None:
            raise ChainBroken(max(checkpoint.size, 1), problem)
        count += 1
    return count


def sign_head(uow: UnitOfWork, signer: Signer) -> SignedCheckpoint | None:
    """Sign and store a checkpoint of the head; ``None`` if empty or already signed."""
    with uow:
        events = list(uow.events.read())
        if not events:
            return None
        if any(cp.size == len(events) for cp in uow.checkpoints.list()):
            return None
        checkpoint = sign_checkpoint(checkpoint_body(events), signer)
        uow.checkpoints.add(checkpoint)
        uow.commit()
    return checkpoint
