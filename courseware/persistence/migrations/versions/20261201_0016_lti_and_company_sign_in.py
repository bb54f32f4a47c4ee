"""LTI 1.3 tool and company sign-in

Platforms registered by an admin, the links from a platform's users to accounts, one-time values
(LTI state and nonces, OpenID Connect nonces) kept on the server so a replay is refused, the tool's
own key pair, and grade passback: where a learner's quiz score goes, and the outbox of scores to send.

Revision ID: 0016
Revises: 0009
Create Date: 2026-12-01 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'lti_platforms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('key_set_url', sa.String(length=500), nullable=False),
        sa.Column('auth_login_url', sa.String(length=500), nullable=False),
        sa.Column('auth_token_url', sa.String(length=500), nullable=False),
        sa.Column('deployment_ids', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platforms')),
        sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_platforms_issuer_client_id')),
    )
    op.create_table(
        'lti_user_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_user_links_platform_id_lti_platforms'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_user_links_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_user_links')),
        sa.UniqueConstraint('platform_id', 'subject', name=op.f('uq_lti_user_links_platform_id_subject')),
    )
    op.create_index(op.f('ix_lti_user_links_user_id'), 'lti_user_links', ['user_id'], unique=False)
    op.create_table(
        'one_time_values',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_one_time_values')),
    )
    op.create_index('ix_one_time_values_expires', 'one_time_values', ['expires_at'], unique=False)
    op.create_table(
        'lti_tool_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kid', sa.String(length=64), nullable=False),
        sa.Column('private_pem', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_tool_keys')),
        sa.UniqueConstraint('kid', name=op.f('uq_lti_tool_keys_kid')),
    )
    op.create_table(
        'lti_grade_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.String(length=64), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('lineitem_url', sa.String(length=500), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_grade_links_platform_id_lti_platforms'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_grade_links_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_grade_links')),
        sa.UniqueConstraint('platform_id', 'user_id', 'quiz_id', 'lineitem_url', name=op.f('uq_lti_grade_links_platform_id_user_id_quiz_id_lineitem_url')),
    )
    op.create_index('ix_lti_grade_links_user_quiz', 'lti_grade_links', ['user_id', 'quiz_id'], unique=False)
    op.create_table(
        'lti_grade_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('max_score', sa.Float(), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_lti_grade_outbox_status')),
        sa.ForeignKeyConstraint(['link_id'], ['lti_grade_links.id'], name=op.f('fk_lti_grade_outbox_link_id_lti_grade_links'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_grade_outbox')),
    )
    op.create_index(op.f('ix_lti_grade_outbox_link_id'), 'lti_grade_outbox', ['link_id'], unique=False)
    op.create_index('ix_lti_grade_outbox_status_next', 'lti_grade_outbox', ['status', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    op.drop_table('lti_grade_outbox')
    op.drop_table('lti_grade_links')
    op.drop_table('lti_tool_keys')
    op.drop_table('one_time_values')
    op.drop_table('lti_user_links')
    op.drop_table('lti_platforms')
