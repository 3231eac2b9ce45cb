"""Dependencies as ``Annotated`` aliases (the FastAPI template's ``api/deps.py``).

- ``Ctx``: the ``ApiContext`` (services, accounts, limits) of the app.
- ``MaybePrincipal``: the caller, or ``None`` when anonymous. A bearer token
  (``Authorization: Bearer …``) wins over the session cookie. Cookie requests
  with an unsafe method must carry the session's CSRF token in the
  ``X-CSRF-Token`` header or a ``csrf_token`` form field; bearer requests need
  none. Every request spends a token of its address's bucket, and an
  authenticated one of its account's (``throttle.py``).
- ``Caller``: the caller, or 401. ``Reader``/``Writer``/``Admin``/``Auditor``:
  the caller holding the scope ``read``/``commands:write`` or the global role.
- ``scoped("ballots:cast")``: a dependency for any other scope.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from sovet.api.throttle import Limits, Throttle
from sovet.domain import FederationState
from sovet.errors import NotAuthenticated, NotAuthorized
from sovet.ledger.envelope import StoredEvent
from sovet.services.accounts import SESSION_HOURS, Accounts, Login
from sovet.services.authz import Principal, check_role, check_scope
from sovet.services.bootstrap import Services
from sovet.services.ended_deputies import ENDING_TYPES

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "Admin",
    "ApiContext",
    "Auditor",
    "Caller",
    "Ctx",
    "MaybePrincipal",
    "Reader",
    "Writer",
    "clear_session_cookies",
    "client_address",
    "read_state",
    "scoped",
    "set_session_cookies",
]

SESSION_COOKIE = "sovet_session"
"""The web session cookie (HttpOnly, SameSite=Lax, Secure over TLS)."""
CSRF_COOKIE = "sovet_csrf"
"""The CSRF token, readable by the page's script (not HttpOnly) to echo back."""
CSRF_HEADER = "X-CSRF-Token"
"""Header carrying the CSRF token on unsafe cookie-authenticated requests."""
CSRF_FIELD = "csrf_token"
"""Form field carrying the CSRF token (forms without JavaScript)."""

T = TypeVar("T")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def set_session_cookies(response: Response, request: Request, session: Login) -> None:
    """DESIGN §6: set the session cookie (HttpOnly) and the CSRF cookie.

    Both are SameSite=Lax, Secure over TLS and last ``SESSION_HOURS``; the API
    and the web login share this one cookie policy.
    """
    secure = request.url.scheme == "https"
    age = SESSION_HOURS * 3600
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE, session.csrf, max_age=age, samesite="lax", secure=secure, path="/"
    )


def clear_session_cookies(response: Response) -> None:
    """DESIGN §6: drop the session and CSRF cookies (logout)."""
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


AfterExecute = Callable[[list[StoredEvent]], None]


@dataclass
class ApiContext:
    """Everything a route needs, kept on ``app.state.sovet``."""

    services: Services
    accounts: Accounts
    limits: Limits
    requests: Throttle
    logins: Throttle
    refusals: Throttle
    logged: Throttle
    after_execute: list[AfterExecute] = field(default_factory=list)
    """Hooks run once with every event appended to the log after ``hooked_seq``."""
    hooked_seq: int = 0
    """The last event the hooks have seen."""
    hook_lock: threading.Lock = field(default_factory=threading.Lock)
    pending: dict[int, StoredEvent] = field(default_factory=dict)
    """Events this process appended that the hooks have not seen yet, by seq."""
    saved: Callable[[int], None] | None = None
    """Called with ``hooked_seq`` after the hooks ran: the projection's durable
    position (table ``projection_positions``), so that a restart resumes
    where the hooks stopped instead of skipping what happened meanwhile."""
    save_every: float = 1.0
    """Seconds between two saves of the position when the hooks' events ended
    no deputy: replaying such events after a restart changes nothing, so
    their position need not be written per request (a cast would pay a
    second commit); one that ended a deputy is saved at once."""
    saved_at: float = float("-inf")
    """``time.monotonic()`` of the last save (none yet: minus infinity)."""

    def executed(self, events: list[StoredEvent]) -> None:
        """After a command: run the hooks on the events it appended.

        No read of the log: ``append`` returned the stored events, identical to
        a read. Events arriving out of order (another request of this process
        committed in between) wait in ``pending`` until the run is contiguous;
        a gap left by another process is filled by ``catch_up``.
        """
        with self.hook_lock:
            for event in events:
                if event.seq > self.hooked_seq:
                    self.pending[event.seq] = event
            self._run_pending()

    def _run_pending(self) -> None:
        """Run the hooks on the pending events that follow ``hooked_seq``."""
        run: list[StoredEvent] = []
        while (event := self.pending.get(self.hooked_seq + len(run) + 1)) is not None:
            run.append(event)
        if not run:
            return
        for hook in self.after_execute:
            hook(run)
        for event in run:
            del self.pending[event.seq]
        self.hooked_seq = run[-1].seq
        self._save(run)

    def catch_up(self) -> None:
        """Run the ``after_execute`` hooks on events appended since last time.

        Events written by another process (``sovet run``, a second server) are
        caught too: ``Caller`` calls this before each authentication, so a
        recalled deputy's session ends before their next request is served.
        One head check (``SELECT`` of the last seq) per call; the log is read
        only when it holds events this process has not seen.
        """
        with self.hook_lock:
            self._run_pending()
        with self.services.uow() as uow:  # the check itself holds no lock
            seq, _hash = uow.events.head()
        if seq <= self.hooked_seq:
            return
        with self.hook_lock:
            if seq <= self.hooked_seq:
                return  # another request caught up meanwhile
            with self.services.uow() as uow:
                new = list(uow.events.read(after_seq=self.hooked_seq))
            for hook in self.after_execute:
                hook(new)
            self.hooked_seq = max(self.hooked_seq, new[-1].seq if new else seq)
            last = self.hooked_seq
            self.pending = {k: e for k, e in self.pending.items() if k > last}
            self._save(new)

    def flush(self) -> None:
        """Save the position now (at shutdown)."""
        with self.hook_lock:
            if self.saved is not None:
                self.saved(self.hooked_seq)
                self.saved_at = time.monotonic()

    def _save(self, run: list[StoredEvent]) -> None:
        """Save the position after ``run``: at once if it ended a deputy,
        else at most every ``save_every`` seconds (see there)."""
        if self.saved is None:
            return
        now = time.monotonic()
        ending = any(event.type in ENDING_TYPES for event in run)
        if ending or now - self.saved_at >= self.save_every:
            self.saved(self.hooked_seq)
            self.saved_at = now


