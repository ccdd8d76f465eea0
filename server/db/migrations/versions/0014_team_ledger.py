"""teams and their KPI ledger (docs/ledger.md): members, the missions a team counts (lead partner or partner),
activities outside missions, plans per figure and period, logged corrections

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'teams',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    )
    op.create_table(
        'team_members',
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_members_team_id_teams'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_members_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_team_members')),
    )
    op.create_index('ix_team_members_user', 'team_members', ['user_id'], unique=False)
    op.create_table(
        'team_missions',
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_missions_team_id_teams'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_team_missions_mission_id_missions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('team_id', 'mission_id', name=op.f('pk_team_missions')),
    )
    op.create_index('ix_team_missions_mission', 'team_missions', ['mission_id'], unique=False)
    op.create_index('uq_team_missions_lead_partner', 'team_missions', ['mission_id'], unique=True,
                    sqlite_where=sa.text("role = 'lead_partner'"), postgresql_where=sa.text("role = 'lead_partner'"))
    op.create_table(
        'team_activities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('company', sa.String(length=200), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_activities_team_id_teams'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_team_activities_created_by_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_team_activities')),
    )
    op.create_index('ix_team_activities_team_on', 'team_activities', ['team_id', 'on_date'], unique=False)
    op.create_table(
        'team_plans',
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('figure', sa.String(length=32), nullable=False),
        sa.Column('first_year', sa.Integer(), nullable=False),
        sa.Column('last_year', sa.Integer(), nullable=False),
        sa.Column('low', sa.Integer(), nullable=True),
        sa.Column('high', sa.Integer(), nullable=True),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_plans_team_id_teams'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_team_plans_updated_by_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('team_id', 'figure', 'first_year', 'last_year', name=op.f('pk_team_plans')),
    )
    op.create_table(
        'team_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('figure', sa.String(length=32), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('delta', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('author_name', sa.String(length=120), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_corrections_team_id_teams'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_team_corrections_author_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_team_corrections')),
    )
    op.create_index('ix_team_corrections_team', 'team_corrections', ['team_id', 'year'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_team_corrections_team', table_name='team_corrections')
    op.drop_table('team_corrections')
    op.drop_table('team_plans')
    op.drop_index('ix_team_activities_team_on', table_name='team_activities')
    op.drop_table('team_activities')
    op.drop_index('uq_team_missions_lead_partner', table_name='team_missions')
    op.drop_index('ix_team_missions_mission', table_name='team_missions')
    op.drop_table('team_missions')
    op.drop_index('ix_team_members_user', table_name='team_members')
    op.drop_table('team_members')
    op.drop_table('teams')
