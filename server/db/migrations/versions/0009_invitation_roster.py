"""invitations from a roster: what the roster said (organisation type, sector, language), when the link was first
opened, and when an organiser revoked it (bulk onboarding, docs/onboarding.md)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('invitations', sa.Column('org_type', sa.String(length=32), nullable=True))
    op.add_column('invitations', sa.Column('sector', sa.String(length=60), server_default=sa.text("''"), nullable=False))
    op.add_column('invitations', sa.Column('language', sa.String(length=3), server_default=sa.text("''"), nullable=False))
    op.add_column('invitations', sa.Column('opened_at', sa.DateTime(), nullable=True))
    op.add_column('invitations', sa.Column('revoked_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('invitations') as batch:
        for column in ('revoked_at', 'opened_at', 'language', 'sector', 'org_type'):
            batch.drop_column(column)
