"""Accounts, logins, sessions and API tokens (DESIGN §6).

Passwords are hashed with argon2id (``argon2-cffi``'s defaults, rehashed on
login when the parameters change). Session and API tokens are 32 random bytes
(``secrets.token_urlsafe``); only their SHA-256 is stored. A login always
starts a new session (the old cookie's session is dropped: rotation). The CSRF
token is bound to the session and keyed with the server secret
(``bootstrap.server_secret``): an HMAC-SHA256 of the session token by
``itsdangerous.Signer``, so it needs no storage, dies with the session, and
cannot be computed by whoever learns a session token without the secret (it
was an unkeyed hash; issue 10). There is never a default password: the first
administrator is made with ``sovet admin create-user``.

The store's protocol, the limits and the token hash are in ``account_store``;
their names are importable from here too.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import Signer

from sovet.adapters.sql.accounts_schema import SqlAccountStore
from sovet.config import Settings
from sovet.errors import InputError, NotAuthenticated, StorageError
from sovet.ports import Clock
from sovet.services.account_store import (
    CSRF_SALT,
    MIN_PASSWORD,
    RESET_HOURS,
    SESSION_HOURS,
    TOKEN_DAYS,
    AccountStore,
    Login,
    check_storable,
    token_hash,
)
from sovet.services.authz import GLOBAL_ROLES, ROLES, SCOPES, Principal
from sovet.services.bootstrap import Services, server_secret

__all__ = [
    "RESET_HOURS",
    "SESSION_HOURS",
    "TOKEN_DAYS",
    "AccountStore",
    "Accounts",
    "Login",
    "open_accounts",
    "token_hash",
]


class Accounts:
    """The account service: create, grant, log in, authenticate, revoke."""

    def __init__(
        self, store: AccountStore, clock: Clock, *, secret: bytes | None = None
    ) -> None:
        """``secret`` keys the CSRF tokens (``open_accounts`` passes the
        server's); without one, a random secret of this instance only."""
        self.store = store
        self.clock = clock
        self.hasher = PasswordHasher()  # argon2id
        self._dummy = self.hasher.hash("not a password of anyone")
        self._csrf = Signer(
            secret or secrets.token_bytes(32),
            salt=CSRF_SALT,
            key_derivation="hmac",
            digest_method=hashlib.sha256,
        )

    def csrf_token(self, session_token: str) -> str:
        """The CSRF token of a session: its HMAC under the server secret."""
        return self._csrf.get_signature(session_token).decode("ascii")

    def _now(self) -> str:
        return self.clock.now().isoformat()

    def create_account(
        self, name: str, password: str, *, person: str | None = None
    ) -> int:
        """Create an account (name unique; password at least ``MIN_PASSWORD``)."""
        for key, value in (("name", name), ("password", password), ("person", person)):
            check_storable(value, key)
        if not name or len(name) > 100 or not name.isprintable() or " " in name:
            raise InputError(
                "an account name is 1-100 printable characters without spaces",
                key="name",
            )
        if len(password) < MIN_PASSWORD:
            raise InputError(
                f"a password needs at least {MIN_PASSWORD} characters", key="password"
            )
        if self.store.account(name) is not None:
            raise InputError(f"account {name!r} exists already", key="name")
        return self.store.add_account(
            name, self.hasher.hash(password), person, self._now()
        )

    def account_id(self, name: str) -> int:
        """The id of account ``name`` (``InputError`` when unknown)."""
        row = self.store.account(name)
        if row is None:
            raise InputError(f"no account named {name!r}", key="name")
        return row[0]

    def grant_check(self, role: str, body: str | None) -> None:
        """``InputError`` unless ``role`` is known and has a body when it needs one."""
        check_storable(role, "role")
        check_storable(body, "body")
        if role not in ROLES:
            raise InputError(
                f"unknown role {role!r} (known: {', '.join(ROLES)})", key="role"
            )
        if role not in GLOBAL_ROLES and not body:
            raise InputError(
                f"the role {role!r} is held in a body: give --body", key="body"
            )

    def grant(self, name: str, role: str, body: str | None = None) -> None:
        """Bind ``role`` to account ``name`` in ``body`` (global roles: no body)."""
        self.grant_check(role, body)
        if role not in ROLES:
            raise InputError(
                f"unknown role {role!r} (known: {', '.join(ROLES)})", key="role"
            )
        if role in GLOBAL_ROLES:
            body = ""
        elif not body:
            raise InputError(
                f"the role {role!r} is held in a body: give --body", key="body"
            )
        self.store.grant(self.account_id(name), role, body)

    def has_administrator(self) -> bool:
        """True once an administrator exists (``sovet serve`` first start)."""
        return self.store.count_role("administrator") > 0

    def principal(
        self,
        account_id: int,
        *,
        scopes: frozenset[str] | None = None,
        session: str | None = None,
    ) -> Principal | None:
        """The principal of an account id, or None when the account is gone
        or disabled."""
        found = self.store.holder(account_id)
        return None if found is None else _principal_of(found, scopes, session)

    def login(
        self, name: str, password: str, *, address: str, previous: str | None = None
    ) -> Login:
        """Check the password and start a new session (the previous one ends).

        A wrong name or password raises ``NotAuthenticated`` with one message for
        both, and is written to the security log.
        """
        try:
            check_storable(name, "name")
        except InputError:
            name = name.encode("utf-8", "backslashreplace").decode("utf-8")
            row = None  # no account has such a name
        else:
            row = self.store.account(name)
        stored = row[2] if row else self._dummy  # same work for unknown names
        who: dict[str, str | None] = {"account": name[:100], "address": address}
        try:
            self.hasher.verify(stored, password)
            ok = row is not None
        except (VerificationError, InvalidHashError, UnicodeEncodeError):
            ok = False
        if not ok or row is None:
            self.log("login_failed", "wrong name or password", **who)
            raise NotAuthenticated("wrong account name or password")
        if self.store.disabled(row[0]):
            self.log("login_refused", "the account is disabled", **who)
            raise NotAuthenticated("this account is disabled")
        if self.hasher.check_needs_rehash(stored):
            self.store.set_password_hash(row[0], self.hasher.hash(password))
        if previous:
            self.store.drop_session(token_hash(previous))
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        expires = now + timedelta(hours=SESSION_HOURS)
        self.store.add_session(
            token_hash(token), row[0], now.isoformat(), expires.isoformat()
        )
        principal = self.principal(row[0], session=token_hash(token))
        if principal is None:
            raise NotAuthenticated("the account was removed")
        return Login(token, principal, expires, self.csrf_token(token))

    def logout(self, token: str) -> None:
        """End the session of ``token``."""
        self.store.drop_session(token_hash(token))

    def from_session(self, token: str) -> Principal | None:
        """The principal of a live session token, or None (expired ones end)."""
        digest = token_hash(token)
        found = self.store.session(digest)
        if found is None:
            return None
        account_id, expires = found
        if datetime.fromisoformat(expires) <= self.clock.now():
            self.store.drop_session(digest)
            return None
        return self.principal(account_id, session=digest)

    def issue_token(self, name: str, scopes: Iterable[str], *, label: str = "") -> str:
        """A new API token for account ``name`` with ``scopes`` (shown once)."""
        check_storable(label, "label")
        wanted = sorted(set(scopes))
        unknown = [scope for scope in wanted if scope not in SCOPES]
        if unknown or not wanted:
            raise InputError(
                f"scopes must be among {', '.join(SCOPES)}; got {wanted}", key="scope"
            )
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        self.store.add_token(
            token_hash(token),
            self.account_id(name),
            label[:100] or name,
            " ".join(wanted),
            now.isoformat(),
            (now + timedelta(days=self.token_days)).isoformat(),
        )
        self.audit("token_issued", f"token {label[:100] or name!r} for {name}", name)
        return token

    def from_token(self, token: str) -> Principal | None:
        """The principal of an API token, with the token's scopes, or None."""
        digest = token_hash(token)
        found = self.store.token_holder(digest)  # one transaction per request
        if found is None:
            return None
        scopes, expires, (row, roles) = found
        if expires is not None and datetime.fromisoformat(expires) <= self.clock.now():
            self.store.drop_token(digest)
            return None
        return _principal_of((row, roles), frozenset(scopes.split()), None)

    def check_csrf(self, principal: Principal, session_token: str, sent: str) -> bool:
        """True when ``sent`` is the CSRF token of the principal's session."""
        if principal.session != token_hash(session_token):
            return False
        return self._csrf.verify_signature(session_token, sent.encode("utf-8"))

    # --- revocation (issue 10): each takes effect on the next request -----------

    token_days: int = TOKEN_DAYS
    """How long an API token lives (``SOVET_TOKEN_DAYS``, default 90)."""

    def audit(self, kind: str, detail: str, account: str | None) -> None:
        """Write an administrative act to the security log."""
        self.store.log(self._now(), kind, detail[:2000], account=account)

    def _password_ok(self, password: str) -> str:
        check_storable(password, "password")
        if len(password) < MIN_PASSWORD:
            raise InputError(
                f"a password needs at least {MIN_PASSWORD} characters", key="password"
            )
        return self.hasher.hash(password)

    def set_password(self, name: str, password: str) -> None:
        """A new password for ``name``; every session of the account ends."""
        account = self.account_id(name)
        self.store.set_password_hash(account, self._password_ok(password))
        self.store.drop_sessions(account)
        self.audit("password_set", f"password of {name} set", name)

    def change_password(
        self, principal: Principal, current: str, password: str
    ) -> None:
        """The signed-in user changes their own password (the current one first)."""
        row = self.store.account_by_id(principal.account_id)
        try:
            ok = row is not None and self.hasher.verify(row[2], current)
        except (VerificationError, InvalidHashError, UnicodeEncodeError):
            ok = False
        if not ok or row is None:
            self.audit("password_refused", "wrong current password", principal.name)
            raise NotAuthenticated("the current password is wrong")
        self.set_password(row[1], password)

    def disable(self, name: str) -> None:
        """Disable ``name``: no login, and its sessions and tokens end."""
        account = self.account_id(name)
        self.store.set_disabled(account, self._now())
        self.store.drop_sessions(account)
        self.store.drop_tokens(account)
        self.audit("account_disabled", f"{name} disabled", name)

    def enable(self, name: str) -> None:
        """Enable ``name`` again (sessions and tokens are not restored)."""
        self.store.set_disabled(self.account_id(name), None)
        self.audit("account_enabled", f"{name} enabled", name)

    def revoke_tokens(self, name: str, *, label: str | None = None) -> int:
        """Revoke every API token of ``name`` (or those with ``label``); how many."""
        account = self.account_id(name)
        if label is None:
            gone = self.store.drop_tokens(account)
        else:
            gone = self.store.drop_tokens_labelled(account, label)
        what = f"tokens {label!r}" if label is not None else "every token"
        self.audit("tokens_revoked", f"{what} of {name}: {gone}", name)
        return gone

    def revoke_role(self, name: str, role: str, body: str | None = None) -> int:
        """Take ``role`` (in ``body``; global roles: no body) from ``name``."""
        self.grant_check(role, body)
        if role in GLOBAL_ROLES:
            body = ""
        gone = self.store.revoke(self.account_id(name), role, body)
        where = f" in {body}" if body else ""
        self.audit("role_revoked", f"{role}{where} of {name}: {gone}", name)
        return gone

    def reset_link(self, name: str) -> str:
        """A one-time password reset token for ``name`` (valid RESET_HOURS)."""
        account = self.account_id(name)
        token = secrets.token_urlsafe(32)
        expires = self.clock.now() + timedelta(hours=RESET_HOURS)
        self.store.add_reset(token_hash(token), account, expires.isoformat())
        self.audit("reset_issued", f"reset link for {name}", name)
        return token

    def reset_password(self, token: str, password: str) -> str:
        """Set a new password with a reset token (used up); the account name."""
        hashed = self._password_ok(password)
        found = self.store.take_reset(token_hash(token))
        if found is None or datetime.fromisoformat(found[1]) <= self.clock.now():
            raise NotAuthenticated("this reset link is unknown, used or expired")
        row = self.store.account_by_id(found[0])
        if row is None:
            raise NotAuthenticated("the account was removed")
        self.store.set_password_hash(found[0], hashed)
        self.store.drop_sessions(found[0])
        self.audit("password_reset", f"password of {row[1]} reset by link", row[1])
        return row[1]

    log_days: int = 90
    """How long the security log keeps an entry (``SOVET_SECURITY_LOG_DAYS``)."""

    def prune_log(self) -> int:
        """Drop security-log entries older than ``log_days``; how many."""
        before = self.clock.now() - timedelta(days=self.log_days)
        return self.store.prune_log(before.isoformat())

    PROJECTION = "accounts"
    """The accounts' durable projection of the log (``projection_positions``)."""

    def position(self, head: int) -> int:
        """The last event whose effect on roles and sessions is applied.

        The first time (no position yet) it is the log's ``head``: acts before
        accounts existed end nobody's role. From then on it is kept durably,
        so events appended while no server ran are applied at start-up.
        """
        found = self.store.position(self.PROJECTION)
        if found is None:
            self.store.set_position(self.PROJECTION, head)
            return head
        return found

    def save_position(self, seq: int) -> None:
        """Record that every event up to ``seq`` has been applied."""
        self.store.set_position(self.PROJECTION, seq)

    def end_deputy(self, person: str, body: str) -> int:
        """SR-9/SR-30: a recalled or resigned deputy loses the role, every session
        and every API token (tokens are issued again by an administrator).

        Returns how many accounts were affected.
        """
        affected = 0
        for account_id in self.store.accounts_of_person(person):
            self.store.revoke(account_id, "deputy", body or None)
            self.store.drop_sessions(account_id)
            self.store.drop_tokens(account_id)
            self.store.log(
                self._now(),
                "deputy_ended",
                f"{person} no longer deputy in {body}",
                account=str(account_id),
            )
            affected += 1
        return affected

    def log(
        self, kind: str, detail: str, *, account: str | None, address: str | None
    ) -> None:
        """Write a refused action or a throttling to the security log."""
        self.store.log(
            self._now(), kind, detail[:2000], account=account, address=address
        )


def _principal_of(
    holder: tuple[tuple[int, str, str, str | None], set[tuple[str, str]]],
    scopes: frozenset[str] | None,
    session: str | None,
) -> Principal:
    (account_id, name, _hash, person), roles = holder
    return Principal(account_id, name, person, frozenset(roles), scopes, session)


def open_accounts(services: Services) -> Accounts:
    """The account service on the database of ``services`` (SQL only)."""
    if services.engine is None:
        raise StorageError("accounts need a SQL database; open one with bootstrap(db)")
    found = Accounts(
        SqlAccountStore(services.engine),
        services.clock,
        secret=server_secret(services.location),
    )
    settings = Settings()
    found.token_days = settings.token_days
    found.log_days = settings.security_log_days
    return found
