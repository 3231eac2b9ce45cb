"""The scenario steps a database has applied (``sovet run`` skips them on a re-run).

See ``steps_schema.py``; the table must match it exactly.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``scenario_steps``: one row each time a step was applied."""
    op.create_table(
        "scenario_steps",
        sa.Column("step_hash", sa.String(64), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("step_hash", "occurrence", name="pk_scenario_steps"),
    )


def downgrade() -> None:
    """Drop ``scenario_steps``."""
    op.drop_table("scenario_steps")
