"""data versions

Versions kept in the database key the per-process page caches (``web/page_cache.py``), so that several
app servers stay correct: ``users.data_version`` (a person's own pages and, for a mentor, the mentor home)
and ``organisation.data_version`` (every page), bumped in the same transaction as the writes that change
what those pages show (``services/versions.bump``).  Also drops ``ix_attempt_items_attempt_id``: the unique
constraint on (attempt_id, question_id, item_id) has an index that leads with attempt_id already.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_items_attempt_id')


def downgrade() -> None:
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_items_attempt_id', ['attempt_id'], unique=False)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('data_version')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('data_version')
