"""A scripted mission (issue 14's first done-when): real WebSocket clients and HTTP calls against the real app
served by uvicorn on loopback, on SQLite or PostgreSQL. People are invited and accept, join and leave a webinar,
ask, vote, request meetings (accepted, declined, left pending), meet (one call carries media both ways, one only
one way, one nobody comes to), connect in the lounge and add a lead by hand.

Why the app runs in this process and not as a server process: what the results count in minutes (watched, held)
comes from the server's clock, and the script must know those minutes exactly. The app gets a `FixedClock` the
script moves; everything else (sockets, HTTP, the database, the timers) is the real thing. The meeting clock still
ticks in real time, so the script waits (≤ 15 s) for it to settle the meetings whose end it moved past.

`ScriptedFacts` is what the script *did*, counted by the script itself — never read back from the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import msgspec
import uvicorn

from rooms.core.clock import FixedClock
from rooms.missions.accounts import SESSION_TTL, AccountService, session_handle
from server.api.core import BEARER_TTL, BearerClaims
from server.app import create_app
from server.settings import Settings
from server.tokens import Purpose, Tokens
from tests.support.procs import free_port
from tests.support.wsclient import Client

NOW = dt.datetime(2026, 6, 15, 15, 50, tzinfo=dt.UTC)
WEBINAR_START = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)
MATCHMAKING = dt.datetime(2026, 6, 15, 17, 0, tzinfo=dt.UTC)  # the block's slots: its rules (20 min + 5 min)
SLOT_A = MATCHMAKING  # the held call
SLOT_B = MATCHMAKING + dt.timedelta(minutes=25)  # media one way only
SLOT_C = MATCHMAKING + dt.timedelta(minutes=50)  # nobody comes
SLOT_D = MATCHMAKING + dt.timedelta(minutes=75)  # declined, and left pending
HELD_SECONDS = 10

# key: (name, organisation, org type, sector, side)
PEOPLE: dict[str, tuple[str, str, str, str, str]] = {
    "hank": ("Hank Host", "Netherlands Enterprise Agency", "national_government", "Trade", "delegation"),
    "anna": ("Anna Visser", "Voltera", "sme", "EV charging", "delegation"),
    "ben": ("Ben de Wit", "Voltera", "sme", "EV charging", "delegation"),
    "carla": ("Carla Jansen", "Delft University of Technology", "knowledge_institution", "Energy", "delegation"),
    "dirk": ("Dirk Bos", "Bos Advies", "consultancy", "Logistics", "delegation"),
    "mike": ("Mike Chen", "Bayfleet", "sme", "Logistics", "partner"),
    "nora": ("Nora Diaz", "City of Portland", "local_government", "Energy", "partner"),
    "omar": ("Omar Farouk", "Cascade Grid", "sme", "EV charging", "partner"),
}
NOT_ACCEPTED = ("eve@scripted.example", "Eve Laat")


@dataclass
class ScriptedFacts:
    """What the script did, counted by the script."""

    mission_id: int = 0
    ids: dict[str, int] = field(default_factory=dict)  # key -> user id
    items: dict[str, int] = field(default_factory=dict)  # webinar | matchmaking | lounge | visit -> item id
    invitations_sent: int = 0
    invitations_accepted: int = 0
    people_by_side: dict[str, int] = field(default_factory=dict)
    people_by_org_type: dict[str, int] = field(default_factory=dict)
    companies: int = 0  # distinct organisations of the people taking part (not the organiser)
    # the webinar
    viewers: int = 0  # attendees (not staff) here while it was live
    peak: int = 0
    seconds_watched: dict[str, int] = field(default_factory=dict)  # attendee -> seconds while live
    questions_asked: int = 0
    questions_answered: int = 0
    poll_voters: int = 0
    # matchmaking
    requests_sent: int = 0
    requests_accepted: int = 0
    requests_declined: int = 0
    requests_pending: int = 0
    meetings: dict[str, str] = field(default_factory=dict)  # "anna-mike" -> status the script made it end in
    held_media_seconds: int = 0
    ratings: list[int] = field(default_factory=list)
    # the lounge
    mutual_connects: int = 0
    one_sided_connects: int = 0
    # leads: owner -> sorted (source, person key or contact name); and how many leads are in each status
    leads: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    lead_statuses: dict[str, int] = field(default_factory=dict)
    # the company visit: who checked in on site
    visit_attendance: int = 0


class Scripted:
    """The running app, its clock, and one signed-in token per person."""

    def __init__(self, url: str, clock: FixedClock, settings: Settings, root: Any) -> None:
        self.url = url
        self.clock = clock
        self.settings = settings
        self.root = root
        self.tokens: dict[str, str] = {}
        self.http = httpx.AsyncClient(base_url=url, timeout=30)

    async def token(self, key: str, user_id: int, mission_id: int | None) -> str:
        store = self.root.services.store
        now = self.clock.now()
        handle = session_handle(await store.create_session(user_id, now, now + SESSION_TTL))
        ends = int((now + BEARER_TTL + dt.timedelta(days=1)).timestamp())
        token = Tokens(self.settings.secret_key).sign(
            Purpose.BEARER, msgspec.to_builtins(BearerClaims(user_id, mission_id, handle, ends)))
        self.tokens[key] = token
        return token

    async def api(self, who: str, method: str, path: str, body: Any = None, status: int | None = None) -> Any:
        answer = await self.http.request(method, path, json=body,
                                         headers={"authorization": f"Bearer {self.tokens[who]}"})
        assert answer.status_code == (status or answer.status_code) and answer.status_code < 300, (
            method, path, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    async def ws(self, who: str) -> Client:
        return await Client.open(self.url, self.tokens[who])

    def advance(self, seconds: float) -> None:
        self.clock.advance(dt.timedelta(seconds=seconds))

    def at(self, moment: dt.datetime) -> None:
        assert moment >= self.clock.now(), (moment, self.clock.now())
        self.clock.advance(moment - self.clock.now())


@contextlib.asynccontextmanager
async def serving(database_url: str) -> AsyncIterator[Scripted]:
    """The real app on a loopback port, with a clock the script moves."""
    clock = FixedClock(NOW)
    settings = Settings(database_url=database_url, secret_key="scripted-" + "x" * 40, reminders=False,
                        public_url="http://127.0.0.1")
    app = create_app(settings, clock=clock)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    scripted = Scripted(f"http://127.0.0.1:{port}", clock, settings, app.state.root)
    try:
        yield scripted
    finally:
        await scripted.http.aclose()
        server.should_exit = True
        await task


async def _call(client: Client, message: dict[str, Any]) -> dict[str, Any]:
    """The reply to `message` (again after the per-person rate limit said wait)."""
    while True:
        rid = await client.request(message)
        while True:
            frame = await client.expect("ack", "error", "joined")
            if frame.get("id") == rid:
                break
        if frame.get("code") != "rate-limited":
            assert frame["type"] != "error", (message, frame)
            return frame
        await asyncio.sleep(1.0)


async def _event(client: Client, kind: str) -> dict[str, Any]:
    """The next event of `kind` this client hears (others passed over)."""
    while True:
        frame = await client.expect("event", timeout=10.0)
        if frame["event"]["kind"] == kind:
            return frame


async def _nothing(phase: str, facts: ScriptedFacts) -> None:
    return None


async def run_mission(s: Scripted, between: Callable[[str, ScriptedFacts], Awaitable[None]] = _nothing
                      ) -> ScriptedFacts:
    """Runs the script; `between` is awaited after each phase ("invited", "webinar", "matchmaking", "lounge")
    so that a test can look at what the server shows while the mission runs."""
    facts = ScriptedFacts()
    store = s.root.services.store
    accounts = AccountService(store, s.clock)
    olga = await accounts.ensure_user("olga@scripted.example", "Olga Organiser", can_create_missions=True)
    await s.token("olga", olga.id, None)

    mission = await s.api("olga", "POST", "/api/missions", {
        "title": "Scripted mission to Portland", "destination": "Portland", "timezone": "America/Los_Angeles",
        "start_date": "2026-06-15", "end_date": "2026-06-18", "format": "hybrid", "sectors": ["EV charging"]})
    mid = mission["mission"]["id"]
    facts.mission_id = mid
    await s.token("olga", olga.id, mid)
    m = f"/api/missions/{mid}"

    def item(kind: str, title: str, start: dt.datetime, minutes: int) -> dict[str, Any]:
        return {"kind": kind, "title": title, "starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(minutes=minutes)).isoformat()}

    for key, body in (("webinar", item("webinar", "Charging the West Coast", WEBINAR_START, 45)),
                      ("matchmaking", item("matchmaking", "Matchmaking", MATCHMAKING, 150)),
                      ("lounge", item("networking", "Borrel", dt.datetime(2026, 6, 15, 20, 0, tzinfo=dt.UTC), 60)),
                      ("visit", {**item("company_visit", "Visit to the port",
                                        dt.datetime(2026, 6, 16, 16, 0, tzinfo=dt.UTC), 120),
                                 "address": "Port of Portland"})):
        facts.items[key] = (await s.api("olga", "POST", f"{m}/programme", body))["id"]
    rules = await s.api("olga", "GET", f"{m}/matchmaking/rules")
    await s.api("olga", "PUT", f"{m}/matchmaking/rules",
                {**rules, "held_seconds": HELD_SECONDS, "organiser_booking": True})

    # Invitations: everyone in PEOPLE accepts; Eve never does.
    async with httpx.AsyncClient(base_url=s.url) as anonymous:
        for key, (name, org, org_type, sector, side) in PEOPLE.items():
            made = await s.api("olga", "POST", f"{m}/invitations", {
                "email": f"{key}@scripted.example", "name": name, "side": side, "organisation": org,
                "org_type": org_type, "sector": sector})
            facts.invitations_sent += 1
            token = made["link"].split("#t=", 1)[1] if "#t=" in made["link"] else made["link"].rsplit("/", 1)[1]
            accepted = await anonymous.post("/api/invitations/accept", json={"token": token, "name": name})
            assert accepted.status_code == 200, accepted.text
            facts.invitations_accepted += 1
            user = await store.get_user_by_email(f"{key}@scripted.example")
            facts.ids[key] = user.id
            await s.token(key, user.id, mid)
            facts.people_by_side[side] = facts.people_by_side.get(side, 0) + 1
            facts.people_by_org_type[org_type] = facts.people_by_org_type.get(org_type, 0) + 1
        await s.api("olga", "POST", f"{m}/invitations",
                    {"email": NOT_ACCEPTED[0], "name": NOT_ACCEPTED[1], "side": "delegation"})
        facts.invitations_sent += 1
    facts.companies = len({org for (_, org, _, _, _) in PEOPLE.values()})
    await s.api("olga", "PUT", f"{m}/programme/{facts.items['webinar']}/roles",
                {"roles": [{"user_id": facts.ids["hank"], "role": "host"}]})

    await between("invited", facts)
    await _webinar(s, facts)
    await between("webinar", facts)
    await _matchmaking(s, facts, m)
    await between("matchmaking", facts)
    await _lounge(s, facts)
    await between("lounge", facts)
    await _visit(s, facts, m)
    made = await s.api("anna", "POST", "/api/leads", {
        "mission_id": mid, "origin": "company-visit",
        "contact": {"name": "Pat Harbour", "organisation": "Port of Portland", "email": "pat@port.example"}})
    await s.api("anna", "PUT", f"/api/leads/{made['entry']['lead']['id']}", {
        "status": "in-discussion", "notes": "Private: quay 4 needs chargers",
        "contact": {"name": "Pat Harbour", "organisation": "Port of Portland", "email": "pat@port.example"}})
    # What the script caused: a held meeting gives both a lead, so does a mutual lounge connect; an answered
    # question gives the asker a lead of the answerer and the answerer one of the asker; one added by hand.
    expected: dict[str, list[tuple[str, str]]] = {
        "anna": [("meeting", "mike"), ("lounge", "mike"), ("qa", "hank"), ("manual", "Pat Harbour")],
        "mike": [("meeting", "anna"), ("lounge", "anna")],
        "hank": [("qa", "anna")],
        "carla": [("lounge", "omar")], "omar": [("lounge", "carla")]}
    facts.leads = {k: sorted(v) for k, v in expected.items()}
    total = sum(len(v) for v in expected.values())
    facts.lead_statuses = {"new": total - 1, "in-discussion": 1}
    return facts


async def _visit(s: Scripted, facts: ScriptedFacts, m: str) -> None:
    """At the port: Anna checks in with the code shown at the gate (twice: counted once), Carla mistypes it and is
    refused, Mike's phone is flat and Olga lets him in by hand; Nora never comes."""
    s.at(dt.datetime(2026, 6, 16, 15, 50, tzinfo=dt.UTC))
    visit = f"{m}/programme/{facts.items['visit']}"
    code = (await s.api("olga", "GET", f"{visit}/checkin-code"))["code"]
    for _ in range(2):
        await s.api("anna", "POST", f"{visit}/checkin", {"code": code.lower()})
    wrong = await s.http.post(f"{visit}/checkin", json={"code": "WRONG1"},
                              headers={"authorization": f"Bearer {s.tokens['carla']}"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "checkin-code-wrong"
    await s.api("olga", "POST", f"{visit}/checkins/{facts.ids['mike']}")
    facts.visit_attendance = 2


async def _webinar(s: Scripted, facts: ScriptedFacts) -> None:
    room = f"webinar:{facts.items['webinar']}"
    s.at(WEBINAR_START)
    hank = await s.ws("hank")
    await hank.join(room)
    await hank.join(f"webinar-staff:{facts.items['webinar']}")
    await _call(hank, {"type": "webinar-start", "room": room})
    watching: dict[str, Client] = {}
    since: dict[str, dt.datetime] = {}
    seconds: dict[str, int] = {}

    async def arrive(key: str) -> None:
        client = await s.ws(key)
        await client.join(room)
        watching[key], since[key] = client, s.clock.now()
        facts.peak = max(facts.peak, len(watching))

    async def leave(key: str) -> None:
        client = watching.pop(key)
        await _call(client, {"type": "leave", "room": room})
        await client.close()
        seconds[key] = seconds.get(key, 0) + int((s.clock.now() - since.pop(key)).total_seconds())

    await arrive("anna")
    await arrive("ben")
    s.advance(120)
    await arrive("carla")
    await arrive("mike")
    s.advance(300)
    await leave("mike")  # mike comes back later: one viewer, two stretches
    asked = await _call(watching["anna"], {"type": "ask", "room": room, "text": "Which connectors?",
                                           "anonymous": False, "key": "q1"})
    await _call(watching["carla"], {"type": "ask", "room": room, "text": "Grid capacity?", "anonymous": True,
                                    "key": "q2"})
    spam = await _call(watching["ben"], {"type": "ask", "room": room, "text": "Buy my chargers", "anonymous": False,
                                         "key": "q3"})
    facts.questions_asked = 3
    await _call(hank, {"type": "moderate", "room": room, "question": asked["question"], "action": "answered"})
    await _call(hank, {"type": "moderate", "room": room, "question": spam["question"], "action": "dismiss"})
    facts.questions_answered = 1
    s.advance(240)
    await arrive("mike")
    await arrive("nora")
    await _call(hank, {"type": "poll-create", "room": room, "question": "Coming to Portland?",
                       "options": ["Yes", "No"], "multiple": False, "key": "p1"})
    poll = (await _event(hank, "w-poll"))["event"]["poll"]
    poll["poll"] = poll["id"]
    await _call(hank, {"type": "poll-state", "room": room, "poll": poll["poll"], "status": "open"})
    for key, choice in (("anna", 0), ("mike", 0), ("nora", 1)):
        await _call(watching[key], {"type": "poll-vote", "room": room, "poll": poll["poll"], "choices": [choice]})
    facts.poll_voters = 3
    s.advance(600)
    await leave("ben")
    s.advance(900)
    await _call(hank, {"type": "webinar-end", "room": room})
    for key in list(watching):
        await leave(key)
    await hank.close()
    facts.seconds_watched = seconds
    facts.viewers = len(seconds)


async def _matchmaking(s: Scripted, facts: ScriptedFacts, m: str) -> None:
    ids = facts.ids
    for key in PEOPLE:
        await s.api(key, "PUT", f"{m}/matchmaking/availability",
                    {"slots": [slot.isoformat() for slot in (SLOT_A, SLOT_B, SLOT_C, SLOT_D)]})
    requests: dict[str, int] = {}
    for (a, b, slot) in (("anna", "mike", SLOT_A), ("ben", "nora", SLOT_B), ("carla", "omar", SLOT_D),
                         ("dirk", "mike", SLOT_D)):
        made = await s.api(a, "POST", f"{m}/meetings/requests", {"to": ids[b], "slots": [slot.isoformat()]})
        requests[f"{a}-{b}"] = made["id"]
        facts.requests_sent += 1
    meeting_ab = await s.api("mike", "POST", f"/api/meeting-requests/{requests['anna-mike']}/accept",
                             {"slot": SLOT_A.isoformat()})
    meeting_bn = await s.api("nora", "POST", f"/api/meeting-requests/{requests['ben-nora']}/accept",
                             {"slot": SLOT_B.isoformat()})
    facts.requests_accepted = 2
    await s.api("omar", "POST", f"/api/meeting-requests/{requests['carla-omar']}/decline", {"reason": "Not now"})
    facts.requests_declined = 1
    facts.requests_pending = 1
    # The organiser books Anna and Omar herself; neither comes.
    await s.api("olga", "POST", f"{m}/meetings", {"a": ids["anna"], "b": ids["omar"], "slot": SLOT_C.isoformat()})

    async def call(a: str, b: str, meeting: int, slot: dt.datetime, both_ways: bool, reports: int) -> None:
        s.at(slot + dt.timedelta(minutes=1))
        room = f"meeting:{meeting}"
        ca, cb = await s.ws(a), await s.ws(b)
        await ca.join(room)
        await cb.join(room)
        for n in range(reports):
            await _call(ca, {"type": "call-report", "room": room, "sid": "pc1", "connected": True,
                             "frames": 30 * (n + 1)})
            await _call(cb, {"type": "call-report", "room": room, "sid": "pc1", "connected": both_ways,
                             "frames": 30 * (n + 1) if both_ways else 0})
            s.advance(5)
        await ca.close()
        await cb.close()

    await call("anna", "mike", meeting_ab["id"], SLOT_A, True, 5)  # 4 stretches of 5 s both ways: 20 s
    facts.meetings["anna-mike"] = "held"
    facts.held_media_seconds = 20
    await call("ben", "nora", meeting_bn["id"], SLOT_B, False, 5)
    facts.meetings["ben-nora"] = "failed-to-connect"
    facts.meetings["anna-omar"] = "no-show"
    s.at(SLOT_C + dt.timedelta(minutes=45))  # every meeting's time is over: the meeting clock settles them
    for key, rating in (("anna", 5), ("mike", 4)):
        await s.api(key, "PUT", f"/api/meetings/{meeting_ab['id']}/notes", {"notes": "Follow up", "rating": rating})
        facts.ratings.append(rating)


async def _lounge(s: Scripted, facts: ScriptedFacts) -> None:
    room = f"lounge:{facts.items['lounge']}"
    s.at(dt.datetime(2026, 6, 15, 20, 5, tzinfo=dt.UTC))
    clients = {key: await s.ws(key) for key in ("anna", "mike", "carla", "omar", "dirk")}
    for client in clients.values():
        await client.join(room)
    for a, b in (("anna", "mike"), ("mike", "anna"), ("carla", "omar"), ("omar", "carla"), ("dirk", "nora")):
        await _call(clients[a], {"type": "connect", "room": room, "user": facts.ids[b]})
    facts.mutual_connects = 2
    facts.one_sided_connects = 1
    for client in clients.values():
        await client.close()
