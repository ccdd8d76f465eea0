"""The contexts of Roundtable's domain, listed once: this is the only module that names every one of them.

rooms.core knows no feature; each context (missions, organisations, registration, mail, reminders, lobby, webinar,
matchmaking, lounge, leads, results, ledger) declares its own events, error codes and ports. What needs all of them
at once is assembled here: the union that decodes any durable event body, every error code, and the store that
implements every context's ports (the adapters in `server/` implement the same). A new context adds one line to each.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import msgspec

from rooms.core.aggregate import AggregateStore
from rooms.core.aggregate_memory import MemoryAggregates
from rooms.core.errors import CODES as CORE_CODES
from rooms.core.errors import codebook
from rooms.core.eventlog import EventLog
from rooms.core.events import Redacted, RoomEvent
from rooms.leads.errors import CODES as LEADS_CODES
from rooms.leads.events import LeadDue
from rooms.leads.memory import MemoryLeads
from rooms.leads.ports import LeadBook
from rooms.ledger.errors import CODES as LEDGER_CODES
from rooms.ledger.memory import MemoryLedger
from rooms.ledger.ports import LedgerStore
from rooms.lobby.errors import CODES as LOBBY_CODES
from rooms.lobby.events import LobbyEvent
from rooms.lounge.errors import CODES as LOUNGE_CODES
from rooms.lounge.events import LeadAdded, LoungeEvent
from rooms.mail.ports import OutboxStore
from rooms.matchmaking.errors import CODES as MATCHMAKING_CODES
from rooms.matchmaking.events import MeetingRoomEvent, Notification
from rooms.matchmaking.memory import MemoryMeetings
from rooms.matchmaking.ports import MeetingStore
from rooms.missions.audience import AudienceStore
from rooms.missions.copying import CopyStore, MemoryCopies
from rooms.missions.errors import CODES as MISSIONS_CODES
from rooms.missions.memory import MemoryMissions
from rooms.missions.ports import (
    DirectoryStore,
    InvitationStore,
    ItemRoleStore,
    MembershipStore,
    MissionStore,
    ProfileStore,
    SignInStore,
    UserStore,
)
from rooms.organisations.errors import CODES as ORGANISATIONS_CODES
from rooms.organisations.ports import OrganisationStore
from rooms.recordings.errors import CODES as RECORDINGS_CODES
from rooms.recordings.ports import RecordingStore
from rooms.registration.errors import CODES as REGISTRATION_CODES
from rooms.registration.memory import MemoryRegistrations
from rooms.registration.ports import RegistrationStore
from rooms.reminders.events import ReminderNotice
from rooms.reminders.memory import MemoryReminders
from rooms.reminders.ports import ReminderStore
from rooms.results.memory import MemoryResults
from rooms.results.ports import ResultsStore
from rooms.signups.errors import CODES as SIGNUPS_CODES
from rooms.signups.events import PlaceGiven
from rooms.signups.ports import SignupStore
from rooms.webinar.errors import CODES as WEBINAR_CODES
from rooms.webinar.events import WebinarEvent

# Every error code the domain raises, with its meaning; each belongs to one context.
ERROR_CODES = codebook(CORE_CODES, MISSIONS_CODES, LOBBY_CODES, WEBINAR_CODES, MATCHMAKING_CODES, LOUNGE_CODES,
                       ORGANISATIONS_CODES, REGISTRATION_CODES, LEADS_CODES, LEDGER_CODES,
                       SIGNUPS_CODES, RECORDINGS_CODES)

# Every durable event body, tagged by `kind`: what the log and the wire decode (rooms.core.events.EventBody).
AnyEventBody = (LobbyEvent | WebinarEvent | Notification | MeetingRoomEvent | LoungeEvent | LeadAdded | LeadDue
                | ReminderNotice | PlaceGiven
                | Redacted)


class _Encoded(msgspec.Struct, frozen=True):
    room: str
    seq: int
    at: dt.datetime
    body: AnyEventBody
    removed: bool = False


_decode_event = msgspec.json.Decoder(_Encoded).decode


def decode_event(raw: bytes | str) -> RoomEvent:
    """A RoomEvent from its JSON (msgspec.json.encode of one)."""
    e = _decode_event(raw)
    return RoomEvent(room=e.room, seq=e.seq, at=e.at, body=e.body, removed=e.removed)


class Store(UserStore, ProfileStore, MissionStore, MembershipStore, DirectoryStore, InvitationStore, SignInStore,
            ItemRoleStore, MeetingStore, LeadBook, OutboxStore, RegistrationStore, ReminderStore, EventLog,
            AggregateStore, OrganisationStore, CopyStore, ResultsStore, LedgerStore, AudienceStore, SignupStore,
            RecordingStore, Protocol):
    """Everything durable. One object may implement every part; each service asks only for the parts it uses."""

    async def ping(self) -> None:
        """Raises when the storage is unreachable."""
        ...

    async def close(self) -> None: ...


class MemoryStore(MemoryLedger, MemoryRegistrations, MemoryMissions, MemoryMeetings, MemoryLeads, MemoryReminders,
                  MemoryAggregates, MemoryCopies, MemoryResults):
    """One object implementing every part of Store, in memory.

    No method awaits anything, so under asyncio each call runs to completion before another starts: that alone
    makes every method atomic."""

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None
