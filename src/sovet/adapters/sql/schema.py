"""The SQL schema (SQLAlchemy Core), the same on SQLite and PostgreSQL (STYLE.md S4).

- ``events``: the append-only, hash-chained log. ``seq`` is the primary key and
  is assigned by the writer (head + 1), so two concurrent appenders collide on
  it; ``UNIQUE(stream_id, version)`` rejects a second writer of one stream
  version. ``payload`` is the canonical JSON text of the payload.
- ``projections``: query rows ``(kind, key) -> value`` (canonical JSON text),
  written in the same transaction as the events they derive from.
- ``checkpoints``: signed statements of the head, one per log size, with the
  time each was made and the compact range of its Merkle tree (not signed;
  ``ledger.checkpoint.CheckpointRecord``), both empty for older rows; and
  ``snapshot``, the SHA-256 of the state snapshot a version-2 checkpoint signs.
- ``snapshots``: the folded state at a checkpoint's size (``services.snapshots``:
  its format, SHA-256 and compressed bytes); a cache, rebuilt from the log.
- ``key_records``: the signing key's certificates and rotations
  (``ledger.keyring``), in ``position`` order (1, 2, 3 …, assigned by the
  writer, so two racing writers collide on it); ``statement`` is the canonical
  JSON text of what both signatures sign.

Alembic migrations (``migrations/versions``) must create exactly this schema;
``tests/integration/test_migrations.py`` compares them.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "checkpoints",
    "events",
    "key_records",
    "metadata",
    "projections",
    "snapshots",
]

metadata = MetaData()
"""All of sovet's tables."""

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger, nullable=False, autoincrement=False),
    Column("stream_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("recorded_at", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("appended_at", String(64), nullable=True),
    Column("envelope", Integer, nullable=False, server_default="1"),
    Column("command", Text, nullable=True),
    PrimaryKeyConstraint("seq", name="pk_events"),
    UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
)

projections = Table(
    "projections",
    metadata,
    Column("kind", String(100), nullable=False),
    Column("key", String(400), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("kind", "key", name="pk_projections"),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("size", BigInteger, nullable=False, autoincrement=False),
    Column("root_hash", String(64), nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("appended_at", String(64), nullable=True),
    Column("compact_range", Text, nullable=True),
    Column("snapshot", String(64), nullable=True),
    PrimaryKeyConstraint("size", name="pk_checkpoints"),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("size", BigInteger, nullable=False, autoincrement=False),
    Column("format", String(100), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    PrimaryKeyConstraint("size", name="pk_snapshots"),
)

key_records = Table(
    "key_records",
    metadata,
    Column("position", BigInteger, nullable=False, autoincrement=False),
    Column("statement", Text, nullable=False),
    Column("signature", String(128), nullable=False),
    Column("countersignature", String(128), nullable=False),
    PrimaryKeyConstraint("position", name="pk_key_records"),
)
