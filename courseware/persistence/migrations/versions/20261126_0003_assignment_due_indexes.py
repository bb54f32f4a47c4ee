"""assignment due-date indexes

Learners' assignments and the dashboards' overdue counts look assignments up by
cohort or by learner and compare the due date; these composite indexes serve both.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_cohort_due', ['cohort_id', 'due_on'], unique=False)
        batch_op.create_index('ix_assignments_user_due', ['user_id', 'due_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_user_due')
        batch_op.drop_index('ix_assignments_cohort_due')
