"""Constituencies, deputies, elections and recalls (SR-6…SR-10).

``GET /api/constituencies`` (public: council, seats, electorate, holders);
``POST /api/constituencies/commands/…``. Secret polls are served by
``routes/elections.py``, recall petitions by ``routes/petitions.py``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sovet.api.deps import Ctx, MaybePrincipal, read_state
from sovet.api.routes.commands import add_commands
from sovet.domain import FederationState

__all__ = ["router"]

router = APIRouter(prefix="/constituencies", tags=["constituencies"])


@router.get("")
async def constituencies(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """SR-6: every constituency with its council, seats, electorate and holders."""

    def answer(state: FederationState) -> dict[str, Any]:
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

    return await read_state(ctx, answer)


add_commands(router, "constituencies")
