"""the leads workspace (docs/leads.md): a status pipeline with its changes, a next step with a reminder, notes and
contact details on every lead, leads added by hand (person NULL when not on the platform), targets per mission

Revision ID: 0013
Revises: 0014 (chained on 0009 in the leads branch; the coordinator chains it at merge)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_TEXT_COLUMNS = (('next_step_note', 200), ('contact_name', 200), ('contact_organisation', 200),
                 ('contact_email', 200), ('contact_phone', 60))


def upgrade() -> None:
    with op.batch_alter_table('leads') as batch:
        batch.alter_column('person', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('status', sa.String(length=16), server_default=sa.text("'new'"), nullable=False))
        batch.add_column(sa.Column('next_step_on', sa.Date(), nullable=True))
        for name, length in _TEXT_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), server_default=sa.text("''"),
                                       nullable=False))
        batch.add_column(sa.Column('notes', sa.Text(), server_default=sa.text("''"), nullable=False))
        batch.add_column(sa.Column('origin', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('reminded_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch.create_index('ix_leads_due', ['next_step_on'], unique=False)
    op.create_table(
        'lead_status_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_status_changes_lead_id_leads'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_status_changes')),
    )
    op.create_index('ix_lead_status_changes_lead_id', 'lead_status_changes', ['lead_id'], unique=False)
    op.create_table(
        'lead_targets',
        sa.Column('owner', sa.Integer(), nullable=False),
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['owner'], ['users.id'], name=op.f('fk_lead_targets_owner_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_lead_targets_mission_id_missions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('owner', 'mission_id', name=op.f('pk_lead_targets')),
    )


def downgrade() -> None:
    op.drop_table('lead_targets')
    op.drop_index('ix_lead_status_changes_lead_id', table_name='lead_status_changes')
    op.drop_table('lead_status_changes')
    op.execute("DELETE FROM leads WHERE person IS NULL")
    with op.batch_alter_table('leads') as batch:
        batch.drop_index('ix_leads_due')
        for column in ('updated_at', 'reminded_on', 'origin', 'notes', *(n for n, _ in reversed(_TEXT_COLUMNS)),
                       'next_step_on', 'status'):
            batch.drop_column(column)
        batch.alter_column('person', existing_type=sa.Integer(), nullable=False)
