"""The erasable table of personal data (issue 10, finding 9).

See ``adapters.sql.personal.personal_data``; the table must match it exactly.

Revision ID: 0014
Revises: 0010 (0010_snapshots landed first)
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``personal_data``."""
    op.create_table(
        "personal_data",
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("person", name="pk_personal_data"),
    )


def downgrade() -> None:
    """Drop ``personal_data``."""
    op.drop_table("personal_data")
