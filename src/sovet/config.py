"""Settings, read once from the environment (DESIGN §4).

``SOVET_DB`` names the database: a file path (SQLite, default ``./sovet.db``) or
a ``postgresql://`` URL. The ``--db`` option of the CLI overrides it.
``SOVET_KEY_FILE`` names the checkpoint signing key for a server database (a
SQLite database keeps its key beside it, ``<db>.key``); it has no default: a
server database's key is never taken from the current folder. The server secret that
keys CSRF tokens is ``SOVET_SECRET`` itself, or else kept in a file:
``SOVET_SECRET_FILE`` for a server database, ``<db>.secret`` beside SQLite
(``services.bootstrap.server_secret``; docs/operations.md).
``SOVET_CHECKPOINT_EVERY_EVENTS`` and ``SOVET_CHECKPOINT_EVERY_SECONDS`` say how
often ``sovet serve`` signs a checkpoint as it writes (its options
``--checkpoint-events`` and ``--checkpoint-seconds`` override them).
``SOVET_DISPLAY_FILE`` names the organisation's display settings (faction
colours; never part of the log).
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_DB", "Settings"]

DEFAULT_DB = "./sovet.db"
"""The database used when neither ``--db`` nor ``SOVET_DB`` is given."""


class Settings(BaseSettings):
    """sovet's settings: ``SOVET_DB`` (a path or a ``postgresql://`` URL)."""

    model_config = SettingsConfigDict(env_prefix="SOVET_", extra="ignore")

    db: str = DEFAULT_DB
    key_file: str | None = None
    """``SOVET_KEY_FILE``: the checkpoint signing key used with a server database
    (none by default: writing to PostgreSQL needs it, or ``--key-file``)."""
    future_skew_seconds: int = 300
    """``SOVET_FUTURE_SKEW_SECONDS``: how far ahead of the server's clock a live
    act (API, web) may be dated (``services.live``)."""
    security_log_days: int = 90
    """``SOVET_SECURITY_LOG_DAYS``: how long the security log keeps an entry."""
    token_days: int = 90
    """``SOVET_TOKEN_DAYS``: how long a new API token lives."""
    secret: str | None = None
    """``SOVET_SECRET``: the server secret (32 characters or more); wins over files."""
    checkpoint_every_events: int = 1_000
    """``SOVET_CHECKPOINT_EVERY_EVENTS``: the server signs at least every N events."""
    checkpoint_every_seconds: float = 10.0
    """``SOVET_CHECKPOINT_EVERY_SECONDS``: … and within S seconds of any write."""
    group_commit_max: int = 64
    """``SOVET_GROUP_COMMIT_MAX``: at most this many concurrent live acts share
    one transaction (``services.group_commit``; 1 commits each alone)."""
    display_file: str | None = None
    """``SOVET_DISPLAY_FILE``: the organisation's display settings (a TOML file
    with ``[display.factions]`` colours, ``sovet.presets.display``); read once."""
    secret_file: str | None = None
    """``SOVET_SECRET_FILE``: where a server database's secret is kept (default:
    beside ``SOVET_KEY_FILE``, ``/etc/sovet/sovet.secret`` for
    ``/etc/sovet/sovet.key``)."""
