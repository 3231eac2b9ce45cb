"""Demands and ultimatums (SR-25: recorded, binding nothing):
``POST /api/demands/commands/…``."""

from __future__ import annotations

from fastapi import APIRouter

from sovet.api.routes.commands import add_commands

__all__ = ["router"]

router = add_commands(APIRouter(prefix="/demands", tags=["demands"]), "demands")
