"""What every room type may use on this node: its shared ports, the hub, the signal relay and delivery."""

from __future__ import annotations

from dataclasses import dataclass, field

from rooms.catalog import Store
from rooms.core.clock import Clock
from rooms.core.presence import Presence
from rooms.core.ratelimit import RateLimiter
from rooms.lobby.service import LiveService
from server.settings import Settings
from server.ws.delivery import Delivery
from server.ws.hub import Hub
from server.ws.limits import PersonSockets
from server.ws.relay import SignalRelay

# A dead node's people vanish from presence within PRESENCE_TTL + HEARTBEAT (13 s), inside the promised 15 s.
PRESENCE_TTL = 10.0
HEARTBEAT = 3.0


@dataclass(frozen=True)
class Node:
    id: str
    settings: Settings
    store: Store
    clock: Clock
    hub: Hub
    presence: Presence
    limiter: RateLimiter
    relay: SignalRelay  # WebRTC signals to one member of a call room
    delivery: Delivery
    rooms: LiveService  # presence entries, admission to lobbies and inboxes, chat and direct messages
    history: int = 50  # events a first join gets as recent history
    sockets: PersonSockets = field(default_factory=PersonSockets)  # open WebSockets per person, capped
