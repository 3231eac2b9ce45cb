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
from sovet.errors import NotAuthorized
from sovet.ledger.envelope import StoredEvent
from sovet.services.authz import Principal
from sovet.services.ballots import state_now
from sovet.services.petitions import (
    open_petition,
    petition_view,
    sign_petition,
)
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


def _events(stored: list[StoredEvent]) -> list[dict[str, Any]]:
    return [{"seq": e.seq, "hash": e.hash, "type": e.type} for e in stored]


def _council_of(ctx: Ctx, constituency: str) -> str | None:
    record = state_now(ctx.services).constituencies.get(constituency)
    return record.council if record else None


@router.post("", status_code=201)
async def open_(form: PetitionForm, ctx: Ctx, who: Signer) -> dict[str, Any]:
    """SR-9: an elector of the constituency (or its council's secretary) opens it."""
    council = await run_in_threadpool(_council_of, ctx, form.constituency)
    opener = who.person
    if council is not None and who.has_role("secretary", council):
        opener = None
    elif opener is None:
        raise NotAuthorized(f"{who.name!r} is no member: the account names no person")
    stored = await run_in_threadpool(
        lambda: open_petition(
            ctx.services, form.petition, form.constituency, form.deputy, opener=opener
        )
    )
    ctx.executed(stored)
    return {"petition": form.petition, "events": _events(stored)}


@router.post("/{petition}/sign")
async def sign(petition: str, ctx: Ctx, who: Signer) -> dict[str, Any]:
    """SR-10: the caller signs; past the threshold the recall mode acts."""
    if who.person is None:
        raise NotAuthorized(f"{who.name!r} is no member: the account names no person")
    stored = await run_in_threadpool(sign_petition, ctx.services, petition, who.person)
    ctx.executed(stored)
    view = await run_in_threadpool(petition_view, ctx.services, petition)
    return {"petition": petition, "events": _events(stored), "progress": view}


@router.get("/{petition}")
async def get_petition(
    petition: str, ctx: Ctx, _who: MaybePrincipal, at: str | None = None
) -> dict[str, Any]:
    """SR-10: signatures / electorate / threshold, status and events (at ``at``)."""
    if at is not None:
        check_time(at, key="at")  # 422, not 500 (found by schemathesis)
    return await run_in_threadpool(lambda: petition_view(ctx.services, petition, at=at))
