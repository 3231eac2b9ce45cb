"""Durable projections: where each has caught up in the log (issue 10).

See ``accounts_schema.projection_positions``; the table must match it exactly.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``projection_positions`` (name → the last event seq applied)."""
    op.create_table(
        "projection_positions",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("name", name="pk_projection_positions"),
    )


def downgrade() -> None:
    """Drop ``projection_positions``."""
    op.drop_table("projection_positions")
