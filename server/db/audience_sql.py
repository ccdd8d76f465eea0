"""The AudienceStore port in SQL: tracks, their members and invite lists (rooms.missions.audience)."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.core.errors import Conflict, NotFound
from rooms.missions.audience import MissionAudience, Track
from rooms.missions.mission import Audience
from rooms.signups.records import holders
from server.db.models import (
    ItemInviteeRow,
    ItemRoleRow,
    ItemRow,
    ItemSignupRow,
    MembershipRow,
    TrackMemberRow,
    TrackRow,
)


class _Sessions(Protocol):
    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


def _taken(name: str) -> Conflict:
    return Conflict(code="track-exists", message=f"The mission already has a track “{name}”.")


async def _members(s: AsyncSession, track: TrackRow) -> list[int]:
    # A place on a track lapses with the membership it was given on.
    found = await s.execute(
        select(TrackMemberRow.user_id)
        .join(MembershipRow, (MembershipRow.user_id == TrackMemberRow.user_id)
              & (MembershipRow.mission_id == track.mission_id))
        .where(TrackMemberRow.track_id == track.id).order_by(TrackMemberRow.user_id))
    return list(found.scalars())


async def _check_members(s: AsyncSession, mission_id: int, users: Collection[int]) -> None:
    if not users:
        return
    count = (await s.execute(select(func.count()).select_from(MembershipRow).where(
        MembershipRow.mission_id == mission_id, MembershipRow.user_id.in_(list(users))))).scalar_one()
    if count != len(users):
        raise NotFound(code="person-not-found", message="Person not found.")


class SqlAudience:
    """Mixed into SqlStore, which provides the sessions."""

    async def mission_audience(self: _Sessions, mission_id: int) -> MissionAudience:
        current = MembershipRow.mission_id == mission_id
        async with self._read() as s:
            tracks: dict[str, set[int]] = {}
            for name, user_id in (await s.execute(
                    select(TrackRow.name_key, MembershipRow.user_id)
                    .select_from(TrackRow)
                    .outerjoin(TrackMemberRow, TrackMemberRow.track_id == TrackRow.id)
                    .outerjoin(MembershipRow, current & (MembershipRow.user_id == TrackMemberRow.user_id))
                    .where(TrackRow.mission_id == mission_id))).all():
                members = tracks.setdefault(name, set())
                if user_id is not None:
                    members.add(user_id)
            invitees: dict[int, set[int]] = {}
            for item_id, user_id in (await s.execute(
                    select(ItemInviteeRow.item_id, ItemInviteeRow.user_id)
                    .join(ItemRow, ItemRow.id == ItemInviteeRow.item_id)
                    .join(MembershipRow, current & (MembershipRow.user_id == ItemInviteeRow.user_id))
                    .where(ItemRow.mission_id == mission_id))).all():
                invitees.setdefault(item_id, set()).add(user_id)
            roles: dict[int, set[int]] = {}
            for item_id, user_id in (await s.execute(
                    select(ItemRoleRow.item_id, ItemRoleRow.user_id)
                    .join(ItemRow, ItemRow.id == ItemRoleRow.item_id)
                    .join(MembershipRow, current & (MembershipRow.user_id == ItemRoleRow.user_id))
                    .where(ItemRow.mission_id == mission_id))).all():
                roles.setdefault(item_id, set()).add(user_id)
            capacities: dict[int, int] = {i: c for i, c in (await s.execute(select(ItemRow.id, ItemRow.capacity).where(
                ItemRow.mission_id == mission_id, ItemRow.capacity.is_not(None)))).all() if c is not None}
            order: dict[int, list[int]] = {i: [] for i in capacities}
            if capacities:
                for item_id, user_id in (await s.execute(
                        select(ItemSignupRow.item_id, ItemSignupRow.user_id)
                        .join(MembershipRow, current & (MembershipRow.user_id == ItemSignupRow.user_id))
                        .where(ItemSignupRow.item_id.in_(list(capacities)))
                        .order_by(ItemSignupRow.item_id, ItemSignupRow.seq))).all():
                    order[item_id].append(user_id)
        return MissionAudience(tracks={k: frozenset(v) for k, v in tracks.items()},
                               invitees={k: frozenset(v) for k, v in invitees.items()},
                               roles={k: frozenset(v) for k, v in roles.items()},
                               places={i: frozenset(holders(order[i], c)) for i, c in capacities.items()})

    async def tracks(self: _Sessions, mission_id: int) -> list[Track]:
        async with self._read() as s:
            rows = list((await s.execute(select(TrackRow).where(TrackRow.mission_id == mission_id)
                                         .order_by(TrackRow.name_key, TrackRow.id))).scalars())
            return [Track(r.id, r.mission_id, r.name, await _members(s, r)) for r in rows]

    async def get_track(self: _Sessions, track_id: int) -> Track | None:
        async with self._read() as s:
            row = await s.get(TrackRow, track_id)
            return None if row is None else Track(row.id, row.mission_id, row.name, await _members(s, row))

    async def create_track(self: _Sessions, mission_id: int, name: str) -> Track:
        try:
            async with self._write() as s:
                row = TrackRow(mission_id=mission_id, name=name, name_key=name.casefold())
                s.add(row)
                await s.flush()
                return Track(row.id, mission_id, name, [])
        except IntegrityError as exc:  # uq_tracks_name
            raise _taken(name) from exc

    async def update_track(self: _Sessions, track_id: int, name: str, members: Collection[int]) -> Track:
        try:
            async with self._write() as s:
                # FOR UPDATE: a concurrent rename or delete of this track waits for this one.
                row = (await s.execute(select(TrackRow).where(TrackRow.id == track_id).with_for_update())).scalar()
                if row is None:
                    raise NotFound(code="track-not-found", message="Track not found.")
                await _check_members(s, row.mission_id, members)
                if row.name != name:
                    # Items name their track: they follow the rename in the same transaction.
                    await s.execute(update(ItemRow).where(ItemRow.mission_id == row.mission_id,
                                                          func.lower(ItemRow.track) == row.name.lower())
                                    .values(track=name))
                    row.name, row.name_key = name, name.casefold()
                await s.execute(delete(TrackMemberRow).where(TrackMemberRow.track_id == track_id))
                if members:
                    await s.execute(insert(TrackMemberRow), [{"track_id": track_id, "user_id": u}
                                                             for u in sorted(members)])
                await s.flush()
                return Track(row.id, row.mission_id, name, sorted(members))
        except IntegrityError as exc:
            raise _taken(name) from exc

    async def delete_track(self: _Sessions, track_id: int) -> None:
        async with self._write() as s:
            row = (await s.execute(select(TrackRow).where(TrackRow.id == track_id).with_for_update())).scalar()
            if row is None:
                raise NotFound(code="track-not-found", message="Track not found.")
            used = (await s.execute(select(func.count()).select_from(ItemRow).where(
                ItemRow.mission_id == row.mission_id, ItemRow.audience == Audience.TRACK.value,
                func.lower(ItemRow.track) == row.name.lower()))).scalar_one()
            if used:
                raise Conflict(code="track-in-use", message="Items for this track's members still name it.")
            # Items for everyone that carried the track as a label lose it with the track.
            await s.execute(update(ItemRow).where(ItemRow.mission_id == row.mission_id,
                                                  func.lower(ItemRow.track) == row.name.lower()).values(track=""))
            await s.delete(row)

    async def item_invitees(self: _Sessions, item_id: int) -> list[int]:
        async with self._read() as s:
            found = await s.execute(
                select(ItemInviteeRow.user_id)
                .join(ItemRow, ItemRow.id == ItemInviteeRow.item_id)
                .join(MembershipRow, (MembershipRow.mission_id == ItemRow.mission_id)
                      & (MembershipRow.user_id == ItemInviteeRow.user_id))
                .where(ItemInviteeRow.item_id == item_id).order_by(ItemInviteeRow.user_id))
            return list(found.scalars())

    async def set_item_invitees(self: _Sessions, item_id: int, user_ids: Collection[int]) -> None:
        async with self._write() as s:
            # FOR UPDATE: the item cannot be deleted between this check and the inserts below.
            mission_id = (await s.execute(
                select(ItemRow.mission_id).where(ItemRow.id == item_id).with_for_update())).scalar()
            if mission_id is None:
                raise NotFound(code="item-not-found", message="Programme item not found.")
            await _check_members(s, mission_id, user_ids)
            await s.execute(delete(ItemInviteeRow).where(ItemInviteeRow.item_id == item_id))
            if user_ids:
                await s.execute(insert(ItemInviteeRow), [{"item_id": item_id, "user_id": u} for u in sorted(user_ids)])
