"""``SecurityHeaders``: the browser-hygiene headers on every response (issue 10).

A pure ASGI middleware (no ``BaseHTTPMiddleware``: streams stay streams). Every
HTTP response of the app — API JSON, web pages, static files, exports, 404,
405, 413 and the 500 of an unexpected error — carries:

- ``Content-Security-Policy`` (``POLICY``): scripts, styles, images, fonts and
  requests from this origin only; **no inline script and no inline style**
  (``'unsafe-inline'`` is never given: the templates load ``/static`` files and
  colour their swatches with SVG ``fill``), no plug-ins, no ``<base>``, forms
  post only here, and ``frame-ancestors 'none'`` (no framing: clickjacking);
- ``X-Frame-Options: DENY`` (the same for browsers without CSP level 2);
- ``X-Content-Type-Options: nosniff``;
- ``Referrer-Policy: same-origin`` (a URL never leaves for another site; the
  same-origin check of ``api.origin`` may still read the ``Referer``);
- ``Cross-Origin-Opener-Policy: same-origin``.

The one exception is FastAPI's interactive documentation (``/api/docs`` and its
OAuth2 redirect page), built from Swagger UI on ``cdn.jsdelivr.net`` with one
inline script of FastAPI's own: its policy adds that CDN and the SHA-256 hash
of exactly those inline scripts (computed from the app's own settings), still
without ``'unsafe-inline'``.

A header the app already set is kept, so the middleware can wrap an app twice
(``create_app`` and a test) without harm. Wire it in ``create_app`` after the
other middleware (outermost)::

    app.add_middleware(SecurityHeaders)
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from fastapi.openapi.docs import (
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sovet.api import errors

__all__ = ["DOCS_SOURCES", "HEADERS", "POLICY", "SecurityHeaders"]

POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
"""The Content-Security-Policy of every response but the API's documentation."""

HEADERS: dict[str, str] = {
    "content-security-policy": POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
"""The headers set on every response (names in lower case)."""

DOCS_SOURCES = "https://cdn.jsdelivr.net"
"""Where FastAPI's Swagger UI page loads its script and stylesheet from."""

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _hashes(html: bytes) -> str:
    """CSP source expressions for the inline scripts of ``html``."""
    found = []
    for body in _INLINE_SCRIPT.findall(html.decode("utf-8")):
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        found.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return " ".join(found)


def _docs_policies(app: Any, root_path: str) -> dict[str, str]:
    """The policies of the docs pages of a FastAPI ``app`` (path → policy)."""
    docs = getattr(app, "docs_url", None)
    openapi = getattr(app, "openapi_url", None)
    if not docs or not openapi:
        return {}
    redirect = getattr(app, "swagger_ui_oauth2_redirect_url", None)
    page = get_swagger_ui_html(
        openapi_url=root_path + openapi,
        title=f"{app.title} - Swagger UI",
        oauth2_redirect_url=root_path + redirect if redirect else None,
        init_oauth=getattr(app, "swagger_ui_init_oauth", None),
        swagger_ui_parameters=getattr(app, "swagger_ui_parameters", None),
    ).body
    policies = {root_path + docs: _docs_policy(_hashes(bytes(page)))}
    if redirect:
        html = get_swagger_ui_oauth2_redirect_html().body
        policies[root_path + redirect] = _docs_policy(_hashes(bytes(html)))
    return policies


def _docs_policy(hashes: str) -> str:
    return (
        POLICY.replace(
            "script-src 'self'", f"script-src 'self' {DOCS_SOURCES} {hashes}".rstrip()
        )
        .replace("style-src 'self'", f"style-src 'self' {DOCS_SOURCES}")
        .replace(
            "img-src 'self' data:", "img-src 'self' data: https://fastapi.tiangolo.com"
        )
    )


class SecurityHeaders:
    """ASGI middleware: ``HEADERS`` on every HTTP response of ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._docs: dict[str, dict[str, str]] = {}

    def _policy(self, scope: Scope) -> str:
        root = scope.get("root_path", "")
        if root not in self._docs:
            # inside the app Starlette names it in the scope; wrapped around
            # it from outside, the wrapped app is the one
            app = scope.get("app") or self.app
            self._docs[root] = _docs_policies(app, root)
        return self._docs[root].get(scope.get("path", ""), POLICY)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = dict(HEADERS, **{"content-security-policy": self._policy(scope)})
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                for name, value in wanted.items():
                    if name.encode("latin-1") not in present:
                        headers.append(
                            (name.encode("latin-1"), value.encode("latin-1"))
                        )
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception as error:
            # Starlette answers an unexpected error outside every middleware;
            # answer it here instead (same body) so the 500 carries the
            # headers too, then let the error go on to be logged.
            if not started:
                response = await errors.handle_exception(Request(scope), error)
                await response(scope, receive, with_headers)
            raise
