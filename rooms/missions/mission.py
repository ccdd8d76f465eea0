"""Missions and their programme."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection
from typing import Annotated

import msgspec

from rooms.core.errors import Invalid
from rooms.core.timezones import aware_utc, local_date, zone

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=160)]
Text = Annotated[str, msgspec.Meta(max_length=4000)]
Sector = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Sectors = Annotated[list[Sector], msgspec.Meta(max_length=12)]
TzName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]

MAX_MISSION_DAYS = 60
MAX_ITEM_HOURS = 12


class Direction(enum.StrEnum):
    OUTGOING = "outgoing"  # our companies visit a foreign market
    INCOMING = "incoming"  # foreign companies visit us


class Format(enum.StrEnum):
    ONLINE = "online"
    HYBRID = "hybrid"  # online plus physical company visits
    PHYSICAL = "physical"  # on location; the platform carries the programme, directory and matchmaking

    @property
    def on_location(self) -> bool:
        """Whether people meet in person somewhere: company visits belong only to such missions."""
        return self is not Format.ONLINE


class Audience(enum.StrEnum):
    """Who may see and join a programme item (docs/programme.md): organisers and the item's hosts and speakers
    always may; others see nothing of an item outside their audience, not even that it exists."""

    ALL = "all"  # every member
    TRACK = "track"  # the members of the track the item names (a sub-delegation)
    INVITED = "invited"  # the people on the item's invite list (a minister's bilateral, a CEO roundtable)


class ItemKind(enum.StrEnum):
    WEBINAR = "webinar"
    MATCHMAKING = "matchmaking"
    NETWORKING = "networking"
    GROUP_SESSION = "group_session"
    COMPANY_VISIT = "company_visit"
    ROUNDTABLE = "roundtable"  # a chaired conversation: a minister with ten CEOs

    @property
    def has_stage(self) -> bool:
        """Whether the item has a live room on camera (docs/webinar.md): a webinar's stage, or a group room."""
        return self in (ItemKind.WEBINAR, ItemKind.GROUP_SESSION, ItemKind.ROUNDTABLE)

    @property
    def group_room(self) -> bool:
        """A group room: everyone may be on camera, a chair gives the floor (docs/webinar.md, "Group rooms")."""
        return self in (ItemKind.GROUP_SESSION, ItemKind.ROUNDTABLE)

    @property
    def takes_places(self) -> bool:
        """Whether the item may have a capacity, with sign-up and a waiting list (a webinar's audience and a
        matchmaking block's meetings are bounded otherwise)."""
        return self not in (ItemKind.WEBINAR, ItemKind.MATCHMAKING)


def _clean_sectors(values: list[str], field: str) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        clean = " ".join(value.split())
        if not clean:
            raise Invalid(code="required", message="A sector cannot be empty.", field=field)
        seen.setdefault(clean.casefold(), clean)
    return list(seen.values())


class MissionDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    title: Title
    destination: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    timezone: TzName
    start_date: dt.date
    end_date: dt.date
    direction: Direction = Direction.OUTGOING
    format: Format = Format.ONLINE
    sectors: Sectors = msgspec.field(default_factory=list)
    description: Text = ""
    webinar_max_minutes: Annotated[int, msgspec.Meta(ge=15, le=240)] = 60

    def validated(self) -> MissionDraft:
        zone(self.timezone)
        title = " ".join(self.title.split())
        if not title:
            raise Invalid(code="required", message="A mission needs a title.", field="title")
        if self.end_date < self.start_date:
            raise Invalid(code="end-before-start", message="The mission ends before it starts.", field="end_date")
        if (self.end_date - self.start_date).days >= MAX_MISSION_DAYS:
            raise Invalid(code="too-long", message=f"A mission lasts at most {MAX_MISSION_DAYS} days.",
                          field="end_date")
        return msgspec.structs.replace(
            self,
            title=title,
            destination=" ".join(self.destination.split()),
            sectors=_clean_sectors(self.sectors, "sectors"),
        )


