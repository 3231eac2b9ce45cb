"""The tables of accounts, roles, sessions, tokens and the security log (DESIGN §6).

The tables live on the shared ``schema.metadata`` (migration ``0002_accounts``
creates them; ``tests/integration/test_migrations.py`` compares both):

- ``accounts``: a login name, its argon2id hash, and the domain person it is
  (a member's elector/person id), or none;
- ``role_bindings``: ``(account, role, body)``; ``body`` is ``""`` for the
  global roles (administrator, auditor);
- ``web_sessions`` and ``api_tokens``: only the SHA-256 of each random token is
  stored, so a copy of the database logs nobody in; tokens carry their scopes;
- ``security_log``: failed logins, refused actions, throttling.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from sovet.adapters.sql.schema import metadata

__all__ = [
    "accounts",
    "api_tokens",
    "password_resets",
    "projection_positions",
    "role_bindings",
    "security_log",
    "web_sessions",
]

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, nullable=False, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("person", String(200), nullable=True),
    Column("created_at", String(64), nullable=False),
    Column("disabled_at", String(64), nullable=True),
    PrimaryKeyConstraint("id", name="pk_accounts"),
    UniqueConstraint("name", name="uq_accounts_name"),
)

role_bindings = Table(
    "role_bindings",
    metadata,
    Column(
        "account_id",
        Integer,
        ForeignKey("accounts.id", ondelete="CASCADE", name="fk_role_bindings_account"),
        nullable=False,
    ),
    Column("role", String(40), nullable=False),
    Column("body", String(200), nullable=False),
    PrimaryKeyConstraint("account_id", "role", "body", name="pk_role_bindings"),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), nullable=False),
    Column(
        "account_id",
        Integer,
        ForeignKey("accounts.id", ondelete="CASCADE", name="fk_web_sessions_account"),
        nullable=False,
    ),
    Column("created_at", String(64), nullable=False),
    Column("expires_at", String(64), nullable=False),
    PrimaryKeyConstraint("token_hash", name="pk_web_sessions"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", String(64), nullable=False),
    Column(
        "account_id",
        Integer,
        ForeignKey("accounts.id", ondelete="CASCADE", name="fk_api_tokens_account"),
        nullable=False,
    ),
    Column("label", String(100), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("created_at", String(64), nullable=False),
    Column("expires_at", String(64), nullable=True),
    PrimaryKeyConstraint("token_hash", name="pk_api_tokens"),
)

security_log = Table(
    "security_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    Column("at", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("account", String(100), nullable=True),
    Column("address", String(100), nullable=True),
    Column("detail", Text, nullable=False),
    PrimaryKeyConstraint("id", name="pk_security_log"),
)

password_resets = Table(
    "password_resets",
    metadata,
    Column("token_hash", String(64), nullable=False),
    Column(
        "account_id",
        Integer,
        ForeignKey(
            "accounts.id", ondelete="CASCADE", name="fk_password_resets_account"
        ),
        nullable=False,
    ),
    Column("expires_at", String(64), nullable=False),
    PrimaryKeyConstraint("token_hash", name="pk_password_resets"),
)
"""One-time password reset links an administrator issued (by their hash)."""

projection_positions = Table(
    "projection_positions",
    metadata,
    Column("name", String(100), nullable=False),
    Column("position", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    PrimaryKeyConstraint("name", name="pk_projection_positions"),
)
"""Where each durable projection of the log (e.g. ``accounts``: roles and
sessions that acts end) has caught up to: the last event seq it applied."""
