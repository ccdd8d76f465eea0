"""matchmaking: rules, availability, requests, meetings, notes, leads, calendar feeds

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_feeds',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash'))
    )
    op.create_table('matchmaking_rules',
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('rules', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_matchmaking_rules_mission_id_missions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mission_id', name=op.f('pk_matchmaking_rules'))
    )
    op.create_table('meeting_availability',
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_meeting_availability_mission_id_missions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_availability_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mission_id', 'user_id', 'starts_at', name=op.f('pk_meeting_availability'))
    )
    with op.batch_alter_table('meeting_availability', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_availability_slot', ['mission_id', 'starts_at'], unique=False)

    op.create_table('meeting_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('from_user', sa.Integer(), nullable=False),
    sa.Column('to_user', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('slots', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('counter_of', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['from_user'], ['users.id'], name=op.f('fk_meeting_requests_from_user_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_meeting_requests_mission_id_missions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_user'], ['users.id'], name=op.f('fk_meeting_requests_to_user_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_requests'))
    )
    with op.batch_alter_table('meeting_requests', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_requests_from', ['mission_id', 'from_user'], unique=False)
        batch_op.create_index('ix_meeting_requests_to', ['mission_id', 'to_user'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('a', sa.Integer(), nullable=False),
    sa.Column('b', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('booked_by', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('a_seconds', sa.Integer(), nullable=False),
    sa.Column('b_seconds', sa.Integer(), nullable=False),
    sa.Column('both_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['a'], ['users.id'], name=op.f('fk_meetings_a_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['b'], ['users.id'], name=op.f('fk_meetings_b_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_meetings_item_id_programme_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_meetings_mission_id_missions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['meeting_requests.id'], name=op.f('fk_meetings_request_id_meeting_requests'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_a', ['a', 'starts_at'], unique=False)
        batch_op.create_index('ix_meetings_b', ['b', 'starts_at'], unique=False)
        batch_op.create_index('ix_meetings_mission', ['mission_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_meetings_starts_at', ['starts_at'], unique=False)

    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.Integer(), nullable=False),
    sa.Column('person', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('meeting_key', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_leads_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_leads_mission_id_missions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner'], ['users.id'], name=op.f('fk_leads_owner_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person'], ['users.id'], name=op.f('fk_leads_person_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads')),
    sa.UniqueConstraint('owner', 'person', 'source', 'meeting_key', name='uq_leads_once')
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index('ix_leads_owner', ['mission_id', 'owner', 'created_at'], unique=False)

    op.create_table('meeting_notes',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_notes_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_notes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'user_id', name=op.f('pk_meeting_notes'))
    )


def downgrade() -> None:
    op.drop_table('meeting_notes')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_owner')

    op.drop_table('leads')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_starts_at')
        batch_op.drop_index('ix_meetings_mission')
        batch_op.drop_index('ix_meetings_b')
        batch_op.drop_index('ix_meetings_a')

    op.drop_table('meetings')
    with op.batch_alter_table('meeting_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_requests_to')
        batch_op.drop_index('ix_meeting_requests_from')

    op.drop_table('meeting_requests')
    with op.batch_alter_table('meeting_availability', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_availability_slot')

    op.drop_table('meeting_availability')
    op.drop_table('matchmaking_rules')
    op.drop_table('calendar_feeds')
