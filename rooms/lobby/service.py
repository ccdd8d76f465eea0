"""The live use cases of the real-time core: joining rooms, chat, direct messages, announcements,
moderation and status. Each checks the policy, writes durable events to the log, and returns what it appended;
the service as the composition root hands it out publishes that as the use case returns
(server/ws/delivery.py, `publishing`), and the gateway acknowledges."""

from __future__ import annotations

from typing import Protocol, assert_never

from rooms.core.cards import Author
from rooms.core.clock import Clock
from rooms.core.errors import Invalid, NotFound
from rooms.core.eventlog import EventLog
from rooms.core.events import Appended
from rooms.core.presence import PresenceEntry, Status
from rooms.core.refs import RoomKind, RoomRef, inbox, lobby
from rooms.lobby.events import Announced, ChatPosted, DirectMessage, MessageRemoved
from rooms.missions.people import User
from rooms.missions.ports import DirectoryStore, MembershipStore, MissionStore, ProfileStore
from rooms.policy import Action, Actor, require, require_own_inbox


class LobbyStore(ProfileStore, MissionStore, MembershipStore, DirectoryStore, EventLog, Protocol):
    """What the lobby uses of the store."""


MAX_TEXT = 2000


def clean_text(text: str) -> str:
    # Stored as typed (escaping is the display's job); only trailing space and empty messages are refused.
    text = text.rstrip()
    if not text.strip():
        raise Invalid(code="empty-message", message="A message cannot be empty.", field="text")
    if len(text) > MAX_TEXT:
        raise Invalid(code="too-long", message=f"A message has at most {MAX_TEXT} characters.", field="text")
    return text


class RoomAdmission(Protocol):
    """Who may be in another context's rooms: a webinar's (rooms.webinar.service.WebinarService), a lounge's and
    its tables' (rooms.lounge.service.LoungeService). Handed in, so that the lobby depends on no other context."""

    async def may_join(self, user: User, ref: RoomRef) -> None: ...


class LiveService:
    def __init__(self, store: LobbyStore, clock: Clock, webinars: RoomAdmission | None = None,
                 lounges: RoomAdmission | None = None) -> None:
        self._store = store
        self._clock = clock
        self._webinars = webinars
        self._lounges = lounges

    async def _actor(self, user: User, mission_id: int, action: Action) -> Actor:
        if await self._store.get_mission(mission_id) is None:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        actor = Actor(user, await self._store.get_membership(mission_id, user.id))
        require(actor, action)
        return actor

    async def author(self, user: User) -> Author:
        profile = await self._store.get_profile(user.id)
        return Author(user.id, user.name, profile.organisation if profile else "")

    async def may_join(self, user: User, room: RoomRef) -> None:
        """Raises unless this user may be in this room."""
        match room.kind:
            case RoomKind.LOBBY:
                await self._actor(user, room.id, Action.JOIN_LOBBY)
            case RoomKind.INBOX:
                require_own_inbox(user, room.id)
            case RoomKind.WEBINAR | RoomKind.WEBINAR_STAFF:
                if self._webinars is None:
                    raise NotFound(code="webinar-not-found", message="Webinar not found.")
                await self._webinars.may_join(user, room)
            case RoomKind.MEETING:
                # Meeting rooms are admitted by MatchmakingService.may_join_meeting (server/ws/meeting.py).
                raise NotFound(code="meeting-not-found", message="Meeting not found.")
            case RoomKind.LOUNGE | RoomKind.TABLE:
                if self._lounges is None:
                    raise NotFound(code="lounge-not-found", message="Lounge not found.")
                await self._lounges.may_join(user, room)
            case _:
                assert_never(room.kind)

    async def presence_entry(self, user: User, mission_id: int, status: Status) -> PresenceEntry:
        entry = await self._store.directory_entry(mission_id, user.id)
        if entry is None:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        p = entry.profile
        return PresenceEntry(user_id=user.id, name=p.name, organisation=p.organisation, org_type=p.org_type,
                             side=entry.side, country=p.country, status=status, sectors=list(p.sectors))

    async def say(self, user: User, room: RoomRef, text: str, key: str | None) -> Appended:
        if room.kind is not RoomKind.LOBBY:
            raise Invalid(code="bad-room", message="Chat is for lobbies; use a direct message for one person.",
                          field="room")
        sender = await self._store.sender(room.id, user.id)  # one read for the policy and the signature
        if not sender.mission_found:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        require(Actor(user, sender.membership), Action.CHAT)
        body = ChatPosted(Author(user.id, user.name, sender.organisation), clean_text(text))
        return await self._append([(room.name, body)], user, key)

    async def announce(self, user: User, mission_id: int, text: str, key: str | None) -> Appended:
        await self._actor(user, mission_id, Action.ANNOUNCE)
        body = Announced(await self.author(user), clean_text(text))
        return await self._append([(lobby(mission_id).name, body)], user, key)

    async def direct(self, user: User, mission_id: int, to: int, text: str, key: str | None) -> Appended:
        await self._actor(user, mission_id, Action.DIRECT_MESSAGE)
        if to == user.id:
            raise Invalid(code="to-self", message="You cannot send a direct message to yourself.", field="to")
        if await self._store.get_membership(mission_id, to) is None:
            raise NotFound(code="person-not-found", message="Person not found.")
        body = DirectMessage(await self.author(user), to=to, mission_id=mission_id, text=clean_text(text))
        return await self._append([(inbox(user.id).name, body), (inbox(to).name, body)], user, key)

    async def remove(self, user: User, room: RoomRef, seq: int) -> Appended:
        if room.kind is not RoomKind.LOBBY:
            raise Invalid(code="bad-room", message="Only lobby messages can be removed.", field="room")
        await self._actor(user, room.id, Action.MODERATE_CHAT)
        if not await self._store.mark_removed(room.name, seq):
            raise NotFound(code="message-not-found", message="Message not found.")
        # The removal is itself an event, so every client (and every later resume) learns of it.
        return await self._append([(room.name, MessageRemoved(seq, by=user.id))], user, None)

    async def _append(self, entries: list[tuple[str, ChatPosted | Announced | DirectMessage | MessageRemoved]],
                      user: User, key: str | None) -> Appended:
        written = await self._store.append(entries, user.id, key, self._clock.now())
        return Appended([event for event, _ in written], fresh=all(fresh for _, fresh in written))
