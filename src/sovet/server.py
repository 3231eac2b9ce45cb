"""The HTTP application that ``sovet serve`` runs: the API and the web UI.

``create_app(services)`` is the API of ``sovet.api.app.create_api`` (under
``/api``) with the web UI's pages (``sovet.web.routes``) at ``/``. It lives
above both edges so that the API never imports the web: the web reads the
API's request context (``sovet.api.deps``), never the other way round.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

from sovet.api.app import SIGN_AS_WRITTEN, create_api
from sovet.api.deps import client_address
from sovet.api.throttle import Limits
from sovet.config import Settings
from sovet.errors import Throttled
from sovet.services.bootstrap import Services, bootstrap
from sovet.services.checkpoints import CheckpointPolicy
from sovet.web.routes import router as pages

__all__ = ["app_from_environment", "create_app"]


def create_app(
    services: Services,
    *,
    limits: Limits | None = None,
    checkpoints: CheckpointPolicy | None = SIGN_AS_WRITTEN,
) -> FastAPI:
    """The sovet API (under ``/api``) and web UI (at ``/``) over ``services``,
    signing checkpoints as it writes under ``checkpoints`` (``create_api``)."""
    app = create_api(services, limits=limits, checkpoints=checkpoints)
    app.include_router(pages)

    @app.middleware("http")
    async def throttle_pages(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Web pages spend the address's requests like the API (issue 10)."""
        path = request.url.path
        if not path.startswith(("/api/", "/static/")):
            try:
                await app.state.sovet.requests.aspend(f"addr:{client_address(request)}")
            except Throttled as error:
                return PlainTextResponse(
                    str(error),
                    status_code=429,
                    headers={"Retry-After": str(error.retry_after)},
                )
        return await call_next(request)

    return app


def app_from_environment() -> FastAPI:
    """The app of one worker of ``sovet serve --workers N`` (a uvicorn factory).

    Each worker process opens the database itself — ``SOVET_DB``,
    ``SOVET_KEY_FILE`` and ``SOVET_CHECKPOINT_EVERY_*``, which ``serve`` set
    for it after migrating once — and keeps its own fold of the log, caught up
    before every read; accounts, sessions and throttles are in the database.
    """
    settings = Settings()
    services = bootstrap(settings.db, key_file=settings.key_file)
    services.require_key()
    policy = CheckpointPolicy(
        settings.checkpoint_every_events, settings.checkpoint_every_seconds
    )
    return create_app(services, checkpoints=policy)
