"""Constituencies, deputies, elections and recalls (SR-6…SR-10).

``GET /api/constituencies`` (public: council, seats, electorate, holders);
``POST /api/constituencies/commands/…``. Secret polls are served by
``routes/elections.py``, recall petitions by ``routes/petitions.py``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Ctx, MaybePrincipal, current_state
from sovet.api.routes.commands import add_commands

__all__ = ["router"]

router = APIRouter(prefix="/constituencies", tags=["constituencies"])


@router.get("")
async def constituencies(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """SR-6: every constituency with its council, seats, electorate and holders."""
    state = await run_in_threadpool(current_state, ctx)
    return {
        "constituencies": [
            {
                "id": c.id,
                "council": c.council,
                "seats": c.seats,
                "electorate": c.electorate,
                "holders": sorted(c.holders),
            }
            for c in state.constituencies.values()
        ]
    }


add_commands(router, "constituencies")
