"""Rooms by name: `lobby:<mission>`, `inbox:<user>`, `webinar:<item>`, `table:<item>:<table>` … A room's kind
says which context's rules admit people to it; the name is what clients, the log and the broker use."""

from __future__ import annotations

import enum

import msgspec

from rooms.core.errors import Invalid


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
            raise Invalid(code="bad-room", message=f"There is no room called {name[:80]!r}.", field="room")
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
