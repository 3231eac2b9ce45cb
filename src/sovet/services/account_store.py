"""What the account service keeps and for how long: the store's protocol,
the limits of sessions, tokens and passwords, and the stored form of a token."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Protocol

from sovet.errors import InputError
from sovet.services.authz import Principal

__all__ = [
    "CSRF_SALT",
    "MIN_PASSWORD",
    "RESET_HOURS",
    "SESSION_HOURS",
    "TOKEN_DAYS",
    "AccountStore",
    "Login",
    "check_storable",
    "token_hash",
]

SESSION_HOURS = 12
"""A web session lasts this long after login."""

MIN_PASSWORD = 10
"""The shortest password accepted."""

TOKEN_DAYS = 90
"""API tokens expire after this many days unless ``SOVET_TOKEN_DAYS`` says otherwise."""

RESET_HOURS = 24
"""A password reset link lives this long, and is good for one use."""


class AccountStore(Protocol):
    """Where accounts live (``adapters.sql.accounts_schema.SqlAccountStore``)."""

    def add_account(
        self, name: str, password_hash: str, person: str | None, at: str
    ) -> int: ...
    def account(self, name: str) -> tuple[int, str, str, str | None] | None: ...
    def account_by_id(
        self, account_id: int
    ) -> tuple[int, str, str, str | None] | None: ...
    def accounts_of_person(self, person: str) -> list[int]: ...
    def set_password_hash(self, account_id: int, password_hash: str) -> None: ...
    def grant(self, account_id: int, role: str, body: str) -> None: ...
    def revoke(self, account_id: int, role: str, body: str | None = None) -> int: ...
    def roles(self, account_id: int) -> set[tuple[str, str]]: ...
    def count_role(self, role: str) -> int: ...
    def add_session(
        self, token_hash: str, account_id: int, created_at: str, expires_at: str
    ) -> None: ...
    def session(self, token_hash: str) -> tuple[int, str] | None: ...
    def drop_session(self, token_hash: str) -> None: ...
    def drop_sessions(self, account_id: int) -> int: ...
    def drop_tokens(self, account_id: int) -> int: ...
    def position(self, name: str) -> int | None: ...
    def set_position(self, name: str, seq: int) -> None: ...
    def add_token(
        self,
        token_hash: str,
        account_id: int,
        label: str,
        scopes: str,
        at: str,
        expires_at: str | None = None,
    ) -> None: ...
    def token(self, token_hash: str) -> tuple[int, str, str | None] | None: ...
    def holder(
        self, account_id: int
    ) -> tuple[tuple[int, str, str, str | None], set[tuple[str, str]]] | None: ...
    def token_holder(
        self, token_hash: str
    ) -> (
        tuple[
            str,
            str | None,
            tuple[tuple[int, str, str, str | None], set[tuple[str, str]]],
        ]
        | None
    ): ...
    def drop_token(self, token_hash: str) -> None: ...
    def drop_tokens_labelled(self, account_id: int, label: str) -> int: ...
    def set_disabled(self, account_id: int, at: str | None) -> None: ...
    def disabled(self, account_id: int) -> bool: ...
    def add_reset(self, token_hash: str, account_id: int, expires_at: str) -> None: ...
    def take_reset(self, token_hash: str) -> tuple[int, str] | None: ...
    def log(
        self,
        at: str,
        kind: str,
        detail: str,
        *,
        account: str | None = None,
        address: str | None = None,
    ) -> None: ...
    def security_entries(self, limit: int = 100) -> list[dict[str, str | None]]: ...
    def prune_log(self, before: str) -> int: ...


def token_hash(token: str) -> str:
    """The stored form of a session or API token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_storable(value: str | None, key: str) -> None:
    """``InputError`` naming ``key`` when ``value`` cannot be stored as UTF-8.

    A lone surrogate reaches here from a command line (bytes that are not
    UTF-8 arrive as ``\\udcXX``); the API refuses it earlier (``schemas.Text``).
    """
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InputError(
            f"not valid text: a lone surrogate (U+{ord(value[e.start]):04X}) at "
            f"index {e.start} cannot be stored as UTF-8",
            key=key,
        ) from None


CSRF_SALT = "sovet.csrf"
"""Separates the CSRF signatures from any other use of the server secret."""


class Login:
    """A fresh session: the token for the cookie and its CSRF token."""

    def __init__(
        self, token: str, principal: Principal, expires: datetime, csrf: str
    ) -> None:
        self.token = token
        self.csrf = csrf
        self.principal = principal
        self.expires = expires
