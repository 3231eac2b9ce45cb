"""Accounts over HTTP (DESIGN §6): administrators create and grant; auditors read.

``POST /api/accounts`` (create), ``POST /api/accounts/{name}/roles`` (grant),
``POST /api/accounts/{name}/tokens`` (a scoped API token, shown once),
``…/password``, ``…/disable``, ``…/enable``, ``…/roles/revoke``,
``…/tokens/revoke`` and ``…/reset-code`` (a one-time reset code) — the
administrator only, each audited and in force from the next request;
``GET /api/security-log`` — auditors and administrators.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Admin, Auditor, Ctx
from sovet.api.schemas import Text

__all__ = ["router"]

router = APIRouter(tags=["accounts"])


class NewAccount(BaseModel):
    """An account to create, with its first role."""

    model_config = ConfigDict(extra="forbid", strict=True)
    name: Annotated[str, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]
    role: Text
    body: Text | None = None
    person: Text | None = None


class Grant(BaseModel):
    """A role to bind (``body`` unless global)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    role: Text
    body: Text | None = None


class NewToken(BaseModel):
    """Scopes of a new API token."""

    model_config = ConfigDict(extra="forbid", strict=True)
    scopes: Annotated[list[str], Field(min_length=1, max_length=10)]
    label: Annotated[str, Field(max_length=100)] = ""


@router.post("/accounts", status_code=201)
async def create(form: NewAccount, ctx: Ctx, _admin: Admin) -> dict[str, Any]:
    """Create an account with a role (administrator)."""

    def run() -> None:
        ctx.accounts.grant_check(form.role, form.body)
        ctx.accounts.create_account(form.name, form.password, person=form.person)
        ctx.accounts.grant(form.name, form.role, form.body)

    await run_in_threadpool(run)
    return {"name": form.name, "role": form.role, "body": form.body}


@router.post("/accounts/{name}/roles")
async def grant(name: str, form: Grant, ctx: Ctx, _admin: Admin) -> dict[str, Any]:
    """Bind a role to an account (administrator)."""
    await run_in_threadpool(ctx.accounts.grant, name, form.role, form.body)
    return {"name": name, "role": form.role, "body": form.body}


@router.post("/accounts/{name}/tokens", status_code=201)
async def token(name: str, form: NewToken, ctx: Ctx, _admin: Admin) -> dict[str, Any]:
    """A new scoped API token for the account (administrator; shown once)."""
    issued = await run_in_threadpool(
        ctx.accounts.issue_token, name, form.scopes, label=form.label
    )
    return {"name": name, "scopes": sorted(set(form.scopes)), "token": issued}


class NewPassword(BaseModel):
    """A new password (at least 10 characters)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class Revoke(BaseModel):
    """The role to take (``body`` unless global)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    role: Text
    body: Text | None = None


class RevokeTokens(BaseModel):
    """Which tokens: those with ``label``, or every one when it is left out."""

    model_config = ConfigDict(extra="forbid", strict=True)
    label: Annotated[str | None, Field(max_length=100)] = None


@router.post("/accounts/{name}/password")
async def set_password(
    name: str, form: NewPassword, ctx: Ctx, _admin: Admin
) -> dict[str, Any]:
    """Set an account's password; its sessions end (administrator)."""
    await run_in_threadpool(ctx.accounts.set_password, name, form.password)
    return {"name": name, "password": "set"}


@router.post("/accounts/{name}/disable")
async def disable(name: str, ctx: Ctx, _admin: Admin) -> dict[str, Any]:
    """Disable an account: no login, sessions and tokens end (administrator)."""
    await run_in_threadpool(ctx.accounts.disable, name)
    return {"name": name, "disabled": True}


@router.post("/accounts/{name}/enable")
async def enable(name: str, ctx: Ctx, _admin: Admin) -> dict[str, Any]:
    """Enable a disabled account again (administrator)."""
    await run_in_threadpool(ctx.accounts.enable, name)
    return {"name": name, "disabled": False}


@router.post("/accounts/{name}/roles/revoke")
async def revoke(name: str, form: Revoke, ctx: Ctx, _admin: Admin) -> dict[str, Any]:
    """Take a role from an account (administrator)."""
    gone = await run_in_threadpool(ctx.accounts.revoke_role, name, form.role, form.body)
    return {"name": name, "role": form.role, "body": form.body, "revoked": gone}


@router.post("/accounts/{name}/tokens/revoke")
async def revoke_tokens(
    name: str, form: RevokeTokens, ctx: Ctx, _admin: Admin
) -> dict[str, Any]:
    """Revoke every API token of an account, or those with a label (administrator)."""
    gone = await run_in_threadpool(
        lambda: ctx.accounts.revoke_tokens(name, label=form.label)
    )
    return {"name": name, "revoked": gone}


@router.post("/accounts/{name}/reset-code", status_code=201)
async def reset_code(name: str, ctx: Ctx, _admin: Admin) -> dict[str, Any]:
    """A one-time password reset code (24 hours; shown once; administrator).

    The holder gives it at ``POST /api/auth/reset`` or on the ``/reset`` page.
    """
    code = await run_in_threadpool(ctx.accounts.reset_link, name)
    return {"name": name, "code": code}


@router.get("/security-log")
async def security_log(
    ctx: Ctx, _auditor: Auditor, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> dict[str, Any]:
    """The latest failed logins, refusals and throttlings (auditor)."""
    entries = await run_in_threadpool(ctx.accounts.store.security_entries, limit)
    return {"entries": entries}
