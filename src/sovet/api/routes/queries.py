"""Public queries (DESIGN §1: anyone can see who governs, why, and check it).

``GET /api/legitimacy?at=&as_known_at=`` (SR-28; default: now, as the
records stand), ``GET
/api/seats/{person}?at=`` (every seat and office a person holds, ``sovet
seats``), ``GET /api/log?after=&limit=`` (paged), ``GET /api/verify``,
``GET /api/checkpoints``, ``GET /api/checkpoints/latest`` (what a witness
keeps) and ``GET /api/checkpoints/consistency?from=M&to=N`` (the RFC 9162
proof that the tree of M events is a prefix of the tree of N). They are
read-only and need no account; each resource's own lists are in its router
(bodies, members, congress, government, constituencies). ``POST /api/whatif``
(``sovet whatif``) applies steps to a copy of the log and explains what would
change; it writes nothing, but copies the log, so it needs a signed-in caller
with the ``read`` scope.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Ctx, MaybePrincipal, Reader
from sovet.api.schemas import AnyJson, Text
from sovet.errors import NotFound, says
from sovet.ledger.envelope import JSONValue
from sovet.services.checkpoints import (
    MAX_PROOF_SIZE,
    checkpoint_json,
    consistency_proof,
    latest_checkpoint,
)
from sovet.services.queries import check_time, legitimacy_at, log_page, seats_at
from sovet.services.trust import verify_database
from sovet.services.whatif import steps_from, what_if

__all__ = ["router"]

router = APIRouter(tags=["queries"])

MAX_PAGE = 500
"""The largest page of the log one request returns."""

MAX_WHATIF_STEPS = 200
"""The most hypothetical steps one ``POST /api/whatif`` applies."""


class WhatIfBody(BaseModel):
    """Hypothetical steps and the time to compare legitimacy at."""

    model_config = ConfigDict(extra="forbid")

    at: Text = Field(description="the time to compare legitimacy at (ISO 8601)")
    steps: list[dict[str, AnyJson]] = Field(
        min_length=1,
        max_length=MAX_WHATIF_STEPS,
        description='scenario steps, each {"command": …, "at": …, …} as in a '
        "scenario's [[step]] tables",
    )


@router.get("/legitimacy")
async def legitimacy(
    ctx: Ctx,
    _who: MaybePrincipal,
    at: str | None = None,
    as_known_at: str | None = None,
) -> dict[str, JSONValue]:
    """SR-28: who legitimately governs at ``at`` (ISO date; default now), with
    proof — as the records stood at ``as_known_at`` (default: as they stand)."""
    now = ctx.services.clock.now().replace(microsecond=0)
    when = check_time(at, key="at") if at else now.isoformat()
    known = check_time(as_known_at, key="as_known_at") if as_known_at else None

    def answer() -> dict[str, JSONValue]:
        return legitimacy_at(
            ctx.services.uow(), when, cache=ctx.services.cache, as_known_at=known
        )

    return await run_in_threadpool(answer)


@router.get("/seats/{person}")
async def seats(
    ctx: Ctx, _who: MaybePrincipal, person: str, at: str | None = None
) -> list[dict[str, JSONValue]]:
    """Every seat and office ``person`` holds at ``at`` (ISO date; default now),
    at every level, each ``{body, role, since_seq}`` (the event that gave it)."""
    now = ctx.services.clock.now().replace(microsecond=0)
    when = check_time(at, key="at") if at else now.isoformat()

    def answer() -> list[dict[str, JSONValue]]:
        found = seats_at(ctx.services.uow(), person, when, cache=ctx.services.cache)
        return [line.to_json() for line in found]

    return await run_in_threadpool(answer)


@router.post("/whatif")
async def whatif(ctx: Ctx, _who: Reader, body: WhatIfBody) -> dict[str, JSONValue]:
    """HYPOTHETICAL: apply ``steps`` to a copy of the log and say what would
    change at ``at`` — seats, majorities, offices, who may act — or why nothing
    would (``sovet whatif``); the database is only read."""
    when = check_time(body.at, key="at")
    steps = steps_from(body.steps, source="steps")

    def answer() -> dict[str, JSONValue]:
        result = what_if(
            ctx.services.uow(),
            steps,
            when,
            source="steps",
            scratch=ctx.services.scratch,
        )
        return result.to_json()

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
            "recorded_at": e.effective_at,  # the v1 name, kept for clients
            "effective_at": e.effective_at,
            "appended_at": e.appended_at,
            "envelope": e.envelope,
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
        raise NotFound("DESIGN §3", says("the log has no signed checkpoint yet"))
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
