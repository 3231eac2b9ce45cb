"""Coalition offers and commitments (SR-23/SR-24):
``POST /api/coalition/commands/…``."""

from __future__ import annotations

from fastapi import APIRouter

from sovet.api.routes.commands import add_commands

__all__ = ["router"]

router = add_commands(APIRouter(prefix="/coalition", tags=["coalition"]), "coalition")
