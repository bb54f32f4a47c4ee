"""mail and tokens

Email that cannot be lost: an outbox of messages written in the same transaction as their cause;
single-use invitation and password-reset links (only a hash of each is stored); a log of the
reminders and digests already sent; each person's time zone and email preferences.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('email_reminders', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('email_digest', sa.Boolean(), nullable=False, server_default=sa.true()))

    op.create_table(
        'account_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=12), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('end_reason', sa.String(length=12), nullable=True),
        sa.Column('password_stamp', sa.String(length=16), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("purpose IN ('invite', 'reset')", name=op.f('ck_account_tokens_purpose')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_account_tokens_created_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_tokens_token_hash')),
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_account_tokens_user_purpose', ['user_id', 'purpose'], unique=False)

    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_status')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbox_user_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_user_id'), ['user_id'], unique=False)

    op.create_table(
        'notices_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notices_sent_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_notices_sent_outbox_id_outbox'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices_sent')),
        sa.UniqueConstraint('user_id', 'kind', 'subject', name=op.f('uq_notices_sent_user_id_kind_subject')),
    )


def downgrade() -> None:
    op.drop_table('notices_sent')
    op.drop_table('outbox')
    op.drop_table('account_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_digest')
        batch_op.drop_column('email_reminders')
        batch_op.drop_column('time_zone')
