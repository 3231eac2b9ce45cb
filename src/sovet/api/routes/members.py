"""Members (SR-4/SR-5): persons on record, electors and exclusions.

``GET /api/members`` (public: persons and factions, as the log records them);
``POST /api/members/commands/…`` (registering electors, exclusions, age).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Ctx, MaybePrincipal, current_state
from sovet.api.routes.commands import add_commands

__all__ = ["router"]

router = APIRouter(prefix="/members", tags=["members"])


@router.get("")
async def members(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """The persons on record with their faction."""
    state = await run_in_threadpool(current_state, ctx)
    return {
        "members": [
            {"id": p.id, "name": p.name, "faction": p.faction}
            for p in sorted(state.persons.values(), key=lambda p: p.id)
        ]
    }


add_commands(router, "members")
