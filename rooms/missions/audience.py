"""Tracks (sub-delegations) and invite lists: who makes up the audience of a programme item (docs/programme.md).

Which item a person may see is decided in rooms.policy (`may_see_item`, `in_own_schedule`) from a mission's
`MissionAudience`, read in one go so that a programme of fifty items costs one read, not fifty.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated, Protocol

import msgspec

from rooms.core.errors import Invalid
from rooms.missions.people import Id

TrackName = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
MAX_TRACK_MEMBERS = 500
MAX_INVITEES = 500
MAX_TRACKS = 40


def clean_track_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise Invalid(code="required", message="A track needs a name.", field="name")
    return clean


class Track(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    name: str
    members: list[int]  # user ids of current members of the mission, ascending


class NewTrack(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: TrackName


class TrackChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: TrackName
    members: Annotated[list[Id], msgspec.Meta(max_length=MAX_TRACK_MEMBERS)]


class InviteList(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    user_ids: Annotated[list[Id], msgspec.Meta(max_length=MAX_INVITEES)]


class MissionAudience(msgspec.Struct, frozen=True):
    """Everything that decides who sees which item of one mission. Only current members appear: a track place,
    an invitation or an item role lapses with the membership it was given on."""

    tracks: Mapping[str, frozenset[int]]  # casefolded track name -> its members
    invitees: Mapping[int, frozenset[int]]  # item id -> the people on its invite list
    roles: Mapping[int, frozenset[int]]  # item id -> its hosts, moderators and speakers
    places: Mapping[int, frozenset[int]] = msgspec.field(default_factory=dict)  # item with a capacity -> holders

    def tracks_of(self, user_id: int) -> frozenset[str]:
        return frozenset(name for name, members in self.tracks.items() if user_id in members)


class AudienceStore(Protocol):
    async def mission_audience(self, mission_id: int) -> MissionAudience: ...

    async def tracks(self, mission_id: int) -> list[Track]:
        """The mission's tracks by name."""
        ...

    async def get_track(self, track_id: int) -> Track | None: ...

    async def create_track(self, mission_id: int, name: str) -> Track:
        """Raises Conflict `track-exists` when the mission has a track of that name (ignoring case)."""
        ...

    async def update_track(self, track_id: int, name: str, members: Collection[int]) -> Track:
        """Renames the track (and the items that name it) and replaces its members, in one transaction. Raises
        NotFound `person-not-found` for someone not in the mission, Conflict `track-exists` for a taken name."""
        ...

    async def delete_track(self, track_id: int) -> None:
        """Raises Conflict `track-in-use` while an item for a track's members names it; items for everyone that
        carry it as a label lose the label."""
        ...

    async def item_invitees(self, item_id: int) -> list[int]:
        """Current members on the item's invite list, ascending."""
        ...

    async def set_item_invitees(self, item_id: int, user_ids: Collection[int]) -> None:
        """Replaces the list. Raises NotFound `person-not-found` for someone not in the mission."""
        ...
