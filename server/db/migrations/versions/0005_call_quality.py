"""meetings: the call's quality, and room for the status failed-to-connect

A meeting is held only when media flowed both ways (rooms/meeting_call.py); the figures behind that decision are
kept on the meeting: seconds of media both ways, and per side the seconds of media received, the time to connect
and the reconnects. `failed-to-connect` is longer than the 16 characters `status` had.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_COUNTS = ('media_seconds', 'a_media_seconds', 'b_media_seconds', 'a_reconnects', 'b_reconnects')


def upgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=16), type_=sa.String(length=24),
                              existing_nullable=False)
        for name in _COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('a_connect_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('b_connect_seconds', sa.Integer(), nullable=True))


def downgrade() -> None:
    # The older schema has no word for it, and no room for it either.
    op.execute("UPDATE meetings SET status = 'no-show' WHERE status = 'failed-to-connect'")
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        for name in ('b_connect_seconds', 'a_connect_seconds', *reversed(_COUNTS)):
            batch_op.drop_column(name)
        batch_op.alter_column('status', existing_type=sa.String(length=24), type_=sa.String(length=16),
                              existing_nullable=False)
