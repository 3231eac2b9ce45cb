"""Members (SR-4/SR-5): persons on record, electors and exclusions.

``GET /api/members`` (public: persons and factions, as the log records them;
in a v2 log a member who holds no office is named by id only);
``POST /api/members/commands/…`` (registering electors, exclusions, age);
``GET /api/members/personal-data`` and ``POST /api/members/{person}/erase``
(the administrator: the erasable personal data, each erasure audited).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Admin, Ctx, MaybePrincipal, read_state
from sovet.api.routes.commands import add_commands
from sovet.domain import FederationState
from sovet.services.personal import data_export, erase

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


@router.get("/personal-data")
async def personal_data(ctx: Ctx, admin: Admin) -> dict[str, Any]:
    """The personal data kept off the chain, with secrets (administrator)."""

    def run() -> dict[str, Any]:
        found = data_export(ctx.services.uow())
        ctx.accounts.audit(
            "personal_data_read", f"{len(found['records'])} records", admin.name
        )
        return found

    return await run_in_threadpool(run)


@router.post("/{person}/erase")
async def erase_person(person: str, ctx: Ctx, admin: Admin) -> dict[str, Any]:
    """Erase a member's personal data and secret; the log is unchanged
    (administrator, audited)."""

    def run() -> None:
        erase(ctx.services.uow(), person)
        ctx.accounts.audit("personal_data_erased", f"of {person}", admin.name)

    await run_in_threadpool(run)
    return {"person": person, "erased": True}


add_commands(router, "members")