async def read_state(ctx: ApiContext, reader: Callable[[FederationState], T]) -> T:
    """``reader(state)`` in the threadpool, on a snapshot of the process's one
    fold (``services.shared_state``): the log up to at least its head when the
    request arrived — caught up with other processes' writes — and unchanged
    while ``reader`` runs. Build the whole answer inside ``reader``."""
    services = ctx.services
    return await run_in_threadpool(services.cache.read, services.uow, reader)


def context(request: Request) -> ApiContext:
    """The app's ``ApiContext``."""
    found: ApiContext = request.app.state.sovet
    return found


Ctx = Annotated[ApiContext, Depends(context)]


def client_address(request: Request) -> str:
    """The peer's address (the throttling key; behind a proxy, configure uvicorn's
    ``--forwarded-allow-ips`` so this is the client's)."""
    return request.client.host if request.client else "unknown"


async def _csrf_sent(request: Request) -> str:
    sent = request.headers.get(CSRF_HEADER, "")
    if sent:
        return sent
    kind = request.headers.get("content-type", "")
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def maybe_principal(request: Request, ctx: Ctx) -> Principal | None:
    """The caller (token or session), ``None`` when anonymous; throttled."""
    address = client_address(request)
    await ctx.requests.aspend(f"addr:{address}")
    await ctx.refusals.acheck(f"addr:{address}")
    await run_in_threadpool(ctx.catch_up)
    auth = request.headers.get("authorization", "")
    principal: Principal | None
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("Authorization must be 'Bearer <token>'")
        principal = await run_in_threadpool(ctx.accounts.from_token, token.strip())
        if principal is None:
            raise NotAuthenticated("unknown or revoked API token")
        request.state.principal = principal  # for the security log
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        principal = await run_in_threadpool(ctx.accounts.from_session, cookie)
        if principal is None:
            if request.method in SAFE_METHODS:
                return None
            raise NotAuthenticated("the session has ended; log in again")
        request.state.principal = principal
        if request.method not in SAFE_METHODS and not ctx.accounts.check_csrf(
            principal, cookie, await _csrf_sent(request)
        ):
            raise NotAuthorized(
                f"CSRF token missing or wrong: send the {CSRF_HEADER} header "
                f"or the {CSRF_FIELD} form field"
            )
    await ctx.requests.aspend(f"account:{principal.account_id}")
    return principal


MaybePrincipal = Annotated[Principal | None, Depends(maybe_principal)]


def caller(principal: MaybePrincipal) -> Principal:
    """The caller, or ``NotAuthenticated`` (401)."""
    if principal is None:
        raise NotAuthenticated("log in or send an API token (Authorization: Bearer)")
    return principal


Caller = Annotated[Principal, Depends(caller)]


def scoped(scope: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency: the caller, whose credential must carry ``scope``."""

    async def dependency(principal: Caller) -> Principal:
        check_scope(principal, scope)
        return principal

    return dependency


def _global_role(role: str, scope: str) -> Callable[[Principal], Awaitable[Principal]]:
    async def dependency(principal: Caller) -> Principal:
        check_scope(principal, scope)
        check_role(principal, (role,), None)
        return principal

    return dependency


Reader = Annotated[Principal, Depends(scoped("read"))]
Writer = Annotated[Principal, Depends(scoped("commands:write"))]
Admin = Annotated[Principal, Depends(_global_role("administrator", "admin"))]
Auditor = Annotated[Principal, Depends(_global_role("auditor", "read"))]
