"""``GET /api/receipts/{receipt}`` (DESIGN §6): a ballot's Merkle inclusion proof.

Public: whoever holds a receipt may check it. The answer gives the election,
the leaf index, the audit path (hex, leaf to root), the Merkle root published
in the log and the seq and hash of the ``PollClosed`` event that holds it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Ctx, MaybePrincipal
from sovet.errors import InputError
from sovet.services.ballots import verify_receipt

__all__ = ["router"]

router = APIRouter(prefix="/receipts", tags=["receipts"])


@router.get("/{receipt}")
async def get_receipt(receipt: str, ctx: Ctx, _who: MaybePrincipal) -> dict[str, Any]:
    """DESIGN §6: the inclusion proof of the ballot with ``receipt``."""
    if len(receipt) != 64 or any(c not in "0123456789abcdef" for c in receipt):
        raise InputError("a receipt is 64 lowercase hex digits", key="receipt")
    return await run_in_threadpool(verify_receipt, ctx.services, receipt)
