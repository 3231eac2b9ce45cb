"""Motions and votes (SR-19): proposals, named and counted votes.

``POST /api/motions/commands/…``; a deputy may cast their own named vote
(``vote_by_name`` with only their entry), a secretary records the session's.
"""

from __future__ import annotations

from fastapi import APIRouter

from sovet.api.routes.commands import add_commands

__all__ = ["router"]

router = add_commands(APIRouter(prefix="/motions", tags=["motions"]), "motions")
