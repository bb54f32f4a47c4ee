"""attempt drafts

The answers of an open attempt, saved as the learner works ("Saved at 14:02"), so a sign-in that expires,
a sign-out or a closed tab loses nothing: one row per attempt, removed with it.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attempt_drafts',
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_drafts_attempt_id_attempts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('attempt_id', name=op.f('pk_attempt_drafts')),
    )


def downgrade() -> None:
    op.drop_table('attempt_drafts')
