"""Members (SR-4/SR-5): persons on record, electors and exclusions.

``GET /api/members`` (public: persons and factions, as the log records them);
``POST /api/members/commands/…`` (registering electors, exclusions, age).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sovet.api.deps import Ctx, MaybePrincipal, read_state
from sovet.api.routes.commands import add_commands
from sovet.domain import FederationState

__all__ = ["router"]

router = APIRouter(prefix="/members", tags=["members"])


@router.get("")
async def members(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """The persons on record with their faction."""

    def answer(state: FederationState) -> dict[str, Any]:
        return {
            "members": [
                {"id": p.id, "name": p.name, "faction": p.faction}
                for p in sorted(state.persons.values(), key=lambda p: p.id)
            ]
        }

    return await read_state(ctx, answer)


add_commands(router, "members")
