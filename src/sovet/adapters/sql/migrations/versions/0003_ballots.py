"""Secret ballots: votes_cast, ballot_box, petition_signatures (DESIGN §6).

See ``ballots_schema.py``; the tables must match it exactly.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the three ballot tables with their UNIQUE constraints."""
    op.create_table(
        "votes_cast",
        sa.Column("election_id", sa.String(200), nullable=False),
        sa.Column("member_id", sa.String(200), nullable=False),
        sa.UniqueConstraint(
            "election_id", "member_id", name="uq_votes_cast_election_member"
        ),
    )
    op.create_table(
        "ballot_box",
        sa.Column("election_id", sa.String(200), nullable=False),
        sa.Column("ballot_id", sa.String(64), nullable=False),
        sa.Column("receipt", sa.String(64), nullable=False),
        sa.Column("ranking", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("election_id", "ballot_id", name="pk_ballot_box"),
        sa.UniqueConstraint("election_id", "receipt", name="uq_ballot_box_receipt"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "petition_signatures",
        sa.Column("petition_id", sa.String(200), nullable=False),
        sa.Column("member_id", sa.String(200), nullable=False),
        sa.UniqueConstraint(
            "petition_id", "member_id", name="uq_petition_signatures_petition_member"
        ),
    )


def downgrade() -> None:
    """Drop the three ballot tables."""
    op.drop_table("petition_signatures")
    op.drop_table("ballot_box")
    op.drop_table("votes_cast")
