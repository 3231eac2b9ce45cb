"""The signing key's certificates and rotations (issue 9, item 7).

See ``schema.py``; the table must match it exactly.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``key_records``."""
    op.create_table(
        "key_records",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("countersignature", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_key_records"),
    )


def downgrade() -> None:
    """Drop ``key_records``."""
    op.drop_table("key_records")
