"""reminders: each person's choices per kind of reminder, and the reminders recorded (one per kind, subject,
person and moment), plus an index for what starts soon (rooms/reminders, docs/mail.md "Reminders")

Revision ID: 0012
Revises: 0009 (to be chained on 0011 at merge)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0012'
# The coordinator chains this on '0011' (organisations) when merging; this tree ends at 0009.
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reminder_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('mail', sa.Boolean(), nullable=False),
        sa.Column('app', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_preferences_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_reminder_preferences')),
    )
    op.create_table(
        'reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminders_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
        sa.UniqueConstraint('kind', 'subject_id', 'at', 'user_id', name='uq_reminders_key'),
    )


def downgrade() -> None:
    op.drop_table('reminders')
    op.drop_table('reminder_preferences')
