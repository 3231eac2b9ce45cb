"""Throttle windows shared by every server on one database (issue 13, item 5).

See ``throttle_store.throttle_windows``; the table must match it exactly. Only
PostgreSQL servers use it (SQLite keeps its throttles in memory).

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``throttle_windows``."""
    op.create_table(
        "throttle_windows",
        sa.Column("key", sa.String(512), nullable=False),
        sa.Column(
            "hits",
            sa.ARRAY(sa.Float()).with_variant(sa.Text(), "sqlite"),
            nullable=False,
        ),
        sa.Column("counter", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False, server_default="true"),
        sa.PrimaryKeyConstraint("key", name="pk_throttle_windows"),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("throttle_windows")
