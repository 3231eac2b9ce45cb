"""What every web route needs: the services, ``?at=``, and error pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response

from sovet import i18n
from sovet.api.errors import Gone
from sovet.errors import (
    BallotRefused,
    ChainBroken,
    InputError,
    NotAuthenticated,
    NotAuthorized,
    NotFound,
    SovetError,
    Throttled,
)
from sovet.i18n import gettext
from sovet.services.bootstrap import Services
from sovet.web.render import language_of, page

__all__ = [
    "STATIC",
    "At",
    "KnownAt",
    "about_who",
    "error_page",
    "install_error_pages",
    "services_of",
    "status_for",
]

At = Annotated[
    str | None, Query(description="ISO date: show the state recorded up to then")
]
KnownAt = Annotated[
    str | None,
    Query(description="ISO date: as the records stood then (SR-28, the other time)"),
]
STATIC = {
    "sovet.css": "text/css",
    "sovet.js": "text/javascript",
    "htmx.min.js": "text/javascript",
}


def services_of(request: Request) -> Services:
    """The engine's services: the API context's (``create_app``), else the app's."""
    context = getattr(request.app.state, "sovet", None)
    services: Services = (
        context.services if context is not None else request.app.state.services
    )
    return services


_STATUS: tuple[tuple[type[SovetError], int], ...] = (
    (NotFound, 404),
    (BallotRefused, 422),
    (InputError, 422),
    (NotAuthenticated, 401),
    (NotAuthorized, 403),
    (Throttled, 429),
    (Gone, 410),
    (ChainBroken, 500),
)


def status_for(error: SovetError) -> int:
    """The status the API gives ``error`` (409 for a rule violation)."""
    return next((code for kind, code in _STATUS if isinstance(error, kind)), 409)


def about_who(error: SovetError) -> bool:
    """Whether ``error`` is about who asks (signed in, allowed, too often), not
    about what they entered: such a refusal is a page of its own."""
    return isinstance(error, NotAuthenticated | NotAuthorized | Throttled | Gone)


def error_page(request: Request, error: SovetError, at: str | None) -> HTMLResponse:
    """A refusal as a page, with the status the API gives it (DESIGN §4/§6).

    404 unknown id, 422 bad input, 401 not signed in, 403 not allowed, 429
    throttled (with ``Retry-After``), 410 a retired address, 500 a log that
    fails verification, 409 for any other rule violation.
    """
    status = status_for(error)
    response = page(
        request, "error.html", at=at, status=status, refusal=error, login=status == 401
    )
    if isinstance(error, Throttled):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


async def web_error(
    request: Request, error: BaseException, status: int, headers: dict[str, str]
) -> Response:
    """The API's error hook for pages outside ``/api``: the error as HTML.

    A server fault (5xx) shows no detail (it is in the server's log).
    """
    i18n.use(language_of(request))
    at = request.query_params.get("at")
    refusal = (
        error if status < 500 else SovetError(gettext("the server could not answer"))
    )
    if status == 404 and not isinstance(error, SovetError):
        refusal = SovetError(
            gettext("there is no page at {path}").format(path=request.url.path)
        )
    elif not isinstance(refusal, SovetError):
        refusal = SovetError(str(getattr(error, "detail", None) or error))
    response = page(
        request,
        "error.html",
        at=at,
        status=status,
        refusal=refusal,
        login=status == 401,
    )
    response.headers.update(headers)
    return response


def install_error_pages(request: Request) -> None:
    """Router dependency: let the API's one handler render web errors as pages."""
    if getattr(request.app.state, "web_error", None) is None:
        request.app.state.web_error = web_error
