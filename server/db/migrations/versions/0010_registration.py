"""public registration per mission: its settings and the registrations (rooms/registration, docs/onboarding.md)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'registration_settings',
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('open', sa.Boolean(), nullable=False),
        sa.Column('closes_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'],
                                name=op.f('fk_registration_settings_mission_id_missions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('mission_id', name=op.f('pk_registration_settings')),
    )
    op.create_table(
        'registrations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('organisation', sa.String(length=120), nullable=False),
        sa.Column('side', sa.String(length=16), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('language', sa.String(length=3), nullable=False),
        sa.Column('org_type', sa.String(length=32), nullable=False),
        sa.Column('registration_number', sa.String(length=40), nullable=False),
        sa.Column('website', sa.String(length=200), nullable=False),
        sa.Column('sectors', sa.JSON(), nullable=False),
        sa.Column('offers', sa.Text(), nullable=False),
        sa.Column('seeks', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('invitation_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_registrations_mission_id_missions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_registrations_decided_by_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'],
                                name=op.f('fk_registrations_invitation_id_invitations'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
        sa.UniqueConstraint('mission_id', 'email', name='uq_registrations_mission_email'),
    )


def downgrade() -> None:
    op.drop_table('registrations')
    op.drop_table('registration_settings')
