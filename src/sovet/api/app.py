"""``create_app``: the FastAPI application (DESIGN §4 ``sovet serve``).

Routers under ``/api`` (OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``),
the web UI's ``sovet.web.routes.router`` at ``/`` when that module exists, one
exception handler (``errors.py``), a body-size limit and the hooks that end a
recalled or resigned deputy's role and sessions after each command.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sovet.api import errors
from sovet.api.deps import ApiContext, client_address
from sovet.api.routes import commands
from sovet.api.throttle import Limits, TokenBuckets
from sovet.domain import event_from_stored
from sovet.errors import Throttled
from sovet.ledger.envelope import StoredEvent
from sovet.services.accounts import Accounts, ended_deputies, open_accounts
from sovet.services.authz import Principal
from sovet.services.bootstrap import Services

__all__ = ["API_ROUTERS", "create_app"]

API_ROUTERS: tuple[str, ...] = (
    "auth",
    "accounts",
    "queries",
    "bodies",
    "members",
    "congress",
    "motions",
    "government",
    "coalition",
    "demands",
    "holds",
    "constituencies",
)
"""Modules of ``sovet.api.routes`` whose ``router`` is mounted under ``/api``.

Optional ones (present when their developer has built them) are added by
``_OPTIONAL_ROUTERS``; commands of resources without a module of their own get
a router from ``routes/commands.routers``."""

_OPTIONAL_ROUTERS: tuple[str, ...] = ("elections", "petitions", "receipts")


class BodyLimit:
    """ASGI middleware: refuse bodies above ``limit`` bytes with 413 (DESIGN §4)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = JSONResponse(
            errors.error_body(errors.RequestTooLarge(self.limit)), status_code=413
        )
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await refusal(scope, receive, send)
                    return
        seen = 0
        exceeded = started = False

        async def limited() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise errors.RequestTooLarge(self.limit)
            return message

        async def guarded(message: Message) -> None:
            # Once the limit is passed, whatever the app answers (FastAPI turns
            # a failed body read into 400) gives way to the 413 below.
            nonlocal started
            if exceeded and not started:
                return
            started = True
            await send(message)

        with contextlib.suppress(errors.RequestTooLarge):
            await self.app(scope, limited, guarded)
        if exceeded and not started:
            await refusal(scope, receive, send)


def _end_deputies(accounts: Accounts) -> Any:
    def hook(events: list[StoredEvent]) -> None:
        for person, body in ended_deputies(event_from_stored(e) for e in events):
            accounts.end_deputy(person, body)

    return hook


def _routers() -> list[APIRouter]:
    found = []
    for name in API_ROUTERS + _OPTIONAL_ROUTERS:
        module = f"sovet.api.routes.{name}"
        if name in API_ROUTERS or importlib.util.find_spec(module) is not None:
            found.append(importlib.import_module(module).router)
    return found


def create_app(services: Services, *, limits: Limits | None = None) -> FastAPI:
    """The sovet API (and web UI) over ``services`` (a SQL database)."""
    limits = limits or Limits()
    accounts = open_accounts(services)
    ctx = ApiContext(
        services=services,
        accounts=accounts,
        limits=limits,
        requests=TokenBuckets(
            limits.requests_per_minute, limits.requests_per_minute / 60.0
        ),
        logins=TokenBuckets(
            limits.login_failures,
            1.0 / limits.login_refill_seconds,
            what="failed logins",
        ),
        refusals=TokenBuckets(limits.refusals, 1.0 / 30.0, what="refused actions"),
    )
    ctx.after_execute.append(_end_deputies(accounts))
    with services.uow() as uow:
        ctx.hooked_seq = uow.events.head()[0]
    app = FastAPI(
        title="sovet",
        summary="A council-democracy engine: who legitimately governs, and why.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.sovet = ctx
    app.state.on_refusal = _on_refusal
    errors.install(app)
    for router in _routers():
        app.include_router(router, prefix="/api")
    for router in commands.routers(skip=frozenset(API_ROUTERS)):
        app.include_router(router, prefix="/api")
    if importlib.util.find_spec("sovet.web") is not None and (
        importlib.util.find_spec("sovet.web.routes") is not None
    ):
        app.include_router(importlib.import_module("sovet.web.routes").router)
    app.add_middleware(BodyLimit, limit=limits.max_body)
    return app


async def _on_refusal(request: Request, error: BaseException) -> None:
    """Log refused actions, failed authentication and throttling (DESIGN §6)."""
    ctx: ApiContext = request.app.state.sovet
    status = errors.status_of(error)
    kind = {401: "unauthenticated", 403: "refused", 429: "throttled"}[status]
    address = client_address(request)
    who: Principal | None = getattr(request.state, "principal", None)
    await run_in_threadpool(
        ctx.accounts.log,
        kind,
        f"{request.method} {request.url.path}: {error}",
        account=who.name if who is not None else None,
        address=address,
    )
    if status == 403:
        with contextlib.suppress(Throttled):
            ctx.refusals.spend(f"addr:{address}")
