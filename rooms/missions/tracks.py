"""Tracks and invite lists as use cases (docs/programme.md): organisers keep them; members see the tracks' names
and which are theirs."""

from __future__ import annotations

from typing import Protocol

import msgspec

from rooms.core.errors import Invalid, NotFound
from rooms.missions.audience import (
    MAX_TRACKS,
    AudienceStore,
    InviteList,
    NewTrack,
    Track,
    TrackChange,
    clean_track_name,
)
from rooms.missions.mission import ProgrammeItem
from rooms.missions.people import Membership, Role, User
from rooms.missions.ports import DirectoryStore, MembershipStore, MissionStore
from rooms.policy import Action, Actor, require


class TrackServiceStore(MissionStore, MembershipStore, DirectoryStore, AudienceStore, Protocol):
    """What tracks and invite lists use of the store."""


class Person(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str


class TrackView(msgspec.Struct, frozen=True):
    id: int
    name: str
    size: int
    mine: bool
    members: list[Person]  # organisers only; by name


class Invitees(msgspec.Struct, frozen=True):
    invitees: list[Person]  # by name


class TrackService:
    def __init__(self, store: TrackServiceStore) -> None:
        self._store = store

    async def _membership(self, user: User, mission_id: int, action: Action) -> Membership:
        if await self._store.get_mission(mission_id) is None:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        membership = await self._store.get_membership(mission_id, user.id)
        require(Actor(user, membership), action)
        assert membership is not None
        return membership

    async def _people(self, mission_id: int, user_ids: list[int]) -> list[Person]:
        if not user_ids:
            return []
        found = [Person(e.profile.user_id, e.profile.name, e.profile.organisation)
                 for e in await self._store.mission_directory(mission_id, user_ids)]
        return sorted(found, key=lambda p: (p.name.casefold(), p.user_id))

    async def _view(self, track: Track, viewer: Membership) -> TrackView:
        staff = viewer.role is Role.ORGANISER
        members = await self._people(track.mission_id, track.members) if staff else []
        return TrackView(track.id, track.name, len(track.members), viewer.user_id in track.members, members)

    async def _track(self, mission_id: int, track_id: int) -> Track:
        track = await self._store.get_track(track_id)
        if track is None or track.mission_id != mission_id:
            raise NotFound(code="track-not-found", message="Track not found.")
        return track

    async def tracks(self, user: User, mission_id: int) -> list[TrackView]:
        me = await self._membership(user, mission_id, Action.VIEW_MISSION)
        return [await self._view(t, me) for t in await self._store.tracks(mission_id)]

    async def create(self, user: User, mission_id: int, draft: NewTrack) -> TrackView:
        me = await self._membership(user, mission_id, Action.MANAGE_PROGRAMME)
        if len(await self._store.tracks(mission_id)) >= MAX_TRACKS:
            raise Invalid(code="too-many-tracks", message=f"A mission has at most {MAX_TRACKS} tracks.")
        return await self._view(await self._store.create_track(mission_id, clean_track_name(draft.name)), me)

    async def change(self, user: User, mission_id: int, track_id: int, change: TrackChange) -> TrackView:
        me = await self._membership(user, mission_id, Action.MANAGE_PROGRAMME)
        await self._track(mission_id, track_id)
        try:
            track = await self._store.update_track(track_id, clean_track_name(change.name), set(change.members))
        except NotFound as exc:
            if exc.code != "person-not-found":
                raise
            raise Invalid(code="not-a-member", message="Only people taking part in the mission can be on a track.",
                          field="members") from exc
        return await self._view(track, me)

    async def delete(self, user: User, mission_id: int, track_id: int) -> None:
        await self._membership(user, mission_id, Action.MANAGE_PROGRAMME)
        await self._track(mission_id, track_id)
        await self._store.delete_track(track_id)

    async def _item(self, user: User, mission_id: int, item_id: int) -> ProgrammeItem:
        await self._membership(user, mission_id, Action.MANAGE_PROGRAMME)
        item = await self._store.get_item(item_id)
        if item is None or item.mission_id != mission_id:
            raise NotFound(code="item-not-found", message="Programme item not found.")
        return item

    async def invitees(self, user: User, mission_id: int, item_id: int) -> Invitees:
        item = await self._item(user, mission_id, item_id)
        return Invitees(await self._people(mission_id, await self._store.item_invitees(item.id)))

    async def set_invitees(self, user: User, mission_id: int, item_id: int, change: InviteList) -> Invitees:
        item = await self._item(user, mission_id, item_id)
        try:
            await self._store.set_item_invitees(item.id, set(change.user_ids))
        except NotFound as exc:
            if exc.code != "person-not-found":
                raise
            raise Invalid(code="not-a-member", message="Only people taking part in the mission can be invited.",
                          field="user_ids") from exc
        return await self.invitees(user, mission_id, item_id)
