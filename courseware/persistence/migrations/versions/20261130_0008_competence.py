"""completion that means competence

Near-miss credit on graded items (attempt_items.reason), extra attempts and resets (attempt_grants),
learners' requests for another attempt (attempt_requests), mentors' feedback on attempts
(attempt_feedback) and learners' flags on questions (question_flags).  A reset attempt keeps its
row, with state 'reset' (the column already holds 12 characters).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=20), server_default='', nullable=False))

    op.create_table(
        'attempt_grants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('keys_seen', sa.Boolean(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('extra', 'reset')", name=op.f('ck_attempt_grants_kind')),
        sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_attempt_grants_granted_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attempt_grants_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_grants')),
    )
    with op.batch_alter_table('attempt_grants', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_grants_user_quiz', ['user_id', 'quiz_id'], unique=False)

    op.create_table(
        'attempt_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.String(length=64), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('grant_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['grant_id'], ['attempt_grants.id'], name=op.f('fk_attempt_requests_grant_id_attempt_grants'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attempt_requests_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_requests')),
    )
    with op.batch_alter_table('attempt_requests', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_requests_user_quiz', ['user_id', 'quiz_id'], unique=False)
        batch_op.create_index('ix_attempt_requests_pending', ['resolved_at', 'created_at'], unique=False)

    op.create_table(
        'attempt_feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_feedback_attempt_id_attempts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_attempt_feedback_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_attempt_feedback_learner_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_feedback')),
    )
    with op.batch_alter_table('attempt_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_feedback_attempt', ['attempt_id', 'created_at'], unique=False)
        batch_op.create_index('ix_attempt_feedback_learner', ['learner_id', 'created_at'], unique=False)

    op.create_table(
        'question_flags',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=True),
        sa.Column('quiz_id', sa.String(length=64), nullable=False),
        sa.Column('question_id', sa.String(length=64), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('reply', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_question_flags_attempt_id_attempts'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_question_flags_resolved_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_question_flags_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question_flags')),
    )
    with op.batch_alter_table('question_flags', schema=None) as batch_op:
        batch_op.create_index('ix_question_flags_question', ['quiz_id', 'question_id'], unique=False)
        batch_op.create_index('ix_question_flags_user', ['user_id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_table('question_flags')
    op.drop_table('attempt_feedback')
    op.drop_table('attempt_requests')
    op.drop_table('attempt_grants')
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.drop_column('reason')
