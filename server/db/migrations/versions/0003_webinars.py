"""webinars: aggregate states and per-item roles

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('room_states',
    sa.Column('aggregate', sa.String(length=60), nullable=False),
    sa.Column('state', sa.LargeBinary(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('aggregate', name=op.f('pk_room_states'))
    )
    op.create_table('item_roles',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_item_roles_item_id_programme_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_item_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'user_id', name=op.f('pk_item_roles'))
    )
    with op.batch_alter_table('item_roles', schema=None) as batch_op:
        batch_op.create_index('ix_item_roles_user', ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('item_roles', schema=None) as batch_op:
        batch_op.drop_index('ix_item_roles_user')

    op.drop_table('item_roles')
    op.drop_table('room_states')
