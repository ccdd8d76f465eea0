"""The AudienceStore port in memory: tracks with their members and invite lists, mixed into MemoryStore."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection

import msgspec

from rooms.core.errors import Conflict, NotFound
from rooms.missions.audience import MissionAudience, Track
from rooms.missions.mission import Audience, ProgrammeItem
from rooms.missions.people import ItemRole, Membership
from rooms.signups.records import holders


class _TrackRecord:
    __slots__ = ("id", "members", "mission_id", "name")

    def __init__(self, track_id: int, mission_id: int, name: str) -> None:
        self.id = track_id
        self.mission_id = mission_id
        self.name = name
        self.members: set[int] = set()


class MemoryAudience:
    # Provided by MemoryStore.
    _items: dict[int, ProgrammeItem]
    _memberships: dict[tuple[int, int], Membership]
    _item_roles: dict[int, dict[int, ItemRole]]  # MemoryItemRoles
    _signups: dict[int, dict[int, dt.datetime]]  # rooms.signups.memory.MemorySignups

    def __init__(self) -> None:
        super().__init__()
        self._track_records: dict[int, _TrackRecord] = {}
        self._invitees: dict[int, set[int]] = {}
        self._next_track_id = itertools.count(1)

    # A place on a track or an invite list lapses with the membership, as the SQL store's joins do.
    def _current(self, mission_id: int, users: Collection[int]) -> list[int]:
        return sorted(u for u in users if (mission_id, u) in self._memberships)

    def _track(self, t: _TrackRecord) -> Track:
        return Track(t.id, t.mission_id, t.name, self._current(t.mission_id, t.members))

    async def mission_audience(self, mission_id: int) -> MissionAudience:
        roles = {item_id: frozenset(self._current(mission_id, granted)) for item_id, granted in self._item_roles.items()
                 if item_id in self._items and self._items[item_id].mission_id == mission_id}
        return MissionAudience(
            tracks={t.name.casefold(): frozenset(self._current(mission_id, t.members))
                    for t in self._track_records.values() if t.mission_id == mission_id},
            invitees={item_id: frozenset(self._current(mission_id, users)) for item_id, users in self._invitees.items()
                      if item_id in self._items and self._items[item_id].mission_id == mission_id},
            roles=roles, places=self._places(mission_id))

    def _places(self, mission_id: int) -> dict[int, frozenset[int]]:
        out: dict[int, frozenset[int]] = {}
        for item_id, signed in self._signups.items():
            item = self._items.get(item_id)
            if item is None or item.mission_id != mission_id or item.capacity is None:
                continue
            order = [u for u in signed if (mission_id, u) in self._memberships]  # in the order written
            out[item_id] = frozenset(holders(order, item.capacity))
        return out

    async def tracks(self, mission_id: int) -> list[Track]:
        found = [self._track(t) for t in self._track_records.values() if t.mission_id == mission_id]
        return sorted(found, key=lambda t: (t.name.casefold(), t.id))

    async def get_track(self, track_id: int) -> Track | None:
        t = self._track_records.get(track_id)
        return None if t is None else self._track(t)

    def _name_taken(self, mission_id: int, name: str, but: int | None = None) -> bool:
        return any(t.mission_id == mission_id and t.name.casefold() == name.casefold() and t.id != but
                   for t in self._track_records.values())

    def _add_track(self, mission_id: int, name: str) -> Track:
        if self._name_taken(mission_id, name):
            raise Conflict(code="track-exists", message=f"The mission already has a track “{name}”.")
        t = _TrackRecord(next(self._next_track_id), mission_id, name)
        self._track_records[t.id] = t
        return self._track(t)

    async def create_track(self, mission_id: int, name: str) -> Track:
        return self._add_track(mission_id, name)

    async def update_track(self, track_id: int, name: str, members: Collection[int]) -> Track:
        t = self._track_records.get(track_id)
        if t is None:
            raise NotFound(code="track-not-found", message="Track not found.")
        if self._name_taken(t.mission_id, name, but=track_id):
            raise Conflict(code="track-exists", message=f"The mission already has a track “{name}”.")
        if any((t.mission_id, u) not in self._memberships for u in members):
            raise NotFound(code="person-not-found", message="Person not found.")
        old = t.name.casefold()
        for item in list(self._items.values()):
            if item.mission_id == t.mission_id and item.track.casefold() == old:
                self._items[item.id] = _renamed(item, name)
        t.name = name
        t.members = set(members)
        return self._track(t)

    async def delete_track(self, track_id: int) -> None:
        t = self._track_records.get(track_id)
        if t is None:
            raise NotFound(code="track-not-found", message="Track not found.")
        if any(i.mission_id == t.mission_id and i.audience is Audience.TRACK and i.track.casefold() == t.name.casefold()
               for i in self._items.values()):
            raise Conflict(code="track-in-use", message="Items for this track's members still name it.")
        for item in list(self._items.values()):
            if item.mission_id == t.mission_id and item.track.casefold() == t.name.casefold():
                self._items[item.id] = _renamed(item, "")  # a label of a track that is gone goes with it
        del self._track_records[track_id]

    async def item_invitees(self, item_id: int) -> list[int]:
        item = self._items.get(item_id)
        return [] if item is None else self._current(item.mission_id, self._invitees.get(item_id, ()))

    async def set_item_invitees(self, item_id: int, user_ids: Collection[int]) -> None:
        item = self._items.get(item_id)
        if item is None:
            raise NotFound(code="item-not-found", message="Programme item not found.")
        if any((item.mission_id, u) not in self._memberships for u in user_ids):
            raise NotFound(code="person-not-found", message="Person not found.")
        self._invitees[item_id] = set(user_ids)

    def _drop_invitees(self, item_id: int) -> None:
        self._invitees.pop(item_id, None)


def _renamed(item: ProgrammeItem, track: str) -> ProgrammeItem:
    return msgspec.structs.replace(item, track=track)
