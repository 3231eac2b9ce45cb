"""The one exception handler: error class → HTTP status (datasette's pattern).

Nothing below ``api/`` raises HTTP errors: services raise ``SovetError``s and
this table maps them, most specific first. Every refusal answers
``{"error": {"rule": …, "message": …}}`` (DESIGN §4)::

    NotFound                 404  an unknown body, congress, motion …
    NotEligible              403  SR-4/SR-5: the person has no franchise there
    BallotRefused            422  SR-7: a ballot that does not fit its method
    RuleViolation            409  the command conflicts with the federation's state
                                  under rule ``rule`` (quorum, mandate, time order …)
    InputError               422  malformed command (unknown key, wrong type, bad date)
    NotAuthenticated         401  no valid session or token
    NotAuthorized            403  missing role, scope, membership or CSRF token
    Throttled                429  with ``Retry-After``
    ConcurrencyConflict      409  another writer got there first; retry
    ChainBroken              500  the log fails verification (never the client's fault)
    RequestTooLarge          413  the body exceeds the limit
    Gone                     410  a retired route (what to use instead)
    RequestValidationError   422  bad JSON, wrong types, unknown fields
    (Starlette) 404/405           unknown path or method

Pages outside ``/api`` may render errors as HTML: the web router sets
``app.state.web_error = async (request, error, status, headers) -> Response``.

Rule ids of refusals that no SR rule covers: ``DESIGN §4`` (input and transport)
and ``DESIGN §6`` (security).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sovet import i18n
from sovet.errors import (
    BallotRefused,
    ChainBroken,
    ConcurrencyConflict,
    InputError,
    NotAuthenticated,
    NotAuthorized,
    NotEligible,
    NotFound,
    RuleViolation,
    SovetError,
    StorageError,
    Throttled,
)

__all__ = [
    "INPUT_RULE",
    "STATUS",
    "Gone",
    "RequestTooLarge",
    "error_body",
    "install",
    "status_of",
]

INPUT_RULE: str | None = None
"""The ``rule`` of a malformed request: none (``null``); the ``field`` names
what is wrong where it is known."""


class Gone(SovetError):
    """DESIGN §6: a route that is no more; the message says what replaces it.

    E.g. ``GET /api/receipts/{receipt}``: a receipt in a URL lands in access
    logs beside the caller's address, so it is looked up by POST only.
    """


class RequestTooLarge(SovetError):
    """DESIGN §4: the request body exceeds the API's size limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body exceeds {limit} bytes")
        self.limit = limit


STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (NotFound, 404),
    (NotEligible, 403),
    (BallotRefused, 422),
    (RuleViolation, 409),
    (InputError, 422),
    (NotAuthenticated, 401),
    (NotAuthorized, 403),
    (Throttled, 429),
    (ConcurrencyConflict, 409),
    (ChainBroken, 500),
    (StorageError, 503),
    (RequestTooLarge, 413),
    (Gone, 410),
    (RequestValidationError, 422),
)
"""Error class → status, most specific first (the first match wins)."""


def status_of(error: BaseException) -> int:
    """The HTTP status for ``error`` (500 for anything unexpected)."""
    if isinstance(error, StarletteHTTPException):
        return error.status_code
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 500


def _rule_and_message(error: BaseException) -> tuple[str | None, str]:
    if isinstance(error, RuleViolation):
        return error.rule, error.message
    if isinstance(error, NotAuthenticated | NotAuthorized | Throttled):
        return None, error.message
    if isinstance(error, RequestValidationError):
        return INPUT_RULE, _validation_message(error)
    if isinstance(error, StarletteHTTPException):
        return INPUT_RULE, str(error.detail)
    if isinstance(error, SovetError):
        return INPUT_RULE, str(error)
    return None, "internal error; nothing was written"


def _field_of(error: BaseException) -> str | None:
    """The request field at fault, where the error knows it."""
    if isinstance(error, InputError):
        return error.key or None
    if isinstance(error, RequestValidationError):
        for item in error.errors()[:1]:
            where = [str(p) for p in item.get("loc", ()) if p != "body"]
            return ".".join(where) or None
    return None


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
        kind = item.get("type", "")
        whole_body = tuple(item.get("loc", ())) == ("body",)
        if kind == "json_invalid":
            parts.append(f"body is not valid JSON ({item.get('msg', '')})")
        elif whole_body and kind == "missing":
            parts.append("the body is empty: send a JSON object")
        elif whole_body and kind in ("model_attributes_type", "dict_type"):
            parts.append(
                "the body must be a JSON object sent as Content-Type: application/json"
            )
        elif kind == "extra_forbidden":
            parts.append(f"unknown field {where!r}")
        elif kind == "value_error":  # a validator's own message, without a prefix
            reason = item.get("ctx", {}).get("error", item.get("msg", kind))
            parts.append(f"{where or 'body'}: {reason}")
        else:
            parts.append(f"{where or 'body'}: {item.get('msg', kind)}")
    return "; ".join(parts) or "invalid request"


def error_body(error: BaseException, lang: str | None = None) -> dict[str, Any]:
    """``{"error": {"rule", "field", "message"}}`` for ``error`` (design §4).

    ``rule`` is the SR-n rule a refusal enforces, else ``null``; ``field`` is
    the request field at fault where known, else ``null``. Neither ever names a
    section of a document. ``message`` is English in every language (scripts
    read it); for a request in another shipped language (``lang``) the body
    adds ``"localized": {"lang", "message"}``, the sentence in that language.
    """
    rule, message = _rule_and_message(error)
    body: dict[str, Any] = {"rule": rule, "field": _field_of(error), "message": message}
    if lang is not None and lang != i18n.DEFAULT:
        body["localized"] = {"lang": lang, "message": i18n.translate(message, lang)}
    return {"error": body}


def request_language(request: Request) -> str:
    """The language a request asks for: ``?lang=``, else ``Accept-Language``."""
    chosen = i18n.supported(request.query_params.get("lang"))
    return chosen or i18n.negotiate(request.headers.get("accept-language"))


async def handle_exception(request: Request, error: Exception) -> JSONResponse:
    """Turn any error raised while serving ``request`` into the error contract."""
    status = status_of(error)
    headers: dict[str, str] = {}
    if isinstance(error, Throttled):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, StarletteHTTPException) and error.headers:
        headers.update(error.headers)
    hook = getattr(request.app.state, "on_refusal", None)
    if hook is not None and status in (401, 403, 429):
        await hook(request, error)
    web_error = getattr(request.app.state, "web_error", None)
    if web_error is not None and not request.url.path.startswith("/api"):
        response: JSONResponse = await web_error(request, error, status, headers)
        return response
    body = error_body(error, request_language(request))
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register ``handle_exception`` for every error class the API can meet."""
    for cls in (SovetError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(cls, handle_exception)
