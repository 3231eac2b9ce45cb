"""Login, logout and the caller (DESIGN §6): web sessions by cookie.

``POST /api/auth/login`` with ``{"name", "password"}`` (JSON only) starts a
new session — the previous cookie's session ends (rotation) — and sets the
cookies ``sovet_session`` (HttpOnly, SameSite=Lax, Secure over TLS) and
``sovet_csrf``; the CSRF token is also in the answer. Failed logins are logged
and throttled per address and per account name (429 with ``Retry-After``). A
login sent by a browser from another site is refused (403, ``api.origin``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import (
    SESSION_COOKIE,
    Caller,
    Ctx,
    clear_session_cookies,
    client_address,
    set_session_cookies,
)
from sovet.api.origin import same_origin
from sovet.errors import NotAuthenticated
from sovet.services.authz import Principal

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginForm(BaseModel):
    """Credentials for a web session."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]


def describe(principal: Principal) -> dict[str, Any]:
    """The caller as JSON: name, person, roles by body, scopes."""
    return {
        "name": principal.name,
        "person": principal.person,
        "roles": [
            {"role": role, "body": body or None}
            for role, body in sorted(principal.roles)
        ],
        "scopes": None if principal.scopes is None else sorted(principal.scopes),
    }


@router.post("/login")
async def login(
    form: LoginForm, request: Request, response: Response, ctx: Ctx
) -> dict[str, Any]:
    """Start a session (rotating any previous one) and set its cookies.

    A browser's login from another site is refused (``api.origin``: a present
    ``Origin`` or ``Referer`` must be this site; programs send neither).
    """
    same_origin(request, missing_ok=True)
    address = client_address(request)
    await ctx.requests.aspend(f"addr:{address}")
    await ctx.logins.acheck(f"addr:{address}")
    await ctx.logins.acheck(f"login:{form.name}@{address}")
    try:
        session = await run_in_threadpool(
            ctx.accounts.login,
            form.name,
            form.password,
            address=address,
            previous=request.cookies.get(SESSION_COOKIE),
        )
    except NotAuthenticated:
        await ctx.logins.aspend(f"addr:{address}")
        await ctx.logins.aspend(f"login:{form.name}@{address}")
        raise
    set_session_cookies(response, request, session)
    return {
        "account": describe(session.principal),
        "csrf_token": session.csrf,
        "expires": session.expires.isoformat(),
    }


@router.post("/logout")
async def logout(
    request: Request, response: Response, ctx: Ctx, principal: Caller
) -> dict[str, Any]:
    """End the caller's session (CSRF checked by ``Caller``) and clear the cookies."""
    token = request.cookies.get(SESSION_COOKIE)
    if token and principal.session:
        await run_in_threadpool(ctx.accounts.logout, token)
    clear_session_cookies(response)
    return {"logged_out": principal.name}


class PasswordChange(BaseModel):
    """The caller's current password and the new one."""

    model_config = ConfigDict(extra="forbid", strict=True)
    current: Annotated[str, Field(min_length=1, max_length=1000)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class Reset(BaseModel):
    """A one-time reset code an administrator issued, and the new password."""

    model_config = ConfigDict(extra="forbid", strict=True)
    code: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]


@router.post("/password")
async def change_password(
    form: PasswordChange, response: Response, ctx: Ctx, principal: Caller
) -> dict[str, Any]:
    """Change the caller's own password; every session ends (log in again)."""
    await run_in_threadpool(
        ctx.accounts.change_password, principal, form.current, form.password
    )
    clear_session_cookies(response)
    return {"name": principal.name, "password": "changed"}


@router.post("/reset")
async def reset(form: Reset, request: Request, ctx: Ctx) -> dict[str, Any]:
    """Set a new password with a one-time reset code (anonymous; throttled)."""
    same_origin(request, missing_ok=True)
    address = client_address(request)
    await ctx.requests.aspend(f"addr:{address}")
    await ctx.logins.acheck(f"addr:{address}")
    try:
        name = await run_in_threadpool(
            ctx.accounts.reset_password, form.code, form.password
        )
    except NotAuthenticated:
        await ctx.logins.aspend(f"addr:{address}")
        raise
    return {"name": name, "password": "reset"}


@router.get("/me")
async def me(principal: Caller) -> dict[str, Any]:
    """Who the caller is: account, person, roles and scopes."""
    return describe(principal)
