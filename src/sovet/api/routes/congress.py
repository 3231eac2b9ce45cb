"""Congress sessions (SR-15…SR-18): convocation, credentials, delegates.

``GET /api/congress`` (public: every congress and executive committee session
with its seated composition); ``POST /api/congress/commands/…``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sovet.api.deps import Ctx, MaybePrincipal, read_state
from sovet.api.routes.commands import add_commands
from sovet.domain import FederationState

__all__ = ["router"]

router = APIRouter(prefix="/congress", tags=["congress"])


@router.get("")
async def sessions(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """SR-17/SR-18: the sessions, their body, opening, closing and seated factions."""

    def answer(state: FederationState) -> dict[str, Any]:
        return {
            "sessions": [
                {
                    "id": a.id,
                    "body": a.body,
                    "kind": a.kind,
                    "name": a.name,
                    "opened_at": a.opened_at,
                    "closed_at": a.closed_at,
                    "seated": dict(a.seated),
                    "seated_total": a.seated_total(),
                }
                for a in state.assemblies.values()
            ]
        }

    return await read_state(ctx, answer)


add_commands(router, "congress")
