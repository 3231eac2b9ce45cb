"""Bodies (SR-1/SR-2): councils, congresses, committees, and their commands.

``GET /api/bodies`` and ``GET /api/bodies/{body}`` (public: kind, level,
parent, composition by faction, members); ``POST /api/bodies/commands/…``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sovet.api.deps import Ctx, MaybePrincipal, read_state
from sovet.api.routes.commands import add_commands
from sovet.domain import FederationState

__all__ = ["router"]

router = APIRouter(prefix="/bodies", tags=["bodies"])


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


@router.get("")
async def bodies(ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """SR-2: every body of the federation with its composition by faction."""

    def answer(state: FederationState) -> dict[str, Any]:
        return {"bodies": [_body_json(state, key) for key in sorted(state.bodies)]}

    return await read_state(ctx, answer)


@router.get("/{body}")
async def body(body: str, ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """One body: kind, level, parent, composition and members (404 if unknown)."""

    def answer(state: FederationState) -> dict[str, Any]:
        return _body_json(state, body)

    return await read_state(ctx, answer)


add_commands(router, "bodies")
