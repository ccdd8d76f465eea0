"""Room events: what happens in a room, durable (sequenced, in the log) or ephemeral (presence).

Durable events are written to the event log first; each gets the room's next sequence number there. Clients
resume from the last sequence they saw. Ephemeral events carry no sequence: a rejoining client gets a fresh
presence snapshot instead.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import msgspec

from rooms.author import Author as Author  # re-exported: its users import it from here
from rooms.errors import Invalid
from rooms.lounge_events import LeadAdded, LoungeEvent
from rooms.notification_events import MeetingRoomEvent, Notification
from rooms.people import Side
from rooms.profile import OrgType
from rooms.webinar_events import WebinarEvent

ChatText = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
IdempotencyKey = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class RoomKind(enum.StrEnum):
    LOBBY = "lobby"  # per mission: presence, chat, announcements
    INBOX = "inbox"  # per person: direct messages (and later notifications); every tab of theirs joins it
    WEBINAR = "webinar"  # per webinar programme item: everyone watching it (the public view)
    WEBINAR_STAFF = "webinar-staff"  # per webinar: its host and moderators (the private view, attendance)
    MEETING = "meeting"  # per matchmaking meeting: its two members (signalling, m-joined/m-left)
    LOUNGE = "lounge"  # per networking programme item: every member present (tables, seats, rounds)
    TABLE = "table"  # one lounge table (`table:<item>:<table>`): the people seated there (mesh signalling)


class RoomRef(msgspec.Struct, frozen=True):
    kind: RoomKind
    id: int
    table: int = 0  # only for RoomKind.TABLE: the table within lounge `id`

    @property
    def name(self) -> str:
        if self.kind is RoomKind.TABLE:
            return f"{self.kind.value}:{self.id}:{self.table}"
        return f"{self.kind.value}:{self.id}"

    @classmethod
    def parse(cls, name: str) -> RoomRef:
        kind, sep, ident = name.partition(":")
        table = "0"
        if kind == RoomKind.TABLE:
            ident, _, table = ident.partition(":")
        if (not sep or not _is_id(ident) or not _is_id(table) or kind not in RoomKind.__members__.values()):
            raise Invalid("bad-room", f"There is no room called {name[:80]!r}.", "room")
        return cls(RoomKind(kind), int(ident), int(table))


def _is_id(text: str) -> bool:
    return text.isdigit() and len(text) <= 10


def lobby(mission_id: int) -> RoomRef:
    return RoomRef(RoomKind.LOBBY, mission_id)


def inbox(user_id: int) -> RoomRef:
    return RoomRef(RoomKind.INBOX, user_id)


def webinar(item_id: int) -> RoomRef:
    return RoomRef(RoomKind.WEBINAR, item_id)


def webinar_staff(item_id: int) -> RoomRef:
    return RoomRef(RoomKind.WEBINAR_STAFF, item_id)


def meeting(meeting_id: int) -> RoomRef:
    return RoomRef(RoomKind.MEETING, meeting_id)


def lounge(item_id: int) -> RoomRef:
    return RoomRef(RoomKind.LOUNGE, item_id)


def table(item_id: int, table_id: int) -> RoomRef:
    return RoomRef(RoomKind.TABLE, item_id, table_id)


# -- durable events (tagged union, stored in the log) --------------------------------------------------------


class ChatPosted(msgspec.Struct, frozen=True, tag_field="kind", tag="chat"):
    author: Author
    text: str


class Announced(msgspec.Struct, frozen=True, tag_field="kind", tag="announcement"):
    author: Author
    text: str


class MessageRemoved(msgspec.Struct, frozen=True, tag_field="kind", tag="removed"):
    target_seq: int
    by: int


class DirectMessage(msgspec.Struct, frozen=True, tag_field="kind", tag="dm"):
    author: Author
    to: int
    mission_id: int
    text: str


EventBody = (ChatPosted | Announced | MessageRemoved | DirectMessage | WebinarEvent | Notification
             | MeetingRoomEvent | LoungeEvent | LeadAdded)


class RoomEvent(msgspec.Struct, frozen=True):
    room: str
    seq: int
    at: dt.datetime
    body: EventBody
    removed: bool = False  # a chat message later removed by a moderator (history leaves it out)


# -- presence (ephemeral) ------------------------------------------------------------------------------------


class Status(enum.StrEnum):
    AVAILABLE = "available"
    IN_MEETING = "in-meeting"
    DO_NOT_DISTURB = "do-not-disturb"
    INVISIBLE = "invisible"  # present, but not listed to others


class PresenceEntry(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str
    org_type: OrgType
    side: Side | None
    country: str
    status: Status = Status.AVAILABLE
    sectors: list[str] = msgspec.field(default_factory=list)  # what a lounge filters people standing around by