class Mission(msgspec.Struct, frozen=True):
    id: int
    title: str
    destination: str
    timezone: str
    start_date: dt.date
    end_date: dt.date
    direction: Direction
    format: Format
    sectors: list[str]
    description: str
    webinar_max_minutes: int
    created_by: int
    created_at: dt.datetime


class ItemDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kind: ItemKind
    title: Title
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: Text = ""
    address: Annotated[str, msgspec.Meta(max_length=300)] = ""
    track: Annotated[str, msgspec.Meta(max_length=60)] = ""
    audience: Audience = Audience.ALL
    city: Annotated[str, msgspec.Meta(max_length=80)] = ""
    venue: Annotated[str, msgspec.Meta(max_length=160)] = ""
    timezone: Annotated[str, msgspec.Meta(max_length=64)] = ""  # "" = the mission's zone
    capacity: Annotated[int, msgspec.Meta(ge=1, le=5000)] | None = None  # places, taken by signing up

    def validated(self, mission: Mission, tracks: Collection[str] = ()) -> ItemDraft:
        """`tracks` names the mission's track records; an item's track is one of those or one of its sectors."""
        starts = aware_utc(self.starts_at, "starts_at")
        ends = aware_utc(self.ends_at, "ends_at")
        title = " ".join(self.title.split())
        if not title:
            raise Invalid(code="required", message="A programme item needs a title.", field="title")
        if self.capacity is not None and not self.kind.takes_places:
            raise Invalid(code="capacity-not-for-kind", message="Webinars and matchmaking blocks take no sign-ups.",
                          field="capacity")
        if ends <= starts:
            raise Invalid(code="end-before-start", message="The item ends before it starts.", field="ends_at")
        minutes = (ends - starts).total_seconds() / 60
        if minutes > MAX_ITEM_HOURS * 60:
            raise Invalid(code="too-long", message=f"A programme item lasts at most {MAX_ITEM_HOURS} hours.",
                          field="ends_at")
        if self.kind is ItemKind.WEBINAR and minutes > mission.webinar_max_minutes:
            raise Invalid(code="webinar-too-long",
                          message=f"Webinars in this mission last at most {mission.webinar_max_minutes} minutes.",
                          field="ends_at")
        timezone = self.timezone.strip()
        # The item's own zone decides its day: a mission crossing zones has its days where its items happen.
        tz = zone(timezone or mission.timezone, "timezone")
        if timezone == mission.timezone:
            timezone = ""
        if not mission.start_date <= local_date(starts, tz) <= mission.end_date:
            raise Invalid(code="outside-mission",
                          message=f"The item must start between {mission.start_date} and {mission.end_date} "
                f"({timezone or mission.timezone}).",
                          field="starts_at")
        address = " ".join(self.address.split())
        if self.kind is ItemKind.COMPANY_VISIT:
            if not mission.format.on_location:
                raise Invalid(code="visit-needs-hybrid",
                              message="Company visits belong to hybrid or physical missions.", field="kind")
            if not address:
                raise Invalid(code="address-required", message="A company visit needs an address.", field="address")
        track = " ".join(self.track.split())
        records = {t.casefold(): t for t in tracks}
        if track.casefold() in records:
            track = records[track.casefold()]
        elif self.audience is Audience.TRACK:
            raise Invalid(code="track-needs-track",
                          message="An item for a track's members names one of the mission's tracks.", field="track")
        elif track and mission.sectors and track.casefold() not in {s.casefold() for s in mission.sectors}:
            raise Invalid(code="unknown-track", message="The track must be one of the mission's sectors or tracks.",
                          field="track")
        return msgspec.structs.replace(
            self, title=title, starts_at=starts, ends_at=ends, address=address, track=track,
            city=" ".join(self.city.split()), venue=" ".join(self.venue.split()), timezone=timezone,
        )


class ProgrammeItem(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    kind: ItemKind
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str
    address: str
    track: str
    audience: Audience = Audience.ALL
    city: str = ""
    venue: str = ""
    timezone: str = ""  # "" = the mission's zone
    capacity: int | None = None  # None: no sign-up
