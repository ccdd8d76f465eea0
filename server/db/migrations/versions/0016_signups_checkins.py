"""places and attendance on site (docs/programme.md): an item's capacity, sign-ups in the order they were written
(holders and a waiting list), check-ins with who recorded them, each item's check-in code; and the roundtable item kind (a string)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('programme_items') as batch:
        batch.add_column(sa.Column('capacity', sa.Integer(), nullable=True))
    op.create_table(
        'item_signups',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('signed_up_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'],
                                name=op.f('fk_item_signups_item_id_programme_items'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_item_signups_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('item_id', 'user_id', name=op.f('pk_item_signups')),
    )
    op.create_index('ix_item_signups_order', 'item_signups', ['item_id', 'seq'], unique=False)
    op.create_table(
        'item_checkins',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('checked_in_at', sa.DateTime(), nullable=False),
        sa.Column('checked_in_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'],
                                name=op.f('fk_item_checkins_item_id_programme_items'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_item_checkins_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['checked_in_by'], ['users.id'], name=op.f('fk_item_checkins_checked_in_by_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('item_id', 'user_id', name=op.f('pk_item_checkins')),
    )
    op.create_table(
        'checkin_codes',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'],
                                name=op.f('fk_checkin_codes_item_id_programme_items'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('item_id', name=op.f('pk_checkin_codes')),
    )


def downgrade() -> None:
    op.drop_table('checkin_codes')
    op.drop_table('item_checkins')
    op.drop_index('ix_item_signups_order', table_name='item_signups')
    op.drop_table('item_signups')
    with op.batch_alter_table('programme_items') as batch:
        batch.drop_column('capacity')
