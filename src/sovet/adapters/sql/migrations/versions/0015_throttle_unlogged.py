"""The throttle windows written without the write-ahead log (issue 13, item 4).

A rate-limit window is a count of the last minute's requests: after a crash of
the database, forgetting it costs nothing but a fresh window. An ``UNLOGGED``
table is not written to the write-ahead log, so a request's throttle entry no
longer waits for a flush to disk of its own; PostgreSQL empties the table
after a crash. Other databases keep their throttles in memory: nothing to do.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """``throttle_windows`` unlogged (PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE throttle_windows SET UNLOGGED")


def downgrade() -> None:
    """Logged again."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE throttle_windows SET LOGGED")
