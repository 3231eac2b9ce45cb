"""Signing in and out, and the member's own page (DESIGN §6; SR-4…SR-10).

``/login`` is a plain form (no JavaScript): it starts a session exactly as
``POST /api/auth/login`` does (``Accounts.login``: argon2id, rotation, the
same throttles and security log) and sets the same cookies, then redirects to
``/me``, which confirms it; a post from another site is refused
(``api.origin``). ``/logout`` is a form carrying the session's CSRF token; the
page it leads to confirms it.

``/me`` shows the member's constituency, its deputies, the elections and recall
petitions there, and a form to check a receipt. Receipts are the voter's to
keep: the server never stores which member holds which receipt (DESIGN §6), so
the page cannot list them; the receipt page tells the voter to write it down.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import (
    SESSION_COOKIE,
    clear_session_cookies,
    client_address,
    set_session_cookies,
)
from sovet.api.origin import same_origin
from sovet.errors import NotAuthenticated, SovetError
from sovet.i18n import gettext
from sovet.web import views
from sovet.web.common import At, error_page, services_of
from sovet.web.messages import plain
from sovet.web.render import page
from sovet.web.session import context_of, require, viewer

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    """DESIGN §6: the sign-in form."""
    return page(request, "login.html", error=None, name="")


@router.post("/login", response_model=None)
async def login(request: Request) -> Response:
    """DESIGN §6: check the password, start a session, set its cookies.

    Only from this site: the form post must name this site in ``Origin`` or
    ``Referer`` (``api.origin``), or a page elsewhere could sign the visitor
    in to an account of its choosing.
    """
    try:
        same_origin(request, missing_ok=False)
    except SovetError as error:
        return error_page(request, error, None)
    context = context_of(request)
    form = await request.form()
    name = str(form.get("name", ""))[:100]
    password = str(form.get("password", ""))[:1000]
    if context is None:
        return page(
            request,
            "login.html",
            status=503,
            error=gettext("Accounts are not set up here."),
            name=name,
        )
    address = client_address(request)
    try:
        await context.requests.aspend(f"addr:{address}")
        await context.logins.acheck(f"addr:{address}")
        await context.logins.acheck(f"login:{name}@{address}")
        if not name or not password:
            raise NotAuthenticated(gettext("give your account name and password"))
        session = await run_in_threadpool(
            context.accounts.login,
            name,
            password,
            address=address,
            previous=request.cookies.get(SESSION_COOKIE),
        )
    except NotAuthenticated as error:
        await context.logins.aspend(f"addr:{address}")
        await context.logins.aspend(f"login:{name}@{address}")
        return page(request, "login.html", status=401, error=plain(error), name=name)
    except SovetError as error:
        return error_page(request, error, None)
    response = RedirectResponse("/me?done=signed-in", status_code=303)
    set_session_cookies(response, request, session)
    return response


@router.post("/logout", response_model=None)
async def logout(request: Request) -> Response:
    """DESIGN §6: end the session (CSRF checked) and clear the cookies."""
    form = await request.form()
    try:
        require(request, form)
    except SovetError as error:
        return error_page(request, error, None)
    context = context_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if context is not None and token:
        await run_in_threadpool(context.accounts.logout, token)
    response = RedirectResponse("/?done=signed-out", status_code=303)
    clear_session_cookies(response)
    return response


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request) -> HTMLResponse:
    """The signed-in user's password change form."""
    who = viewer(request)
    if who.principal is None:
        return error_page(
            request, NotAuthenticated(gettext("log in to change your password")), None
        )
    return page(request, "password.html", error=None, viewer=who)


@router.post("/password", response_model=None)
async def change_password(request: Request) -> Response:
    """Change the signed-in user's password (CSRF checked); every session ends."""
    form = await request.form()
    context = context_of(request)
    try:
        principal = require(request, form)
    except SovetError as error:
        return error_page(request, error, None)
    assert context is not None  # ``require`` refuses without accounts
    try:
        await run_in_threadpool(
            context.accounts.change_password,
            principal,
            str(form.get("current", ""))[:1000],
            str(form.get("password", ""))[:1000],
        )
    except SovetError as error:
        return page(
            request,
            "password.html",
            status=400,
            error=str(error),
            viewer=viewer(request),
        )
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookies(response)
    return response


@router.get("/reset", response_class=HTMLResponse)
def reset_form(request: Request) -> HTMLResponse:
    """Set a new password with the one-time code an administrator gave."""
    return page(request, "reset.html", error=None, done=None)


@router.post("/reset", response_model=None)
async def reset(request: Request) -> Response:
    """A one-time code and a new password (from this site only; throttled)."""
    try:
        same_origin(request, missing_ok=False)
    except SovetError as error:
        return error_page(request, error, None)
    context = context_of(request)
    if context is None:
        return page(
            request,
            "reset.html",
            status=503,
            error=gettext("no accounts here"),
            done=None,
        )
    form = await request.form()
    address = client_address(request)
    try:
        await context.requests.aspend(f"addr:{address}")
        await context.logins.acheck(f"addr:{address}")
        name = await run_in_threadpool(
            context.accounts.reset_password,
            str(form.get("code", ""))[:200],
            str(form.get("password", ""))[:1000],
        )
    except NotAuthenticated as error:
        await context.logins.aspend(f"addr:{address}")
        return page(request, "reset.html", status=401, error=str(error), done=None)
    except SovetError as error:
        return page(request, "reset.html", status=400, error=str(error), done=None)
    return page(request, "reset.html", error=None, done=name)


@router.get("/me", response_class=HTMLResponse)
@views.serialized
def me(request: Request, at: At = None) -> HTMLResponse:
    """SR-4…SR-10: my constituency, my deputies, elections and petitions there."""
    who = viewer(request)
    if who.principal is None:
        return error_page(
            request, NotAuthenticated(gettext("log in to see your page")), at
        )
    try:
        moment_ = views.state_at(services_of(request), at)
    except SovetError as error:
        return error_page(request, error, at)
    state = moment_.state
    person = who.principal.person
    elector = state.electors.get(person) if person else None
    key = elector.constituency if elector else None
    constituency = state.constituencies.get(key) if key else None
    elections = [e for e in state.elections.values() if e.constituency == key]
    petitions = [p for p in state.petitions.values() if p.constituency == key]
    return page(
        request,
        "me.html",
        at=at,
        moment=moment_,
        principal=who.principal,
        person=state.display_name(person) if person else None,
        constituency=constituency,
        elections=elections,
        petitions=petitions,
        named=lambda k: state.display_name(k) or k,
    )
