"""The HTTP API (FastAPI) under ``/api`` — a thin edge over ``sovet.services``.

``create_api(services)`` (``app.py``) builds the application;
``sovet.server.create_app`` adds the web UI and ``sovet serve`` runs it with
uvicorn. Layout (STYLE.md S1/S5):

- ``routes/<resource>.py``: one ``router = APIRouter(prefix="/…", tags=[…])``
  per resource; ``app.API_ROUTERS`` lists the mounted routers. Everything
  is mounted under ``/api``. The engine's commands are added to their
  resource's router by ``routes.commands.add_commands(router, resource)`` (``POST
  /api/{resource}/commands/{name}``); who may issue each is in
  each command's declaration (``@command(issuers=…)``).
- ``deps.py``: ``Annotated`` dependencies — ``Ctx`` (services, accounts,
  limits), ``MaybePrincipal``, ``Caller`` (401 if anonymous), ``Reader``,
  ``Writer``, ``Admin``, ``Auditor``, and ``scoped("ballots:cast")``.
- ``errors.py``: the one exception handler mapping error classes to statuses;
  routes never raise ``HTTPException`` — raise the services' errors
  (``NotFound``, ``RuleViolation``, ``InputError``, ``NotAuthorized`` …).
- ``throttle.py``: token buckets per address and account; request size limit.

How another developer adds a router and protects it::

    # src/sovet/api/routes/petitions.py
    from fastapi import APIRouter
    from sovet.api.deps import Ctx, MaybePrincipal, scoped
    from sovet.services.authz import Principal, check_role

    router = APIRouter(prefix="/petitions", tags=["petitions"])
    Signer = Annotated[Principal, Depends(scoped("petitions:sign"))]

    @router.post("/{petition}/sign")
    def sign(petition: str, body: SignForm, ctx: Ctx, who: Signer) -> dict[str, Any]:
        check_role(who, ("member",), body_of_petition)   # 403 unless a member there
        events = sign_petition(ctx.services, petition, who.person)  # a service
        ctx.executed(events)        # hooks on the new log events (a recalled
                                    # deputy's role and sessions end …)
        return {...}

Request models set ``model_config = ConfigDict(extra="forbid")``. A session
caller's unsafe request is CSRF-checked inside ``MaybePrincipal``; bearer
tokens need no CSRF. Add the route to ``tests/e2e/api/test_authz_matrix.py``
(``EXPECTED``): the matrix test fails for a route it does not know.
"""

from __future__ import annotations

from sovet.api.app import create_api

__all__ = ["create_api"]
