"""Public queries (DESIGN §1: anyone can see who governs, why, and check it).

``GET /api/legitimacy?at=`` (SR-28; default: now), ``GET /api/log?after=&limit=``
(paged), ``GET /api/verify``, ``GET /api/checkpoints``,
``GET /api/checkpoints/latest`` (what a witness keeps) and
``GET /api/checkpoints/consistency?from=M&to=N`` (the RFC 9162 proof that the
tree of M events is a prefix of the tree of N). They are read-only and need no
account; each resource's own lists are in its router (bodies, members,
congress, government, constituencies).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Ctx, MaybePrincipal
from sovet.errors import NotFound
from sovet.ledger.envelope import JSONValue
from sovet.services.checkpoints import (
    MAX_PROOF_SIZE,
    checkpoint_json,
    consistency_proof,
    latest_checkpoint,
)
from sovet.services.queries import check_time, legitimacy_at, log_page
from sovet.services.trust import verify_database

__all__ = ["router"]

router = APIRouter(tags=["queries"])

MAX_PAGE = 500
"""The largest page of the log one request returns."""


@router.get("/legitimacy")
async def legitimacy(
    ctx: Ctx, _who: MaybePrincipal, at: str | None = None
) -> dict[str, JSONValue]:
    """SR-28: who legitimately governs at ``at`` (ISO date; default now), with proof."""
    now = ctx.services.clock.now().replace(microsecond=0)
    when = check_time(at, key="at") if at else now.isoformat()

    def answer() -> dict[str, JSONValue]:
        with ctx.lock:
            return legitimacy_at(ctx.services.uow(), when, cache=ctx.services.cache)

    return await run_in_threadpool(answer)


@router.get("/log")
async def log(
    ctx: Ctx,
    _who: MaybePrincipal,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> dict[str, Any]:
    """A page of the log: events after seq ``after``, at most ``limit``."""
    page = await run_in_threadpool(
        log_page, ctx.services.uow(), start=after + 1, limit=limit
    )
    events = [
        {
            "seq": e.seq,
            "stream_id": e.stream_id,
            "version": e.version,
            "type": e.type,
            "payload": e.payload,
            "recorded_at": e.recorded_at,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
            "summary": page.summaries[e.seq],
        }
        for e in page.events
    ]
    last = events[-1]["seq"] if events else after
    return {
        "events": events,
        "next_after": last if len(events) == limit else None,
    }


@router.get("/verify")
async def verify(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """The chain, Merkle roots, signatures and key rotations checked against the
    organisation's pinned key (``sovet verify``; ``services.trust``). A log
    signed by any other key fails: 500 with the error contract naming it."""
    found = await run_in_threadpool(verify_database, ctx.services)
    return found.to_json()


@router.get("/checkpoints")
async def checkpoints(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """The signed checkpoints: size, Merkle root, head hash, signature, key."""

    def read() -> list[dict[str, Any]]:
        uow = ctx.services.uow()
        with uow:
            found = uow.checkpoints.list()
        return [
            {
                "size": c.size,
                "root_hash": c.root_hash,
                "head_hash": c.head_hash,
                "signature": c.signature,
                "public_key": c.public_key,
            }
            for c in found
        ]

    return {"checkpoints": await run_in_threadpool(read)}


@router.get("/checkpoints/latest")
async def checkpoint_latest(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """The latest signed checkpoint: ``size``, ``root``, ``head``, ``public_key``,
    ``signature`` (hex) and ``appended_at`` (when it was made). A witness keeps
    it (``sovet witness``); ``sovet verify --against`` checks a log against it."""
    record = await run_in_threadpool(latest_checkpoint, ctx.services.uow())
    if record is None:
        raise NotFound("DESIGN §3", "the log has no signed checkpoint yet")
    return checkpoint_json(record)


@router.get("/checkpoints/consistency")
async def checkpoint_consistency(
    ctx: Ctx,
    _who: MaybePrincipal,
    first: Annotated[int, Query(alias="from", ge=1, le=MAX_PROOF_SIZE)],
    second: Annotated[int, Query(alias="to", ge=1, le=MAX_PROOF_SIZE)],
) -> dict[str, Any]:
    """RFC 9162 §2.1.4 consistency proof between the trees of ``from`` and ``to``
    events (1 ≤ from ≤ to ≤ the log's size): hex hashes, empty when equal."""
    proof = await run_in_threadpool(
        consistency_proof, ctx.services.uow(), first, second
    )
    return {"from": first, "to": second, "proof": proof}
