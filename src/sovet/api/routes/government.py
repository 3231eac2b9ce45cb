"""Executive committees and governments (SR-20…SR-22, SR-30).

``GET /api/government`` (public: every government, its status and offices);
``POST /api/government/commands/…``. Who governs legitimately at a time is
``GET /api/legitimacy`` (SR-28).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sovet.api.deps import Ctx, MaybePrincipal, read_state
from sovet.api.routes.commands import add_commands
from sovet.domain import FederationState

__all__ = ["router"]

router = APIRouter(prefix="/government", tags=["government"])


@router.get("")
async def governments(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """SR-21: the governments on record with their offices and holders."""

    def answer(state: FederationState) -> dict[str, Any]:
        return {
            "governments": [
                {
                    "id": g.id,
                    "name": g.name,
                    "assembly": g.assembly,
                    "status": g.status,
                    "offices": {
                        key: {"person": o.person, "faction": o.faction}
                        for key, o in g.offices.items()
                    },
                }
                for g in state.governments.values()
            ]
        }

    return await read_state(ctx, answer)


add_commands(router, "government")
