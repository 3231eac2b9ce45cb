"""The HTTP application that ``sovet serve`` runs: the API and the web UI.

``create_app(services)`` is the API of ``sovet.api.app.create_api`` (under
``/api``) with the web UI's pages (``sovet.web.routes``) at ``/``. It lives
above both edges so that the API never imports the web: the web reads the
API's request context (``sovet.api.deps``), never the other way round.
"""

from __future__ import annotations

from fastapi import FastAPI

from sovet.api.app import create_api
from sovet.api.throttle import Limits
from sovet.services.bootstrap import Services
from sovet.web.routes import router as pages

__all__ = ["create_app"]


def create_app(services: Services, *, limits: Limits | None = None) -> FastAPI:
    """The sovet API (under ``/api``) and web UI (at ``/``) over ``services``."""
    app = create_api(services, limits=limits)
    app.include_router(pages)
    return app
