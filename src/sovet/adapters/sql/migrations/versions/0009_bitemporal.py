"""Events carry two times and their act's command (issue 9, envelope v2).

``appended_at`` (when the store appended the event, UTC to the microsecond),
``envelope`` (the envelope version: 1 for every event written before, 2 after)
and ``command`` (the canonical JSON of the act's command, on an act's first
event). ``recorded_at`` keeps the effective time of every event. Rows written
before stay v1 and hash as before.

Revision ID: 0009
Revises: 0013 (landed first; 0009 was this branch's prefix)
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the three columns to ``events``; older rows are envelope 1."""
    op.add_column("events", sa.Column("appended_at", sa.String(64), nullable=True))
    op.add_column(
        "events",
        sa.Column("envelope", sa.Integer(), nullable=False, server_default="1"),
    )
    op.add_column("events", sa.Column("command", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("events") as batch:
        batch.drop_column("command")
        batch.drop_column("envelope")
        batch.drop_column("appended_at")
