"""Secret ballots over HTTP (SR-7, DESIGN §6): open, cast, close, the result.

- ``POST /api/elections/{election}/open`` and ``…/close``: the secretary of the
  council the election's constituency belongs to;
- ``POST /api/elections/{election}/ballots``: a member (an account bound to a
  person) with the ``ballots:cast`` scope; the engine takes the ballot only
  from an elector on the roll (SR-4, 403) while the poll is open (SR-7, 409),
  once (409). A ranked method takes ``{"ranking": [...]}``, an approval method
  ``{"approve": [...]}``. The answer (201) carries the voter's receipt;
- ``GET /api/elections/{election}``: public; no tally while the poll is open,
  the result with its stage table once it closed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Ctx, MaybePrincipal, Writer, scoped
from sovet.errors import InputError, NotAuthorized
from sovet.ledger.envelope import StoredEvent
from sovet.services.authz import Principal, check_role
from sovet.services.ballots import (
    cast_ballot,
    close_poll,
    election_council,
    election_view,
    open_poll,
)
from sovet.services.queries import check_time

__all__ = ["router"]

router = APIRouter(prefix="/elections", tags=["elections"])
Voter = Annotated[Principal, Depends(scoped("ballots:cast"))]

MAX_CHOICES = 200
"""The longest ranking or approval set a ballot may carry."""


class BallotForm(BaseModel):
    """A ranked ballot (``ranking``, first choice first) or an approval set."""

    model_config = ConfigDict(extra="forbid")
    ranking: list[Annotated[str, Field(max_length=200)]] | None = Field(
        default=None, max_length=MAX_CHOICES
    )
    approve: list[Annotated[str, Field(max_length=200)]] | None = Field(
        default=None, max_length=MAX_CHOICES
    )


class CloseForm(BaseModel):
    """SR-7: who signed the minutes (commission and council representative)."""

    model_config = ConfigDict(extra="forbid")
    minutes_signed_by: list[Annotated[str, Field(max_length=200)]] = Field(
        max_length=MAX_CHOICES
    )


def _events(stored: list[StoredEvent]) -> list[dict[str, Any]]:
    return [{"seq": e.seq, "hash": e.hash, "type": e.type} for e in stored]


async def _secretary(ctx: Ctx, who: Principal, election: str) -> None:
    council, _ranked = await run_in_threadpool(election_council, ctx.services, election)
    check_role(who, ("secretary",), council)


@router.get("/{election}")
async def get_election(
    election: str, ctx: Ctx, _who: MaybePrincipal, at: str | None = None
) -> dict[str, Any]:
    """SR-7: the election (at ``at``); its result only after the poll closed."""
    if at is not None:
        check_time(at, key="at")  # 422, not 500 (found by schemathesis)
    return await run_in_threadpool(lambda: election_view(ctx.services, election, at=at))


@router.post("/{election}/open")
async def open_election(election: str, ctx: Ctx, who: Writer) -> dict[str, Any]:
    """SR-7: the council's secretary opens the poll."""
    await _secretary(ctx, who, election)
    stored = await run_in_threadpool(open_poll, ctx.services, election)
    ctx.executed(stored)
    return {"election": election, "events": _events(stored)}


@router.post("/{election}/close")
async def close_election(
    election: str, form: CloseForm, ctx: Ctx, who: Writer
) -> dict[str, Any]:
    """SR-7: the secretary closes the poll; the ballots and the count are published."""
    await _secretary(ctx, who, election)
    stored = await run_in_threadpool(
        close_poll, ctx.services, election, form.minutes_signed_by
    )
    ctx.executed(stored)
    view = await run_in_threadpool(election_view, ctx.services, election)
    return {"election": election, "events": _events(stored), "result": view["result"]}


@router.post("/{election}/ballots", status_code=201)
async def cast(election: str, form: BallotForm, ctx: Ctx, who: Voter) -> dict[str, Any]:
    """SR-7 / DESIGN §6: cast the caller's ballot; the answer holds the receipt."""
    if who.person is None:
        raise NotAuthorized(
            f"{who.name!r} is no member: the account names no person (DESIGN §6)"
        )
    _council, ranked = await run_in_threadpool(election_council, ctx.services, election)
    wanted, other = ("ranking", "approve") if ranked else ("approve", "ranking")
    choices = getattr(form, wanted)
    if choices is None or getattr(form, other) is not None:
        raise InputError(
            f"this election's method takes {wanted!r}, not {other!r}",
            source=f"POST /api/elections/{election}/ballots",
            key=wanted,
        )
    receipt = await run_in_threadpool(
        cast_ballot, ctx.services, election, who.person, choices
    )
    ctx.executed([receipt.vote_event])
    return receipt.to_json()
