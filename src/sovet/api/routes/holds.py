"""Holds on resignation, resignations, dissent, breaches and expiry events
(SR-26, SR-29…SR-32): ``POST /api/holds/commands/…``. A person may resign or
record their dissent themselves."""

from __future__ import annotations

from fastapi import APIRouter

from sovet.api.routes.commands import add_commands

__all__ = ["router"]

router = add_commands(APIRouter(prefix="/holds", tags=["holds"]), "holds")
