"""suspensions: members an organiser suspended, with the role and side they get back when reinstated

A suspended person is no member while suspended (their row leaves `memberships`, so every check that asks for a
membership refuses them, as for anyone outside the mission); this table keeps what reinstating gives back.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'suspensions',
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('side', sa.String(length=16), nullable=True),
        sa.Column('suspended_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_suspensions_mission_id_missions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_suspensions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('mission_id', 'user_id', name=op.f('pk_suspensions')),
    )
    op.create_index('ix_suspensions_user', 'suspensions', ['user_id'], unique=False)


def downgrade() -> None:
    # The older schema cannot say "suspended": suspended people become members again.
    op.execute("INSERT INTO memberships (mission_id, user_id, role, side) "
               "SELECT mission_id, user_id, role, side FROM suspensions s WHERE NOT EXISTS "
               "(SELECT 1 FROM memberships m WHERE m.mission_id = s.mission_id AND m.user_id = s.user_id)")
    op.drop_index('ix_suspensions_user', table_name='suspensions')
    op.drop_table('suspensions')
