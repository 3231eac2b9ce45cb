"""Who is looking at a page, and the CSRF check of the web's forms (DESIGN §6).

The web shares the API's sessions (``sovet.api.routes.auth`` and
``sovet.services.accounts``): the ``sovet_session`` cookie names the session and
every form carries the session's CSRF token in its ``csrf_token`` field, so
forms work without JavaScript. Without the API context (an app built only with
``routes.router``) nobody is signed in and every form is refused.
"""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData

from sovet.api.deps import CSRF_FIELD, SESSION_COOKIE, ApiContext, client_address
from sovet.api.origin import same_origin
from sovet.errors import NotAuthenticated, NotAuthorized
from sovet.services.authz import Principal

__all__ = ["Viewer", "context_of", "require", "viewer"]


class Viewer:
    """The signed-in principal of a page (or nobody) and the session's CSRF token."""

    def __init__(self, principal: Principal | None, csrf: str | None) -> None:
        self.principal = principal
        self.csrf = csrf

    @property
    def name(self) -> str | None:
        """The account name, or None when nobody is signed in."""
        return self.principal.name if self.principal else None


def context_of(request: Request) -> ApiContext | None:
    """The API context of the app (``create_app``), if the app has one."""
    found: ApiContext | None = getattr(request.app.state, "sovet", None)
    return found


def viewer(request: Request) -> Viewer:
    """DESIGN §6: the principal of the session cookie, if it is live."""
    context = context_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if context is None or not token:
        return Viewer(None, None)
    context.catch_up()  # a recall written by another process ends the session
    principal = context.accounts.from_session(token)
    return Viewer(principal, context.accounts.csrf_token(token) if principal else None)


def require(request: Request, form: FormData) -> Principal:
    """DESIGN §6: the signed-in caller of a form, its origin and CSRF token checked.

    Raises ``NotAuthenticated`` (no live session) or ``NotAuthorized`` (a post
    from another site, or a missing or wrong CSRF token); every request spends
    the address's bucket. A post naming no ``Origin`` or ``Referer`` passes
    the origin check: the CSRF token, which a page elsewhere cannot read, is
    still required (``api.origin``).
    """
    same_origin(request, missing_ok=True)
    context = context_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if context is None or not token:
        raise NotAuthenticated("log in first")
    context.requests.spend(f"addr:{client_address(request)}")
    context.catch_up()
    principal = context.accounts.from_session(token)
    if principal is None:
        raise NotAuthenticated("the session has ended; log in again")
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not context.accounts.check_csrf(
        principal, token, sent
    ):
        raise NotAuthorized(f"CSRF token missing or wrong (form field {CSRF_FIELD})")
    context.requests.spend(f"account:{principal.account_id}")
    return principal
