"""Checkpoints keep when they were made and their tree's compact range (issue 9).

``appended_at`` (ISO 8601) and ``compact_range`` (the peaks of the RFC 9162
tree, hex, space-separated) are not signed: the server grows the next
checkpoint from the last one's peaks instead of rebuilding the tree over the
log. Both stay empty on rows written before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the two nullable columns to ``checkpoints``."""
    op.add_column("checkpoints", sa.Column("appended_at", sa.String(64), nullable=True))
    op.add_column("checkpoints", sa.Column("compact_range", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("checkpoints") as batch:
        batch.drop_column("compact_range")
        batch.drop_column("appended_at")
