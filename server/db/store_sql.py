"""The Store port on SQL (SQLite or PostgreSQL) through SQLAlchemy's async ORM."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import CursorResult, delete, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Conflict, Gone, NotFound
from rooms.mail.outbox import MailDraft
from rooms.missions.mission import ItemDraft, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import Invitation, InvitationDraft, Membership, Role, Sender, Suspension, User
from rooms.missions.profile import (
    DirectoryEntry,
    DirectoryPage,
    DirectoryQuery,
    NewMember,
    Profile,
    ProfileDraft,
    adopt_invitation,
    search_text,
)
from server.db import rows
from server.db.aggregate_sql import SqlAggregates
from server.db.audience_sql import SqlAudience
from server.db.copying_sql import SqlCopies
from server.db.directory_sql import directory_entry, mission_directory, search_directory
from server.db.engine import create_engine, is_sqlite
from server.db.eventlog_sql import SqlEventLog
from server.db.item_roles_sql import SqlItemRoles
from server.db.leads_sql import SqlLeads
from server.db.ledger_sql import SqlLedger
from server.db.meetings_sql import SqlMeetings
from server.db.models import (
    Base,
    InvitationRow,
    ItemRow,
    MembershipRow,
    MissionRow,
    ProfileRow,
    ProfileSectorRow,
    SuspensionRow,
    UserRow,
)
from server.db.organisations_sql import SqlOrganisations, link, link_new
from server.db.outage import reported
from server.db.outbox_sql import SqlOutbox, add_mail
from server.db.recordings_sql import SqlRecordings
from server.db.registration_sql import SqlRegistrations, with_registration
from server.db.reminders_sql import SqlReminders
from server.db.results_sql import SqlResults
from server.db.signin_sql import SqlSignIns
from server.db.signups_sql import SqlSignups


def _rowcount(result: object) -> int:
    assert isinstance(result, CursorResult)
    return result.rowcount


def _profile_of(user_id: int, draft: ProfileDraft) -> Profile:
    return Profile(user_id=user_id, **{f: getattr(draft, f) for f in draft.__struct_fields__})


def _profile_columns(p: Profile) -> dict[str, Any]:
    """A profile's columns (but its user id), the derived ones for search and ordering included."""
    return {
        "organisation": p.organisation, "org_type": p.org_type.value, "job_title": p.job_title,
        "sectors": list(p.sectors), "country": p.country, "city": p.city, "offers": p.offers, "seeks": p.seeks,
        "languages": list(p.languages), "bio": p.bio, "website": p.website,
        "search_text": search_text(p),
        "sort_org": p.organisation.casefold()[:120], "sort_name": p.name.casefold()[:120],
    }


def _sector_rows(user_id: int, sectors: Sequence[str]) -> list[dict[str, Any]]:
    """The profile_sectors rows of a profile: one per case-folded sector, its first spelling kept."""
    return [
        {"user_id": user_id, "sector_key": sector.casefold()[:60], "sector": sector}
        for sector in {p.casefold(): p for p in reversed(sectors)}.values()
    ]


