"""Accounts, roles, sessions, tokens and the security log (DESIGN §6), in SQL.

The tables are in ``accounts_tables`` (importable from here too).
``SqlAccountStore`` is the adapter behind ``services.accounts.AccountStore``:
each call is its own short transaction, apart from the event log's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    Connection,
    Engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from sovet.adapters.sql.accounts_tables import (
    accounts,
    api_tokens,
    password_resets,
    projection_positions,
    role_bindings,
    security_log,
    web_sessions,
)
from sovet.errors import ConcurrencyConflict

__all__ = [
    "AccountRow",
    "Holder",
    "SqlAccountStore",
    "accounts",
    "api_tokens",
    "password_resets",
    "projection_positions",
    "role_bindings",
    "security_log",
    "web_sessions",
]

AccountRow = tuple[int, str, str, str | None]
"""``(id, name, password_hash, person)``."""

Holder = tuple[AccountRow, set[tuple[str, str]]]
"""An enabled account and its ``(role, body)`` bindings."""

_HOLDER = (accounts.c.id, accounts.c.name, accounts.c.password_hash, accounts.c.person)


class SqlAccountStore:
    """Accounts, roles, sessions, tokens and the security log on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            try:
                yield conn
                conn.commit()
            except IntegrityError as e:
                conn.rollback()
                raise ConcurrencyConflict(f"already exists: {e.orig}") from e
            except BaseException:
                conn.rollback()
                raise

    def add_account(
        self, name: str, password_hash: str, person: str | None, at: str
    ) -> int:
        """Insert an account; ``ConcurrencyConflict`` when the name is taken."""
        with self._tx() as conn:
            result = conn.execute(
                insert(accounts).values(
                    name=name, password_hash=password_hash, person=person, created_at=at
                )
            )
            key = result.inserted_primary_key
            return int(key[0]) if key else 0

    def account(self, name: str) -> AccountRow | None:
        """The account named ``name``."""
        with self._tx() as conn:
            row = conn.execute(
                select(
                    accounts.c.id,
                    accounts.c.name,
                    accounts.c.password_hash,
                    accounts.c.person,
                ).where(accounts.c.name == name)
            ).first()
        return (row[0], row[1], row[2], row[3]) if row else None

    def account_by_id(self, account_id: int) -> AccountRow | None:
        """The account with id ``account_id``."""
        with self._tx() as conn:
            row = conn.execute(
                select(
                    accounts.c.id,
                    accounts.c.name,
                    accounts.c.password_hash,
                    accounts.c.person,
                ).where(accounts.c.id == account_id)
            ).first()
        return (row[0], row[1], row[2], row[3]) if row else None

    def holder(self, account_id: int) -> Holder | None:
        """The account with id ``account_id`` if it exists and is enabled, with
        its roles: one transaction (what every authenticated request reads)."""
        with self._tx() as conn:
            row = conn.execute(
                select(*_HOLDER).where(
                    accounts.c.id == account_id, accounts.c.disabled_at.is_(None)
                )
            ).first()
            if row is None:
                return None
            return (row[0], row[1], row[2], row[3]), _roles(conn, account_id)

    def token_holder(self, token_hash: str) -> tuple[str, str | None, Holder] | None:
        """``(scopes, expires_at, holder)`` of the API token with this hash, when
        its account is enabled: one transaction, two statements."""
        with self._tx() as conn:
            row = conn.execute(
                select(api_tokens.c.scopes, api_tokens.c.expires_at, *_HOLDER)
                .join_from(
                    api_tokens, accounts, api_tokens.c.account_id == accounts.c.id
                )
                .where(
                    api_tokens.c.token_hash == token_hash,
                    accounts.c.disabled_at.is_(None),
                )
            ).first()
            if row is None:
                return None
            account = (row[2], row[3], row[4], row[5])
            return row[0], row[1], (account, _roles(conn, row[2]))

    def accounts_of_person(self, person: str) -> list[int]:
        """Ids of the accounts linked to the domain person ``person``."""
        with self._tx() as conn:
            rows = conn.execute(
                select(accounts.c.id).where(accounts.c.person == person)
            ).all()
        return [row[0] for row in rows]

    def set_password_hash(self, account_id: int, password_hash: str) -> None:
        """Replace an account's hash (argon2 rehash on login)."""
        with self._tx() as conn:
            conn.execute(
                accounts.update()
                .where(accounts.c.id == account_id)
                .values(password_hash=password_hash)
            )

    def grant(self, account_id: int, role: str, body: str) -> None:
        """Bind ``role`` in ``body`` (``""``: global); granting twice is a no-op."""
        if (role, body) in self.roles(account_id):
            return
        with self._tx() as conn:
            conn.execute(
                insert(role_bindings).values(
                    account_id=account_id, role=role, body=body
                )
            )

    def revoke(self, account_id: int, role: str, body: str | None = None) -> int:
        """Drop ``role`` (in ``body``, or everywhere); the number of bindings gone."""
        cond = (role_bindings.c.account_id == account_id) & (
            role_bindings.c.role == role
        )
        if body is not None:
            cond = cond & (role_bindings.c.body == body)
        with self._tx() as conn:
            return conn.execute(delete(role_bindings).where(cond)).rowcount

    def roles(self, account_id: int) -> set[tuple[str, str]]:
        """Every ``(role, body)`` bound to the account."""
        with self._tx() as conn:
            return _roles(conn, account_id)

    def count_role(self, role: str) -> int:
        """How many bindings of ``role`` exist (first start: any administrator?)."""
        with self._tx() as conn:
            found = conn.execute(
                select(func.count()).where(role_bindings.c.role == role)
            ).scalar()
        return int(found or 0)

    def add_session(
        self, token_hash: str, account_id: int, created_at: str, expires_at: str
    ) -> None:
        """Store a web session by the hash of its token."""
        with self._tx() as conn:
            conn.execute(
                insert(web_sessions).values(
                    token_hash=token_hash,
                    account_id=account_id,
                    created_at=created_at,
                    expires_at=expires_at,
                )
            )

    def session(self, token_hash: str) -> tuple[int, str] | None:
        """``(account_id, expires_at)`` of the session with this token hash."""
        with self._tx() as conn:
            row = conn.execute(
                select(web_sessions.c.account_id, web_sessions.c.expires_at).where(
                    web_sessions.c.token_hash == token_hash
                )
            ).first()
        return (row[0], row[1]) if row else None

    def drop_session(self, token_hash: str) -> None:
        """End one session."""
        with self._tx() as conn:
            conn.execute(
                delete(web_sessions).where(web_sessions.c.token_hash == token_hash)
            )

    def drop_sessions(self, account_id: int) -> int:
        """End every session of an account; how many ended."""
        with self._tx() as conn:
            return conn.execute(
                delete(web_sessions).where(web_sessions.c.account_id == account_id)
            ).rowcount

    def drop_tokens(self, account_id: int) -> int:
        """Revoke every API token of an account; how many."""
        with self._tx() as conn:
            return conn.execute(
                delete(api_tokens).where(api_tokens.c.account_id == account_id)
            ).rowcount

    def position(self, name: str) -> int | None:
        """The last event seq projection ``name`` applied, if it has a position."""
        with self._tx() as conn:
            row = conn.execute(
                select(projection_positions.c.position).where(
                    projection_positions.c.name == name
                )
            ).first()
        return int(row[0]) if row else None

    def set_position(self, name: str, seq: int) -> None:
        """Record that projection ``name`` has applied every event up to ``seq``."""
        with self._tx() as conn:
            done = conn.execute(
                update(projection_positions)
                .where(projection_positions.c.name == name)
                .values(position=seq)
            ).rowcount
            if not done:
                conn.execute(
                    insert(projection_positions).values(name=name, position=seq)
                )

    def add_token(
        self,
        token_hash: str,
        account_id: int,
        label: str,
        scopes: str,
        at: str,
        expires_at: str | None = None,
    ) -> None:
        """Store an API token by its hash, with its space-separated scopes."""
        with self._tx() as conn:
            conn.execute(
                insert(api_tokens).values(
                    token_hash=token_hash,
                    account_id=account_id,
                    label=label,
                    scopes=scopes,
                    created_at=at,
                    expires_at=expires_at,
                )
            )

    def token(self, token_hash: str) -> tuple[int, str, str | None] | None:
        """``(account_id, scopes, expires_at)`` of the API token with this hash."""
        with self._tx() as conn:
            row = conn.execute(
                select(
                    api_tokens.c.account_id,
                    api_tokens.c.scopes,
                    api_tokens.c.expires_at,
                ).where(api_tokens.c.token_hash == token_hash)
            ).first()
        return (row[0], row[1], row[2]) if row else None

    def drop_token(self, token_hash: str) -> None:
        """Revoke one API token."""
        with self._tx() as conn:
            conn.execute(
                delete(api_tokens).where(api_tokens.c.token_hash == token_hash)
            )

    def drop_tokens_labelled(self, account_id: int, label: str) -> int:
        """Revoke the account's API tokens with ``label``; how many."""
        with self._tx() as conn:
            return conn.execute(
                delete(api_tokens).where(
                    (api_tokens.c.account_id == account_id)
                    & (api_tokens.c.label == label)
                )
            ).rowcount

    def set_disabled(self, account_id: int, at: str | None) -> None:
        """Disable the account from ``at`` (``None``: enable it again)."""
        with self._tx() as conn:
            conn.execute(
                update(accounts)
                .where(accounts.c.id == account_id)
                .values(disabled_at=at)
            )

    def disabled(self, account_id: int) -> bool:
        """Is the account disabled?"""
        with self._tx() as conn:
            row = conn.execute(
                select(accounts.c.disabled_at).where(accounts.c.id == account_id)
            ).first()
        return row is not None and row[0] is not None

    def add_reset(self, token_hash: str, account_id: int, expires_at: str) -> None:
        """Store a one-time password reset link by its hash."""
        with self._tx() as conn:
            conn.execute(
                insert(password_resets).values(
                    token_hash=token_hash, account_id=account_id, expires_at=expires_at
                )
            )

    def take_reset(self, token_hash: str) -> tuple[int, str] | None:
        """``(account_id, expires_at)`` of a reset link, used up as it is read."""
        with self._tx() as conn:
            row = conn.execute(
                select(password_resets.c.account_id, password_resets.c.expires_at)
                .where(password_resets.c.token_hash == token_hash)
                .with_for_update()
            ).first()
            if row is None:
                return None
            conn.execute(
                delete(password_resets).where(
                    password_resets.c.token_hash == token_hash
                )
            )
        return (row[0], row[1])

    def log(
        self,
        at: str,
        kind: str,
        detail: str,
        *,
        account: str | None = None,
        address: str | None = None,
    ) -> None:
        """Append one line to the security log."""
        with self._tx() as conn:
            conn.execute(
                insert(security_log).values(
                    at=at, kind=kind, account=account, address=address, detail=detail
                )
            )

    def prune_log(self, before: str) -> int:
        """Delete security-log entries older than ``before`` (ISO); how many."""
        with self._tx() as conn:
            return conn.execute(
                delete(security_log).where(security_log.c.at < before)
            ).rowcount

    def security_entries(self, limit: int = 100) -> list[dict[str, str | None]]:
        """The latest ``limit`` security log lines, newest first."""
        with self._tx() as conn:
            rows = conn.execute(
                select(
                    security_log.c.at,
                    security_log.c.kind,
                    security_log.c.account,
                    security_log.c.address,
                    security_log.c.detail,
                )
                .order_by(security_log.c.id.desc())
                .limit(limit)
            ).all()
        keys = ("at", "kind", "account", "address", "detail")
        return [dict(zip(keys, row, strict=True)) for row in rows]


def _roles(conn: Connection, account_id: int) -> set[tuple[str, str]]:
    """Every ``(role, body)`` bound to the account, on ``conn``."""
    rows = conn.execute(
        select(role_bindings.c.role, role_bindings.c.body).where(
            role_bindings.c.account_id == account_id
        )
    ).all()
    return {(row[0], row[1]) for row in rows}
