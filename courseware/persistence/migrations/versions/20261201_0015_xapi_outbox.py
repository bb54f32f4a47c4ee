"""xapi outbox

An outbox for other systems (xAPI statements first, LTI grades later: one ``channel`` column), written in
the same transaction as its cause and delivered by the worker; and the organisation's choice of how
learners are named in statements (``mbox`` or ``account``).

Revision ID: 0015
Revises: 0009
Create Date: 2026-12-01 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('xapi_actor', sa.String(length=8), nullable=False, server_default='mbox'))
    op.create_table(
        'integration_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('ref', sa.String(length=64), nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('superseded', sa.Boolean(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')",
                           name=op.f('ck_integration_outbox_status')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_integration_outbox_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_integration_outbox')),
        sa.UniqueConstraint('channel', 'ref', name=op.f('uq_integration_outbox_channel_ref')),
    )
    with op.batch_alter_table('integration_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_integration_outbox_due', ['status', 'channel', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_integration_outbox_subject', ['channel', 'subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_integration_outbox_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('integration_outbox')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('xapi_actor')
