"""The composition root: built once per process, in one direction — ports (memory or Redis, chosen here) →
services → the real-time node. Everything else receives what it needs from here; nothing builds a service of
its own."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from starlette.applications import Starlette

from rooms.catalog import Store
from rooms.core.broker import Broker
from rooms.core.broker_memory import MemoryBroker
from rooms.core.clock import Clock, SystemClock
from rooms.core.presence import Presence
from rooms.core.presence_memory import MemoryPresence
from rooms.core.ratelimit import FallbackRateLimiter, MemoryRateLimiter, RateLimiter
from rooms.leads.service import LeadService
from rooms.ledger.service import LedgerService
from rooms.lobby.service import LiveService
from rooms.lounge.service import LoungeService
from rooms.matchmaking.recommend import RecommendationCache
from rooms.matchmaking.service import MatchmakingService
from rooms.missions.accounts import AccountService
from rooms.missions.service import MissionService, ProfileService
from rooms.organisations.service import OrganisationService
from rooms.recordings.service import RecordingService
from rooms.reminders.service import ReminderService
from rooms.results.service import ResultsService
from rooms.signups.service import SignupService
from rooms.webinar.service import WebinarService
from server.api.core import Services
from server.lead_reminders import LeadReminders
from server.mail.reminder_clock import ReminderClock
from server.mail.sender import MailSender
from server.mail.smtp import SmtpTransport
from server.metrics import Metrics, stage_ping
from server.passwords import Passwords
from server.recorder import Recorder
from server.settings import Settings
from server.tokens import Tokens
from server.ws.delivery import Delivery, publishing
from server.ws.hub import Hub
from server.ws.live import Live
from server.ws.node import Node
from server.ws.relay import SignalRelay
from server.ws.rooms.registry import Registry, RoomServices, room_types
from server.ws.verified import Verified, VerifyingControl
from signaling.stage import StageMedia


@dataclass(frozen=True)
class Ports:
    store: Store
    clock: Clock
    broker: Broker
    presence: Presence
    limiter: RateLimiter
    stage: StageMedia


@dataclass
class Root:
    settings: Settings
    ports: Ports
    services: Services
    live: Live
    own_store: bool = False  # the root opened the store, so it closes it
    lead_reminders: LeadReminders | None = None  # due lead next steps (docs/leads.md)
    draining: bool = False  # shutting down: /readyz says not ready, so the load balancer sends no one new
    verified: Verified = field(default_factory=Verified)  # credentials handshakes proved a moment ago

    def __post_init__(self) -> None:
        self.reminder_clock = ReminderClock(self.services.reminders, self.services.mail)
        hub = self.live.node.hub
        store = self.services.store
        # This app's own registry (GET /metrics): the node's counters, and the probes it runs when scraped.
        self.metrics = Metrics(hub.traffic, rooms=lambda: len(hub.local_rooms()), viewers=self.live.webinar_viewers,
                               ping_db=store.ping, mail_waiting=store.mail_waiting,
                               ping_redis=self.ports.broker.ping if self.settings.redis_url else None,
                               ping_janus=stage_ping(self.ports.stage))

    def start(self) -> None:
        self.live.start()
        self.services.mail.start()
        if self.settings.reminders:
            self.reminder_clock.start()
        if self.lead_reminders is not None:
            self.lead_reminders.start()

    async def close(self) -> None:
        self.draining = True
        try:
            if self.lead_reminders is not None:
                await self.lead_reminders.close()
            await self.reminder_clock.close()
            await self.services.mail.close()
            await self.live.close()
        finally:
            if self.own_store:
                await self.ports.store.close()


async def build_ports(settings: Settings, store: Store | None, clock: Clock | None) -> Ports:
    from server.db.store_sql import SqlStore
    from server.stage_factory import build_stage

    used: Store = store if store is not None else await SqlStore.open(settings.database_url)
    broker: Broker
    presence: Presence
    limiter: RateLimiter
    if settings.redis_url:
        from server.redis.broker_redis import RedisBroker
        from server.redis.presence_redis import RedisPresence
        from server.redis.ratelimit_redis import RedisRateLimiter

        broker = await RedisBroker.connect(settings.redis_url)
        presence = await RedisPresence.connect(settings.redis_url)
        # While Redis is unreachable each node counts on its own rather than letting everything through.
        limiter = FallbackRateLimiter(await RedisRateLimiter.connect(settings.redis_url))
    else:
        broker, presence, limiter = MemoryBroker(), MemoryPresence(), MemoryRateLimiter()
    return Ports(store=used, clock=clock or SystemClock(), broker=broker, presence=presence, limiter=limiter,
                 stage=await build_stage(settings))


def build_root(settings: Settings, ports: Ports, *, own_store: bool = False) -> Root:
    store, clock = ports.store, ports.clock
    hub = Hub(ports.broker, store)
    delivery = Delivery(hub)
    # Every caller gets the services through `publishing`: what a use case appends is published when it returns.
    webinars = publishing(WebinarService(store, clock), delivery)
    lounges = publishing(LoungeService(store, clock), delivery)
    recordings = RecordingService(store, clock)
    recorder = Recorder(settings.var_dir, ports.stage, webinars, recordings)
    node_id = secrets.token_hex(4)
    tokens = Tokens(settings.secret_key)
    transport = None if settings.smtp is None else SmtpTransport(settings.smtp)
    verified = Verified()
    control = VerifyingControl(ports.broker, verified)  # a session that ends drops its proved credentials
    services = Services(
        settings=settings, store=store, clock=clock, tokens=tokens, passwords=Passwords(),
        accounts=AccountService(store, clock), missions=MissionService(store, clock), profiles=ProfileService(store),
        live=publishing(LiveService(store, clock, webinars, lounges), delivery), webinars=webinars, lounges=lounges,
        meetings=publishing(MatchmakingService(store, clock), delivery), recommendations=RecommendationCache(),
        mail=MailSender(store, clock, settings, tokens, transport, node_id),
        control=control,
        limiter=ports.limiter,
        organisations=OrganisationService(store, MissionService(store, clock)),
        reminders=ReminderService(store, clock),
        leads=publishing(LeadService(store, clock), delivery),
        results=ResultsService(store, MissionService(store, clock), clock),
        ledger=LedgerService(store, MissionService(store, clock), clock),
        signups=publishing(SignupService(store, clock), delivery),
        recordings=recordings,
        recorder=recorder,
    )
    node = Node(id=node_id, settings=settings, store=store, clock=clock, hub=hub,
                presence=ports.presence, limiter=ports.limiter, relay=SignalRelay(ports.broker),
                delivery=delivery, rooms=services.live)
    registry = Registry(room_types(node, RoomServices(webinars, lounges, services.meetings, ports.stage, recorder)))
    return Root(settings, ports, services, Live(ports.broker, node, registry, control), own_store,
                lead_reminders=LeadReminders(services.leads), verified=verified)


async def build(settings: Settings, *, store: Store | None = None, clock: Clock | None = None) -> Root:
    return build_root(settings, await build_ports(settings, store, clock), own_store=store is None)


def root_of(app: Starlette) -> Root:
    """The app's root, made by its lifespan."""
    root = app.state.root
    assert isinstance(root, Root), "the app's lifespan builds the root"
    return root
