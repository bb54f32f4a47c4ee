"""listed flags and sort indexes

``learner_rollups`` gains ``learner`` (holds the learner role) and ``mentored`` (has a mentor), kept on write with the
rest of the row, so the admin's learner table counts its cohort filter and the overview counts the unmentored from
that one table (an index on cohort, learner, mentored) instead of probing roles and mentorships for 100,000 people.
``user_roles`` gets an index by role (the mentors without scanning every role), and ``users`` one on
``lower(display_name), id``, the order of every learner list, so a page stops after its rows.

Revision ID: 0017
Revises: 0010
Create Date: 2026-12-01 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('learner_rollups') as batch:
        batch.add_column(sa.Column('learner', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('mentored', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "UPDATE learner_rollups SET "
        "learner = EXISTS (SELECT 1 FROM user_roles WHERE user_roles.user_id = learner_rollups.user_id "
        "AND user_roles.role = 'learner'), "
        "mentored = EXISTS (SELECT 1 FROM mentorships WHERE mentorships.mentee_id = learner_rollups.user_id)"
    )
    op.create_index('ix_learner_rollups_listed', 'learner_rollups', ['cohort_id', 'learner', 'mentored'], unique=False)
    op.create_index('ix_user_roles_role', 'user_roles', ['role', 'user_id'], unique=False)
    op.create_index('ix_users_sort_name', 'users', [sa.text('lower(display_name)'), 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_users_sort_name', table_name='users')
    op.drop_index('ix_user_roles_role', table_name='user_roles')
    op.drop_index('ix_learner_rollups_listed', table_name='learner_rollups')
    with op.batch_alter_table('learner_rollups') as batch:
        batch.drop_column('mentored')
        batch.drop_column('learner')
