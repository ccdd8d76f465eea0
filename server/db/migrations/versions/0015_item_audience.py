"""who sees a programme item and where it happens (docs/programme.md): an item's audience (all, a track, an invite
list), its city, venue and time zone; tracks with their members; invite lists

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('programme_items') as batch:
        batch.add_column(sa.Column('audience', sa.String(length=16), server_default='all', nullable=False))
        batch.add_column(sa.Column('city', sa.String(length=80), server_default=sa.text("''"), nullable=False))
        batch.add_column(sa.Column('venue', sa.String(length=160), server_default=sa.text("''"), nullable=False))
        batch.add_column(sa.Column('timezone', sa.String(length=64), server_default=sa.text("''"), nullable=False))
    op.create_table(
        'tracks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('name_key', sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_tracks_mission_id_missions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tracks')),
        sa.UniqueConstraint('mission_id', 'name_key', name='uq_tracks_name'),
    )
    op.create_table(
        'track_members',
        sa.Column('track_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_track_members_track_id_tracks'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_track_members_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('track_id', 'user_id', name=op.f('pk_track_members')),
    )
    op.create_table(
        'item_invitees',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'],
                                name=op.f('fk_item_invitees_item_id_programme_items'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_item_invitees_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('item_id', 'user_id', name=op.f('pk_item_invitees')),
    )


def downgrade() -> None:
    op.drop_table('item_invitees')
    op.drop_table('track_members')
    op.drop_table('tracks')
    with op.batch_alter_table('programme_items') as batch:
        batch.drop_column('timezone')
        batch.drop_column('venue')
        batch.drop_column('city')
        batch.drop_column('audience')
