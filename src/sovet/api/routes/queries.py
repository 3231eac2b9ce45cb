"""Public queries (DESIGN §1: anyone can see who governs, why, and check it).

``GET /api/legitimacy?at=`` (SR-28; default: now), ``GET /api/log?after=&limit=``
(paged), ``GET /api/verify``, ``GET /api/checkpoints``, ``GET /api/bodies``,
``GET /api/bodies/{body}`` (composition and members), ``GET /api/members``
(persons and factions). They are read-only and need no account.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import ApiContext, Ctx, MaybePrincipal
from sovet.domain import FederationState
from sovet.ledger.envelope import JSONValue
from sovet.services.queries import legitimacy_at, log_page, verify_log

__all__ = ["router"]

router = APIRouter(tags=["queries"])

MAX_PAGE = 500
"""The largest page of the log one request returns."""


def _state(ctx: ApiContext) -> FederationState:
    services = ctx.services
    with ctx.lock:
        uow = services.uow()
        with uow:
            return services.cache.current(uow.events)


@router.get("/legitimacy")
async def legitimacy(
    ctx: Ctx, _who: MaybePrincipal, at: str | None = None
) -> dict[str, JSONValue]:
    """SR-28: who legitimately governs at ``at`` (ISO date; default now), with proof."""
    when = at or ctx.services.clock.now().date().isoformat()

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
    """The chain, Merkle roots and signatures checked (``sovet verify``)."""
    services = ctx.services
    report = await run_in_threadpool(
        verify_log, services.uow(), services.verify_signature
    )
    return {
        "ok": True,
        "events": report.events,
        "head_hash": report.head_hash,
        "checkpoints": report.checkpoints,
        "keys": list(report.keys),
    }


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


def _body_json(state: FederationState, body_id: str) -> dict[str, Any]:
    body = state.body(body_id)
    return {
        "id": body.id,
        "name": body.name,
        "kind": body.kind,
        "level": body.level,
        "parent": body.parent,
        "composition": dict(body.composition),
        "members": dict(body.members),
        "made_by": body.made_by.to_json(),
    }


@router.get("/bodies")
async def bodies(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """Every body of the federation with its composition by faction."""
    state = await run_in_threadpool(_state, ctx)
    return {"bodies": [_body_json(state, key) for key in sorted(state.bodies)]}


@router.get("/bodies/{body}")
async def body(body: str, ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """One body: kind, level, parent, composition and members (404 if unknown)."""
    state = await run_in_threadpool(_state, ctx)
    return _body_json(state, body)


@router.get("/members")
async def members(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """The persons on record with their faction."""
    state = await run_in_threadpool(_state, ctx)
    return {
        "members": [
            {"id": p.id, "name": p.name, "faction": p.faction}
            for p in sorted(state.persons.values(), key=lambda p: p.id)
        ]
    }
