"""model notes

The organisation and each cohort keep a note with their operating model: what the self-diagnostic
applied it with (the account types that get a dedicated PM under "hybrid with dedicated PMs").

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation') as batch:
        batch.add_column(sa.Column('model_note', sa.String(length=500), nullable=True))
    with op.batch_alter_table('cohorts') as batch:
        batch.add_column(sa.Column('model_note', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cohorts') as batch:
        batch.drop_column('model_note')
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('model_note')
