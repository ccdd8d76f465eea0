"""recordings on demand (docs/webinar.md, "Recording"): one public and one rehearsal recording per programme item at
most, rendered from the stage's files or replaced by an organiser's external link, and who watched each afterwards

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'recordings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('rehearsal', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('file', sa.String(length=255), nullable=False),
        sa.Column('duration_ms', sa.Integer(), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('external_url', sa.String(length=2000), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'],
                                name=op.f('fk_recordings_item_id_programme_items'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recordings')),
        sa.UniqueConstraint('item_id', 'rehearsal', name='uq_recordings_item_rehearsal'),
    )
    op.create_table(
        'recording_replays',
        sa.Column('recording_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('first_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['recording_id'], ['recordings.id'],
                                name=op.f('fk_recording_replays_recording_id_recordings'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recording_replays_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('recording_id', 'user_id', name=op.f('pk_recording_replays')),
    )


def downgrade() -> None:
    op.drop_table('recording_replays')
    op.drop_table('recordings')
