"""``create_api``: the FastAPI application of the HTTP API (DESIGN §4).

Routers under ``/api`` (OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``),
one exception handler (``errors.py``), a body-size limit and the hooks that end
a recalled or resigned deputy's role and sessions after each command. The web
UI is added on top by ``sovet.server.create_app`` (the API never imports the
web, so the two cannot form an import cycle).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sovet.api import errors
from sovet.api.deps import ApiContext, client_address
from sovet.api.headers import SecurityHeaders
from sovet.api.routes import (
    accounts,
    auth,
    bodies,
    coalition,
    commands,
    congress,
    constituencies,
    demands,
    elections,
    government,
    holds,
    members,
    motions,
    petitions,
    queries,
    receipts,
)
from sovet.api.throttle import Limits
from sovet.domain import event_from_stored
from sovet.errors import Throttled
from sovet.ledger.envelope import StoredEvent
from sovet.services.accounts import Accounts, open_accounts
from sovet.services.authz import Principal
from sovet.services.bootstrap import Services, throttle_storage
from sovet.services.checkpoints import Checkpointer, CheckpointPolicy
from sovet.services.ended_deputies import ENDING_TYPES, ended_deputies

__all__ = ["API_ROUTERS", "api_routers", "create_api"]

API_ROUTERS: tuple[APIRouter, ...] = (
    elections.router,
    petitions.router,
    auth.router,
    accounts.router,
    queries.router,
    bodies.router,
    members.router,
    congress.router,
    motions.router,
    government.router,
    coalition.router,
    demands.router,
    holds.router,
    constituencies.router,
    receipts.router,
)
"""The routers of ``sovet.api.routes`` mounted under ``/api``; commands of
resources without a module of their own get a router from
``routes/commands.routers``. A request is matched against them in turn, so
the live hot paths — ballots and signatures, a poll's thousands of requests —
come first (their paths share no prefix with the others)."""


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
        ending = (event_from_stored(e) for e in events if e.type in ENDING_TYPES)
        for person, body in ended_deputies(ending):
            accounts.end_deputy(person, body)

    return hook


def _served_resources() -> frozenset[str]:
    """Resources whose own router already carries their commands."""
    return frozenset(
        path.split("/")[1]
        for router in API_ROUTERS
        for path in (getattr(route, "path", "") for route in router.routes)
        if "/commands/" in path
    )


def api_routers() -> list[APIRouter]:
    """Every router mounted under ``/api``: the resources' own, then generated ones."""
    return [*API_ROUTERS, *commands.routers(skip=_served_resources())]


SIGN_AS_WRITTEN = CheckpointPolicy()
"""The default: sign at least every 1,000 events and within 10 s of a write."""


def _lifespan(checkpointer: Checkpointer | None, ctx: ApiContext) -> Any:
    """Sign as written while serving; at shutdown the last checkpoint and the
    accounts' position (``ApiContext.save_every``)."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if checkpointer is not None:
            checkpointer.start()
        try:
            yield
        finally:
            if checkpointer is not None:
                await run_in_threadpool(checkpointer.stop)  # the last checkpoint
            await run_in_threadpool(ctx.flush)

    return lifespan


def create_api(
    services: Services,
    *,
    limits: Limits | None = None,
    checkpoints: CheckpointPolicy | None = SIGN_AS_WRITTEN,
) -> FastAPI:
    """The sovet HTTP API over ``services`` (a SQL database).

    While it runs (its lifespan: uvicorn, or a ``TestClient`` used as a context
    manager) it signs checkpoints as it writes under the ``checkpoints`` policy
    (``services.checkpoints.Checkpointer``), and once more at shutdown; ``None``
    signs nothing (benchmarks, embedding). ``app.state.checkpointer`` is it.
    """
    limits = limits or Limits()
    windows = throttle_storage(services)  # shared by every server on PostgreSQL
    accounts = open_accounts(services)
    ctx = ApiContext(
        services=services,
        accounts=accounts,
        limits=limits,
        requests=limits.requests(windows),
        logins=limits.logins(windows),
        refusals=limits.refused(windows),
        logged=limits.logged(windows),
    )
    accounts.prune_log()  # the security log keeps SOVET_SECURITY_LOG_DAYS
    ctx.after_execute.append(_end_deputies(accounts))
    checkpointer = None
    if checkpoints is not None:
        checkpointer = Checkpointer(
            services.uow, services.signer, services.clock, checkpoints
        )
        ctx.after_execute.append(lambda events: checkpointer.noticed(len(events)))
    with services.uow() as uow:
        ctx.hooked_seq = accounts.position(uow.events.head()[0])
    ctx.saved = accounts.save_position
    ctx.catch_up()  # acts appended while no server ran (``sovet run`` …)
    app = FastAPI(
        title="sovet",
        summary="A council-democracy engine: who legitimately governs, and why.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=_lifespan(checkpointer, ctx),
    )
    app.state.sovet = ctx
    app.state.checkpointer = checkpointer
    app.state.on_refusal = _on_refusal
    errors.install(app)
    for router in api_routers():
        app.include_router(router, prefix="/api")
    app.add_middleware(BodyLimit, limit=limits.max_body)
    app.add_middleware(SecurityHeaders)
    return app


async def _on_refusal(request: Request, error: BaseException) -> None:
    """Log refused actions, failed authentication and throttling (DESIGN §6)."""
    ctx: ApiContext = request.app.state.sovet
    status = errors.status_of(error)
    kind = {401: "unauthenticated", 403: "refused", 429: "throttled"}[status]
    address = client_address(request)
    who: Principal | None = getattr(request.state, "principal", None)
    if not await ctx.logged.aallows(f"addr:{address}"):
        return  # an address flooding refusals does not flood the log
    await run_in_threadpool(
        ctx.accounts.log,
        kind,
        f"{request.method} {request.url.path}: {error}",
        account=who.name if who is not None else None,
        address=address,
    )
    if status == 403:
        with contextlib.suppress(Throttled):
            await ctx.refusals.aspend(f"addr:{address}")
