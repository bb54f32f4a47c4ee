"""note html

Notes were rendered from Markdown on every view; a hostile note took 1.4 s each time.  Notes now
store the sanitised HTML rendered when they are written (and ``edited_at`` when edited); existing
notes are rendered here, once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

UNSHOWABLE = "<p><em>This note cannot be displayed.</em></p>"


def upgrade() -> None:
    from courseware.core.rendering import RenderError, render_user_markdown

    with op.batch_alter_table('mentor_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
    notes = sa.table('mentor_notes', sa.column('id', sa.Integer), sa.column('body', sa.Text), sa.column('html', sa.Text))
    connection = op.get_bind()
    for note_id, body in connection.execute(sa.select(notes.c.id, notes.c.body)).all():
        try:
            html = render_user_markdown(body)
        except RenderError:
            html = UNSHOWABLE
        connection.execute(notes.update().where(notes.c.id == note_id).values(html=html))
    with op.batch_alter_table('mentor_notes', schema=None) as batch_op:
        batch_op.alter_column('html', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('mentor_notes', schema=None) as batch_op:
        batch_op.drop_column('edited_at')
        batch_op.drop_column('html')
