"""meetings: the index on starts_at that databases migrated before it was added to 0004 lack

`ix_meetings_starts_at` (the meeting clock's windows) was added to 0004 after 0004 had already run on existing
databases: those never got it, while databases created since have it. IF NOT EXISTS makes this a no-op on the
latter (SQLite and PostgreSQL both support it).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-20
"""

from __future__ import annotations

from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_meetings_starts_at', 'meetings', ['starts_at'], unique=False, if_not_exists=True)


def downgrade() -> None:
    # Nothing to undo: revision 0005, as 0004 now reads, already has the index, and 0004's downgrade drops it.
    pass
