"""Snapshots of the folded state, vouched for by version-2 checkpoints (issue 13).

``checkpoints.snapshot`` is the SHA-256 a version-2 checkpoint signs (empty for
version 1); ``snapshots`` holds the state folded up to a checkpoint's size: its
format (``services.snapshots.FORMAT``), SHA-256 and compressed bytes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``checkpoints.snapshot`` and the ``snapshots`` table."""
    op.add_column("checkpoints", sa.Column("snapshot", sa.String(64), nullable=True))
    op.create_table(
        "snapshots",
        sa.Column("size", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("format", sa.String(100), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("size", name="pk_snapshots"),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("snapshots")
    with op.batch_alter_table("checkpoints") as batch:
        batch.drop_column("snapshot")
