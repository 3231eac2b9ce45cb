"""``POST /api/receipts`` (DESIGN §6): a ballot's Merkle inclusion proof.

Public: whoever holds a receipt may check it. The receipt travels in the body,
``{"receipt": "<64 hex>", "election": "<id>"}`` (``election`` optional), never
in the URL: a URL is written to access logs beside the caller's address, which
would pair a voter's address with their receipt (issue 10). The answer gives
the election, the leaf index, the audit path (hex, leaf to root), the Merkle
root published in the log and the seq and hash of the ``PollClosed`` event
that holds it.

``GET /api/receipts/{receipt}``, the old form, answers 410 and says to POST;
it never looks the receipt up.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Ctx, MaybePrincipal
from sovet.api.errors import Gone
from sovet.api.schemas import Text
from sovet.errors import InputError, says
from sovet.services.ballots import verify_receipt

__all__ = ["router"]

router = APIRouter(prefix="/receipts", tags=["receipts"])


class ReceiptQuery(BaseModel):
    """The receipt to check (64 lowercase hex digits) and, optionally, its election."""

    model_config = ConfigDict(extra="forbid", strict=True)
    receipt: Text
    election: Text | None = None


@router.post("")
async def check_receipt(
    query: ReceiptQuery, ctx: Ctx, _who: MaybePrincipal
) -> dict[str, Any]:
    """DESIGN §6: the inclusion proof of the ballot with ``receipt``."""
    receipt = query.receipt
    if len(receipt) != 64 or any(c not in "0123456789abcdef" for c in receipt):
        raise InputError(says("a receipt is 64 lowercase hex digits"), key="receipt")
    return await run_in_threadpool(
        lambda: verify_receipt(ctx.services, receipt, election=query.election)
    )


@router.get("/{receipt}", status_code=410, deprecated=True)
async def retired(receipt: str) -> dict[str, Any]:
    """Retired: a receipt in a URL is logged with the caller's address. POST it."""
    del receipt  # never looked up, never echoed
    raise Gone(
        "receipts are no longer checked in the URL (an access log would pair "
        'your address with it): POST /api/receipts with {"receipt": "…"}'
    )
