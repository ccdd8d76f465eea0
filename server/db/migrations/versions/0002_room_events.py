"""room events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('room_events',
    sa.Column('room', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('idem_key', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('room', 'seq', name=op.f('pk_room_events')),
    sa.UniqueConstraint('room', 'sender_id', 'idem_key', name='uq_room_events_idem')
    )
    with op.batch_alter_table('room_events', schema=None) as batch_op:
        batch_op.create_index('ix_room_events_kind', ['room', 'kind', 'seq'], unique=False)

    op.create_table('room_seqs',
    sa.Column('room', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('room', name=op.f('pk_room_seqs'))
    )


def downgrade() -> None:
    op.drop_table('room_seqs')
    with op.batch_alter_table('room_events', schema=None) as batch_op:
        batch_op.drop_index('ix_room_events_kind')

    op.drop_table('room_events')
