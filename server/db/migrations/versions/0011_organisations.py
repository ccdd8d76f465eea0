"""organisations: one record per organisation, linked from each profile, backfilled from existing profiles

Profiles naming the same organisation (by rooms.organisations.names.name_key of the name, in the same country)
share one record. The backfill is deterministic: profiles are read by user id; a record takes its name, type and
country from the first profile naming it and its website from the first profile giving one; records are made in
that order (so their ids are too), each dated by the earliest account of its people. No profile has a
registration number, so none is set here. The rules are imported, not copied: a database migrated later gets the
keys the code of that time would give, which is what matching new profiles against them needs.

Revision ID: 0011
Revises: 0010 (chained on 0009 in the branch that wrote it; the coordinator chains it on 0010)
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from rooms.organisations.names import name_key

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_KEY = sa.String(length=120).with_variant(sa.String(length=120, collation='C'), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'organisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('name_key', _KEY, nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('org_type', sa.String(length=32), nullable=False),
        sa.Column('registration_number', sa.String(length=40), nullable=False),
        sa.Column('website', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
        sa.UniqueConstraint('country', 'name_key', 'registration_number', name='uq_organisations_name'),
    )
    op.create_index('uq_organisations_registration', 'organisations', ['country', 'registration_number'],
                    unique=True, sqlite_where=sa.text("registration_number <> ''"),
                    postgresql_where=sa.text("registration_number <> ''"))
    with op.batch_alter_table('profiles') as batch:
        batch.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_profiles_organisation_id_organisations'), 'organisations',
                                 ['organisation_id'], ['id'], ondelete='SET NULL')
        batch.create_index(op.f('ix_profiles_organisation_id'), ['organisation_id'], unique=False)
    _backfill()


def _backfill() -> None:
    bind = op.get_bind()
    found = bind.execute(sa.text(
        "SELECT p.user_id, p.organisation, p.org_type, p.country, p.website, u.created_at "
        "FROM profiles p JOIN users u ON u.id = p.user_id ORDER BY p.user_id").columns(
            created_at=sa.DateTime())).all()
    records: dict[tuple[str, str], dict[str, object]] = {}
    members: dict[tuple[str, str], list[int]] = {}
    for user_id, organisation, org_type, country, website, created_at in found:
        key = name_key(organisation or "")
        if not key:
            continue
        group = (country or "", key)
        record = records.setdefault(group, {
            'name': " ".join(organisation.split())[:120], 'name_key': key, 'country': country or "",
            'org_type': org_type, 'registration_number': "", 'website': "", 'created_at': created_at})
        if not record['website'] and website:
            record['website'] = website
        if isinstance(created_at, dt.datetime) and isinstance(record['created_at'], dt.datetime):
            record['created_at'] = min(created_at, record['created_at'])
        members.setdefault(group, []).append(user_id)
    organisations = sa.table(
        'organisations', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
        sa.column('name_key', sa.String()), sa.column('country', sa.String()), sa.column('org_type', sa.String()),
        sa.column('registration_number', sa.String()), sa.column('website', sa.String()),
        sa.column('created_at', sa.DateTime()))
    profiles = sa.table('profiles', sa.column('user_id', sa.Integer()), sa.column('organisation_id', sa.Integer()))
    for number, (group, record) in enumerate(records.items(), start=1):
        bind.execute(organisations.insert().values(id=number, **record))
        bind.execute(profiles.update().where(profiles.c.user_id.in_(members[group])).values(organisation_id=number))
    if records and bind.dialect.name == 'postgresql':
        # Ids were given explicitly: the sequence must continue after them.
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('organisations', 'id'), :n)"),
                     {'n': len(records)})


def downgrade() -> None:
    with op.batch_alter_table('profiles') as batch:
        batch.drop_index(op.f('ix_profiles_organisation_id'))
        batch.drop_constraint(op.f('fk_profiles_organisation_id_organisations'), type_='foreignkey')
        batch.drop_column('organisation_id')
    op.drop_index('uq_organisations_registration', table_name='organisations')
    op.drop_table('organisations')
