"""Recall petitions over HTTP (SR-9/SR-10).

- ``POST /api/petitions``: open a petition (an elector of the constituency, or
  the council's secretary), scope ``petitions:sign``;
- ``POST /api/petitions/{petition}/sign``: the caller's person signs, once,
  from the constituency's roll; the signature that passes the threshold acts
  in the constitution's recall mode (seat vacated, by-election scheduled …);
- ``GET /api/petitions/{petition}``: public progress (signatures / electorate
  / threshold) and the events so far.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Ctx, MaybePrincipal, scoped
from sovet.api.routes.commands import run_command
from sovet.errors import NotAuthorized
from sovet.services.authz import Principal
from sovet.services.petitions import petition_view
from sovet.services.queries import check_time

__all__ = ["router"]

router = APIRouter(prefix="/petitions", tags=["petitions"])
Signer = Annotated[Principal, Depends(scoped("petitions:sign"))]
Id = Annotated[str, Field(min_length=1, max_length=200)]


class PetitionForm(BaseModel):
    """SR-10: the petition's id, the constituency and its deputy."""

    model_config = ConfigDict(extra="forbid")
    petition: Id
    constituency: Id
    deputy: Id


def _events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"seq": e["seq"], "hash": e["hash"], "type": e["type"]} for e in events]


@router.post("", status_code=201)
async def open_(form: PetitionForm, ctx: Ctx, who: Signer) -> dict[str, Any]:
    """SR-9: an elector of the constituency (or its council's secretary) opens it.

    The same path as ``POST /api/petitions/commands/open_recall_petition``
    (``run_command``), with the ``petitions:sign`` scope.
    """
    fields = form.model_dump()
    done = await run_in_threadpool(
        lambda: run_command(
            ctx, who, "open_recall_petition", fields, scope="petitions:sign"
        )
    )
    return {"petition": form.petition, "events": _events(done["events"])}


@router.post("/{petition}/sign")
async def sign(petition: str, ctx: Ctx, who: Signer) -> dict[str, Any]:
    """SR-10: the caller signs; past the threshold the recall mode acts.

    The same path as ``POST /api/petitions/commands/sign_recall_petition``.
    """
    if who.person is None:
        raise NotAuthorized(f"{who.name!r} is no member: the account names no person")
    fields = {"petition": petition, "member": who.person}
    done = await run_in_threadpool(
        lambda: run_command(
            ctx, who, "sign_recall_petition", fields, scope="petitions:sign"
        )
    )
    view = await run_in_threadpool(petition_view, ctx.services, petition)
    return {"petition": petition, "events": _events(done["events"]), "progress": view}


@router.get("/{petition}")
async def get_petition(
    petition: str, ctx: Ctx, _who: MaybePrincipal, at: str | None = None
) -> dict[str, Any]:
    """SR-10: signatures / electorate / threshold, status and events (at ``at``)."""
    if at is not None:
        check_time(at, key="at")  # 422, not 500 (found by schemathesis)
    return await run_in_threadpool(lambda: petition_view(ctx.services, petition, at=at))