class SqlStore(SqlItemRoles, SqlAudience, SqlSignups, SqlRecordings, SqlMeetings, SqlLeads, SqlOutbox, SqlRegistrations,
               SqlReminders, SqlAggregates, SqlEventLog, SqlOrganisations, SqlCopies, SqlSignIns, SqlResults,
               SqlLedger):
    """One object implementing every part of rooms.catalog.Store."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._read_engine = create_engine(url)
        # SQLite: writers take the lock at BEGIN, so read-then-write transactions never deadlock.
        self._write_engine = create_engine(url, immediate=True) if is_sqlite(url) else self._read_engine
        self._reads = async_sessionmaker(self._read_engine, expire_on_commit=False)
        self._writes = async_sessionmaker(self._write_engine, expire_on_commit=False)

    @classmethod
    async def open(cls, url: str) -> SqlStore:
        store = cls(url)
        await store.ping()
        return store

    async def close(self) -> None:
        await self._read_engine.dispose()
        if self._write_engine is not self._read_engine:
            await self._write_engine.dispose()

    async def ping(self) -> None:
        async with self._read_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def truncate_all(self) -> None:
        """Empties every table and restarts ids (tests sharing one PostgreSQL database)."""
        async with self._writes.begin() as s:
            if is_sqlite(self.url):
                for table in reversed(Base.metadata.sorted_tables):
                    await s.execute(delete(table))
                return
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await s.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))

    # Every statement runs inside one of these two: a database that cannot be reached is reported as such
    # (server/db/outage.py), from the connection to the commit.
    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncSession]:
        with reported():
            async with self._reads() as s:
                yield s

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        with reported():
            async with self._writes.begin() as s:
                yield s

    # -- users ---------------------------------------------------------------------------------------------

    async def get_user(self, user_id: int) -> User | None:
        async with self._read() as s:
            row = await s.get(UserRow, user_id)
            return None if row is None else rows.user(row)

    async def get_user_by_email(self, email: str) -> User | None:
        async with self._read() as s:
            row = (await s.execute(select(UserRow).where(UserRow.email == email))).scalar_one_or_none()
            return None if row is None else rows.user(row)

    async def create_user(
        self, email: str, name: str, now: dt.datetime, *, can_create_missions: bool = False,
        password_hash: str | None = None,
    ) -> User:
        try:
            async with self._write() as s:
                row = await self._insert_user(s, email, name, now, can_create_missions, password_hash)
                return rows.user(row)
        except IntegrityError as exc:
            raise Conflict(code="email-taken", message="Someone already uses this e-mail address.",
                           field="email") from exc

    @staticmethod
    async def _insert_user(
        s: AsyncSession, email: str, name: str, now: dt.datetime, can_create: bool, password_hash: str | None
    ) -> UserRow:
        row = UserRow(
            email=email, name=name, password_hash=password_hash, can_create_missions=can_create, created_at=now
        )
        s.add(row)
        await s.flush()
        s.add(ProfileRow(
            user_id=row.id, organisation="", org_type=OrgType.OTHER.value, job_title="", sectors=[], country="",
            city="", offers="", seeks="", languages=[], bio="", website="",
            search_text=name.casefold(), sort_org="", sort_name=name.casefold()[:120],
        ))
        await s.flush()
        return row

    async def set_password_hash(self, user_id: int, password_hash: str | None) -> None:
        async with self._write() as s:
            await s.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash))

    async def get_password_hash(self, user_id: int) -> str | None:
        async with self._read() as s:
            return (await s.execute(select(UserRow.password_hash).where(UserRow.id == user_id))).scalar()

    async def set_can_create_missions(self, user_id: int, allowed: bool) -> None:
        async with self._write() as s:
            await s.execute(update(UserRow).where(UserRow.id == user_id).values(can_create_missions=allowed))

    async def mission_creators(self) -> list[User]:
        async with self._read() as s:
            found = (await s.execute(select(UserRow).where(UserRow.can_create_missions.is_(True))
                                     .order_by(UserRow.name, UserRow.id))).scalars()
            return [rows.user(r) for r in found]

    async def withdraw_mission_creator(self, user_id: int, keep: int) -> tuple[bool, int]:
        async with self._write() as s:
            # FOR UPDATE (PostgreSQL): a racing withdrawal waits, then sees this one's outcome; SQLite's write lock
            # serialises them anyway.
            holders = set((await s.execute(select(UserRow.id).where(UserRow.can_create_missions.is_(True))
                                           .with_for_update())).scalars())
            held = user_id in holders
            others = len(holders - {user_id})
            if held and others >= keep:
                await s.execute(update(UserRow).where(UserRow.id == user_id).values(can_create_missions=False))
            return held, others

    # -- profiles ------------------------------------------------------------------------------------------

    async def get_profile(self, user_id: int) -> Profile | None:
        async with self._read() as s:
            found = (await s.execute(
                select(ProfileRow, UserRow.name).join(UserRow, UserRow.id == ProfileRow.user_id)
                .where(ProfileRow.user_id == user_id)
            )).one_or_none()
            return None if found is None else rows.profile(found[0], found[1])

    async def save_profile(self, user_id: int, draft: ProfileDraft) -> Profile:
        async with self._write() as s:
            row = await s.get(ProfileRow, user_id)
            if row is None:
                raise NotFound(code="profile-not-found", message="Profile not found.")
            user = await s.get(UserRow, user_id)
            previous = rows.profile(row, "" if user is None else user.name)
            await s.execute(update(UserRow).where(UserRow.id == user_id).values(name=draft.name))
            profile = _profile_of(user_id, draft)
            self._fill_profile(row, profile)
            await s.execute(delete(ProfileSectorRow).where(ProfileSectorRow.user_id == user_id))
            s.add_all(ProfileSectorRow(**sector) for sector in _sector_rows(user_id, profile.sectors))
            await s.flush()
            return await link(s, previous, profile)

    @staticmethod
    def _fill_profile(row: ProfileRow, p: Profile) -> None:
        for column, value in _profile_columns(p).items():
            setattr(row, column, value)

    # -- missions and programme ----------------------------------------------------------------------------

    async def create_mission(self, draft: MissionDraft, created_by: int, now: dt.datetime) -> Mission:
        async with self._write() as s:
            row = MissionRow(created_by=created_by, created_at=now)
            self._fill_mission(row, draft)
            s.add(row)
            await s.flush()
            s.add(MembershipRow(mission_id=row.id, user_id=created_by, role=Role.ORGANISER.value, side=None))
            return rows.mission(row)

    @staticmethod
    def _fill_mission(row: MissionRow, d: MissionDraft) -> None:
        row.title, row.destination, row.timezone = d.title, d.destination, d.timezone
        row.start_date, row.end_date = d.start_date, d.end_date
        row.direction, row.format = d.direction.value, d.format.value
        row.sectors, row.description, row.webinar_max_minutes = list(d.sectors), d.description, d.webinar_max_minutes

    async def get_mission(self, mission_id: int) -> Mission | None:
        async with self._read() as s:
            row = await s.get(MissionRow, mission_id)
            return None if row is None else rows.mission(row)

    async def update_mission(self, mission_id: int, draft: MissionDraft) -> Mission:
        async with self._write() as s:
            row = await s.get(MissionRow, mission_id)
            if row is None:
                raise NotFound(code="mission-not-found", message="Mission not found.")
            self._fill_mission(row, draft)
            return rows.mission(row)

    async def find_mission_by_title(self, title: str) -> Mission | None:
        async with self._read() as s:
            row = (await s.execute(
                select(MissionRow).where(MissionRow.title == title).order_by(MissionRow.id).limit(1)
            )).scalar_one_or_none()
            return None if row is None else rows.mission(row)

    async def missions_of(self, user_id: int) -> list[tuple[Mission, Membership]]:
        async with self._read() as s:
            found = await s.execute(
                select(MissionRow, MembershipRow).join(MembershipRow, MembershipRow.mission_id == MissionRow.id)
                .where(MembershipRow.user_id == user_id).order_by(MissionRow.start_date, MissionRow.id)
            )
            return [(rows.mission(m), rows.membership(ms)) for m, ms in found.all()]

    async def add_item(self, mission_id: int, draft: ItemDraft) -> ProgrammeItem:
        async with self._write() as s:
            row = ItemRow(mission_id=mission_id)
            self._fill_item(row, draft)
            s.add(row)
            await s.flush()
            return rows.item(row)

    @staticmethod
    def _fill_item(row: ItemRow, d: ItemDraft) -> None:
        row.kind, row.title, row.starts_at, row.ends_at = d.kind.value, d.title, d.starts_at, d.ends_at
        row.description, row.address, row.track = d.description, d.address, d.track
        row.audience, row.city, row.venue, row.timezone = d.audience.value, d.city, d.venue, d.timezone
        row.capacity = d.capacity

    async def update_item(self, item_id: int, draft: ItemDraft) -> ProgrammeItem:
        async with self._write() as s:
            row = await s.get(ItemRow, item_id)
            if row is None:
                raise NotFound(code="item-not-found", message="Programme item not found.")
            self._fill_item(row, draft)
            return rows.item(row)

    async def delete_item(self, item_id: int) -> None:
        async with self._write() as s:
            if _rowcount(await s.execute(delete(ItemRow).where(ItemRow.id == item_id))) == 0:
                raise NotFound(code="item-not-found", message="Programme item not found.")

    async def get_item(self, item_id: int) -> ProgrammeItem | None:
        async with self._read() as s:
            row = await s.get(ItemRow, item_id)
            return None if row is None else rows.item(row)

    async def programme(self, mission_id: int) -> list[ProgrammeItem]:
        async with self._read() as s:
            found = await s.execute(
                select(ItemRow).where(ItemRow.mission_id == mission_id).order_by(ItemRow.starts_at, ItemRow.id)
            )
            return [rows.item(r) for r in found.scalars()]

    # -- memberships and directory -------------------------------------------------------------------------

    async def get_membership(self, mission_id: int, user_id: int) -> Membership | None:
        async with self._read() as s:
            row = await s.get(MembershipRow, (mission_id, user_id))
            return None if row is None else rows.membership(row)

    async def sender(self, mission_id: int, user_id: int) -> Sender:
        # One statement: the mission, left-joined to the membership and the profile (no mission: no row).
        async with self._read() as s:
            found = (await s.execute(
                select(MissionRow.id, MembershipRow, ProfileRow.organisation)
                .outerjoin(MembershipRow, (MembershipRow.mission_id == MissionRow.id)
                           & (MembershipRow.user_id == user_id))
                .outerjoin(ProfileRow, ProfileRow.user_id == user_id)
                .where(MissionRow.id == mission_id)
            )).one_or_none()
        if found is None:
            return Sender(False, None, "")
        _, membership, organisation = found
        return Sender(True, None if membership is None else rows.membership(membership), organisation or "")

    async def set_membership(self, mission_id: int, user_id: int, role: Role, side: Side | None) -> Membership:
        async with self._write() as s:
            return await self._set_membership(s, mission_id, user_id, role, side)

    @staticmethod
    async def _set_membership(
        s: AsyncSession, mission_id: int, user_id: int, role: Role, side: Side | None
    ) -> Membership:
        row = await s.get(MembershipRow, (mission_id, user_id))
        if row is None:
            row = MembershipRow(mission_id=mission_id, user_id=user_id)
            s.add(row)
        row.role, row.side = role.value, None if side is None else side.value
        await s.flush()
        return rows.membership(row)

    async def remove_membership(self, mission_id: int, user_id: int) -> None:
        async with self._write() as s:
            await s.execute(delete(MembershipRow).where(
                MembershipRow.mission_id == mission_id, MembershipRow.user_id == user_id))
            await s.execute(delete(SuspensionRow).where(
                SuspensionRow.mission_id == mission_id, SuspensionRow.user_id == user_id))

    async def suspend_membership(self, mission_id: int, user_id: int, now: dt.datetime) -> None:
        async with self._write() as s:
            row = await s.get(MembershipRow, (mission_id, user_id), with_for_update=True)
            if row is None:
                raise NotFound(code="person-not-found", message="Person not found.")
            await s.merge(SuspensionRow(mission_id=mission_id, user_id=user_id, role=row.role, side=row.side,
                                        suspended_at=now))
            await s.delete(row)

    async def reinstate_membership(self, mission_id: int, user_id: int) -> Membership:
        async with self._write() as s:
            row = await s.get(SuspensionRow, (mission_id, user_id), with_for_update=True)
            if row is None:
                raise NotFound(code="person-not-found", message="Person not found.")
            role, side = Role(row.role), rows.side(row.side)
            await s.delete(row)
            current = await s.get(MembershipRow, (mission_id, user_id))
            if current is not None:
                return rows.membership(current)
            return await self._set_membership(s, mission_id, user_id, role, side)

    async def suspensions(self, mission_id: int) -> list[Suspension]:
        async with self._read() as s:
            found = await s.execute(
                select(SuspensionRow, UserRow.name).join(UserRow, UserRow.id == SuspensionRow.user_id)
                .where(SuspensionRow.mission_id == mission_id))
            listed = [Suspension(r.mission_id, r.user_id, name, Role(r.role), rows.side(r.side), r.suspended_at)
                      for r, name in found.all()]
        return sorted(listed, key=lambda x: (x.name, x.user_id))

    async def member_emails(self, mission_id: int, emails: Collection[str]) -> set[str]:
        wanted = sorted(set(emails))
        found: set[str] = set()
        async with self._read() as s:
            for start in range(0, len(wanted), 500):  # bound the IN list (SQLite's parameter limit)
                result = await s.execute(
                    select(UserRow.email).join(MembershipRow, MembershipRow.user_id == UserRow.id)
                    .where(MembershipRow.mission_id == mission_id, UserRow.email.in_(wanted[start:start + 500])))
                found.update(result.scalars())
        return found

    async def add_members(self, mission_id: int, people: Sequence[NewMember], now: dt.datetime) -> int:
        fresh: dict[str, NewMember] = {}
        for person in people:
            fresh.setdefault(person.email, person)
        if not fresh:
            return 0
        async with self._write() as s:
            if await s.get(MissionRow, mission_id) is None:
                raise NotFound(code="mission-not-found", message="Mission not found.")
            # A multi-row INSERT ... RETURNING per table (SQLAlchemy splits very large inputs into pages). An
            # e-mail that exists, even one a concurrent transaction has just committed, inserts nothing and
            # returns no id. Ids must be handed out in the order of `people`, as when creating them one by one:
            # SQLite numbers the rows of a multi-row VALUES in order, PostgreSQL only when asked to sort (asking
            # SQLite to sort makes SQLAlchemy insert row by row). Returned rows are matched by e-mail.
            on_sqlite = is_sqlite(self.url)
            dml = sqlite.insert if on_sqlite else postgresql.insert
            created = await s.execute(
                dml(UserRow).on_conflict_do_nothing(index_elements=[UserRow.email])
                .returning(UserRow.id, UserRow.email, sort_by_parameter_order=not on_sqlite),
                [{"email": email, "name": p.profile.name, "password_hash": None, "can_create_missions": False,
                  "created_at": now} for email, p in fresh.items()],
            )
            added = [(user_id, fresh[email]) for user_id, email in created.all()]
            if not added:
                return 0
            profiles = [_profile_of(user_id, p.profile) for user_id, p in added]
            await s.execute(insert(ProfileRow), [{"user_id": p.user_id, **_profile_columns(p)} for p in profiles])
            await link_new(s, profiles)
            sectors = [row for p in profiles for row in _sector_rows(p.user_id, p.sectors)]
            if sectors:
                await s.execute(insert(ProfileSectorRow), sectors)
            await s.execute(insert(MembershipRow), [
                {"mission_id": mission_id, "user_id": user_id, "role": p.role.value,
                 "side": None if p.side is None else p.side.value}
                for user_id, p in added
            ])
            return len(added)

    async def search_directory(self, mission_id: int, query: DirectoryQuery) -> DirectoryPage:
        async with self._read() as s:
            return await search_directory(s, mission_id, query)

    async def directory_entry(self, mission_id: int, user_id: int) -> DirectoryEntry | None:
        async with self._read() as s:
            return await directory_entry(s, mission_id, user_id)

    async def mission_directory(self, mission_id: int, user_ids: Collection[int] | None = None
                                ) -> list[DirectoryEntry]:
        async with self._read() as s:
            return await mission_directory(s, mission_id, user_ids)

    # -- invitations ---------------------------------------------------------------------------------------

    async def create_invitation(
        self, mission_id: int, draft: InvitationDraft, invited_by: int, now: dt.datetime, expires_at: dt.datetime,
        mail: MailDraft | None = None,
    ) -> Invitation:
        async with self._write() as s:
            row = InvitationRow(
                mission_id=mission_id, email=draft.email, name=draft.name, role=draft.role.value,
                side=None if draft.side is None else draft.side.value, organisation=draft.organisation,
                invited_by=invited_by, created_at=now, expires_at=expires_at,
                org_type=None if draft.org_type is None else draft.org_type.value, sector=draft.sector,
                language=draft.language,
            )
            s.add(row)
            await s.flush()
            if mail is not None:
                add_mail(s, mail, now, row.id)
            return rows.invitation(row)

    async def create_invitations(
        self, mission_id: int, invitations: Sequence[tuple[InvitationDraft, MailDraft]], invited_by: int,
        now: dt.datetime, expires_at: dt.datetime,
    ) -> list[Invitation]:
        if not invitations:
            return []
        async with self._write() as s:
            if await s.get(MissionRow, mission_id) is None:
                raise NotFound(code="mission-not-found", message="Mission not found.")
            made = [InvitationRow(
                mission_id=mission_id, email=d.email, name=d.name, role=d.role.value,
                side=None if d.side is None else d.side.value, organisation=d.organisation, invited_by=invited_by,
                created_at=now, expires_at=expires_at, org_type=None if d.org_type is None else d.org_type.value,
                sector=d.sector, language=d.language) for d, _ in invitations]
            s.add_all(made)
            await s.flush()  # one INSERT per table, batched by the unit of work: the ids are known after it
            for row, (_, mail) in zip(made, invitations, strict=True):
                add_mail(s, mail, now, row.id)
            await s.flush()
            return [rows.invitation(r) for r in made]

    async def open_invitation(self, invitation_id: int, now: dt.datetime) -> None:
        async with self._write() as s:
            await s.execute(update(InvitationRow)
                            .where(InvitationRow.id == invitation_id, InvitationRow.opened_at.is_(None))
                            .values(opened_at=now))

    async def revoke_invitation(self, invitation_id: int, now: dt.datetime) -> Invitation | None:
        async with self._write() as s:
            await s.execute(update(InvitationRow)
                            .where(InvitationRow.id == invitation_id, InvitationRow.accepted_at.is_(None),
                                   InvitationRow.revoked_at.is_(None))
                            .values(revoked_at=now))
            row = await s.get(InvitationRow, invitation_id)
            if row is not None:
                await s.refresh(row)
            return None if row is None else rows.invitation(row)

    async def get_invitation(self, invitation_id: int) -> Invitation | None:
        async with self._read() as s:
            row = await s.get(InvitationRow, invitation_id)
            return None if row is None else rows.invitation(row)

    async def invitations(self, mission_id: int) -> list[Invitation]:
        async with self._read() as s:
            found = await s.execute(select(InvitationRow).where(InvitationRow.mission_id == mission_id)
                                    .order_by(InvitationRow.created_at.desc(), InvitationRow.id.desc()))
            return [rows.invitation(r) for r in found.scalars()]

    async def accept_invitation(
        self, invitation_id: int, now: dt.datetime, name: str, password_hash: str | None
    ) -> tuple[User, Membership]:
        async with self._write() as s:
            # The conditional UPDATE is the single-use guarantee: of racing acceptances one matches the row.
            claimed = await s.execute(
                update(InvitationRow)
                .where(InvitationRow.id == invitation_id, InvitationRow.accepted_at.is_(None),
                       InvitationRow.revoked_at.is_(None), InvitationRow.expires_at > now)
                .values(accepted_at=now)
            )
            inv = await s.get(InvitationRow, invitation_id)
            if inv is None:
                raise NotFound(code="token-invalid", message="Invitation not found.")
            if _rowcount(claimed) != 1:
                if inv.accepted_at is not None:
                    raise Gone(code="token-used", message="This invitation was already accepted.")
                if inv.revoked_at is not None:
                    raise Gone(code="token-revoked", message="This invitation was withdrawn by the organiser.")
                raise Gone(code="token-expired",
                           message="This invitation has expired; ask the organiser for a new one.")
            user_row = (await s.execute(select(UserRow).where(UserRow.email == inv.email))).scalar_one_or_none()
            if user_row is None:
                user_row = await self._insert_user(s, inv.email, name, now, False, password_hash)
            elif password_hash is not None and user_row.password_hash is None:
                user_row.password_hash = password_hash
            inv.accepted_by = user_row.id
            membership = await self._set_membership(
                s, inv.mission_id, user_row.id, Role(inv.role), rows.side(inv.side))
            profile = await s.get(ProfileRow, user_row.id)
            if profile is not None:
                current = rows.profile(profile, user_row.name)
                adopted, registration = await with_registration(s, inv.id,
                                                                adopt_invitation(current, rows.invitation(inv)))
                if adopted != current:
                    self._fill_profile(profile, adopted)
                if adopted.sectors != current.sectors:
                    s.add_all(ProfileSectorRow(**sector) for sector in _sector_rows(user_row.id, adopted.sectors))
                await s.flush()
                await link(s, current, adopted, registration)
            await s.flush()
            return rows.user(user_row), membership
