"""dashboard rollups

Per-learner numbers (learner_rollups), open assignments per learner and due date (learner_due), and per cohort the
question and confusion counts, kept on write by ``persistence/rollups.py``.  ``courseware rebuild-rollups`` fills them from
the raw tables after the upgrade.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'learner_rollups',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('modules_completed', sa.Integer(), nullable=False),
        sa.Column('quizzes_passed', sa.Integer(), nullable=False),
        sa.Column('average_best', sa.Float(), nullable=True),
        sa.Column('last_submitted', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_progress', sa.DateTime(timezone=True), nullable=True),
        sa.Column('rule_breaks', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_learner_rollups_cohort_id_cohorts'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learner_rollups_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_learner_rollups')),
    )
    op.create_index('ix_learner_rollups_cohort', 'learner_rollups', ['cohort_id', 'modules_completed'], unique=False)
    op.create_table(
        'learner_due',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('open', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_learner_due_cohort_id_cohorts'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learner_due_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'due_on', name=op.f('pk_learner_due')),
    )
    op.create_index('ix_learner_due_cohort_due', 'learner_due', ['cohort_id', 'due_on'], unique=False)
    op.create_table(
        'learner_modules',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.String(length=64), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('started', sa.Boolean(), nullable=False),
        sa.Column('complete', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_learner_modules_cohort_id_cohorts'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learner_modules_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'module_id', name=op.f('pk_learner_modules')),
    )
    op.create_index('ix_learner_modules_cohort', 'learner_modules', ['cohort_id', 'module_id', 'started', 'complete'],
                    unique=False)
    op.create_table(
        'learner_quizzes',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.String(length=64), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('best', sa.Float(), nullable=True),
        sa.Column('passed', sa.Boolean(), nullable=False),
        sa.Column('last_submitted', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_learner_quizzes_cohort_id_cohorts'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learner_quizzes_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'quiz_id', name=op.f('pk_learner_quizzes')),
    )
    op.create_index('ix_learner_quizzes_cohort', 'learner_quizzes', ['cohort_id', 'quiz_id'], unique=False)
    op.create_table(
        'cohort_question_rollups',
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.String(length=64), nullable=False),
        sa.Column('question_id', sa.String(length=64), nullable=False),
        sa.Column('answers', sa.Integer(), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.Column('correct', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_question_rollups_cohort_id_cohorts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('cohort_id', 'quiz_id', 'question_id', name=op.f('pk_cohort_question_rollups')),
    )
    op.create_table(
        'cohort_confusion_rollups',
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('area', sa.String(length=32), nullable=False),
        sa.Column('expected', sa.String(length=200), nullable=False),
        sa.Column('given', sa.String(length=200), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_confusion_rollups_cohort_id_cohorts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('cohort_id', 'area', 'expected', 'given', name=op.f('pk_cohort_confusion_rollups')),
    )
    # Filling them needs the course's completion rule, which a migration does not have: after upgrading, run
    # ``courseware rebuild-rollups`` once (README, "Upgrading").


def downgrade() -> None:
    op.drop_index('ix_learner_quizzes_cohort', table_name='learner_quizzes')
    op.drop_table('learner_quizzes')
    op.drop_index('ix_learner_modules_cohort', table_name='learner_modules')
    op.drop_table('learner_modules')
    op.drop_table('cohort_confusion_rollups')
    op.drop_table('cohort_question_rollups')
    op.drop_index('ix_learner_due_cohort_due', table_name='learner_due')
    op.drop_table('learner_due')
    op.drop_index('ix_learner_rollups_cohort', table_name='learner_rollups')
    op.drop_table('learner_rollups')
